"""The fold and the rebuild on a real database: equal results, exact ranges, no lost mark, recorded runs."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
    User,
)
from learning_analytics.domain.periods import Granularity, month_start, week_start
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import tables as t
from learning_analytics.storage import users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import reads as rollup_reads

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
rollups_t = t.RollupRow.__table__  # type: ignore[attr-defined]
topic_rollups_t = t.TopicRollupRow.__table__  # type: ignore[attr-defined]
dirty_t = t.DirtyBucketRow.__table__  # type: ignore[attr-defined]
runs_t = t.AggregationRunRow.__table__  # type: ignore[attr-defined]


def norm(value: Any) -> Any:
    """A comparable form of rows and domain objects, with floats rounded away from summation order."""
    if isinstance(value, float):
        return round(value, 9)
    if is_dataclass(value) and not isinstance(value, type):
        return tuple(norm(getattr(value, f.name)) for f in fields(value))
    if isinstance(value, Mapping):
        return tuple(sorted((k, norm(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(norm(v) for v in value)
    return value


def history(prefix: str, *, days: int, end: datetime, seed: int) -> list[EventBatch]:
    """One batch per day: one or two sessions (one may be a summary) with exchanges, topics, feedback."""
    rng = random.Random(seed)
    batches = []
    for n in range(days):
        day = end - timedelta(days=days - n)
        sessions, exchanges, feedback = [], [], []
        for s in range(rng.choice((1, 1, 2))):
            sid = f"{prefix}-{n}-{s}"
            started = day.replace(hour=rng.randrange(24), minute=rng.randrange(60))
            topics = tuple(rng.sample(("python", "sql", "french", "music"), k=rng.choice((1, 2))))
            if rng.random() < 0.2:
                sessions.append(
                    SessionInput(
                        id=sid,
                        started_at=started,
                        ended_at=started + timedelta(minutes=20),
                        topics=topics,
                        total_exchanges=5,
                        avg_quality_score=round(rng.random(), 3),
                    )
                )
                continue
            sessions.append(
                SessionInput(
                    id=sid, started_at=started, ended_at=started + timedelta(minutes=35), topics=topics
                )
            )
            for e in range(rng.randrange(1, 4)):
                eid = f"{sid}-{e}"
                exchanges.append(
                    ExchangeInput(
                        id=eid,
                        session_id=sid,
                        occurred_at=started + timedelta(minutes=10 * e),
                        quality=Quality(round(rng.random(), 3), relevance=round(rng.random(), 3)),
                        topics=topics[:1],
                    )
                )
                if rng.random() < 0.4:
                    feedback.append(
                        FeedbackInput(
                            id=f"{eid}-f",
                            exchange_id=eid,
                            kind=rng.choice(list(FeedbackKind)),
                            created_at=started + timedelta(minutes=10 * e + 1),
                            rating=round(rng.random(), 2),
                        )
                    )
        batches.append(
            EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))
        )
    return batches


async def make_user(runtime: Runtime, user_id: str, timezone: str = "Europe/Paris") -> User:
    return await users.create_user(runtime.db, user_id=user_id, name=user_id, timezone=timezone, now=NOW)


async def ingest(runtime: Runtime, user: User, batches: list[EventBatch], now: datetime = NOW) -> None:
    ctx = build_context(runtime, user, now=now)
    for batch in batches:
        await ingest_batch(ctx, batch)


async def stored(runtime: Runtime, *, with_updated_at: bool = False) -> list[Any]:
    """Every rollup and topic-rollup row, in key order (without `updated_at` unless asked)."""
    rows: list[Any] = []
    async with runtime.db.read() as conn:
        for table in (rollups_t, topic_rollups_t):
            columns = [c for c in table.c if with_updated_at or c.name != "updated_at"]
            found = await conn.execute(select(*columns).order_by(*table.primary_key.columns))
            rows += [norm(tuple(r)) for r in found]
    return rows


async def count(runtime: Runtime, table: Any, *where: Any) -> int:
    async with runtime.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one())


async def test_an_incremental_fold_equals_a_rebuild_and_a_fold_after_a_rebuild_changes_nothing(
    runtime: Runtime,
) -> None:
    ada, bo = await make_user(runtime, "ada"), await make_user(runtime, "bo", "Asia/Kolkata")
    ada_days, bo_days = history("a", days=40, end=NOW, seed=1), history("b", days=40, end=NOW, seed=2)
    # Interleave ingestion with folds, older days arriving last (late data).
    for part in (slice(20, 40), slice(0, 10), slice(10, 20)):
        await ingest(runtime, ada, ada_days[part])
        await ingest(runtime, bo, bo_days[part])
        await rollup_fold.fold_dirty(runtime.db, now=NOW)
    incremental = await stored(runtime)

    rebuilt = await rollup_fold.rebuild(runtime.db, now=NOW + timedelta(hours=1))
    assert await stored(runtime) == incremental
    assert rebuilt.kind == "rebuild" and rebuilt.days > 0
    assert await count(runtime, dirty_t) == 0

    after_rebuild = await stored(runtime, with_updated_at=True)
    fold = await rollup_fold.fold_dirty(runtime.db, now=NOW + timedelta(hours=2))
    assert (fold.marks, fold.buckets) == (0, 0)
    assert await stored(runtime, with_updated_at=True) == after_rebuild


async def test_rebuilding_one_users_range_repairs_it_and_touches_nothing_else(runtime: Runtime) -> None:
    ada, bo = await make_user(runtime, "ada"), await make_user(runtime, "bo")
    await ingest(runtime, ada, history("a", days=30, end=NOW, seed=3))
    await ingest(runtime, bo, history("b", days=30, end=NOW, seed=4))
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    good = await stored(runtime)
    first, last = date(2026, 3, 5), date(2026, 3, 9)
    # Damage ada's rollups inside the range: a wrong day, and a bucket with no data behind it.
    async with runtime.db.write() as conn:
        await conn.execute(
            update(rollups_t)
            .where(
                rollups_t.c.user_id == "ada",
                rollups_t.c.granularity == "day",
                rollups_t.c.bucket_day == first,
            )
            .values(exchanges=999)
        )
        await conn.execute(
            rollups_t.insert().values(
                user_id="ada", granularity="hour", bucket_day=last, bucket_hour=23, sessions=7, updated_at=NOW
            )
        )
    later = NOW + timedelta(hours=3)

    result = await rollup_fold.rebuild(runtime.db, now=later, user_id="ada", start=first, end=last)

    assert await stored(runtime) == good
    assert result.days == (last - first).days + 1
    async with runtime.db.read() as conn:
        touched = (
            await conn.execute(
                select(rollups_t.c.user_id, rollups_t.c.granularity, rollups_t.c.bucket_day).where(
                    rollups_t.c.updated_at == later
                )
            )
        ).all()
    assert {u for u, _, _ in touched} == {"ada"}
    for _, granularity, day in touched:
        if granularity in ("hour", "day"):
            assert first <= day <= last
        else:
            start = week_start(first) if granularity == "week" else month_start(first)
            assert start <= day <= last


async def test_a_mark_written_while_a_fold_runs_is_folded_by_the_next_fold(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    if runtime.db.is_sqlite:
        pytest.skip("SQLite has one writer: ingestion cannot commit while a fold chunk holds it")
    ada = await make_user(runtime, "ada")
    started = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    session = SessionInput(id="s", started_at=started)
    await ingest(runtime, ada, [EventBatch(sessions=(session,))])
    fold_chunk = rollup_fold.fold_marks

    async def fold_chunk_then_ingest(*args: Any, **kwargs: Any) -> int:
        touched = await fold_chunk(*args, **kwargs)
        # A batch commits after the chunk recomputed its buckets and before it deletes its marks.
        late = ExchangeInput(id="e", session_id="s", occurred_at=started, quality=Quality(0.9))
        await ingest(runtime, ada, [EventBatch(exchanges=(late,))])
        return touched

    monkeypatch.setattr(rollup_fold, "fold_marks", fold_chunk_then_ingest)
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    monkeypatch.setattr(rollup_fold, "fold_marks", fold_chunk)

    assert await count(runtime, dirty_t) == 1
    day = date(2026, 3, 10)
    [before] = await rollup_reads.buckets(
        runtime.db, user_id="ada", granularity=Granularity.DAY, start=day, end=day
    )
    assert (before.sessions, before.exchanges) == (1, 0)
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    [after] = await rollup_reads.buckets(
        runtime.db, user_id="ada", granularity=Granularity.DAY, start=day, end=day
    )
    assert (after.sessions, after.exchanges, after.quality.mean) == (1, 1, 0.9)
    assert await count(runtime, dirty_t) == 0


async def test_folds_running_alongside_ingestion_end_equal_to_a_rebuild(runtime: Runtime) -> None:
    people = [await make_user(runtime, f"u{i}", tz) for i, tz in enumerate(("UTC", "America/New_York"))]
    base = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    for p in people:
        sessions = tuple(SessionInput(id=f"s{h}", started_at=base + timedelta(hours=h)) for h in range(3))
        await ingest(runtime, p, [EventBatch(sessions=sessions)])
    done = asyncio.Event()

    async def keep_folding() -> None:
        while not done.is_set():
            await rollup_fold.fold_dirty(runtime.db, now=NOW, chunk_days=1)
            await asyncio.sleep(0)

    async def feed(user: User, worker: int) -> None:
        # Many one-exchange batches into the same few hours, so marks keep being bumped mid-fold.
        for n in range(40):
            hour = n % 3
            exchange = ExchangeInput(
                id=f"w{worker}-{n}",
                session_id=f"s{hour}",
                occurred_at=base + timedelta(hours=hour, minutes=n % 60),
                quality=Quality(round((n * 7 % 10) / 10, 1)),
            )
            await ingest(runtime, user, [EventBatch(exchanges=(exchange,))])

    folder = asyncio.create_task(keep_folding())
    await asyncio.gather(*(feed(p, w) for p in people for w in range(3)))
    done.set()
    await folder
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    folded = await stored(runtime)

    await rollup_fold.rebuild(runtime.db, now=NOW)

    assert await stored(runtime) == folded


async def test_every_fold_and_rebuild_is_recorded_in_aggregation_runs(runtime: Runtime) -> None:
    ada = await make_user(runtime, "ada")
    await ingest(runtime, ada, history("a", days=3, end=NOW, seed=5))

    fold = await rollup_fold.fold_dirty(runtime.db, now=NOW)
    idle = await rollup_fold.fold_dirty(runtime.db, now=NOW)
    rebuild = await rollup_fold.rebuild(runtime.db, now=NOW, user_id="ada")

    async with runtime.db.read() as conn:
        runs = (await conn.execute(select(runs_t).order_by(runs_t.c.id))).all()
    assert idle.run_id is None  # an idle fold records nothing: the 30-second job would flood the table
    assert [(r.id, r.kind, r.user_id, r.status) for r in runs] == [
        (fold.run_id, "fold", None, "ok"),
        (rebuild.run_id, "rebuild", "ada", "ok"),
    ]
    assert runs[0].buckets_touched == fold.buckets > 0
    assert runs[0].started_at == NOW and runs[0].finished_at >= NOW and runs[0].duration_ms > 0


async def test_a_failing_fold_is_recorded_as_failed_and_keeps_its_marks(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada = await make_user(runtime, "ada")
    await ingest(runtime, ada, history("a", days=2, end=NOW, seed=6))
    marks = await count(runtime, dirty_t)

    async def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(rollup_fold, "fold_marks", broken)
    with pytest.raises(RuntimeError):
        await rollup_fold.fold_dirty(runtime.db, now=NOW)

    async with runtime.db.read() as conn:
        [run] = (await conn.execute(select(runs_t))).all()
    # A bug, not a learner's data: the whole run stops, recorded with its error.
    assert (run.kind, run.status, run.error) == ("fold", "failed", "RuntimeError: boom")
    assert await count(runtime, dirty_t) == marks
