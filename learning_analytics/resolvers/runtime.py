"""The runtime of one running service: settings, database, key cache and clock, owned by the app's
lifespan or a CLI command, and the one place where the settings become storage's engine options."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..cache import ResponseCache, build_cache
from ..config import Settings
from ..storage import db as storage_db
from ..storage import locks, migrate
from ..storage.db import Database, DatabaseBusy, EngineOptions
from .key_cache import KeyCache

__all__ = ["DatabaseBusy", "Runtime", "engine_options", "open_database", "open_runtime"]


@dataclass
class Runtime:
    settings: Settings
    db: Database
    # "Now" for every request context (tests set a fixed one).
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    key_cache: KeyCache = field(init=False)
    # The response cache; in memory unless given (`open_runtime` builds it from the settings).
    cache: ResponseCache = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.key_cache = KeyCache(ttl_seconds=self.settings.key_cache_seconds)
        if self.cache is None:
            self.cache = response_cache(self.settings, url=None)

    def lock(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold the lock `name` across processes for the block: yields True when acquired, False at
        once when another process holds it (PostgreSQL advisory lock; always True on SQLite)."""
        return locks.held(self.db, name)


def engine_options(settings: Settings) -> EngineOptions:
    """The engines' pools, timeouts and pragmas: the `database` section as it is, and the read and
    write bounds of the `limits` section."""
    limits = settings.limits
    return EngineOptions(
        **settings.database.model_dump(),
        statement_timeout_ms=limits.statement_timeout_ms,
        pool_timeout_seconds=limits.pool_timeout_seconds,
        write_timeout_seconds=limits.write_timeout_seconds,
        busy_retry_after_seconds=limits.busy_retry_after_seconds,
    )


def response_cache(settings: Settings, *, url: str | None) -> ResponseCache:
    """The response cache of the `cache` section: in memory, or in the Redis at `url`."""
    c = settings.cache
    return build_cache(
        url=url,
        enabled=c.enabled,
        max_bytes=c.max_bytes,
        max_entry_bytes=c.max_entry_bytes,
        key_prefix=c.key_prefix,
        timeout_seconds=c.timeout_seconds,
    )


def open_database(settings: Settings) -> Database:
    """The engines of `settings.database_url`, set up from the settings (the caller disposes of them)."""
    return storage_db.connect(settings.database_url, engine_options(settings))


@asynccontextmanager
async def open_runtime(settings: Settings, *, upgrade: bool = True) -> AsyncIterator[Runtime]:
    """Open the database (migrated to the newest schema unless told otherwise) and close it afterwards."""
    database = open_database(settings)
    cache = response_cache(settings, url=settings.cache_url)
    try:
        if upgrade:
            await migrate.upgrade(database)
        yield Runtime(settings=settings, db=database, cache=cache)
    finally:
        await cache.close()
        await database.dispose()
