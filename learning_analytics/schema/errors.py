"""Expected failures as data: union members, never exceptions; bad arguments as coded GraphQL errors."""

from __future__ import annotations

import re

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

    @classmethod
    def from_ingest(cls, e: InvalidInput, *, single: bool = False) -> ValidationError:
        """An ingestion error with its field named by the mutation's arguments (`input[3].sessionId`)."""
        return cls(message=e.message, field=argument_path(e.field, single=single), code=e.code)


_ITEM = re.compile(r"^(?:sessions|exchanges|feedback)\[(\d+)\]")
_SNAKE = re.compile(r"_([a-z0-9])")


def argument_path(field: str | None, *, single: bool = False) -> str | None:
    """A domain path (`exchanges[3].session_id`, `batch`) as the GraphQL argument path (`input[3].sessionId`).

    The batch's lists are the mutation's `input` argument; with `single` (recordSession) `input`
    is one item, so its index goes. Names are camelCase, as on the wire.
    """
    if field is None:
        return None
    if field == "batch":
        return "input"
    item = _ITEM.match(field)
    if item is None:
        return _SNAKE.sub(lambda m: m.group(1).upper(), field)
    head = "input" if single else f"input[{item.group(1)}]"
    return head + _SNAKE.sub(lambda m: m.group(1).upper(), field[item.end() :])


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
