"""Topic reads that are not rollup reads: first-seen days, and recency-weighted mastery inputs in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, select

from .db import Database
from .sql import chunks
from .tables import topic_rollups_t, topics_t


@dataclass(frozen=True, slots=True)
class MasteryInputs:
    """Per topic: n (tagged exchanges), Σ wᵢ·qᵢ and Σ wᵢ over scored exchanges, last practice time."""

    topic: str
    exchanges: int
    weighted_quality_sum: float
    weight_sum: float
    last_practiced_at: datetime | None


async def first_seen(db: Database, *, user_id: str, names: Sequence[str]) -> dict[str, date]:
    """The local day each topic was first seen (over all time)."""
    found: dict[str, date] = {}
    async with db.read() as conn:
        for part in chunks(list(names)):
            rows = await conn.execute(
                select(topics_t.c.name, topics_t.c.first_seen_day).where(
                    topics_t.c.user_id == user_id, topics_t.c.name.in_(part)
                )
            )
            found.update({r.name: r.first_seen_day for r in rows})
    return found


def _age_days(dialect: str, today: Any, day: Any) -> Any:
    if dialect == "postgresql":
        return today - day  # date − date is a whole number of days
    return func.julianday(today) - func.julianday(day)


async def mastery_inputs(
    db: Database, *, user_id: str, topics: Sequence[str], today: date, half_life_days: float
) -> list[MasteryInputs | None]:
    """For each topic (in order), its mastery inputs over all time; None for a topic never seen.

    The recency weight of a day is w = 0.5 ** (age_days / half_life), applied to the day's quality sum
    and count in the topic rollups, and summed in SQL: one statement for all topics.
    """
    dialect = db.dialect
    t = topic_rollups_t
    today_param = bindparam("today", today, type_=t.c.day.type)
    weight = func.power(
        literal(0.5), _age_days(dialect, today_param, t.c.day) / literal(float(half_life_days))
    )
    found: dict[str, MasteryInputs] = {}
    async with db.read() as conn:
        for part in chunks(list(dict.fromkeys(topics))):
            rows = await conn.execute(
                select(
                    t.c.topic,
                    func.sum(t.c.exchanges).label("n"),
                    func.sum(t.c.quality_sum * weight).label("wq"),
                    func.sum(t.c.quality_n * weight).label("w"),
                    func.max(t.c.last_event_at).label("last"),
                )
                .where(t.c.user_id == user_id, t.c.topic.in_(part))
                .group_by(t.c.topic)
            )
            for r in rows:
                found[r.topic] = MasteryInputs(
                    topic=r.topic,
                    exchanges=int(r.n or 0),
                    weighted_quality_sum=float(r.wq or 0.0),
                    weight_sum=float(r.w or 0.0),
                    last_practiced_at=r.last,  # max() keeps the column's type, so this reads back aware UTC
                )
    return [found.get(name) for name in topics]
