"""The caller: the `viewer` query."""

from __future__ import annotations

import strawberry

from ..domain import models
from .context import Info


@strawberry.type(description="The caller.")
class User:
    id: strawberry.ID
    name: str
    timezone: str = strawberry.field(description="IANA timezone that decides the local day of new events.")

    @classmethod
    def from_domain(cls, u: models.User) -> User:
        return cls(id=strawberry.ID(u.id), name=u.name, timezone=u.timezone)


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller.")
    def viewer(self, info: Info) -> User:
        return User.from_domain(info.context.user)
