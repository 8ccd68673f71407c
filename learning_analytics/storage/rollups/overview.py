"""Everything the overview reads, in one statement built once: the totals of the period and of the
one before it, the active days (for the streak), the last activity, the period's distinct topics,
the newest event folded and the learner's fold state.

The statement is a module constant with bound parameters, so a request builds no SQL expression
(SQLAlchemy reuses its compiled form). It reads the day rollups as they are stored: a caller uses
it only when no retention horizon lies inside what it reads (`fits`), and reads piece by piece
(`reads.py`, which falls back to raw rows below a horizon) otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Select,
    String,
    Subquery,
    bindparam,
    cast,
    func,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)

from ...domain.folds import LearnerFoldState
from ...domain.periods import Granularity
from ...domain.rollups import Bucket
from ..db import Database
from ..tables import dirty_t, exchanges_t, rollups_t, runs_t, sessions_t, topic_rollups_t
from ..types import UTCDateTime
from .horizons import known_horizons, remembered_horizons
from .measures import MEASURES, bucket_from_row
from .runs import FAILED

_MINUTES_TOLERANCE = 1e-9  # as in reads.active_days


def _totals(start: str, end: str) -> Subquery:
    r = rollups_t
    return (
        select(*[m.combine(r.c[m.name]).label(m.name) for m in MEASURES])
        .where(
            r.c.user_id == bindparam("user_id"),
            r.c.granularity == Granularity.DAY.value,
            r.c.bucket_day >= bindparam(start, type_=r.c.bucket_day.type),
            r.c.bucket_day <= bindparam(end, type_=r.c.bucket_day.type),
        )
        .subquery(start.removesuffix("_start"))
    )


def _statement() -> Select[Any]:
    r, t, d, runs = rollups_t, topic_rollups_t, dirty_t, runs_t
    user: BindParameter[str] = bindparam("user_id")
    current, previous = _totals("cur_start", "cur_end"), _totals("prev_start", "prev_end")
    topics = select(func.count(func.distinct(t.c.topic))).where(
        t.c.user_id == user,
        t.c.day >= bindparam("cur_start", type_=t.c.day.type),
        t.c.day <= bindparam("cur_end", type_=t.c.day.type),
    )
    through = select(func.max(r.c.last_event_at)).where(r.c.user_id == user)
    oldest_mark = select(func.min(d.c.marked_at)).where(d.c.user_id == user)
    failed = select(func.max(runs.c.started_at)).where(runs.c.user_id == user, runs.c.status == FAILED)
    e, s = exchanges_t, sessions_t
    latest = union_all(
        select(func.max(e.c.occurred_at).label("at")).where(e.c.user_id == user),
        select(func.max(func.coalesce(s.c.ended_at, s.c.started_at)).label("at")).where(s.c.user_id == user),
    ).subquery("latest")
    last_activity = select(type_coerce(func.max(latest.c.at), UTCDateTime()))
    active = select(func.aggregate_strings(cast(r.c.bucket_day, String), ",")).where(
        r.c.user_id == user,
        r.c.granularity == Granularity.DAY.value,
        or_(r.c.sessions > 0, r.c.exchanges > 0),
        r.c.minutes_sum >= bindparam("min_minutes") - _MINUTES_TOLERANCE,
    )
    return select(
        *[current.c[m.name].label(f"c_{m.name}") for m in MEASURES],
        *[previous.c[m.name].label(f"p_{m.name}") for m in MEASURES],
        topics.scalar_subquery().label("topics"),
        through.scalar_subquery().label("through"),
        oldest_mark.scalar_subquery().label("oldest_mark"),
        failed.scalar_subquery().label("failed"),
        last_activity.scalar_subquery().label("last_activity"),
        active.scalar_subquery().label("active"),
    ).select_from(current.join(previous, true()))


OVERVIEW = _statement()


@dataclass(frozen=True, slots=True)
class OverviewRead:
    current: Bucket
    previous: Bucket
    active_days: list[date]
    last_activity: datetime | None
    unique_topics: int
    data_through: datetime | None
    fold: LearnerFoldState


async def fits(db: Database) -> bool:
    """Whether every day rollup is stored (no retention horizon for days, the default), so the one
    statement reads exactly what the piecewise reads would."""
    horizons = remembered_horizons(db)
    if horizons is None:
        async with db.read() as conn:
            horizons = await known_horizons(db, conn)
    return Granularity.DAY not in horizons


async def overview_read(
    db: Database,
    *,
    user_id: str,
    current: tuple[date, date],
    previous: tuple[date, date] | None,
    min_minutes: float,
) -> OverviewRead:
    """The overview's reads in one statement (see the module); `previous` None reads an empty range."""
    prev = previous or (current[0], date.min)
    params = {
        "user_id": user_id,
        "cur_start": current[0],
        "cur_end": current[1],
        "prev_start": prev[0],
        "prev_end": prev[1],
        "min_minutes": min_minutes,
    }
    async with db.read() as conn:
        row = (await conn.execute(OVERVIEW, params)).mappings().one()
    totals = [
        bucket_from_row({m.name: row[f"{p}_{m.name}"] for m in MEASURES}, Granularity.DAY, day=day)  # type: ignore[arg-type]
        for p, day in (("c", current[0]), ("p", prev[0]))
    ]
    days = sorted(date.fromisoformat(d) for d in (row["active"] or "").split(",") if d)
    return OverviewRead(
        current=totals[0],
        previous=totals[1],
        active_days=days,
        last_activity=row["last_activity"],
        unique_topics=int(row["topics"] or 0),
        data_through=row["through"],
        fold=LearnerFoldState(oldest_mark=row["oldest_mark"], last_failure=row["failed"]),
    )
