"""What goal and achievement evaluation reads about learners, for many learners per statement: day and
hour rollups (narrow), topics' first days, mastery inputs, followed topics' days, the last activity
and the longest session. One learner is a batch of one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, bindparam, cast, func, literal, select, type_coerce, union_all

from ..domain.periods import Granularity
from ..domain.rollups import Bucket, Moments, TopicDay
from .db import Database
from .rollups import reads as rollup_reads
from .rollups.horizons import read_horizons
from .sql import chunks
from .tables import exchanges_t, rollups_t, sessions_t, topic_rollups_t, topics_t
from .topics import MasteryInputs, _age_days
from .types import UTCDateTime


async def days_of(db: Database, *, user_ids: Sequence[str], end: date) -> dict[str, list[Bucket]]:
    """Each user's day buckets from their first day to `end`, in order, with what evaluation reads
    (sessions, exchanges, minutes, quality, feedback): a narrow read of the day rollups. Where
    retention dropped day rollups (a DAY horizon), each user's full read with its fallback answers."""
    r = rollups_t
    found: defaultdict[str, list[Bucket]] = defaultdict(list)
    async with db.read() as conn:
        horizons = await read_horizons(conn)
        if Granularity.DAY not in horizons:
            for part in chunks(list(user_ids)):
                rows = await conn.execute(
                    select(
                        r.c.user_id, r.c.bucket_day, r.c.sessions, r.c.exchanges, r.c.minutes_sum, r.c.quality_n,
                        r.c.quality_sum, r.c.quality_sumsq, r.c.quality_min, r.c.quality_max, r.c.feedback_count,
                        r.c.last_event_at,
                    )
                    .where(r.c.user_id.in_(part), r.c.granularity == Granularity.DAY.value, r.c.bucket_day <= end)
                    .order_by(r.c.user_id, r.c.bucket_day)
                )  # fmt: skip
                for row in rows:
                    found[row[0]].append(
                        Bucket(
                            granularity=Granularity.DAY,
                            day=row[1],
                            sessions=int(row[2] or 0),
                            exchanges=int(row[3] or 0),
                            minutes=float(row[4] or 0.0),
                            quality=Moments(
                                int(row[5] or 0), float(row[6] or 0.0), float(row[7] or 0.0), row[8], row[9]
                            ),
                            feedback=int(row[10] or 0),
                            last_event_at=row[11],
                        )
                    )
            return {u: found.get(u, []) for u in user_ids}
    for user_id in user_ids:
        first = await rollup_reads.first_day(db, user_id=user_id)
        found[user_id] = (
            []
            if first is None
            else await rollup_reads.buckets(
                db, user_id=user_id, granularity=Granularity.DAY, start=first, end=end
            )
        )
    return {u: found.get(u, []) for u in user_ids}


async def hours_of(
    db: Database, *, user_ids: Sequence[str], start: date, end: date
) -> dict[str, list[Bucket]]:
    """Each user's hour buckets of the local days [start, end] (hour and sessions only), in order.
    Where retention dropped hours after `start`, each user's full read with its fallback answers."""
    r = rollups_t
    found: defaultdict[str, list[Bucket]] = defaultdict(list)
    async with db.read() as conn:
        kept = (await read_horizons(conn)).get(Granularity.HOUR)
        if kept is None or kept <= start:
            for part in chunks(list(user_ids)):
                rows = await conn.execute(
                    select(r.c.user_id, r.c.bucket_day, r.c.bucket_hour, r.c.sessions)
                    .where(
                        r.c.user_id.in_(part),
                        r.c.granularity == Granularity.HOUR.value,
                        r.c.bucket_day >= start,
                        r.c.bucket_day <= end,
                    )
                    .order_by(r.c.user_id, r.c.bucket_day, r.c.bucket_hour)
                )
                for row in rows:
                    found[row[0]].append(
                        Bucket(
                            granularity=Granularity.HOUR,
                            day=row[1],
                            hour=int(row[2]),
                            sessions=int(row[3] or 0),
                        )
                    )
            return {u: found.get(u, []) for u in user_ids}
    for user_id in user_ids:
        found[user_id] = await rollup_reads.buckets(
            db, user_id=user_id, granularity=Granularity.HOUR, start=start, end=end
        )
    return {u: found.get(u, []) for u in user_ids}


async def topic_first_days_of(db: Database, *, user_ids: Sequence[str]) -> dict[str, dict[str, date]]:
    """Every topic of each user with the local day it was first seen."""
    t = topics_t
    found: defaultdict[str, dict[str, date]] = defaultdict(dict)
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            rows = await conn.execute(
                select(t.c.user_id, t.c.name, t.c.first_seen_day).where(t.c.user_id.in_(part))
            )
            for row in rows:
                found[row[0]][row[1]] = row[2]
    return {u: found.get(u, {}) for u in user_ids}


async def mastery_inputs_of(
    db: Database, *, today_by_user: Mapping[str, date], half_life_days: float
) -> dict[str, list[MasteryInputs]]:
    """Each user's mastery inputs for every topic, as `topics.mastery_inputs` computes them (recency
    weight 0.5 ** (age_days / half_life) from the user's own today): one statement per distinct
    today (users in different timezones may be on different days)."""
    t = topic_rollups_t
    by_today: defaultdict[date, list[str]] = defaultdict(list)
    for user_id, today in today_by_user.items():
        by_today[today].append(user_id)
    found: defaultdict[str, list[MasteryInputs]] = defaultdict(list)
    async with db.read() as conn:
        for today, users in by_today.items():
            today_param = bindparam("today", today, type_=t.c.day.type)
            weight = func.power(
                literal(0.5), _age_days(db.dialect, today_param, t.c.day) / literal(float(half_life_days))
            )
            for part in chunks(users):
                rows = await conn.execute(
                    select(
                        t.c.user_id,
                        t.c.topic,
                        func.sum(t.c.exchanges).label("n"),
                        func.sum(t.c.quality_sum * weight).label("wq"),
                        func.sum(t.c.quality_n * weight).label("w"),
                        func.max(t.c.last_event_at).label("last"),
                    )
                    .where(t.c.user_id.in_(part))
                    .group_by(t.c.user_id, t.c.topic)
                )
                for r in rows:
                    found[r.user_id].append(
                        MasteryInputs(
                            topic=r.topic,
                            exchanges=int(r.n or 0),
                            weighted_quality_sum=float(r.wq or 0.0),
                            weight_sum=float(r.w or 0.0),
                            last_practiced_at=r.last,
                        )
                    )
    return {u: found.get(u, []) for u in today_by_user}


async def topic_days_of(
    db: Database, *, topics_by_user: Mapping[str, Sequence[str]], end: date
) -> dict[str, list[TopicDay]]:
    """For each user, the topic-rollup days (up to `end`) of the topics their goals follow."""
    wanted = {u: set(ts) for u, ts in topics_by_user.items() if ts}
    if not wanted:
        return {u: [] for u in topics_by_user}
    t = topic_rollups_t
    names = sorted(set().union(*wanted.values()))
    found: defaultdict[str, list[TopicDay]] = defaultdict(list)
    async with db.read() as conn:
        for part in chunks(sorted(wanted)):
            rows = await conn.execute(
                select(t.c.user_id, t.c.topic, t.c.day, t.c.exchanges, t.c.sessions, t.c.quality_n,
                       t.c.quality_sum, t.c.quality_sumsq, t.c.quality_min, t.c.quality_max)
                .where(t.c.user_id.in_(part), t.c.topic.in_(names), t.c.day <= end)
                .order_by(t.c.user_id, t.c.day, t.c.topic)
            )  # fmt: skip
            for r in rows:
                if r.topic in wanted[r.user_id]:
                    quality = Moments(
                        int(r.quality_n or 0),
                        float(r.quality_sum or 0.0),
                        float(r.quality_sumsq or 0.0),
                        r.quality_min,
                        r.quality_max,
                    )
                    found[r.user_id].append(
                        TopicDay(r.topic, r.day, int(r.exchanges or 0), int(r.sessions or 0), quality)
                    )
    return {u: found.get(u, []) for u in topics_by_user}


async def last_activity_of(db: Database, *, user_ids: Sequence[str]) -> dict[str, datetime | None]:
    """Each user's newest instant of study: the latest exchange, session start or session end — the
    instant `rollup_reads.last_activity_at` reads for the streak's grace period, for many users."""
    e, s = exchanges_t, sessions_t
    found: dict[str, datetime | None] = {}
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            latest = union_all(
                select(e.c.user_id.label("user_id"), func.max(e.c.occurred_at).label("at"))
                .where(e.c.user_id.in_(part))
                .group_by(e.c.user_id),
                select(
                    s.c.user_id.label("user_id"),
                    func.max(func.coalesce(s.c.ended_at, s.c.started_at)).label("at"),
                )
                .where(s.c.user_id.in_(part))
                .group_by(s.c.user_id),
            ).subquery("latest")
            rows = await conn.execute(
                select(latest.c.user_id, type_coerce(func.max(latest.c.at), UTCDateTime())).group_by(
                    latest.c.user_id
                )
            )
            found.update({row[0]: row[1] for row in rows})
    return {u: found.get(u) for u in user_ids}


async def longest_session_of(db: Database, *, user_ids: Sequence[str]) -> dict[str, float]:
    """Each user's longest single session, in minutes (sessions without an end count 0)."""
    s = sessions_t
    if db.is_sqlite:
        minutes: Any = (func.julianday(s.c.ended_at) - func.julianday(s.c.started_at)) * 1440.0
    else:
        minutes = cast(func.extract("epoch", s.c.ended_at - s.c.started_at), Float) / 60.0
    found: dict[str, float] = {}
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            rows = await conn.execute(
                select(s.c.user_id, func.max(minutes))
                .where(s.c.user_id.in_(part), s.c.ended_at.is_not(None))
                .group_by(s.c.user_id)
            )
            found.update({row[0]: max(0.0, float(row[1] or 0.0)) for row in rows})
    return {u: found.get(u, 0.0) for u in user_ids}
