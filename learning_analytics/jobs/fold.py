"""The rollup jobs: fold dirty buckets every few seconds, apply retention hourly, fold on the seed's schedule."""

from __future__ import annotations

import logging
from datetime import datetime

from ..metrics import FOLD_FAILURES
from ..resolvers import rollups
from ..resolvers.runtime import Runtime
from . import goals

log = logging.getLogger(__name__)


async def fold(runtime: Runtime, now: datetime) -> None:
    """Fold the dirty buckets into the rollups (a no-op, recording nothing, when none is dirty).

    A learner whose fold fails is counted in `analytics_fold_failures_total` (the fold recorded it
    in `aggregation_runs` and logged its traceback); the other learners are folded regardless.
    """
    result = await rollups.fold(runtime, now=now)
    if result.marks:
        log.info(
            "folded %d dirty hours (%d days, %d rollup rows) in %.0f ms",
            result.marks, result.days, result.buckets, result.duration_ms,
        )  # fmt: skip
    if result.failed:
        FOLD_FAILURES.labels(kind=result.kind).inc(len(result.failed))
        log.warning("%d learner(s) could not be folded: %s", len(result.failed), ", ".join(result.failed))
    if result.learners:
        # Goals and achievements follow the rollups: evaluate the learners this fold moved.
        await goals.evaluate(runtime, now, user_ids=result.learners)


async def close_abandoned(runtime: Runtime, now: datetime) -> None:
    """Close the aggregation runs a stopped process left `running` (at the start of the app or worker)."""
    await rollups.close_abandoned(runtime, now=now)


async def hourly(runtime: Runtime, now: datetime) -> None:
    """Fold, then drop rollups past their retention (the reads fall back below each horizon)."""
    await fold(runtime, now)
    result = await rollups.apply_retention(runtime, now=now)
    if result.deleted:
        log.info("retention deleted %d rollup rows", result.deleted)


async def period_close(runtime: Runtime, now: datetime) -> None:
    """The daily, weekly and monthly passes: fold, so the period that just ended is complete.

    Days, weeks and months are maintained incrementally by every fold; these passes are where the
    work that needs a closed period (insights, goal evaluation) runs after that fold.
    """
    await fold(runtime, now)
