"""The evaluation pass: every learner's goals and achievements, after folds and on the schedule, one
learner's failure isolated from the others."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..domain.models import User
from ..storage import goals as goal_store
from . import achievements, goals
from .context import Context, build_context
from .learner_facts import learner_facts
from .runtime import Runtime
from .users import all_users

log = logging.getLogger(__name__)


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


async def evaluate_learner(ctx: Context) -> LearnerEvaluation:
    """Evaluate the learner's goals, then their achievements (on the goals as just evaluated), from one
    read of their facts: a fixed number of statements whatever the number of goals."""
    await goals.ensure_defaults(ctx)
    # Every read of the pass on one connection (the defaults, written just before, are visible).
    async with ctx.db.pinned() as db:
        pinned = copy.copy(ctx)
        pinned.db = db
        stored = await goal_store.list_goals(db, user_id=ctx.user.id)
        facts = await learner_facts(pinned, topics=[g.topic for g in stored])
        evaluated = await goals.evaluate_goals(pinned, stored, facts)
        completed = sum(1 for g in evaluated.goals if g.completed_at is not None)
        unlocked = await achievements.check_unlocks(pinned, facts, goals_completed=completed)
    return LearnerEvaluation(
        user_id=ctx.user.id,
        goals_updated=evaluated.goals_updated,
        goals_completed=evaluated.goals_completed,
        milestones_reached=evaluated.milestones_reached,
        unlocked=tuple(unlocked),
    )


async def evaluate_learners(
    runtime: Runtime, *, now: datetime, user_ids: Sequence[str] | None = None
) -> EvaluationRun:
    """Evaluate every learner (or those of `user_ids`), `goals.evaluation_concurrency` at a time (their
    reads overlap; writes queue for the writer). A learner whose evaluation raises is logged and listed
    in `failed`; the others are evaluated regardless."""
    users: list[User] = await all_users(runtime)
    if user_ids is not None:
        wanted = set(user_ids)
        users = [u for u in users if u.id in wanted]
    gate = asyncio.Semaphore(max(1, runtime.settings.goals.evaluation_concurrency))
    failed: dict[str, str] = {}

    async def one(user: User) -> LearnerEvaluation | None:
        async with gate:
            try:
                return await evaluate_learner(build_context(runtime, user, now=now))
            except Exception as e:  # one learner's data must not stop everyone's evaluation
                log.exception("goal and achievement evaluation of learner %s failed", user.id)
                failed[user.id] = f"{type(e).__name__}: {e}"
                return None

    done = await asyncio.gather(*(one(u) for u in users))
    return EvaluationRun(learners=tuple(e for e in done if e is not None), failed=failed)
