"""One learner's bad row cannot stop the others' folds, and the failure shows where it should.

The bad row is a summary session whose reported `total_exchanges` is 2^63 − 1 (stored before such
numbers were refused, or written around the API): summed with the exchanges of the same hour it
overflows on both databases (SQLite's 64-bit SUM raises "integer overflow"; PostgreSQL's numeric sum
no longer fits the BIGINT column, "bigint out of range").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, update
from support import client_for, gql

from learning_analytics.config import Settings
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput, User
from learning_analytics.jobs import fold as fold_job
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import locks, users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import reads as rollup_reads
from learning_analytics.storage.tables import dirty_t, runs_t, sessions_t

HUGE = 2**63 - 1
STARTED = (datetime.now(UTC) - timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
OVERVIEW = "{ overview(period: LAST_7_DAYS) { summary { totalSessions totalExchanges } meta { stale } } }"


async def _learner(runtime: Runtime, uid: str) -> tuple[User, str]:
    now = datetime.now(UTC)
    user = await users.create_user(runtime.db, user_id=uid, name=uid, timezone="UTC", now=now)
    return user, await users.create_key(runtime.db, user_id=uid, now=now)


async def _study(runtime: Runtime, user: User, *, exchanges: int, summary: int | None = None) -> None:
    """One session with `exchanges` exchanges at STARTED, and optionally a summary session in the same hour."""
    sessions = [SessionInput(id="s1", started_at=STARTED, ended_at=STARTED + timedelta(minutes=20))]
    if summary is not None:
        sessions.append(
            SessionInput(
                id="summary",
                started_at=STARTED + timedelta(minutes=30),
                total_exchanges=summary,
                avg_quality_score=0.5,
            )
        )
    batch = EventBatch(
        sessions=tuple(sessions),
        exchanges=tuple(
            ExchangeInput(
                id=f"e{i}", session_id="s1", occurred_at=STARTED + timedelta(minutes=i), quality=Quality(0.8)
            )
            for i in range(exchanges)
        ),
    )
    await ingest_batch(build_context(runtime, user), batch)


async def _set_reported(runtime: Runtime, uid: str, value: int) -> None:
    # Written straight into the table, as a row stored before validation bounded it would be.
    async with runtime.db.write() as conn:
        await conn.execute(
            update(sessions_t)
            .where(sessions_t.c.user_id == uid, sessions_t.c.id == "summary")
            .values(reported_exchanges=value)
        )


async def _marks(runtime: Runtime, uid: str) -> int:
    async with runtime.db.read() as conn:
        return int(await conn.scalar(select(func.count()).where(dirty_t.c.user_id == uid)) or 0)


async def _day(runtime: Runtime, uid: str) -> tuple[int, int]:
    bucket = await rollup_reads.day_totals(runtime.db, user_id=uid, start=STARTED.date(), end=STARTED.date())
    return bucket.sessions, bucket.exchanges


def _metric(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    raise AssertionError(f"no sample {name} {labels}")


async def _stale(client: httpx.AsyncClient, key: str) -> bool:
    body = await gql(client, OVERVIEW, Authorization=f"Bearer {key}")
    assert "errors" not in body, body
    return bool(body["data"]["overview"]["meta"]["stale"])


@pytest.fixture
async def learners(runtime: Runtime) -> dict[str, str]:
    """ada (3 exchanges), bob (2 exchanges and a summary of 4, then poisoned), cy (1 exchange); their keys."""
    keys: dict[str, str] = {}
    for uid, n, summary in (("ada", 3, None), ("bob", 2, 4), ("cy", 1, None)):
        user, keys[uid] = await _learner(runtime, uid)
        await _study(runtime, user, exchanges=n, summary=summary)
    await _set_reported(runtime, "bob", HUGE)
    return keys


async def test_a_poisoned_learner_fails_alone_is_recorded_and_recovers_once_fixed(
    settings: Settings, runtime: Runtime, learners: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    bob_marks = await _marks(runtime, "bob")
    async with client_for(settings) as client:
        before = (await client.get("/metrics")).text

        with caplog.at_level(logging.ERROR, logger="learning_analytics.storage.rollups.fold"):
            await fold_job.fold(runtime, datetime.now(UTC))

        # The others are folded: their day is current and their marks are gone.
        assert await _day(runtime, "ada") == (1, 3)
        assert await _day(runtime, "cy") == (1, 1)
        assert (await _marks(runtime, "ada"), await _marks(runtime, "cy")) == (0, 0)
        # Bob's marks stay for the next fold; his day was not written.
        assert await _marks(runtime, "bob") == bob_marks > 0
        assert await _day(runtime, "bob") == (0, 0)

        async with runtime.db.read() as conn:
            runs = (await conn.execute(select(runs_t).order_by(runs_t.c.id))).all()
        [failure] = [r for r in runs if r.status == "failed"]
        [overall] = [r for r in runs if r.user_id is None]
        assert (failure.kind, failure.user_id, failure.finished_at is not None) == ("fold", "bob", True)
        assert "overflow" in failure.error or "out of range" in failure.error, failure.error
        assert (overall.status, overall.error) == ("partial", "1 learner(s) failed: bob")
        [logged] = [r for r in caplog.records if "learner bob failed" in r.getMessage()]
        assert logged.exc_info is not None  # the traceback goes to the log

        after = (await client.get("/metrics")).text
        failures = "analytics_fold_failures_total"
        assert _metric(after, failures, kind="fold") - _metric(before, failures, kind="fold") == 1
        assert _metric(after, "analytics_fold_failing_learners") == 1
        assert _metric(after, "analytics_fold_lag_seconds") > 0

        assert await _stale(client, learners["bob"]) is True
        assert await _stale(client, learners["ada"]) is False
        assert await _stale(client, learners["cy"]) is False

        await _set_reported(runtime, "bob", 4)
        result = await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))

        assert result.failed == ()
        assert await _day(runtime, "bob") == (2, 2 + 4)
        assert await _marks(runtime, "bob") == 0
        assert await _stale(client, learners["bob"]) is False
        recovered = (await client.get("/metrics")).text
        assert _metric(recovered, "analytics_fold_failing_learners") == 0
        assert _metric(recovered, "analytics_fold_lag_seconds") == 0


async def test_a_standing_failure_does_not_hold_back_later_folds_of_the_others(
    runtime: Runtime, learners: dict[str, str]
) -> None:
    first = await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))
    ada = await users.get_user(runtime.db, user_id="ada")
    assert ada is not None
    late = ExchangeInput(id="late", session_id="s1", occurred_at=STARTED + timedelta(minutes=9), quality=None)
    await ingest_batch(build_context(runtime, ada), EventBatch(exchanges=(late,)))

    second = await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))

    assert first.failed == second.failed == ("bob",)
    assert await _day(runtime, "ada") == (1, 4)
    assert await _marks(runtime, "ada") == 0
    async with runtime.db.read() as conn:
        failures = await conn.scalar(select(func.count()).where(runs_t.c.status == "failed"))
    assert failures == 2  # one per fold that tried bob


async def test_events_waiting_longer_than_the_fold_interval_make_answers_stale(
    settings: Settings, runtime: Runtime
) -> None:
    old, old_key = await _learner(runtime, "old")
    fresh, fresh_key = await _learner(runtime, "fresh")
    interval = settings.rollups.fold_interval_seconds
    await ingest_batch(
        build_context(runtime, old, now=datetime.now(UTC) - timedelta(seconds=interval + 5)),
        EventBatch(sessions=(SessionInput(id="s", started_at=STARTED),)),
    )
    await ingest_batch(
        build_context(runtime, fresh), EventBatch(sessions=(SessionInput(id="s", started_at=STARTED),))
    )

    async with client_for(settings) as client:
        assert await _stale(client, old_key) is True
        assert await _stale(client, fresh_key) is False
        await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))
        assert await _stale(client, old_key) is False


async def test_a_run_left_running_by_a_killed_process_is_closed_on_start(
    settings: Settings, runtime: Runtime
) -> None:
    started = datetime.now(UTC) - timedelta(hours=1)
    async with runtime.db.write() as conn:
        dead = (
            await conn.execute(
                runs_t.insert()
                .values(kind="fold", started_at=started, status="running")
                .returning(runs_t.c.id)
            )
        ).scalar_one()
        live = (
            await conn.execute(
                runs_t.insert()
                .values(kind="rebuild", started_at=started, status="running")
                .returning(runs_t.c.id)
            )
        ).scalar_one()

    # On PostgreSQL a live run holds its lock, and a starting process leaves it alone.
    async with locks.held(runtime.db, f"rollups.run:{live}") as holding:
        assert holding
        async with client_for(settings):
            pass

    async with runtime.db.read() as conn:
        rows = {r.id: r for r in (await conn.execute(select(runs_t))).all()}
    assert rows[dead].status == "abandoned"
    assert rows[dead].finished_at is not None and rows[dead].finished_at > started
    assert rows[dead].error
    expected_live = "abandoned" if runtime.db.is_sqlite else "running"
    assert rows[live].status == expected_live
