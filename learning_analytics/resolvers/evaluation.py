"""The evaluation pass: every learner's goals and achievements, after folds and on the schedule, one
learner's failure isolated from the others."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from ..domain.goals import Goal
from ..domain.models import User
from ..storage import goals as goal_store
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
    """Create the default goals of those who have none yet, then read every learner's goals and facts
    on one connection: a fixed number of statements for the batch."""
    db = contexts[0].db
    uids = [c.user.id for c in contexts]
    created = await goal_store.defaults_created_of(db, user_ids=uids)
    for ctx in contexts:
        if ctx.user.id not in created:
            await goals.ensure_defaults(ctx)
    # The reads on one connection (the defaults, written just before, are visible).
    async with db.pinned() as shared:
        pinned = [copy.copy(c) for c in contexts]
        for c in pinned:
            c.db = shared
        by_user = await goal_store.goals_of(shared, user_ids=uids)
        topics = {uid: [g.topic for g in found] for uid, found in by_user.items()}
        facts = await facts_of(pinned, topics_by_user=topics)
    return by_user, facts


async def _evaluate(ctx: Context, stored: Sequence[Goal], facts: LearnerFacts) -> LearnerEvaluation:
    """Evaluate the learner's goals, then their achievements on the goals as just evaluated."""
    evaluated = await goals.evaluate_goals(ctx, stored, facts)
    completed = sum(1 for g in evaluated.goals if g.completed_at is not None)
    unlocked = await achievements.check_unlocks(ctx, facts, goals_completed=completed)
    return LearnerEvaluation(
        user_id=ctx.user.id,
        goals_updated=evaluated.goals_updated,
        goals_completed=evaluated.goals_completed,
        milestones_reached=evaluated.milestones_reached,
        unlocked=tuple(unlocked),
    )


async def evaluate_learner(ctx: Context) -> LearnerEvaluation:
    """Evaluate one learner's goals and achievements (a batch of one)."""
    by_user, facts = await _prepare([ctx])
    return await _evaluate(ctx, by_user[ctx.user.id], facts[ctx.user.id])


async def evaluate_learners(
    runtime: Runtime, *, now: datetime, user_ids: Sequence[str] | None = None
) -> EvaluationRun:
    """Evaluate every learner (or those of `user_ids`), `EVALUATION_BATCH` at a time: each batch's
    goals and facts are read in a fixed number of statements, then each learner is evaluated and
    what changed written, `goals.evaluation_concurrency` learners at once. A learner whose
    evaluation raises is logged and listed in `failed`; the others are evaluated regardless (when a
    batch's reads fail, its learners are evaluated one by one, so only the one at fault fails)."""
    users: list[User] = await all_users(runtime)
    if user_ids is not None:
        wanted = set(user_ids)
        users = [u for u in users if u.id in wanted]
    gate = asyncio.Semaphore(max(1, runtime.settings.goals.evaluation_concurrency))
    done: list[LearnerEvaluation] = []
    failed: dict[str, str] = {}

    async def guarded(user: User, work: Callable[[], Awaitable[LearnerEvaluation]]) -> None:
        async with gate:
            try:
                done.append(await work())
            except Exception as e:  # one learner's data must not stop everyone's evaluation
                log.exception("goal and achievement evaluation of learner %s failed", user.id)
                failed[user.id] = f"{type(e).__name__}: {e}"

    for start in range(0, len(users), EVALUATION_BATCH):
        batch = users[start : start + EVALUATION_BATCH]
        contexts: list[Context] = []
        for user in batch:
            try:
                contexts.append(build_context(runtime, user, now=now))
            except Exception as e:  # e.g. a timezone that no longer exists
                log.exception("goal and achievement evaluation of learner %s failed", user.id)
                failed[user.id] = f"{type(e).__name__}: {e}"
        if not contexts:
            continue
        try:
            by_user, facts = await _prepare(contexts)
        except Exception:
            log.warning("the reads of %d learners failed together: evaluating them one by one", len(contexts))
            await asyncio.gather(*(guarded(c.user, partial(evaluate_learner, c)) for c in contexts))
            continue
        await asyncio.gather(
            *(guarded(c.user, partial(_evaluate, c, by_user[c.user.id], facts[c.user.id])) for c in contexts)
        )
    order = {u.id: i for i, u in enumerate(users)}
    return EvaluationRun(learners=tuple(sorted(done, key=lambda e: order[e.user_id])), failed=failed)
