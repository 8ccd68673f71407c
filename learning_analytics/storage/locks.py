"""Named advisory locks on PostgreSQL, so one process at a time does a job however many replicas run."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from .db import Database

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (the first 8 bytes of its SHA-256), as advisory locks take."""
    return int.from_bytes(
        hashlib.sha256(f"learning-analytics:{name}".encode()).digest()[:8], "big", signed=True
    )


@asynccontextmanager
async def held(db: Database, name: str) -> AsyncIterator[bool]:
    """Hold the lock `name` for the block, on a connection of its own: yields True when acquired,
    False at once when another session holds it (the caller then skips its work).

    PostgreSQL: `pg_try_advisory_lock`, released at the end of the block, or by the server if the
    connection dies. SQLite: always True; a SQLite file is one machine's database and its single
    writer already serialises the work.
    """
    if db.is_sqlite:
        yield True
        return
    key = lock_key(name)
    async with db.reader.connect() as conn:
        acquired = bool(await conn.scalar(select(func.pg_try_advisory_lock(key))))
        # The lock belongs to the session, not to this transaction: end it so no snapshot stays open.
        await conn.commit()
        if not acquired:
            yield False
            return
        try:
            yield True
        finally:
            await _unlock(conn, key, name)


async def _unlock(conn: AsyncConnection, key: int, name: str) -> None:
    try:
        await conn.scalar(select(func.pg_advisory_unlock(key)))
        await conn.commit()
    except Exception:
        # Closing the session releases its locks: drop the connection rather than pool it still locked.
        log.warning("could not release advisory lock %s; discarding its connection", name, exc_info=True)
        await conn.invalidate()


async def hold_for_transaction(conn: AsyncConnection, name: str) -> None:
    """Wait for the lock `name` and hold it until the current transaction ends (no-op on SQLite)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(select(func.pg_advisory_xact_lock(lock_key(name))))
