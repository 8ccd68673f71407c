"""Expected failures as data: union members, never exceptions; bad arguments as coded GraphQL errors."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from ..domain.errors import InvalidInput, NotFound


@strawberry.interface(description="An expected failure, returned as data.")
class Error:
    message: str


@strawberry.type(
    description="The input broke a rule; `field` names the offending value, e.g. `exchanges[3].quality`."
)
class ValidationError(Error):
    field: str | None
    code: str

    @classmethod
    def from_domain(cls, e: InvalidInput) -> ValidationError:
        return cls(message=e.message, field=e.field, code=e.code)


@strawberry.type(description="Nothing with this id exists for the caller.")
class NotFoundError(Error):
    id: strawberry.ID

    @classmethod
    def from_domain(cls, e: NotFound) -> NotFoundError:
        return cls(message=e.message, id=strawberry.ID(e.id))


def bad_argument(e: InvalidInput) -> GraphQLError:
    """A field whose result is not a union reports bad arguments as an error with a code and a field."""
    extensions: dict[str, object] = {"code": "BAD_USER_INPUT", "field": e.field, "reason": e.code}
    if e.limit is not None:
        extensions["limit"] = e.limit
    return GraphQLError(e.message, extensions=extensions)
