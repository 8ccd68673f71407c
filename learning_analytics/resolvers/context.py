"""The typed context of one request, built the same way for GraphQL and REST."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ..cache import ResponseCache
from ..config import Settings
from ..domain.ingest import local_time
from ..domain.models import User
from ..storage.db import Database
from .loaders import Loaders, build_loaders
from .runtime import Runtime


@dataclass
class Context:
    settings: Settings
    db: Database
    user: User
    now: datetime
    # The response cache, so a use case that changes a user's answers can invalidate them.
    cache: ResponseCache
    loaders: Loaders = field(init=False)
    # How long the answer being computed may be cached at most (None: its kind's TTL); see `keep_for`.
    max_age: float | None = field(default=None, init=False)

    def keep_for(self, seconds: float) -> None:
        """The answer must not be served from the cache past `seconds` from now (0: never cached),
        e.g. because it shows events waiting for a fold another process may run at any time."""
        self.max_age = seconds if self.max_age is None else min(self.max_age, seconds)

    # The service the request runs in (its key cache: a learner deleting their data forgets their keys).
    runtime: Runtime | None = None


def build_context(runtime: Runtime, user: User, *, now: datetime | None = None) -> Context:
    """The context of one request or job: `now` is the given instant, else the runtime's clock."""
    # The request's reads share a few pooled connections, however many resolvers run at once.
    db = runtime.db.gated(runtime.settings.limits.max_request_connections)
    ctx = Context(
        settings=runtime.settings,
        db=db,
        user=user,
        now=now or runtime.clock(),
        cache=runtime.cache,
        runtime=runtime,
    )
    today = local_time(ctx.now, ZoneInfo(user.timezone)).day
    ctx.loaders = build_loaders(db, user.id, today=today, progress=runtime.settings.progress)
    return ctx
