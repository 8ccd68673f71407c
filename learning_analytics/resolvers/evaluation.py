"""The evaluation pass: every learner's goals and achievements, after folds and on the schedule, one
learner's failure isolated from the others."""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.goals import Goal
from ..domain.models import User
from ..storage import goals as goal_store
from ..storage.evaluations import LearnerWrite, PassWritten, save_pass
from . import achievements, goals
from .context import Context, build_context
from .learner_facts import LearnerFacts, facts_of
from .runtime import Runtime
from .users import all_users

log = logging.getLogger(__name__)

# Learners whose goals and facts a pass reads together.
EVALUATION_BATCH = 200


@dataclass(frozen=True, slots=True)
class LearnerEvaluation:
    """One learner's pass: the guide's `update_all_goals` counts and the achievements it unlocked."""

    user_id: str
    goals_updated: int = 0
    goals_completed: int = 0
    milestones_reached: int = 0
    unlocked: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EvaluationRun:
    """A pass over several learners: each one's result, and the learners whose evaluation failed."""

    learners: tuple[LearnerEvaluation, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def goals_updated(self) -> int:
        return sum(e.goals_updated for e in self.learners)

    @property
    def goals_completed(self) -> int:
        return sum(e.goals_completed for e in self.learners)

    @property
    def milestones_reached(self) -> int:
        return sum(e.milestones_reached for e in self.learners)

    @property
    def unlocked(self) -> int:
        return sum(len(e.unlocked) for e in self.learners)


async def _prepare(contexts: Sequence[Context]) -> tuple[dict[str, list[Goal]], dict[str, LearnerFacts]]:
    """Create the default goals of those who have none yet (one transaction), then read every
    learner's goals and facts on one connection: a fixed number of statements for the batch."""
    db = contexts[0].db
    uids = [c.user.id for c in contexts]
    created = await goal_store.defaults_created_of(db, user_ids=uids)
    missing = {c.user.id: goals.default_goals_of(c) for c in contexts if c.user.id not in created}
    await goal_store.ensure_defaults_of(db, defaults=missing, now=contexts[0].now)
    # The reads on one connection (the defaults, written just before, are visible).
    async with db.pinned() as shared:
        pinned = [copy.copy(c) for c in contexts]
        for c in pinned:
            c.db = shared
        by_user = await goal_store.goals_of(shared, user_ids=uids)
        topics = {uid: [g.topic for g in found] for uid, found in by_user.items()}
        facts = await facts_of(pinned, topics_by_user=topics)
    return by_user, facts


def _plan(ctx: Context, stored: Sequence[Goal], facts: LearnerFacts) -> tuple[LearnerWrite, goals.GoalsPlan]:
    """The learner's goals evaluated, then their achievements on the goals as just evaluated."""
    plan = goals.plan_goals(ctx, stored, facts)
    completed = sum(1 for e in plan.evaluations.values() if e.goal.completed_at is not None)
    unlocks = achievements.planned_unlocks(ctx, facts, goals_completed=completed)
    return LearnerWrite(ctx.user.id, plan.changed, plan.insights, unlocks), plan


def _result(user_id: str, plan: goals.GoalsPlan, written: PassWritten) -> LearnerEvaluation:
    counts = plan.summary(written.goals.get(user_id, set()))
    return LearnerEvaluation(
        user_id=user_id,
        goals_updated=counts.goals_updated,
        goals_completed=counts.goals_completed,
        milestones_reached=counts.milestones_reached,
        unlocked=tuple(sorted(written.unlocks.get(user_id, set()))),
    )


async def evaluate_learner(ctx: Context) -> LearnerEvaluation:
    """Evaluate one learner's goals and achievements and store what changed (a batch of one)."""
    by_user, facts = await _prepare([ctx])
    write, plan = _plan(ctx, by_user[ctx.user.id], facts[ctx.user.id])
    written = await save_pass(ctx.db, writes=[write], now=ctx.now, unlocked_at=ctx.now)
    return _result(ctx.user.id, plan, written)


async def evaluate_learners(
    runtime: Runtime, *, now: datetime, user_ids: Sequence[str] | None = None
) -> EvaluationRun:
    """Evaluate every learner (or those of `user_ids`), `EVALUATION_BATCH` at a time: each batch's
    goals and facts are read in a fixed number of statements, evaluated in memory, and what changed
    written in one transaction. A learner whose evaluation raises is logged and listed in `failed`;
    the others are evaluated regardless: when a batch's reads or writes fail, its learners are
    evaluated one by one, so only the one at fault fails."""
    users: list[User] = await all_users(runtime)
    if user_ids is not None:
        wanted = set(user_ids)
        users = [u for u in users if u.id in wanted]
    done: list[LearnerEvaluation] = []
    failed: dict[str, str] = {}

    def fail(user_id: str, e: Exception) -> None:
        log.error("goal and achievement evaluation of learner %s failed", user_id, exc_info=e)
        failed[user_id] = f"{type(e).__name__}: {e}"

    async def one_by_one(contexts: Sequence[Context]) -> None:
        for c in contexts:
            try:
                done.append(await evaluate_learner(c))
            except Exception as e:  # one learner's data must not stop everyone's evaluation
                fail(c.user.id, e)

    for start in range(0, len(users), EVALUATION_BATCH):
        contexts: list[Context] = []
        for user in users[start : start + EVALUATION_BATCH]:
            try:
                contexts.append(build_context(runtime, user, now=now))
            except Exception as e:  # e.g. a timezone that no longer exists
                fail(user.id, e)
        if not contexts:
            continue
        try:
            by_user, facts = await _prepare(contexts)
            plans = {c.user.id: _plan(c, by_user[c.user.id], facts[c.user.id]) for c in contexts}
            written = await save_pass(
                runtime.db, writes=[w for w, _ in plans.values()], now=now, unlocked_at=now
            )
        except Exception:
            log.warning("the evaluation of %d learners failed together: one by one now", len(contexts))
            await one_by_one(contexts)
            continue
        done += [_result(uid, plan, written) for uid, (_, plan) in plans.items()]
    order = {u.id: i for i, u in enumerate(users)}
    return EvaluationRun(learners=tuple(sorted(done, key=lambda e: order[e.user_id])), failed=failed)
