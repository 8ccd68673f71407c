"""The record of rollup work in `aggregation_runs`: one row per fold, rebuild or retention pass."""

from __future__ import annotations

from datetime import datetime, timedelta

from .db import Database
from .tables import runs_t


async def start_run(db: Database, *, kind: str, user_id: str | None, now: datetime) -> int:
    """Record a run of `kind` starting at `now` (status "running") and return its id."""
    async with db.write() as conn:
        stmt = runs_t.insert().values(kind=kind, user_id=user_id, started_at=now, status="running")
        return int((await conn.execute(stmt.returning(runs_t.c.id))).scalar_one())


async def finish_run(
    db: Database, run_id: int, *, started_at: datetime, status: str, buckets: int, duration_ms: float
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
            )
        )
