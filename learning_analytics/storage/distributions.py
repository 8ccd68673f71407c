"""Statistics the mergeable rollups cannot hold, read from raw rows in one bounded statement each:
the histogram of exchange quality and the median session duration over a range of local days.

Both filter on the (user, local day) indexes of their table and aggregate in SQL: the answer is a
handful of rows whatever the number of exchanges or sessions; the read statement timeout bounds them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, literal_column, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from ..domain.quality_distribution import QUALITY_BIN_EDGES, QUALITY_BIN_LABELS
from .db import Database
from .rollups.measures import minutes_between
from .tables import exchanges_t, sessions_t


def _bin(score: ColumnElement[Any]) -> ColumnElement[Any]:
    """The bin of a score: the number of inner edges at or below it (as `quality_distribution.bin_of`)."""
    # Literals, not bound parameters: PostgreSQL matches the grouped expression with the selected one
    # by its text, and two renderings of the same bound values differ.
    inner = QUALITY_BIN_EDGES[1:-1]
    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
        (score < literal_column(repr(edge)), literal_column(str(i))) for i, edge in enumerate(inner)
    ]
    return case(*whens, else_=literal_column(str(len(inner))))


async def quality_histogram(db: Database, *, user_id: str, start: date, end: date) -> list[int]:
    """Scored exchanges per quality bin over the local days [start, end]: each exchange with a composite
    score counts 1; a session sent only as a summary counts its `total_exchanges` in the bin of its
    average quality (on its own local day), as the quality averages count it."""
    e, s = exchanges_t, sessions_t
    scored = (
        select(_bin(e.c.quality).label("bin"), func.count().label("n"))
        .where(e.c.user_id == user_id, e.c.local_day >= start, e.c.local_day <= end, e.c.quality.is_not(None))
        .group_by(_bin(e.c.quality))
    )
    summary = and_(
        s.c.exchange_count == 0,
        s.c.reported_exchanges.is_not(None),
        s.c.reported_exchanges > 0,
        s.c.reported_avg_quality.is_not(None),
    )
    summarised = (
        select(_bin(s.c.reported_avg_quality).label("bin"), func.sum(s.c.reported_exchanges).label("n"))
        .where(s.c.user_id == user_id, s.c.local_day >= start, s.c.local_day <= end, summary)
        .group_by(_bin(s.c.reported_avg_quality))
    )
    parts = union_all(scored, summarised).subquery("parts")
    stmt = select(parts.c.bin, func.sum(parts.c.n).label("n")).group_by(parts.c.bin)
    counts = [0] * len(QUALITY_BIN_LABELS)
    async with db.read() as conn:
        for row in await conn.execute(stmt):
            counts[int(row.bin)] += int(row.n or 0)
    return counts


async def middle_session_minutes(db: Database, *, user_id: str, start: date, end: date) -> list[float]:
    """The middle value(s) of the sorted durations (minutes) of the sessions that started on the local
    days [start, end] and have an end: one for an odd count, two for an even one, none without any
    (`durations.median_of_middle` makes the median of them). The database numbers the sorted durations
    and returns only positions (n + 1) // 2 and (n + 2) // 2, so one or two rows come back."""
    s = sessions_t
    async with db.read() as conn:
        minutes = minutes_between(conn.dialect.name, s.c.started_at, s.c.ended_at)
        ranked = (
            select(
                minutes.label("minutes"),
                func.row_number().over(order_by=minutes).label("position"),
                func.count().over().label("n"),
            )
            .where(
                s.c.user_id == user_id,
                s.c.local_day >= start,
                s.c.local_day <= end,
                s.c.ended_at.is_not(None),
            )
            .subquery("ranked")
        )
        stmt = (
            select(ranked.c.minutes)
            .where(
                or_(
                    ranked.c.position == (ranked.c.n + 1) // 2,
                    ranked.c.position == (ranked.c.n + 2) // 2,
                )
            )
            .order_by(ranked.c.position)
        )
        return [float(m) for m in (await conn.execute(stmt)).scalars()]
