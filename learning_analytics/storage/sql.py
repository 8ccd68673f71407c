"""Small SQL helpers that differ by dialect: bulk insert-or-ignore, least/greatest, chunking."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Date, DateTime, Table, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
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
            values = flat[index::width]
            first = values[0]
            if all(v is first for v in values):  # e.g. the ingestion time: convert it once
                flat[index::width] = [convert(first)] * len(values)
            else:
                flat[index::width] = [convert(v) for v in values]
    return columns, flat


@dataclass(frozen=True, slots=True)
class PreparedRows:
    """Rows ready to insert: for SQLite already flattened into the driver's values, so that work can be
    done before the single writer connection is taken and overlap with another batch's writes."""

    rows: Sequence[dict[str, Any]]
    columns: list[str]
    flat: list[Any] | None


def prepare_rows(dialect: str, table: Table, rows: Sequence[dict[str, Any]]) -> PreparedRows:
    if not rows:
        return PreparedRows(rows=rows, columns=[], flat=None)
    if dialect == "sqlite":
        columns, flat = _sqlite_rows(table, rows)
        return PreparedRows(rows=rows, columns=columns, flat=flat)
    return PreparedRows(rows=rows, columns=list(rows[0]), flat=None)


async def _sqlite_stored_keys(
    conn: AsyncConnection, table: Table, user_id: str, key: str, keys: Sequence[Any]
) -> set[Any]:
    stored: set[Any] = set()
    for part in chunks(list(dict.fromkeys(keys))):
        sql = (
            f'SELECT {key} FROM "{table.name}" WHERE user_id = ? AND {key} IN ({", ".join("?" * len(part))})'
        )
        stored.update((await conn.exec_driver_sql(sql, (user_id, *part))).scalars().all())
    return stored


async def _sqlite_insert(
    conn: AsyncConnection, table: Table, prepared: PreparedRows, key: str | None
) -> set[Any]:
    """Multi-row `INSERT … ON CONFLICT DO NOTHING`, one statement per ~32k parameters; with `key`,
    returns the keys that were new.

    The write transaction holds SQLite's only writer, so the keys read first are still the stored ones
    when the insert runs; reading them back costs one small query where `RETURNING` would return a
    row per inserted item. Written as driver SQL: SQLAlchemy's per-value processing would dominate.
    """
    columns = prepared.columns
    flat = prepared.flat if prepared.flat is not None else _sqlite_rows(table, prepared.rows)[1]
    width = len(columns)
    fresh: set[Any] = set()
    if key is not None:
        keys = [row[key] for row in prepared.rows]
        stored = await _sqlite_stored_keys(conn, table, prepared.rows[0]["user_id"], key, keys)
        fresh = set(keys) - stored
        if stored:  # keep only the rows to insert
            keep = [i for i, k in enumerate(keys) if k not in stored]
            flat = [v for i in keep for v in flat[i * width : (i + 1) * width]]
    count_all = len(flat) // width
    group = f"({', '.join('?' for _ in columns)})"
    per_statement = max(1, SQLITE_MAX_PARAMETERS // width)
    for start in range(0, count_all, per_statement):
        count = min(per_statement, count_all - start)
        sql = (
            f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES {", ".join([group] * count)} '
            "ON CONFLICT DO NOTHING"
        )
        await conn.exec_driver_sql(sql, tuple(flat[start * width : (start + count) * width]))
    return fresh


def _prepared(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]] | PreparedRows
) -> PreparedRows:
    return rows if isinstance(rows, PreparedRows) else prepare_rows(conn.dialect.name, table, rows)


def _pg_bulk_insert(table: Table, rows: Sequence[dict[str, Any]]) -> Any:
    """`INSERT … SELECT unnest(:c1), unnest(:c2), … ON CONFLICT DO NOTHING`: one array parameter per
    column, so the statement text is the same whatever the batch size and asyncpg prepares it once
    (a multi-row VALUES list is a new statement, planned anew, for every row count)."""
    columns = list(rows[0])
    arrays = [
        func.unnest(
            cast(
                bindparam(f"p_{name}", [row[name] for row in rows], type_=ARRAY(table.c[name].type)),
                ARRAY(table.c[name].type),
            )
        )
        for name in columns
    ]
    return postgresql.insert(table).from_select(columns, select(*arrays)).on_conflict_do_nothing()


async def insert_new(
    conn: AsyncConnection,
    table: Table,
    rows: Sequence[dict[str, Any]] | PreparedRows,
    *,
    key: str = "id",
) -> set[str]:
    """Insert the rows whose primary key is not stored yet; return the `key` values actually inserted.

    `ON CONFLICT DO NOTHING RETURNING` decides row by row, so concurrent batches carrying the same
    ids still count each one exactly once.
    """
    prepared = _prepared(conn, table, rows)
    if not prepared.rows:
        return set()
    if is_sqlite(conn):
        return await _sqlite_insert(conn, table, prepared, key)
    result = await conn.execute(_pg_bulk_insert(table, prepared.rows).returning(table.c[key]))
    return set(result.scalars().all())


async def insert_ignore(conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, silently skipping those whose primary key exists."""
    if not rows:
        return
    if is_sqlite(conn):
        await _sqlite_insert(conn, table, prepare_rows("sqlite", table, rows), None)
    else:
        await conn.execute(_pg_bulk_insert(table, rows))
