"""The raw sections of an export (sessions, exchanges, feedback) read a page at a time through the
database driver itself, as plain rows (see `domain.export.RecordBatch`).

On SQLite this reads a million exchanges in less than half the time SQLAlchemy's rows and type
processing take (bench/export.py). The statements are written for each dialect: instants come out of
SQL as the canonical export text (`2026-11-20T09:00:00Z`, microseconds only when there are some, as
orjson writes a datetime), days as `YYYY-MM-DD`, and a row's topics in one column, joined by U+001F
(see `RecordBatch.joined`), so no value needs converting in Python. Pages follow (local day, id) —
ids in code-point order on both databases (`COLLATE "C"` on PostgreSQL), so both give the records in
the same order — and each page is its own statement, so a slow download holds no connection and no
transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from ..domain.export import ExportSection, RecordBatch
from ..domain.export.model import LIST_SEPARATOR
from ..domain.export.records import FIELDS, minutes_between, ratio
from .db import Database
from .tables import exchange_topics_t, exchanges_t, feedback_t, session_topics_t, sessions_t


class _Sql:
    """The SQL fragments that differ between SQLite and PostgreSQL."""

    def __init__(self, *, sqlite: bool) -> None:
        self.sqlite = sqlite
        self.collate = "" if sqlite else ' COLLATE "C"'

    def instant(self, column: str) -> str:
        """A UTC instant as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (NULL stays NULL). SQLite holds instants as
        naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff`; PostgreSQL as timestamptz."""
        if self.sqlite:
            # The one blank becomes the T; a zero fraction (only ever at the end) goes.
            return f"replace(replace({column}, ' ', 'T'), '.000000', '') || 'Z'"
        text = f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        return f"replace({text}, '.000000', '') || 'Z'"

    def day(self, column: str) -> str:
        return column if self.sqlite else f"to_char({column}, 'YYYY-MM-DD')"

    def topics(self, link: str, key: str) -> str:
        """The row's topics joined by the separator (NULL when it has none)."""
        code = ord(LIST_SEPARATOR)
        joined = (
            f"group_concat(t.topic, char({code}))" if self.sqlite else f"string_agg(t.topic, chr({code}))"
        )
        return f"(SELECT {joined} FROM {link} t WHERE t.user_id = x.user_id AND t.{key} = x.id)"

    def day_param(self, day: date) -> Any:
        return day.isoformat() if self.sqlite else day

    def page(self, table: str, columns: Sequence[str], *, after: bool) -> str:
        """One page of the learner's rows of `table` in [start, end] by (local day, id), after the
        last page's (day, id) when `after`. A single lower bound on the day, so that the (user, local
        day) index seeks to the last page's day rather than the period's start at every page."""
        marks = iter(range(1, 8))

        def p() -> str:
            n = next(marks)
            return "?" if self.sqlite else f"${n}"

        where = f"x.user_id = {p()} AND x.local_day >= {p()} AND x.local_day <= {p()}"
        if after:
            where += f" AND (x.local_day > {p()} OR (x.local_day = {p()} AND x.id{self.collate} > {p()}))"
        return (
            f"SELECT {', '.join(columns)} FROM {table} x WHERE {where} "
            f"ORDER BY x.local_day, x.id{self.collate} LIMIT {p()}"
        )


def _columns(sql: _Sql, section: ExportSection) -> list[str]:
    """What each section's statement selects: the section's fields, but for sessions the sums their
    derived fields are computed from."""
    if section is ExportSection.SESSIONS:
        return [
            "x.id", sql.instant("x.started_at"), sql.instant("x.ended_at"), sql.day("x.local_day"),
            "x.local_hour", "x.reported_exchanges", "x.reported_avg_quality", "x.exchange_count",
            "x.quality_sum", "x.quality_n", sql.topics(session_topics_t.name, "session_id"),
        ]  # fmt: skip
    if section is ExportSection.EXCHANGES:
        return [
            "x.id", "x.session_id", sql.instant("x.occurred_at"), sql.day("x.local_day"), "x.local_hour",
            "x.quality", "x.relevance", "x.helpfulness", "x.engagement", "x.clarity", "x.accuracy",
            sql.topics(exchange_topics_t.name, "exchange_id"), "x.user_text", "x.agent_text",
        ]  # fmt: skip
    return [
        "x.id", "x.exchange_id", "x.session_id", "x.kind", "x.rating", "x.comment",
        sql.instant("x.created_at"), sql.day("x.local_day"), "x.local_hour",
    ]  # fmt: skip


_TABLES = {
    ExportSection.SESSIONS: sessions_t.name,
    ExportSection.EXCHANGES: exchanges_t.name,
    ExportSection.FEEDBACK: feedback_t.name,
}
# Where the local day is in each section's selected row.
_DAY_AT = {ExportSection.SESSIONS: 3, ExportSection.EXCHANGES: 3, ExportSection.FEEDBACK: 7}
_JOINED = {
    section: (FIELDS[section].index("topics"),)
    for section in (ExportSection.SESSIONS, ExportSection.EXCHANGES)
}


def _sessions(rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """Session rows as records: the duration from the instants, the mean quality from the sums."""
    out: list[Sequence[Any]] = []
    for sid, started, ended, day, hour, reported, reported_avg, count, q_sum, q_n, joined in rows:
        minutes = minutes_between(
            datetime.fromisoformat(started), None if ended is None else datetime.fromisoformat(ended)
        )
        out.append(
            (sid, started, ended, day, hour, minutes, reported, reported_avg, count, ratio(q_sum, q_n), joined)
        )  # fmt: skip
    return out


async def raw_pages(
    db: Database,
    *,
    user_id: str,
    start: date,
    end: date,
    section: ExportSection,
    batch_rows: int,
    sqlite_cache_kib: int | None = None,
) -> AsyncIterator[RecordBatch]:
    """The learner's records of a raw section with local days in [start, end], by (local day, id),
    `batch_rows` at a time, as plain rows in the order of the section's fields."""
    sql = _Sql(sqlite=db.is_sqlite)
    columns = _columns(sql, section)
    table = _TABLES[section]
    first_page, next_page = sql.page(table, columns, after=False), sql.page(table, columns, after=True)
    fields, day_at, joined = FIELDS[section], _DAY_AT[section], _JOINED.get(section, ())
    bounds = [user_id, sql.day_param(start), sql.day_param(end)]
    after: tuple[str, str] | None = None
    while True:
        if after is None:
            rows = await db.driver_rows(first_page, [*bounds, batch_rows], sqlite_cache_kib=sqlite_cache_kib)
        else:
            day = sql.day_param(date.fromisoformat(after[0]))
            # The lower bound is the last page's day: the index seeks there, not to the period's start.
            params = [user_id, day, bounds[2], day, day, after[1], batch_rows]
            rows = await db.driver_rows(next_page, params, sqlite_cache_kib=sqlite_cache_kib)
        if not rows:
            return
        last = rows[-1]
        after = (last[day_at], last[0])
        if section is ExportSection.SESSIONS:
            rows = _sessions(rows)
        yield RecordBatch(fields=fields, rows=rows, plain=True, joined=joined)
        if len(rows) < batch_rows:
            return
