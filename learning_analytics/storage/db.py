"""Engines and connections for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, `foreign_keys=ON` and a busy timeout on every connection, and all writes go
through one dedicated connection that opens its transactions with `BEGIN IMMEDIATE`: concurrent
requests queue for the writer instead of failing with "database is locked". Readers use their own
pool and never block the writer in WAL mode. PostgreSQL uses one asyncpg pool for both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from ..config import DatabaseSettings


@dataclass(frozen=True, slots=True)
class Database:
    """The engines of one database: `read()` and `write()` hand out connections in a transaction."""

    url: str
    reader: AsyncEngine
    writer: AsyncEngine

    @property
    def dialect(self) -> str:
        return self.reader.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside a write transaction, committed on success and rolled back on error."""
        async with self.writer.begin() as conn:
            yield conn

    async def dispose(self) -> None:
        await self.reader.dispose()
        if self.writer is not self.reader:
            await self.writer.dispose()


def _sqlite_pragmas(settings: DatabaseSettings, *, begin: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so our own BEGIN is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.execute(f"PRAGMA synchronous={settings.sqlite_synchronous}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA cache_size=-65536")
        # Checkpoint the WAL every ~40 MB instead of every 4 MB: fewer, larger checkpoints under bulk ingestion.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()

    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return on_connect, on_begin


def connect(url: str, settings: DatabaseSettings | None = None) -> Database:
    """Open the engines for `url` (`sqlite+aiosqlite:///file.db` or `postgresql+asyncpg://…`)."""
    settings = settings or DatabaseSettings()
    if url.startswith("sqlite"):
        reader = create_async_engine(
            url,
            echo=settings.echo,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=max(2, settings.pool_size // 2),
            max_overflow=0,
            pool_timeout=60,
        )
        writer = create_async_engine(
            url,
            echo=settings.echo,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=120,
        )
        for engine, begin in ((reader, "BEGIN"), (writer, "BEGIN IMMEDIATE")):
            on_connect, on_begin = _sqlite_pragmas(settings, begin=begin)
            event.listen(engine.sync_engine, "connect", on_connect)
            event.listen(engine.sync_engine, "begin", on_begin)
        return Database(url=url, reader=reader, writer=writer)
    engine = create_async_engine(
        url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.pool_size,
        pool_pre_ping=False,
    )
    return Database(url=url, reader=engine, writer=engine)
