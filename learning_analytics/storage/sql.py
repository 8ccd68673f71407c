"""Small SQL helpers that differ by dialect: insert-or-ignore, least/greatest, chunking."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.functions import Function

T = TypeVar("T")

# SQLite allows 32,766 bound parameters per statement; PostgreSQL 32,767. Keep IN lists well below.
IN_CHUNK = 900


def insert_for(conn: AsyncConnection, table: Table) -> Any:
    """The dialect's INSERT construct, which knows ON CONFLICT."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def least(conn: AsyncConnection, *args: Any) -> Function[Any]:
    return func.least(*args) if conn.dialect.name == "postgresql" else func.min(*args)


def greatest(conn: AsyncConnection, *args: Any) -> Function[Any]:
    return func.greatest(*args) if conn.dialect.name == "postgresql" else func.max(*args)


def chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def insert_ignoring_duplicates(
    conn: AsyncConnection, table: Table, rows: list[dict[str, Any]], *, returning: str = "id"
) -> set[str]:
    """Insert rows, skipping those whose primary key exists; return the `returning` values actually inserted."""
    if not rows:
        return set()
    stmt = insert_for(conn, table).on_conflict_do_nothing().returning(table.c[returning])
    result = await conn.execute(stmt, rows)
    return set(result.scalars().all())


async def insert_ignore(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, silently skipping those whose primary key exists."""
    if rows:
        await conn.execute(insert_for(conn, table).on_conflict_do_nothing(), rows)
