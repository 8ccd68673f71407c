"""The record of rollup work in `aggregation_runs`, and what it says about the fold's health.

One row per fold, rebuild or retention pass (`user_id` null when it covers every learner), plus one
`failed` row per learner whose fold failed, with the error. A learner's fold "has failed" while a
failed row of theirs is newer than their oldest dirty mark: the failure left those marks in place,
and a later successful fold deletes them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select

from ...domain.folds import FoldHealth, LearnerFoldState
from .. import locks
from ..db import Database
from ..tables import dirty_t, runs_t

log = logging.getLogger(__name__)

RUNNING, OK, PARTIAL, FAILED, ABANDONED = "running", "ok", "partial", "failed", "abandoned"
MAX_ERROR_CHARS = 2000


def _run_lock(run_id: int) -> str:
    return f"rollups.run:{run_id}"


async def start_run(db: Database, *, kind: str, user_id: str | None, now: datetime) -> int:
    """Record a run of `kind` starting at `now` (status "running") and return its id."""
    async with db.write() as conn:
        stmt = runs_t.insert().values(kind=kind, user_id=user_id, started_at=now, status=RUNNING)
        return int((await conn.execute(stmt.returning(runs_t.c.id))).scalar_one())


@asynccontextmanager
async def alive(db: Database, run_id: int) -> AsyncIterator[None]:
    """Hold the run's own lock while it works (PostgreSQL), so that a process starting meanwhile can
    tell a live run from one whose process died (`close_abandoned`)."""
    async with locks.held(db, _run_lock(run_id)):
        yield


async def finish_run(
    db: Database,
    run_id: int,
    *,
    started_at: datetime,
    status: str,
    buckets: int,
    duration_ms: float,
    error: str | None = None,
) -> None:
    """Close a run: its status, the rollup rows it touched, its duration (finished = started + duration)."""
    async with db.write() as conn:
        await conn.execute(
            runs_t.update()
            .where(runs_t.c.id == run_id)
            .values(
                finished_at=started_at + timedelta(milliseconds=duration_ms),
                status=status,
                buckets_touched=buckets,
                duration_ms=duration_ms,
                error=error[:MAX_ERROR_CHARS] if error else None,
            )
        )


async def record_failure(
    db: Database, *, kind: str, user_id: str, started_at: datetime, duration_ms: float, error: str
) -> None:
    """Record that the fold (or rebuild) of one learner failed with `error`; their marks stay in place."""
    async with db.write() as conn:
        await conn.execute(
            runs_t.insert().values(
                kind=kind,
                user_id=user_id,
                started_at=started_at,
                finished_at=started_at + timedelta(milliseconds=duration_ms),
                status=FAILED,
                duration_ms=duration_ms,
                error=error[:MAX_ERROR_CHARS],
            )
        )


async def close_abandoned(db: Database, *, now: datetime) -> list[int]:
    """Mark `abandoned` (finished now) the runs left `running` by a process that died; return their ids.

    PostgreSQL: a run whose lock nobody holds is abandoned; a live one elsewhere is left alone. SQLite
    (one machine): every running run is closed; a run still going in another worker process of the
    same machine writes its real status over this one when it finishes.
    """
    async with db.read() as conn:
        running = list((await conn.execute(select(runs_t.c.id).where(runs_t.c.status == RUNNING))).scalars())
    closed: list[int] = []
    for run_id in running:
        async with locks.held(db, _run_lock(run_id)) as free:
            if not free:
                continue
            async with db.write() as conn:
                result = await conn.execute(
                    runs_t.update()
                    .where(runs_t.c.id == run_id, runs_t.c.status == RUNNING)
                    .values(status=ABANDONED, finished_at=now, error="its process stopped before it finished")
                )
            if result.rowcount:
                closed.append(run_id)
    if closed:
        log.warning("closed %d aggregation run(s) left running by a stopped process: %s", len(closed), closed)
    return closed


async def learner_fold_state(db: Database, *, user_id: str) -> LearnerFoldState:
    """The learner's oldest dirty mark and latest failed fold, in one statement (two index lookups)."""
    d, r = dirty_t, runs_t
    oldest = select(func.min(d.c.marked_at)).where(d.c.user_id == user_id).scalar_subquery()
    failed = (
        select(func.max(r.c.started_at)).where(r.c.user_id == user_id, r.c.status == FAILED).scalar_subquery()
    )
    async with db.read() as conn:
        row = (await conn.execute(select(oldest.label("oldest"), failed.label("failed")))).one()
    return LearnerFoldState(oldest_mark=row.oldest, last_failure=row.failed)


async def failing_learners(db: Database, *, user_id: str | None = None) -> set[str]:
    """Learners (or just `user_id`) with a failed fold newer than their oldest dirty mark."""
    d, r = dirty_t, runs_t
    oldest = select(d.c.user_id, func.min(d.c.marked_at).label("oldest")).group_by(d.c.user_id)
    if user_id is not None:
        oldest = oldest.where(d.c.user_id == user_id)
    marks = oldest.subquery("oldest_marks")
    failed = select(r.c.id).where(
        and_(r.c.user_id == marks.c.user_id, r.c.status == FAILED, r.c.started_at >= marks.c.oldest)
    )
    async with db.read() as conn:
        rows = await conn.execute(select(marks.c.user_id).where(failed.exists()))
        return {row.user_id for row in rows}


async def fold_health(db: Database) -> FoldHealth:
    """The oldest unfolded mark of any learner, and how many learners' last fold failed."""
    async with db.read() as conn:
        oldest = await conn.scalar(select(func.min(dirty_t.c.marked_at)))
    return FoldHealth(oldest_mark=oldest, failing_learners=len(await failing_learners(db)))
