"""Engines and connections for SQLite (embedded default) and PostgreSQL.

SQLite gets WAL, `foreign_keys=ON` and a busy timeout on every connection, and all writes go
through one dedicated connection that opens its transactions with `BEGIN IMMEDIATE`: concurrent
requests queue for the writer instead of failing with "database is locked". Readers use their own
pool and never block the writer in WAL mode. PostgreSQL has a read pool and a write pool.

Reads are bounded so that no request can hold the database for everyone: each read statement
has a timeout (PostgreSQL `statement_timeout`; on SQLite a progress handler aborts the statement
past its deadline), a connection is waited for at most `pool_timeout_seconds`, and a
request's own reads may be gated to a few connections at a time (`Database.gated`). Whatever
cannot be served in time raises `DatabaseBusy`, which the edges answer with 503 and Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

log = logging.getLogger(__name__)

# Each SQLite connection's page cache (KiB): the indexes and hot pages of a learner's reads.
SQLITE_CACHE_KIB = 65536
# SQLite calls the progress handler every this many virtual-machine instructions (~1 ms of work):
# often enough for a timely abort, rarely enough to cost nothing measurable.
PROGRESS_STEPS = 20_000
# PostgreSQL SQLSTATEs that mean "not now" rather than "wrong": query_canceled (statement_timeout),
# lock_not_available, too_many_connections, cannot_connect_now.
_BUSY_SQLSTATES = {"57014": "statement timeout", "55P03": "lock wait", "53300": "too many connections",
                   "57P03": "server starting"}  # fmt: skip


class DatabaseBusy(Exception):
    """The database could not serve this in time: no free connection within the pool timeout, a
    statement cut by its timeout, or a lock held past the busy timeout. Transient: retry after
    `retry_after` seconds."""

    def __init__(self, reason: str, *, retry_after: int) -> None:
        super().__init__(f"the service is busy ({reason}); retry in {retry_after} s")
        self.reason = reason
        self.retry_after = retry_after


def busy_reason(error: BaseException) -> str | None:
    """Why `error` means the database is busy (pool, statement timeout, lock), or None if it does not.
    `error` is SQLAlchemy's, or the driver's own (from `Database.driver_rows`)."""
    if isinstance(error, sa_exc.TimeoutError):
        return "no database connection free"
    orig: BaseException | None
    if isinstance(error, sa_exc.DBAPIError):
        orig = error.orig
    elif isinstance(error, sqlite3.Error) or hasattr(error, "sqlstate"):
        orig = error
    else:
        return None
    state = getattr(orig, "sqlstate", None)
    if state in _BUSY_SQLSTATES:
        return _BUSY_SQLSTATES[state]
    message = str(orig)
    if "database is locked" in message or "database table is locked" in message:
        return "database locked"
    if message == "interrupted":  # a SQLite statement aborted by the deadline's progress handler
        return "statement timeout"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineOptions:
    """How `connect` sets up the engines: pools, timeouts and SQLite pragmas. The runtime fills it from
    the settings' `database` section (every field of it) and `limits`; storage takes the values, not
    the settings."""

    pool_size: int  # read connections (both databases)
    write_pool_size: int  # write connections on PostgreSQL (SQLite has exactly one writer)
    echo: bool
    sqlite_synchronous: str
    sqlite_busy_timeout_ms: int
    statement_timeout_ms: int  # every read statement is cut after this long; 0: never
    pool_timeout_seconds: float  # how long a read waits for a pooled connection
    write_timeout_seconds: float  # how long a write waits for its connection or another's lock
    busy_retry_after_seconds: int  # the `retry_after` of `DatabaseBusy`


@dataclass(frozen=True, slots=True)
class Database:
    """The engines of one database: `read()` and `write()` hand out connections in a transaction."""

    url: str
    reader: AsyncEngine
    writer: AsyncEngine
    retry_after: int = 2
    gate: asyncio.Semaphore | None = None
    # A read connection every `read()` reuses (see `pinned`), instead of one from the pool each time.
    shared: AsyncConnection | None = None
    # The read statements' timeout (0: none), armed by hand for statements run on the driver itself.
    statement_timeout_ms: int = 0

    @property
    def dialect(self) -> str:
        return self.reader.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def gated(self, connections: int) -> Database:
        """The same database whose reads take at most `connections` pooled connections at a time:
        one request's concurrent resolvers then cannot take the whole read pool."""
        return replace(self, gate=asyncio.Semaphore(max(1, connections)))

    @asynccontextmanager
    async def pinned(self) -> AsyncIterator[Database]:
        """The same database whose reads, for the block, all use one connection in one transaction:
        a sequence of small reads (one learner's evaluation) then costs one checkout and one snapshot,
        not one per read. Only for reads made one after the other, never concurrently."""
        async with self.read() as conn:
            yield replace(self, shared=conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A read connection (its statements bounded by the statement timeout)."""
        if self.shared is not None:
            yield self.shared
            return
        try:
            if self.gate is None:
                async with self.reader.connect() as conn:
                    yield conn
            else:
                async with self.gate, self.reader.connect() as conn:
                    yield conn
        except sa_exc.SQLAlchemyError as e:
            self._raise_if_busy(e)
            raise

    async def driver_rows(
        self, sql: str, params: Sequence[Any], *, sqlite_cache_kib: int | None = None
    ) -> list[Sequence[Any]]:
        """The rows of one read statement run on the driver itself (aiosqlite or asyncpg) on a pooled
        read connection: tuples (SQLite) or asyncpg records, with no SQLAlchemy row objects and no type
        processing, for reads of a million rows. `sql` takes the driver's parameters (`?` or `$1`).
        The same statement timeout and busy errors as `read()`; the statement is its own transaction.
        With `sqlite_cache_kib`, the connection's page cache is held to that size for this statement
        (a long scan then does not fill it with pages read once)."""
        async with self.read() as conn:
            fairy = await conn.get_raw_connection()
            driver: Any = fairy.driver_connection
            try:
                if not self.is_sqlite:
                    return list(await driver.fetch(sql, *params))
                deadline = fairy.info.get("statement_deadline")
                if deadline is not None:
                    deadline[0] = time.monotonic() + self.statement_timeout_ms / 1000
                if sqlite_cache_kib is None:
                    return list(await driver.execute_fetchall(sql, params))
                await driver.execute_fetchall(f"PRAGMA cache_size=-{int(sqlite_cache_kib)}")
                try:
                    return list(await driver.execute_fetchall(sql, params))
                finally:
                    await driver.execute_fetchall(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            except Exception as e:
                reason = busy_reason(e)
                if reason is None:
                    raise
                log.warning("database busy (%s): answering 503, retry after %d s", reason, self.retry_after)
                raise DatabaseBusy(reason, retry_after=self.retry_after) from e

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside a write transaction, committed on success and rolled back on error."""
        try:
            async with self.writer.begin() as conn:
                yield conn
        except sa_exc.SQLAlchemyError as e:
            self._raise_if_busy(e)
            raise

    def _raise_if_busy(self, error: sa_exc.SQLAlchemyError) -> None:
        reason = busy_reason(error)
        if reason is not None:
            log.warning("database busy (%s): answering 503, retry after %d s", reason, self.retry_after)
            raise DatabaseBusy(reason, retry_after=self.retry_after) from error

    async def dispose(self) -> None:
        await self.reader.dispose()
        if self.writer is not self.reader:
            await self.writer.dispose()


def _sqlite_pragmas(options: EngineOptions, *, begin: str, statement_timeout_ms: int | None) -> Any:
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # Take transaction control away from the driver so our own BEGIN is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(options.sqlite_busy_timeout_ms)}")
        cursor.execute(f"PRAGMA synchronous={options.sqlite_synchronous}")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        # Checkpoint the WAL every ~40 MB instead of every 4 MB: fewer, larger checkpoints under bulk ingestion.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.close()
        if statement_timeout_ms:
            deadline = [math.inf]  # set before each statement (`_arm_deadline`), read in SQLite's thread
            record.info["statement_deadline"] = deadline

            def past_deadline() -> int:
                return 1 if time.monotonic() > deadline[0] else 0

            dbapi_connection.run_async(lambda conn: conn.set_progress_handler(past_deadline, PROGRESS_STEPS))

    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    return on_connect, on_begin


def _arm_deadline(timeout_ms: int) -> Any:
    def before_cursor_execute(conn: Any, *_: Any) -> None:
        deadline = conn.connection.info.get("statement_deadline")
        if deadline is not None:
            deadline[0] = time.monotonic() + timeout_ms / 1000

    return before_cursor_execute


def connect(url: str, options: EngineOptions) -> Database:
    """Open the engines for `url` (`sqlite+aiosqlite:///file.db` or `postgresql+asyncpg://…`)."""
    timeout_ms = options.statement_timeout_ms
    pools: dict[str, Any] = {"echo": options.echo, "poolclass": AsyncAdaptedQueuePool, "max_overflow": 0}
    retry_after = options.busy_retry_after_seconds
    if url.startswith("sqlite"):
        reader = create_async_engine(
            url, pool_size=options.pool_size, pool_timeout=options.pool_timeout_seconds, **pools
        )
        writer = create_async_engine(url, pool_size=1, pool_timeout=options.write_timeout_seconds, **pools)
        for engine, begin, deadline in ((reader, "BEGIN", timeout_ms), (writer, "BEGIN IMMEDIATE", None)):
            on_connect, on_begin = _sqlite_pragmas(options, begin=begin, statement_timeout_ms=deadline)
            event.listen(engine.sync_engine, "connect", on_connect)
            event.listen(engine.sync_engine, "begin", on_begin)
        if timeout_ms:
            event.listen(reader.sync_engine, "before_cursor_execute", _arm_deadline(timeout_ms))
        return Database(
            url=url, reader=reader, writer=writer, retry_after=retry_after, statement_timeout_ms=timeout_ms
        )
    # Reads get the statement timeout; writes (ingestion, folds, migrations) finish what they start,
    # but wait for another transaction's lock no longer than a write waits for its connection.
    read_settings = {"statement_timeout": str(int(timeout_ms))} if timeout_ms else {}
    write_settings = {"lock_timeout": str(int(options.write_timeout_seconds * 1000))}
    reader = create_async_engine(
        url,
        pool_size=options.pool_size,
        pool_timeout=options.pool_timeout_seconds,
        connect_args={"server_settings": read_settings},
        **pools,
    )
    writer = create_async_engine(
        url,
        pool_size=options.write_pool_size,
        pool_timeout=options.write_timeout_seconds,
        connect_args={"server_settings": write_settings},
        **pools,
    )
    return Database(
        url=url, reader=reader, writer=writer, retry_after=retry_after, statement_timeout_ms=timeout_ms
    )
