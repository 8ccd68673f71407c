"""Storage on a real database: migrations, the round trip of the tables in use, idempotent ingestion."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from learning_analytics.config import Settings
from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
)
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime, open_database
from learning_analytics.storage import migrate, sessions, users
from learning_analytics.storage import tables as t
from learning_analytics.storage.tables import metadata

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _user(runtime: Runtime, uid: str = "u1", tz: str = "Europe/Paris"):
    return await users.create_user(runtime.db, user_id=uid, name=uid.upper(), timezone=tz, now=NOW)


async def _count(runtime: Runtime, table) -> int:
    async with runtime.db.read() as conn:
        return (await conn.execute(select(func.count()).select_from(table.__table__))).scalar_one()


def _batch() -> EventBatch:
    start = NOW - timedelta(hours=3)
    return EventBatch(
        sessions=(
            SessionInput(
                id="s1", started_at=start, ended_at=start + timedelta(minutes=40), topics=("python",)
            ),
        ),
        exchanges=(
            ExchangeInput(
                id="e1",
                session_id="s1",
                occurred_at=start + timedelta(minutes=1),
                quality=Quality(
                    composite=0.9, relevance=0.8, helpfulness=0.7, engagement=0.6, clarity=0.5, accuracy=0.4
                ),
                topics=("python", "sql"),
                user_text="what is a join?",
                agent_text="a join combines rows",
            ),
            ExchangeInput(
                id="e2", session_id="s1", occurred_at=start + timedelta(minutes=2), quality=Quality(0.5)
            ),
        ),
        feedback=(
            FeedbackInput(
                id="f1",
                exchange_id="e1",
                kind=FeedbackKind.CORRECTION,
                created_at=start + timedelta(minutes=3),
                rating=0.25,
                comment="not quite",
            ),
        ),
    )


async def test_migrations_create_every_table_on_an_empty_database(tmp_path: Path) -> None:
    if os.environ.get("LA_TEST_DATABASE") == "postgres":
        from conftest import create_pg_database, drop_pg_database

        name = f"la_migrate_{uuid.uuid4().hex[:8]}"
        url = await create_pg_database(name)
    else:
        name, url = "", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    database = open_database(Settings(database_url=url))
    try:
        assert await migrate.current_revision(database) is None
        await migrate.upgrade(database)
        await migrate.upgrade(database)  # a second run is a no-op
        async with database.read() as conn:
            names = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert set(metadata.tables) <= names
        assert await migrate.current_revision(database) == migrate.head_revision()
    finally:
        await database.dispose()
        if name:
            await drop_pg_database(name)


async def test_a_batch_round_trips_through_every_raw_table(runtime: Runtime) -> None:
    user = await _user(runtime)
    ctx = build_context(runtime, user, now=NOW)

    summary = await ingest_batch(ctx, _batch())

    assert (summary.sessions.accepted, summary.exchanges.accepted, summary.feedback.accepted) == (1, 2, 1)
    stored = await sessions.get(runtime.db, user_id="u1", session_id="s1")
    assert stored is not None
    assert stored.exchange_count == 2
    assert stored.avg_quality == pytest.approx(0.7)
    assert stored.duration_minutes == pytest.approx(40)
    assert stored.local_day == date(2026, 11, 20)
    [[e1, e2]] = await sessions.children(runtime.db, sessions.EXCHANGES_BY_SESSION, ["s1"], user_id="u1")
    assert e1.quality == Quality(0.9, 0.8, 0.7, 0.6, 0.5, 0.4)
    assert e2.quality == Quality(0.5)
    [[fb]] = await sessions.children(runtime.db, sessions.FEEDBACK_BY_EXCHANGE, ["e1"], user_id="u1")
    assert (fb.kind, fb.rating, fb.comment, fb.session_id) == (
        FeedbackKind.CORRECTION,
        0.25,
        "not quite",
        "s1",
    )
    assert await sessions.children(runtime.db, sessions.TOPICS_BY_SESSION, ["s1"], user_id="u1") == [
        ["python", "sql"]
    ]
    assert await sessions.children(runtime.db, sessions.TOPICS_BY_EXCHANGE, ["e1", "e2"], user_id="u1") == [
        ["python", "sql"],
        [],
    ]
    async with runtime.db.read() as conn:
        topic_rows = (await conn.execute(select(t.TopicRow.__table__).order_by("name"))).all()
        dirty = (await conn.execute(select(t.DirtyBucketRow.__table__))).all()
    assert [r.name for r in topic_rows] == ["python", "sql"]
    assert topic_rows[0].first_seen_at == NOW - timedelta(hours=3)
    assert {(d.day, d.hour) for d in dirty} == {(date(2026, 11, 20), 10)}  # 09:00 UTC is 10:00 in Paris


async def test_timestamps_read_back_as_aware_utc(runtime: Runtime) -> None:
    user = await _user(runtime)
    await ingest_batch(build_context(runtime, user, now=NOW), _batch())

    stored = await sessions.get(runtime.db, user_id="u1", session_id="s1")

    assert stored is not None
    assert stored.started_at == NOW - timedelta(hours=3)
    assert stored.started_at.tzinfo is not None and stored.started_at.utcoffset() == timedelta(0)


async def test_re_ingesting_the_same_batch_counts_duplicates_and_changes_nothing(runtime: Runtime) -> None:
    user = await _user(runtime)
    ctx = build_context(runtime, user, now=NOW)
    await ingest_batch(ctx, _batch())
    before = [
        await _count(runtime, table)
        for table in (t.SessionRow, t.ExchangeRow, t.FeedbackRow, t.ExchangeTopicRow)
    ]

    again = await ingest_batch(ctx, _batch())

    assert (again.accepted, again.duplicates) == (0, 4)
    after = [
        await _count(runtime, table)
        for table in (t.SessionRow, t.ExchangeRow, t.FeedbackRow, t.ExchangeTopicRow)
    ]
    assert after == before
    stored = await sessions.get(runtime.db, user_id="u1", session_id="s1")
    assert stored is not None and stored.exchange_count == 2  # the derived summary did not double


async def test_a_session_summary_is_used_until_its_exchanges_arrive(runtime: Runtime) -> None:
    user = await _user(runtime)
    ctx = build_context(runtime, user, now=NOW)
    start = NOW - timedelta(hours=1)
    await ingest_batch(
        ctx, EventBatch(sessions=(SessionInput("s9", start, total_exchanges=15, avg_quality_score=0.85),))
    )
    summary_only = await sessions.get(runtime.db, user_id="u1", session_id="s9")
    assert summary_only is not None
    assert (summary_only.exchange_count, summary_only.avg_quality) == (15, 0.85)

    await ingest_batch(ctx, EventBatch(exchanges=(ExchangeInput("x1", "s9", start, Quality(0.4)),)))

    derived = await sessions.get(runtime.db, user_id="u1", session_id="s9")
    assert derived is not None
    assert (derived.exchange_count, derived.avg_quality) == (1, 0.4)


async def test_a_batch_with_an_unknown_reference_writes_nothing(runtime: Runtime) -> None:
    user = await _user(runtime)
    batch = _batch()
    bad = EventBatch(
        sessions=batch.sessions,
        exchanges=(*batch.exchanges, ExchangeInput("e3", "missing", NOW - timedelta(hours=1))),
        feedback=batch.feedback,
    )

    with pytest.raises(InvalidInput) as caught:
        await ingest_batch(build_context(runtime, user, now=NOW), bad)

    assert caught.value.field == "exchanges[2].session_id"
    for table in (t.SessionRow, t.ExchangeRow, t.FeedbackRow, t.TopicRow, t.DirtyBucketRow):
        assert await _count(runtime, table) == 0


async def test_the_local_day_is_fixed_at_ingest_and_survives_a_timezone_change(runtime: Runtime) -> None:
    user = await _user(runtime, tz="Asia/Tokyo")
    late_evening_utc = datetime(2026, 11, 19, 20, 0, tzinfo=UTC)  # 05:00 on the 20th in Tokyo
    await ingest_batch(
        build_context(runtime, user, now=NOW), EventBatch(sessions=(SessionInput("s1", late_evening_utc),))
    )

    await users.set_timezone(runtime.db, user_id="u1", timezone="America/Los_Angeles")

    stored = await sessions.get(runtime.db, user_id="u1", session_id="s1")
    assert stored is not None and stored.local_day == date(2026, 11, 20)


async def test_two_users_may_use_the_same_client_ids(runtime: Runtime) -> None:
    a = await _user(runtime, "a")
    b = await _user(runtime, "b")

    first = await ingest_batch(build_context(runtime, a, now=NOW), _batch())
    second = await ingest_batch(build_context(runtime, b, now=NOW), _batch())

    assert first.accepted == second.accepted == 4
    assert await sessions.count(runtime.db, user_id="a") == await sessions.count(runtime.db, user_id="b") == 1


async def test_derived_tables_round_trip(runtime: Runtime) -> None:
    await _user(runtime)
    rows = [
        t.StreakStateRow(
            user_id="u1", current=3, longest=9, last_active_day=date(2026, 11, 20), frozen_days=["2026-11-01"]
        ),
        t.TopicMasteryRow(
            user_id="u1", topic="python", score=0.5, level="intermediate", total_interactions=12
        ),
        t.InsightRow(
            user_id="u1",
            id="ins_1",
            rule="quality_improved",
            type="trend",
            title="Quality improving",
            description="up 12%",
            importance="high",
            confidence=0.8,
            data={"change": 12.0},
            generated_at=NOW,
        ),
        t.AggregationRunRow(kind="fold", started_at=NOW, buckets_touched=3, duration_ms=1.5, status="ok"),
        t.RollupRow(
            user_id="u1",
            granularity="day",
            bucket_day=date(2026, 11, 20),
            sessions=2,
            quality_n=3,
            quality_sum=2.1,
            quality_min=0.5,
        ),
        t.TopicRollupRow(
            user_id="u1", topic="python", day=date(2026, 11, 20), exchanges=4, quality_n=4, quality_sum=3.0
        ),
    ]
    async with runtime.db.write() as conn:
        for row in rows:
            await conn.execute(type(row).__table__.insert().values(**row.model_dump(exclude_none=True)))

    async with runtime.db.read() as conn:
        for row in rows:
            table = type(row).__table__
            stored = (await conn.execute(select(table))).one()._mapping
            for key, value in row.model_dump(exclude_none=True).items():
                if key != "id" or value is not None:
                    assert stored[key] == value, (table.name, key)
