"""Retention of the rollups: drop buckets past each granularity's horizon, which reads fall back below."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from ...domain.folds import RetentionResult
from ...domain.periods import Granularity, bucket_start
from ..db import Database
from ..sql import insert_for
from ..tables import horizons_t, rollups_t, runs_t
from .horizons import forget_horizons, read_horizons
from .runs import alive, finish_run, start_run

# Runs are an operational log: a quarter of history is plenty to look back on.
RUNS_KEPT_DAYS = 90


async def apply_retention(
    db: Database, *, now: datetime, retention_days: Mapping[Granularity, int | None]
) -> RetentionResult:
    """Delete rollups older than each granularity's retention in days (None, or a granularity not
    given, keeps them) and move that granularity's horizon, which the read API falls back below.

    The horizon is the first bucket day kept (cut at a whole period): today (UTC) − retention,
    moved back to its period's start. It only ever moves forward. Old aggregation runs are pruned.
    """
    today = now.astimezone(UTC).date()
    run_id = await start_run(db, kind="retention", user_id=None, now=now)
    clock = time.perf_counter()
    deleted = 0
    status = "failed"
    try:
        async with alive(db, run_id), db.write() as conn:
            kept = await read_horizons(conn)
            for g, days in retention_days.items():
                if days is None:
                    continue
                kept[g] = max(bucket_start(g, today - timedelta(days=days)), kept.get(g, date.min))
                stmt = insert_for(conn, horizons_t).values(
                    granularity=g.value, kept_from=kept[g], updated_at=now
                )
                await conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[horizons_t.c.granularity],
                        set_={"kept_from": stmt.excluded.kept_from, "updated_at": stmt.excluded.updated_at},
                    )
                )
                r = rollups_t
                result = await conn.execute(
                    r.delete().where(r.c.granularity == g.value, r.c.bucket_day < kept[g])
                )
                deleted += result.rowcount
            await conn.execute(
                runs_t.delete().where(runs_t.c.started_at < now - timedelta(days=RUNS_KEPT_DAYS))
            )
        status = "ok"
    finally:
        forget_horizons(db)
        await finish_run(
            db, run_id, started_at=now, status=status, buckets=deleted,
            duration_ms=(time.perf_counter() - clock) * 1000,
        )  # fmt: skip
    return RetentionResult(kept_from=kept, deleted=deleted, run_id=run_id)
