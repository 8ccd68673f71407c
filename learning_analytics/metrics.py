"""Prometheus metrics of the fold: failures counted where folds run, lag and failing learners read at scrape."""

from __future__ import annotations

import logging
from datetime import datetime

from prometheus_client import Counter, Gauge

from .resolvers import rollups
from .resolvers.runtime import DatabaseBusy, Runtime

log = logging.getLogger(__name__)

FOLD_FAILURES = Counter(
    "analytics_fold_failures",
    "Learner folds that failed in this process (the learner's dirty marks stay for the next fold).",
    ["kind"],
)
for _kind in ("fold", "rebuild"):
    FOLD_FAILURES.labels(kind=_kind)  # exported as 0 from the start, so a rate() sees the first failure
GOAL_EVALUATION_FAILURES = Counter(
    "analytics_goal_evaluation_failures",
    "Learners whose goal and achievement evaluation failed in this process (retried at the next pass).",
)
FOLD_LAG = Gauge(
    "analytics_fold_lag_seconds",
    "Age of the oldest dirty mark not folded yet, over every learner (0 when nothing waits).",
)
FOLD_FAILING_LEARNERS = Gauge(
    "analytics_fold_failing_learners",
    "Learners whose last fold failed and whose events therefore wait in the dirty marks.",
)


async def refresh(runtime: Runtime, *, now: datetime) -> None:
    """Read the fold's lag and failing learners from the database (shared by every process)."""
    try:
        health = await rollups.fold_health(runtime)
    except DatabaseBusy:
        log.info("fold gauges not refreshed: the database is busy")
        return
    lag = (now - health.oldest_mark).total_seconds() if health.oldest_mark else 0.0
    FOLD_LAG.set(max(0.0, lag))
    FOLD_FAILING_LEARNERS.set(health.failing_learners)
