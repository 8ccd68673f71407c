"""Goal and achievement evaluation on the real databases: unlock-once under racing evaluations (two
tasks, two processes), snapshots only on change, rollover and deadline failure as the clock moves,
statements that do not grow with the number of goals, one learner's failure isolated."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from conftest import StatementCounter
from sqlalchemy import event, func, select

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.goals import (
    Goal,
    GoalDraft,
    GoalFrequency,
    GoalLimits,
    GoalStatus,
    GoalType,
    create_goal,
)
from learning_analytics.domain.goals.validation import check_room
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput, User
from learning_analytics.jobs.scheduler import default_jobs
from learning_analytics.resolvers import evaluation, goals
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import goals as goal_store
from learning_analytics.storage import users
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import goal_progress_t, insights_t, unlocks_t

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


async def learner(runtime: Runtime, user_id: str, *, days: int = 7, topics: tuple[str, ...] = ()) -> User:
    """A learner in UTC with one 30-minute session (12 exchanges of quality 0.9) on each of the last
    `days` days, folded."""
    user = await users.create_user(runtime.db, user_id=user_id, name=user_id, timezone="UTC", now=NOW)
    sessions, exchanges = [], []
    for d in range(days):
        start = NOW - timedelta(days=d, hours=2)
        sessions.append(
            SessionInput(id=f"s{d}", started_at=start, ended_at=start + timedelta(minutes=30), topics=topics)
        )
        exchanges += [
            ExchangeInput(id=f"s{d}-e{i}", session_id=f"s{d}", occurred_at=start + timedelta(minutes=i + 1),
                          quality=Quality(0.9), topics=topics)
            for i in range(12)
        ]  # fmt: skip
    if days:
        ctx = build_context(runtime, user, now=NOW)
        await ingest_batch(ctx, EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges)))
        await fold_dirty(runtime.db, now=NOW)
    return user


async def count(runtime: Runtime, table: Any, *where: Any) -> int:
    async with runtime.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)


async def unlock_rows(runtime: Runtime, user_id: str) -> list[str]:
    async with runtime.db.read() as conn:
        rows = await conn.execute(select(unlocks_t.c.achievement_id).where(unlocks_t.c.user_id == user_id))
        return [r[0] for r in rows]


# ---- unlock once


async def test_two_evaluations_racing_in_one_process_unlock_each_achievement_once(runtime: Runtime) -> None:
    user = await learner(runtime, "ada")
    twin = await learner(runtime, "bea")

    a, b = await asyncio.gather(
        evaluation.evaluate_learner(build_context(runtime, user, now=NOW)),
        evaluation.evaluate_learner(build_context(runtime, user, now=NOW)),
    )
    alone = await evaluation.evaluate_learner(build_context(runtime, twin, now=NOW))

    rows = await unlock_rows(runtime, "ada")
    assert sorted(rows) == sorted(alone.unlocked) and "streak_7" in rows
    assert set(a.unlocked).isdisjoint(b.unlocked)
    assert sorted([*a.unlocked, *b.unlocked]) == sorted(rows)
    unlock_insights = await count(
        runtime, insights_t, insights_t.c.user_id == "ada", insights_t.c.rule == "achievement_unlocked"
    )
    assert unlock_insights == len(rows)
    # The goals: the same history as the learner evaluated once (no snapshot appended twice).
    racing = await count(runtime, goal_progress_t, goal_progress_t.c.user_id == "ada")
    single = await count(runtime, goal_progress_t, goal_progress_t.c.user_id == "bea")
    assert racing == single > 0
    assert a.goals_updated + b.goals_updated == alone.goals_updated


RACER = """
import asyncio, json, sys, time
from datetime import datetime
from learning_analytics.config import Settings
from learning_analytics.resolvers import evaluation
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.runtime import Runtime, open_database
from learning_analytics.storage import goals as goal_store
from learning_analytics.storage import users

async def main(url, start_at, now):
    db = open_database(Settings(database_url=url))
    runtime = Runtime(settings=Settings(database_url=url), db=db)
    user = await users.get_user(db, user_id="ada")
    while time.time() < start_at:
        await asyncio.sleep(0.001)
    result = await evaluation.evaluate_learner(build_context(runtime, user, now=datetime.fromisoformat(now)))
    print(json.dumps(list(result.unlocked)))
    await db.dispose()

asyncio.run(main(sys.argv[1], float(sys.argv[2]), sys.argv[3]))
"""


async def test_two_processes_racing_unlock_each_achievement_once(runtime: Runtime) -> None:
    await learner(runtime, "ada")
    start_at = str(time.time() + 3.0)  # both processes start evaluating at the same instant
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", RACER, runtime.settings.database_url, start_at, NOW.isoformat(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
        )
        for _ in range(2)
    ]  # fmt: skip
    outputs = [
        (out.decode(), err.decode())
        for out, err in await asyncio.gather(*(asyncio.wait_for(p.communicate(), 120) for p in procs))
    ]

    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    first, second = (json.loads(out.strip().splitlines()[-1]) for out, _ in outputs)
    rows = await unlock_rows(runtime, "ada")
    assert "streak_7" in rows
    assert set(first).isdisjoint(second)
    assert sorted([*first, *second]) == sorted(rows)
    assert Counter(rows).most_common(1)[0][1] == 1


# ---- history, rollover, deadlines


async def test_a_second_evaluation_without_new_data_appends_no_snapshot(runtime: Runtime) -> None:
    user = await learner(runtime, "ada")
    ctx = build_context(runtime, user, now=NOW)

    first = await evaluation.evaluate_learner(ctx)
    rows = await count(runtime, goal_progress_t)
    later = await evaluation.evaluate_learner(build_context(runtime, user, now=NOW + timedelta(minutes=5)))

    assert first.goals_updated == 6  # the six defaults' first evaluation
    assert later.goals_updated == 0 and later.unlocked == ()
    assert await count(runtime, goal_progress_t) == rows


async def test_a_daily_goal_rolls_over_keeping_one_result_per_day_and_its_first_completion(
    runtime: Runtime,
) -> None:
    # "Daily Engagement" asks 10 exchanges a day: today has 12, the next two days none.
    user = await learner(runtime, "ada", days=1)
    await evaluation.evaluate_learner(build_context(runtime, user, now=NOW))
    two_days_later = NOW + timedelta(days=2)

    await evaluation.evaluate_learner(build_context(runtime, user, now=two_days_later))

    ctx = build_context(runtime, user, now=two_days_later)
    (view,) = [v for v in await goals.list_goals(ctx) if v.goal.id == "daily_engagement"]
    (history,) = await goals.history(ctx, ["daily_engagement"], limit=10)
    g = view.goal
    today = two_days_later.date()
    assert (g.status, g.period.start, g.current_value, g.progress_percent) == (
        GoalStatus.ACTIVE,
        today,
        0.0,
        0.0,
    )
    assert g.completed_at == NOW  # recorded once, kept through the rollovers
    # Newest first: the day before closed FAILED (0 of 10) at its end, the first day closed
    # COMPLETED (12 of 10) at its end, and that day's completion when it was measured. Today's
    # fresh start (0, ACTIVE) is no change from a rolled-over period: no snapshot.
    assert [(s.period.start, s.status, s.current_value, s.closes_period) for s in history] == [
        (today - timedelta(days=1), GoalStatus.FAILED, 0.0, True),
        (NOW.date(), GoalStatus.COMPLETED, 12.0, True),
        (NOW.date(), GoalStatus.COMPLETED, 12.0, False),
    ]
    assert [s.evaluated_at for s in history] == [
        datetime(2026, 3, 20, tzinfo=UTC),
        datetime(2026, 3, 19, tzinfo=UTC),
        NOW,
    ]


async def test_a_one_time_goal_whose_deadline_passes_unmet_fails(runtime: Runtime) -> None:
    user = await learner(runtime, "ada", days=2)
    ctx = build_context(runtime, user, now=NOW)
    draft = GoalDraft(title="Ten sessions by tomorrow", goal_type=GoalType.SESSIONS, target_value=10,
                      frequency=GoalFrequency.ONE_TIME, deadline=NOW.date() + timedelta(days=1))  # fmt: skip
    created = (await goals.create(ctx, draft)).goal

    await evaluation.evaluate_learner(build_context(runtime, user, now=NOW + timedelta(days=3)))

    found = (await goals.get_goal(build_context(runtime, user, now=NOW + timedelta(days=3)), created.id)).goal
    # Counted from its creation day: today's one session.
    assert created.current_value == 1.0
    assert (found.status, found.completed_at) == (GoalStatus.FAILED, None)


# ---- statements per learner, not per goal


async def _statements_of_an_evaluation(runtime: Runtime, user_id: str, topics: int) -> int:
    user = await learner(runtime, user_id, days=5, topics=tuple(f"topic-{i}" for i in range(topics)))
    ctx = build_context(runtime, user, now=NOW)
    await goals.ensure_defaults(ctx)
    for i in range(topics):
        draft = GoalDraft(title=f"Practise {i}", goal_type=GoalType.TOPIC, target_value=3, topic=f"topic-{i}",
                          frequency=GoalFrequency.WEEKLY)  # fmt: skip
        await goals.create(ctx, draft)
    counter = StatementCounter()
    engines = {runtime.db.reader.sync_engine, runtime.db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    counter.active = True
    try:
        # A day later: every goal moves (the week goes on, the day rolls over).
        await evaluation.evaluate_learner(build_context(runtime, user, now=NOW + timedelta(days=1)))
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counter)
    return len(counter.statements)


async def test_an_evaluation_issues_as_many_statements_for_16_goals_as_for_7(runtime: Runtime) -> None:
    wide = runtime.settings.goals.model_copy(update={"max_active_goals": 50})
    runtime.settings = runtime.settings.model_copy(update={"goals": wide})

    few = await _statements_of_an_evaluation(runtime, "few", topics=1)
    many = await _statements_of_an_evaluation(runtime, "many", topics=10)

    assert few == many
    assert few < 50  # about 27 statements and their BEGINs, whatever the number of goals


# ---- isolation


async def test_one_learner_failing_does_not_stop_the_others(runtime: Runtime) -> None:
    await learner(runtime, "ada")
    await users.create_user(runtime.db, user_id="broken", name="b", timezone="Not/AZone", now=NOW)
    await learner(runtime, "cyd")

    run = await evaluation.evaluate_learners(runtime, now=NOW)

    assert set(run.failed) == {"broken"}
    assert {e.user_id for e in run.learners} == {"ada", "cyd"}
    assert "streak_7" in await unlock_rows(runtime, "cyd")


def test_the_evaluation_job_runs_every_five_minutes(runtime: Runtime) -> None:
    job = next(j for j in default_jobs(runtime.settings) if j.id == "goals.evaluate")

    assert job.trigger.interval == timedelta(minutes=5)  # type: ignore[attr-defined]


async def _statements_of_a_pass(runtime: Runtime, learners: int) -> int:
    for i in range(learners):
        await learner(runtime, f"pass{learners}-{i}", days=3)
    ids = [f"pass{learners}-{i}" for i in range(learners)]
    await evaluation.evaluate_learners(runtime, now=NOW, user_ids=ids)  # creates and evaluates
    counter = StatementCounter()
    engines = {runtime.db.reader.sync_engine, runtime.db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    counter.active = True
    try:
        run = await evaluation.evaluate_learners(runtime, now=NOW + timedelta(minutes=5), user_ids=ids)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counter)
    assert len(run.learners) == learners and run.goals_updated == 0
    return len(counter.statements)


async def test_a_pass_reads_many_learners_in_as_many_statements_as_few(runtime: Runtime) -> None:
    few = await _statements_of_a_pass(runtime, 2)
    many = await _statements_of_a_pass(runtime, 6)

    assert few == many


async def test_two_creations_at_once_cannot_both_take_the_last_place(runtime: Runtime) -> None:
    limits = GoalLimits(max_active_goals=7)
    user = await learner(runtime, "ada", days=0)
    ctx = build_context(runtime, user, now=NOW)
    await goals.ensure_defaults(ctx)  # six of seven places
    seen = await goal_store.list_goals(runtime.db, user_id="ada")
    # Two requests that both validated against the same six goals, then write at once.
    drafts = [
        create_goal(GoalDraft(title=f"One more {i}", goal_type=GoalType.SESSIONS, target_value=3),
                    goal_id=f"g{i}", now=NOW, tz=UTC_ZONE, existing=seen, limits=limits)
        for i in range(2)
    ]  # fmt: skip

    def room(stored: Sequence[Goal]) -> None:
        check_room(stored, limits, field="input")

    results = await asyncio.gather(
        *(goal_store.create(runtime.db, user_id="ada", goal=g, now=NOW, check_room=room) for g in drafts),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(refused) == 1 and refused[0].code == "LIMIT"
    assert len(await goal_store.list_goals(runtime.db, user_id="ada")) == 7
