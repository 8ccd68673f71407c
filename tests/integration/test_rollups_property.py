"""Property: after any ingestion order, batching and folding, every rollup equals the raw rows' statistics."""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from learning_analytics.domain.models import (
    QUALITY_DIMENSIONS,
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
    User,
)
from learning_analytics.domain.periods import Granularity, month_start, week_start
from learning_analytics.domain.rollups import Moments
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import tables as t
from learning_analytics.storage import users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import reads as rollup_reads
from learning_analytics.storage.rollups import topics as topic_rollups

# DST in New York on Mar 8 and in Paris on Mar 29 2026, Lord Howe's half-hour shift on Apr 5;
# Kolkata, Kathmandu and St John's have half- and quarter-hour offsets. The window spans a month end.
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Australia/Lord_Howe",
)
TOPICS = ("python", "sql", "french", "music")
WINDOW_START = datetime(2026, 3, 5, tzinfo=UTC)
WINDOW_MINUTES = 34 * 24 * 60
NOW = WINDOW_START + timedelta(days=40)
READ_FROM, READ_TO = date(2026, 2, 1), date(2026, 5, 31)

units = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def instants(draw: st.DrawFn, base: datetime = WINDOW_START, minutes: int = WINDOW_MINUTES) -> datetime:
    return base + timedelta(
        minutes=draw(st.integers(0, minutes)),
        seconds=draw(st.integers(0, 59)),
        microseconds=draw(st.sampled_from((0, 250_000, 999_999))),
    )


@st.composite
def qualities(draw: st.DrawFn) -> Quality | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    dims = {d: draw(st.none() | units) for d in QUALITY_DIMENSIONS}
    return Quality(composite=draw(units), **dims)


@dataclass
class Plan:
    """Items of one user, each with the ingestion round it goes out in (never before what it refers to)."""

    timezone: str
    items: list[tuple[int, Any]] = field(default_factory=list)


@st.composite
def plans(draw: st.DrawFn, rounds: int) -> Plan:
    plan = Plan(timezone=draw(st.sampled_from(ZONES)))
    for s in range(draw(st.integers(1, 5))):
        sid = f"s{s}"
        started = draw(instants())
        ended = draw(st.none() | st.integers(0, 3 * 3600).map(lambda x, b=started: b + timedelta(seconds=x)))
        summary = draw(st.booleans())
        session = SessionInput(
            id=sid,
            started_at=started,
            ended_at=ended,
            topics=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))),
            total_exchanges=draw(st.integers(0, 6)) if summary else None,
            avg_quality_score=draw(st.none() | units) if summary else None,
        )
        at = draw(st.integers(0, rounds - 1))
        plan.items.append((at, session))
        for e in range(draw(st.integers(0, 3))):
            eid = f"{sid}e{e}"
            exchange = ExchangeInput(
                id=eid,
                session_id=sid,
                occurred_at=draw(instants(base=started, minutes=180)),
                quality=draw(qualities()),
                topics=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=2, unique=True))),
            )
            e_at = max(at, draw(st.integers(0, rounds - 1)))
            plan.items.append((e_at, exchange))
            for f in range(draw(st.integers(0, 2))):
                feedback = FeedbackInput(
                    id=f"{eid}f{f}",
                    exchange_id=eid,
                    kind=draw(st.sampled_from(list(FeedbackKind))),
                    created_at=draw(instants(base=exchange.occurred_at, minutes=2 * 24 * 60)),
                    rating=draw(st.none() | units),
                )
                plan.items.append((max(e_at, draw(st.integers(0, rounds - 1))), feedback))
    return plan


def batch_of(items: list[Any]) -> EventBatch:
    return EventBatch(
        sessions=tuple(i for i in items if isinstance(i, SessionInput)),
        exchanges=tuple(i for i in items if isinstance(i, ExchangeInput)),
        feedback=tuple(i for i in items if isinstance(i, FeedbackInput)),
    )


# ---- the oracle: statistics straight from the raw rows, in Python


@dataclass
class Expected:
    sessions: int = 0
    exchanges: int = 0
    minutes: float = 0.0
    quality: list[tuple[float, int]] = field(default_factory=list)
    dims: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    ratings: list[tuple[float, int]] = field(default_factory=list)
    last: datetime | None = None

    def saw(self, at: datetime) -> None:
        self.last = at if self.last is None else max(self.last, at)


def assert_moments(actual: Moments, values: list[tuple[float, int]], what: str) -> None:
    n = sum(c for _, c in values)
    assert actual.n == n, what
    if n == 0:
        assert (actual.min, actual.max, actual.mean, actual.std) == (None, None, None, None), what
        return
    total = sum(v * c for v, c in values)
    sumsq = sum(v * v * c for v, c in values)
    mean = total / n
    assert actual.total == pytest.approx(total, rel=1e-9, abs=1e-12), what
    assert actual.sumsq == pytest.approx(sumsq, rel=1e-9, abs=1e-12), what
    assert actual.mean == pytest.approx(mean, rel=1e-9, abs=1e-12), what
    assert actual.std == pytest.approx(math.sqrt(max(0.0, sumsq / n - mean * mean)), rel=1e-6, abs=1e-6), what
    weighted = [v for v, c in values if c > 0]
    assert (actual.min, actual.max) == (min(weighted), max(weighted)), what


def bucket_keys(day: date, hour: int) -> dict[Granularity, tuple[date, int]]:
    return {
        Granularity.HOUR: (day, hour),
        Granularity.DAY: (day, 0),
        Granularity.WEEK: (week_start(day), 0),
        Granularity.MONTH: (month_start(day), 0),
    }


async def raw_rows(runtime: Runtime, user_id: str) -> dict[str, list[Any]]:
    out = {}
    async with runtime.db.read() as conn:
        for name, table in (
            ("sessions", t.SessionRow),
            ("exchanges", t.ExchangeRow),
            ("feedback", t.FeedbackRow),
            ("exchange_topics", t.ExchangeTopicRow),
            ("session_topics", t.SessionTopicRow),
        ):
            tab = table.__table__  # type: ignore[attr-defined]
            out[name] = (await conn.execute(select(tab).where(tab.c.user_id == user_id))).all()
    return out


def expected_buckets(
    raw: dict[str, list[Any]], tz: ZoneInfo
) -> dict[Granularity, dict[tuple[date, int], Expected]]:
    out: dict[Granularity, dict[tuple[date, int], Expected]] = {g: defaultdict(Expected) for g in Granularity}
    with_exchanges = {e.session_id for e in raw["exchanges"]}

    def buckets(row: Any, at: datetime) -> list[Expected]:
        local = at.astimezone(tz)
        assert (row.local_day, row.local_hour) == (local.date(), local.hour)  # fixed at ingest
        return [out[g][key] for g, key in bucket_keys(row.local_day, row.local_hour).items()]

    for s in raw["sessions"]:
        for b in buckets(s, s.started_at):
            b.sessions += 1
            b.minutes += (s.ended_at - s.started_at).total_seconds() / 60 if s.ended_at else 0.0
            if s.id not in with_exchanges and s.reported_exchanges is not None:
                b.exchanges += s.reported_exchanges
                if s.reported_avg_quality is not None:
                    b.quality.append((s.reported_avg_quality, s.reported_exchanges))
            b.saw(s.started_at)
    for e in raw["exchanges"]:
        for b in buckets(e, e.occurred_at):
            b.exchanges += 1
            if e.quality is not None:
                b.quality.append((e.quality, 1))
            for d in QUALITY_DIMENSIONS:
                if getattr(e, d) is not None:
                    b.dims[d].append((getattr(e, d), 1))
            b.saw(e.occurred_at)
    for f in raw["feedback"]:
        for b in buckets(f, f.created_at):
            b.kinds[f.kind] += 1
            if f.rating is not None:
                b.ratings.append((f.rating, 1))
            b.saw(f.created_at)
    return out


def expected_topics(raw: dict[str, list[Any]]) -> dict[tuple[str, date], Expected]:
    out: dict[tuple[str, date], Expected] = defaultdict(Expected)
    exchanges = {e.id: e for e in raw["exchanges"]}
    sessions = {s.id: s for s in raw["sessions"]}
    for link in raw["exchange_topics"]:
        e = exchanges[link.exchange_id]
        b = out[(link.topic, link.local_day)]
        b.exchanges += 1
        if e.quality is not None:
            b.quality.append((e.quality, 1))
        b.saw(e.occurred_at)
    for link in raw["session_topics"]:
        b = out[(link.topic, link.local_day)]
        b.sessions += 1
        b.saw(sessions[link.session_id].started_at)
    return out


async def assert_rollups_match_raw(runtime: Runtime, user: User) -> None:
    raw = await raw_rows(runtime, user.id)
    expected = expected_buckets(raw, ZoneInfo(user.timezone))
    for granularity in Granularity:
        stored = await rollup_reads.buckets(
            runtime.db, user_id=user.id, granularity=granularity, start=READ_FROM, end=READ_TO
        )
        assert {(b.day, b.hour) for b in stored} == set(expected[granularity]), granularity
        for b in stored:
            want = expected[granularity][(b.day, b.hour)]
            what = f"{user.id} {granularity} {b.day} {b.hour}"
            assert (b.sessions, b.exchanges) == (want.sessions, want.exchanges), what
            assert b.minutes == pytest.approx(want.minutes, rel=1e-9, abs=1e-9), what
            assert_moments(b.quality, want.quality, what)
            for d in QUALITY_DIMENSIONS:
                assert_moments(b.dimensions[d], want.dims[d], f"{what} {d}")
            assert_moments(b.rating, want.ratings, f"{what} rating")
            kinds = {
                "thumbs_up": b.thumbs_up,
                "thumbs_down": b.thumbs_down,
                "copy": b.copies,
                "correction": b.corrections,
                "clarification": b.clarifications,
            }
            assert kinds == {k.value: want.kinds.get(k.value, 0) for k in FeedbackKind}, what
            assert b.feedback == sum(want.kinds.values()), what
            assert b.last_event_at == want.last, what

    topics = expected_topics(raw)
    stored_topics = await topic_rollups.topic_days(runtime.db, user_id=user.id, start=READ_FROM, end=READ_TO)
    assert {(d.topic, d.day) for d in stored_topics} == set(topics)
    for d in stored_topics:
        want = topics[(d.topic, d.day)]
        assert (d.exchanges, d.sessions, d.last_event_at) == (want.exchanges, want.sessions, want.last)
        assert_moments(d.quality, want.quality, f"{user.id} {d.topic} {d.day}")


async def snapshot(runtime: Runtime, user_ids: list[str]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    async with runtime.db.read() as conn:
        for table in (t.RollupRow, t.TopicRollupRow):
            tab = table.__table__  # type: ignore[attr-defined]
            found = await conn.execute(
                select(tab).where(tab.c.user_id.in_(user_ids)).order_by(*tab.primary_key.columns)
            )
            rows += [tuple(r) for r in found]
    return rows


async def touched_at(runtime: Runtime, user_id: str, at: datetime) -> tuple[set[Any], set[Any]]:
    r, tr = t.RollupRow.__table__, t.TopicRollupRow.__table__  # type: ignore[attr-defined]
    async with runtime.db.read() as conn:
        buckets = await conn.execute(
            select(r.c.granularity, r.c.bucket_day, r.c.bucket_hour).where(
                r.c.user_id == user_id, r.c.updated_at == at
            )
        )
        topic_days = await conn.execute(
            select(tr.c.day).where(tr.c.user_id == user_id, tr.c.updated_at == at)
        )
        return {tuple(b) for b in buckets}, {d.day for d in topic_days}


ROUNDS = 4


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    user_plans=st.lists(plans(ROUNDS), min_size=1, max_size=3),
    fold_after=st.lists(st.booleans(), min_size=ROUNDS, max_size=ROUNDS),
    resend_first_round=st.booleans(),
    late=instants(),
    chunk_days=st.sampled_from((1, 2, 500)),
    data=st.data(),
)
async def test_folded_rollups_equal_statistics_of_the_raw_rows_whatever_the_ingestion_order(
    runtime: Runtime,
    user_plans: list[Plan],
    fold_after: list[bool],
    resend_first_round: bool,
    late: datetime,
    chunk_days: int,
    data: st.DataObject,
) -> None:
    run = uuid.uuid4().hex[:10]
    people = [
        await users.create_user(runtime.db, user_id=f"p{run}-{i}", name=f"P{i}", timezone=p.timezone, now=NOW)
        for i, p in enumerate(user_plans)
    ]
    contexts = [build_context(runtime, u, now=NOW) for u in people]
    for round_ in range(ROUNDS):
        for i in data.draw(st.permutations(range(len(people)))):
            items = [item for at, item in user_plans[i].items if at == round_]
            if items:
                await ingest_batch(contexts[i], batch_of(data.draw(st.permutations(items))))
        if fold_after[round_]:
            await rollup_fold.fold_dirty(runtime.db, now=NOW, chunk_days=chunk_days)
    if resend_first_round:
        for i, plan in enumerate(user_plans):
            if items := [item for at, item in plan.items if at == 0]:
                summary = await ingest_batch(contexts[i], batch_of(items))
                assert summary.accepted == 0
    await rollup_fold.fold_dirty(runtime.db, now=NOW, chunk_days=chunk_days)

    for person in people:
        await assert_rollups_match_raw(runtime, person)

    # A second fold with nothing new changes nothing.
    before = await snapshot(runtime, [p.id for p in people])
    again = await rollup_fold.fold_dirty(runtime.db, now=NOW + timedelta(minutes=1))
    assert (again.marks, again.buckets) == (0, 0)
    assert await snapshot(runtime, [p.id for p in people]) == before

    # One late event: only its hour, day, week and month (and its day's topics) are recomputed.
    person, later = people[0], NOW + timedelta(hours=1)
    ctx = build_context(runtime, person, now=later)
    await ingest_batch(
        ctx,
        EventBatch(
            sessions=(SessionInput(id="late", started_at=late, topics=("python",)),),
            exchanges=(
                ExchangeInput(id="late-e", session_id="late", occurred_at=late, quality=Quality(0.5)),
            ),
        ),
    )
    result = await rollup_fold.fold_dirty(runtime.db, now=later)
    local = late.astimezone(ZoneInfo(person.timezone))
    expected_touched = {(g.value, d, h) for g, (d, h) in bucket_keys(local.date(), local.hour).items()}
    assert result.marks == 1
    assert await touched_at(runtime, person.id, later) == (expected_touched, {local.date()})
    await assert_rollups_match_raw(runtime, person)
