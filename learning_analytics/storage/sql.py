"""Small SQL helpers that differ by dialect: bulk insert-or-ignore, least/greatest, chunking."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Date, DateTime, Table, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.functions import Function

T = TypeVar("T")

# SQLite allows 32,766 bound parameters per statement; PostgreSQL 32,767. Keep IN lists well below.
IN_CHUNK = 900

# Raw SQLite inserts write DATETIME in the text form SQLAlchemy's dialect uses ("2026-11-20
# 09:00:00.000000", naive UTC) and DATE as ISO text: range conditions compare these strings.


def is_sqlite(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "sqlite"


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


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is UTC:
        return value.isoformat(" ", "microseconds")[:26]  # drop the "+00:00"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_converter(column: Any) -> Callable[[Any], Any] | None:
    python_type = getattr(column.type, "impl", column.type)
    if isinstance(python_type, DateTime):
        return _sqlite_datetime
    if isinstance(python_type, Date):
        return _sqlite_date
    return None


SQLITE_MAX_PARAMETERS = 32_000


def _sqlite_rows(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[list[str], list[Any]]:
    """Column names and one flat list of values, with dates and datetimes in SQLite's text forms."""
    columns = list(rows[0])
    take = itemgetter(*columns)
    flat: list[Any] = []
    if len(columns) == 1:
        flat = [row[columns[0]] for row in rows]
    else:
        for row in rows:
            flat.extend(take(row))
    width = len(columns)
    for index, column in enumerate(columns):
        convert = _sqlite_converter(table.c[column])
        if convert is not None:
            flat[index::width] = [convert(v) for v in flat[index::width]]
    return columns, flat


async def _sqlite_insert(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], returning: str | None
) -> set[Any]:
    """Multi-row `INSERT … ON CONFLICT DO NOTHING [RETURNING key]`, one statement per ~32k parameters.

    Written as driver SQL: SQLAlchemy's per-value processing would dominate bulk loads otherwise.
    """
    columns, flat = _sqlite_rows(table, rows)
    width = len(columns)
    group = f"({', '.join('?' for _ in columns)})"
    tail = f" RETURNING {returning}" if returning else ""
    per_statement = max(1, SQLITE_MAX_PARAMETERS // width)
    inserted: set[Any] = set()
    for start in range(0, len(rows), per_statement):
        count = min(per_statement, len(rows) - start)
        sql = (
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES {", ".join([group] * count)} '
            f"ON CONFLICT DO NOTHING{tail}"
        )
        result = await conn.exec_driver_sql(sql, tuple(flat[start * width : (start + count) * width]))
        if returning:
            inserted.update(result.scalars().all())
    return inserted


async def insert_new(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], *, user_id: str, key: str = "id"
) -> set[str]:
    """Insert the rows whose (user_id, key) is not stored yet; return the keys actually inserted.

    `ON CONFLICT DO NOTHING RETURNING` decides row by row, so concurrent batches carrying the same
    ids still count each one exactly once.
    """
    if not rows:
        return set()
    if is_sqlite(conn):
        return await _sqlite_insert(conn, table, rows, key)
    stmt = insert_for(conn, table).on_conflict_do_nothing().returning(table.c[key])
    result = await conn.execute(stmt, list(rows))
    return set(result.scalars().all())


async def insert_ignore(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, silently skipping those whose primary key exists."""
    if not rows:
        return
    if is_sqlite(conn):
        await _sqlite_insert(conn, table, rows, None)
    else:
        await conn.execute(insert_for(conn, table).on_conflict_do_nothing(), list(rows))
