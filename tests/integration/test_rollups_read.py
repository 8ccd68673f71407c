"""The rollup read API on a small hand-made history, checked against values worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from test_rollups import ingest, make_user

from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
)
from learning_analytics.domain.periods import Granularity
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import reads as rollup_reads
from learning_analytics.storage.rollups import topics as topic_rollups

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
# Europe/Paris is UTC+1 in early March 2026: 07:00Z is 08:00 local.
MON = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday 2 March, 08:00 local
TUE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
THU = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
NEXT_MON = datetime(2026, 3, 9, 7, 30, tzinfo=UTC)
NEXT_TUE = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@pytest.fixture
async def ada(runtime: Runtime) -> str:
    """Five sessions over two ISO weeks; one is a summary, one never ended."""
    user = await make_user(runtime, "ada", "Europe/Paris")
    batch = EventBatch(
        sessions=(
            SessionInput(id="A", started_at=MON, ended_at=MON + minutes(30), topics=("python", "sql")),
            SessionInput(
                id="B",
                started_at=TUE,
                ended_at=TUE + minutes(45),
                topics=("french",),
                total_exchanges=10,
                avg_quality_score=0.7,
            ),
            SessionInput(id="C", started_at=THU, ended_at=THU + minutes(5), topics=("python",)),
            SessionInput(id="D", started_at=NEXT_MON, topics=("python", "sql")),
            SessionInput(id="E", started_at=NEXT_TUE, ended_at=NEXT_TUE + minutes(60)),
        ),
        exchanges=(
            ExchangeInput(
                id="a1",
                session_id="A",
                occurred_at=MON + minutes(1),
                quality=Quality(0.8),
                topics=("python",),
            ),
            ExchangeInput(
                id="a2",
                session_id="A",
                occurred_at=MON + minutes(9),
                quality=Quality(0.6),
                topics=("python", "sql"),
            ),
            ExchangeInput(
                id="c1",
                session_id="C",
                occurred_at=THU + minutes(2),
                quality=Quality(0.9),
                topics=("python",),
            ),
            ExchangeInput(id="e1", session_id="E", occurred_at=NEXT_TUE + minutes(10), quality=None),
        ),
        feedback=(
            FeedbackInput(
                id="f1",
                exchange_id="a1",
                kind=FeedbackKind.THUMBS_UP,
                created_at=MON + minutes(2),
                rating=1.0,
            ),
        ),
    )
    await ingest(runtime, user, [batch], now=NOW)
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    return user.id


async def test_day_totals_merge_the_days_exactly(runtime: Runtime, ada: str) -> None:
    total = await rollup_reads.day_totals(
        runtime.db, user_id=ada, start=date(2026, 3, 2), end=date(2026, 3, 5)
    )

    assert (total.sessions, total.exchanges, total.minutes) == (3, 13, 80.0)
    # 0.8, 0.6 and 0.9 from exchanges, plus ten exchanges at 0.7 from the summary of B.
    assert total.quality.n == 13
    assert total.quality.mean == pytest.approx((0.8 + 0.6 + 0.9 + 10 * 0.7) / 13)
    assert (total.quality.min, total.quality.max) == (0.6, 0.9)
    assert (total.feedback, total.thumbs_up, total.rating.n, total.rating.mean) == (1, 1, 1, 1.0)
    assert (total.granularity, total.day) == (Granularity.DAY, date(2026, 3, 2))


async def test_week_and_month_buckets_are_whole_periods_overlapping_the_range(
    runtime: Runtime, ada: str
) -> None:
    weeks = await rollup_reads.buckets(
        runtime.db, user_id=ada, granularity=Granularity.WEEK, start=date(2026, 3, 4), end=date(2026, 3, 9)
    )
    months = await rollup_reads.buckets(
        runtime.db,
        user_id=ada,
        granularity=Granularity.MONTH,
        start=date(2026, 3, 15),
        end=date(2026, 3, 16),
    )

    assert [(w.day, w.sessions, w.exchanges) for w in weeks] == [
        (date(2026, 3, 2), 3, 13),
        (date(2026, 3, 9), 2, 1),
    ]
    assert [(m.day, m.sessions, m.exchanges, m.minutes) for m in months] == [(date(2026, 3, 1), 5, 14, 140.0)]


async def test_hour_buckets_are_local_hours_and_empty_hours_are_absent(runtime: Runtime, ada: str) -> None:
    hours = await rollup_reads.buckets(
        runtime.db, user_id=ada, granularity=Granularity.HOUR, start=date(2026, 3, 2), end=date(2026, 3, 3)
    )

    assert [(h.day, h.hour, h.sessions, h.exchanges) for h in hours] == [
        (date(2026, 3, 2), 8, 1, 2),
        (date(2026, 3, 3), 10, 1, 10),
    ]


async def test_topic_totals_and_days(runtime: Runtime, ada: str) -> None:
    totals = await topic_rollups.topic_totals(
        runtime.db, user_id=ada, start=date(2026, 3, 1), end=date(2026, 3, 31)
    )
    french = await topic_rollups.topic_days(
        runtime.db, user_id=ada, start=date(2026, 3, 1), end=date(2026, 3, 31), topics=["french"]
    )

    assert [(t.topic, t.exchanges, t.sessions, t.first_day, t.last_day) for t in totals] == [
        ("python", 3, 3, date(2026, 3, 2), date(2026, 3, 9)),
        ("sql", 1, 2, date(2026, 3, 2), date(2026, 3, 9)),
        ("french", 0, 1, date(2026, 3, 3), date(2026, 3, 3)),
    ]
    assert totals[0].quality.mean == pytest.approx((0.8 + 0.6 + 0.9) / 3)
    assert totals[0].last_event_at == NEXT_MON
    assert [(d.day, d.exchanges, d.sessions, d.quality.n) for d in french] == [(date(2026, 3, 3), 0, 1, 0)]


async def test_topic_pairs_count_sessions_studying_both(runtime: Runtime, ada: str) -> None:
    everything = await topic_rollups.topic_pairs(
        runtime.db, user_id=ada, start=date(2026, 3, 1), end=date(2026, 3, 31), limit=10, max_topics=50
    )
    first_week = await topic_rollups.topic_pairs(
        runtime.db, user_id=ada, start=date(2026, 3, 2), end=date(2026, 3, 8), limit=10, max_topics=50
    )

    assert everything == [("python", "sql", 2)]
    assert first_week == [("python", "sql", 1)]


async def test_active_days_honour_the_minimum_minutes(runtime: Runtime, ada: str) -> None:
    assert await rollup_reads.active_days(runtime.db, user_id=ada) == [
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 9),
        date(2026, 3, 10),
    ]
    assert await rollup_reads.active_days(runtime.db, user_id=ada, min_minutes=30) == [
        date(2026, 3, 2),
        date(2026, 3, 3),
        date(2026, 3, 10),
    ]


async def test_freshness_first_day_and_last_activity(runtime: Runtime, ada: str) -> None:
    assert await rollup_reads.first_day(runtime.db, user_id=ada) == date(2026, 3, 2)
    assert await rollup_reads.data_through(runtime.db, user_id=ada) == NEXT_TUE + minutes(10)
    # Session E ended after its last exchange: that end is the last moment of study.
    assert await rollup_reads.last_activity_at(runtime.db, user_id=ada) == NEXT_TUE + minutes(60)


async def test_a_user_without_data_reads_empty(runtime: Runtime) -> None:
    await make_user(runtime, "nobody")
    days = (date(2026, 3, 1), date(2026, 3, 31))

    assert (
        await rollup_reads.buckets(
            runtime.db, user_id="nobody", granularity=Granularity.DAY, start=days[0], end=days[1]
        )
        == []
    )
    total = await rollup_reads.day_totals(runtime.db, user_id="nobody", start=days[0], end=days[1])
    assert (total.sessions, total.exchanges, total.quality.mean) == (0, 0, None)
    assert await topic_rollups.topic_totals(runtime.db, user_id="nobody", start=days[0], end=days[1]) == []
    assert (
        await topic_rollups.topic_pairs(
            runtime.db, user_id="nobody", start=days[0], end=days[1], limit=5, max_topics=50
        )
        == []
    )
    assert await rollup_reads.active_days(runtime.db, user_id="nobody") == []
    assert await rollup_reads.first_day(runtime.db, user_id="nobody") is None
    assert await rollup_reads.data_through(runtime.db, user_id="nobody") is None
    assert await rollup_reads.last_activity_at(runtime.db, user_id="nobody") is None
