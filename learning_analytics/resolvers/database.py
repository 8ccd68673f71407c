"""The database as an operator sees it: readiness, the schema revision, and the planner's statistics."""

from __future__ import annotations

from dataclasses import dataclass

from ..storage import maintenance, migrate
from .runtime import Runtime


@dataclass(frozen=True, slots=True)
class Readiness:
    """The database answered: its dialect, the schema revision it is at, and the newest one known."""

    dialect: str
    revision: str | None
    head: str | None

    @property
    def migrated(self) -> bool:
        return self.revision == self.head


async def readiness(runtime: Runtime) -> Readiness:
    """Ping the database and read its schema revision; raises whatever kept the database from answering."""
    await maintenance.ping(runtime.db)
    revision = await migrate.current_revision(runtime.db)
    return Readiness(dialect=runtime.db.dialect, revision=revision, head=migrate.head_revision())


async def schema_revision(runtime: Runtime) -> str | None:
    """The schema revision the database is at (None before the first migration)."""
    return await migrate.current_revision(runtime.db)


async def analyze(runtime: Runtime) -> None:
    """Refresh the planner's statistics (ANALYZE), as both databases advise after a bulk load."""
    await maintenance.analyze(runtime.db)


async def upgrade(runtime: Runtime) -> None:
    """Apply the schema migrations up to the newest revision (nothing when it is there already)."""
    await migrate.upgrade(runtime.db)
