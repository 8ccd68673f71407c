"""The long-lived resources of one running service, owned by the app's lifespan or a CLI command."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..config import Settings
from ..storage import db as storage_db
from ..storage import migrate
from ..storage.db import Database, DatabaseBusy
from .key_cache import KeyCache

__all__ = ["DatabaseBusy", "Services", "running_services"]


@dataclass
class Services:
    settings: Settings
    db: Database
    # "Now" for every request context (tests set a fixed one).
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    key_cache: KeyCache = field(init=False)

    def __post_init__(self) -> None:
        self.key_cache = KeyCache(ttl_seconds=self.settings.key_cache_seconds)


@asynccontextmanager
async def running_services(settings: Settings, *, upgrade: bool = True) -> AsyncIterator[Services]:
    """Open the database (migrated to the newest schema unless told otherwise) and close it afterwards."""
    database = storage_db.connect(settings.database_url, settings.database, settings.limits)
    try:
        if upgrade:
            await migrate.upgrade(database)
        yield Services(settings=settings, db=database)
    finally:
        await database.dispose()
