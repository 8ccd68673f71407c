"""Goal and achievement evaluation: after every fold that moved a learner's rollups, and every
`goals.evaluation_interval_seconds` (5 minutes) for everyone, so periods close and roll over on time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from ..metrics import GOAL_EVALUATION_FAILURES
from ..resolvers import evaluation
from ..resolvers.runtime import Runtime

log = logging.getLogger(__name__)


async def evaluate(
    runtime: Runtime, now: datetime, *, user_ids: Sequence[str] | None = None
) -> evaluation.EvaluationRun:
    """Evaluate the goals and achievements of every learner (or of `user_ids`); a learner whose
    evaluation fails is counted in `analytics_goal_evaluation_failures_total` and the others go on."""
    run = await evaluation.evaluate_learners(runtime, now=now, user_ids=user_ids)
    if run.goals_updated or run.unlocked:
        log.info(
            "goals evaluated for %d learner(s): %d updated, %d completed, %d milestones, %d achievements unlocked",
            len(run.learners), run.goals_updated, run.goals_completed, run.milestones_reached, run.unlocked,
        )  # fmt: skip
    if run.failed:
        GOAL_EVALUATION_FAILURES.inc(len(run.failed))
        log.warning("%d learner(s) could not be evaluated: %s", len(run.failed), ", ".join(run.failed))
    return run


async def evaluate_all(runtime: Runtime, now: datetime) -> None:
    """The scheduled pass over every learner."""
    await evaluate(runtime, now)
