"""The typed context of one request, built the same way for GraphQL and REST."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from ..config import Settings
from ..domain.models import User
from ..storage.db import Database
from .loaders import Loaders, build_loaders
from .services import Services


@dataclass
class Context:
    settings: Settings
    db: Database
    user: User
    now: datetime
    loaders: Loaders = field(init=False)


def build_context(services: Services, user: User, *, now: datetime | None = None) -> Context:
    """The context of one request or job: `now` is the given instant, else the services' clock."""
    from .topics import mastery_by_topic

    # The request's reads share a few pooled connections, however many resolvers run at once.
    db = services.db.gated(services.settings.limits.max_request_connections)
    ctx = Context(settings=services.settings, db=db, user=user, now=now or services.clock())
    # The mastery loader calls back into the use case with this very context.
    ctx.loaders = build_loaders(db, user.id, partial(mastery_by_topic, ctx))
    return ctx
