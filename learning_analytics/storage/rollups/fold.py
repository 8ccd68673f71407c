"""The fold: dirty marks folded in chunks of (user, local day), one learner's failure isolated; every
mark (`fold_dirty`), or a range of days marked anew and recomputed from raw rows (`rebuild`).

Concurrency. Ingestion marks (user, local day, local hour) in `dirty_buckets`; marking an hour already
marked bumps its `version`. A fold chunk reads its marks with their versions, recomputes the buckets
from committed raw rows, and deletes only the marks whose version is still the one it read. A batch
committed after the recompute started has marked its hours (or bumped them) in the same transaction
as its rows, so its marks survive and the next fold picks them up: no mark is lost, at worst a bucket
is recomputed twice. Folds exclude each other per chunk with a transaction-scoped advisory lock on
PostgreSQL (two folds computing the same bucket from different snapshots could otherwise write the
older answer last); on SQLite every chunk is one `BEGIN IMMEDIATE` transaction on the single writer,
so ingestion and folds simply take turns.

Isolation. A chunk holds many learners; when a statement fails on one learner's data (an overflowing
sum, a violated constraint), the chunk's transaction rolls back and each of its learners is folded
alone. A learner who fails alone is recorded (`aggregation_runs`: status failed, the learner, the
error), logged with the traceback, and left out of the rest of the run; their marks stay in place,
so once the data is fixed the next fold recovers them. Learners whose last fold failed are folded
apart, after everyone else, so a standing failure never costs the others a retry. Errors that are
not about one learner's data (a busy or lost database, a bug) still stop the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Select

from ...domain.folds import FoldResult
from ...domain.periods import Granularity
from ..db import Database
from ..locks import hold_for_transaction
from ..sql import insert_for
from ..tables import dirty_t, rollups_t, topic_rollups_t
from . import sql as q
from .horizons import read_horizons
from .marks import Cursor, Scope, any_mark, day_keys, delete_marks, mark_range, next_days
from .runs import FAILED, OK, PARTIAL, alive, failing_learners, finish_run, record_failure, start_run

log = logging.getLogger(__name__)

# At most this many (user, local day) pairs per fold transaction: a backlog never holds the SQLite
# writer for long (a fraction of a second per chunk).
CHUNK_DAYS = 500
# Distinct from every job name: a job holds its own lock while its fold takes this one per chunk.
FOLD_LOCK = "rollups.fold-chunk"
Progress = Callable[[int, int], None]


def _learner_fault(error: sa_exc.DBAPIError) -> bool:
    """A statement refused the data (overflow, constraint), as opposed to a lost connection."""
    return not error.connection_invalidated and not isinstance(error, sa_exc.InterfaceError)


def _describe(error: sa_exc.DBAPIError) -> str:
    # The driver's message without SQLAlchemy's statement and parameters (the marks can be thousands).
    return f"{type(error.orig).__name__}: {error.orig}".strip()


@dataclass
class _Fold:
    db: Database
    kind: str
    now: datetime
    horizons: dict[Granularity, date]
    chunk_days: int
    progress: Progress | None
    total: int
    marks: int = 0
    days: int = 0
    buckets: int = 0
    chunks: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    folded: set[str] = field(default_factory=set)  # learners whose rollups this fold moved
    # Learners whose previous fold failed already: a repeated failure is logged in one line.
    known: frozenset[str] = frozenset()

    async def all_of(self, scope: Scope) -> None:
        """Fold every mark of `scope` in chunks of up to `chunk_days` (user, day) pairs, in key order."""
        lo: Cursor = None
        while True:
            current = replace(scope, excluded=scope.excluded | self.failed.keys())
            chunk: Sequence[Any] | None = None
            try:
                async with self.db.write() as conn:
                    await hold_for_transaction(conn, FOLD_LOCK)
                    chunk = (await conn.execute(next_days(current, lo, self.chunk_days))).all()
                    if not chunk:
                        return
                    hi = (chunk[-1].user_id, chunk[-1].day)
                    marks, buckets = await self._fold_range(conn, current, lo, hi)
            except sa_exc.DBAPIError as e:
                if chunk is None or not _learner_fault(e):
                    raise
                await self._isolate(current, chunk, lo, hi, e)
            else:
                self._count(marks, len(chunk), buckets)
                self.folded.update(r.user_id for r in chunk)
            lo = hi
            if self.progress is not None:
                self.progress(self.days, max(self.total, self.days))

    async def _isolate(
        self, scope: Scope, chunk: Sequence[Any], lo: Cursor, hi: Cursor, error: sa_exc.DBAPIError
    ) -> None:
        """The chunk failed: fold each of its learners alone, recording those who fail alone."""
        learners = list(dict.fromkeys(r.user_id for r in chunk))
        if len(learners) == 1:
            await self._record(learners[0], error, elapsed_ms=0.0)
            return
        for user_id in learners:
            started = time.perf_counter()
            try:
                async with self.db.write() as conn:
                    await hold_for_transaction(conn, FOLD_LOCK)
                    marks, buckets = await self._fold_range(conn, replace(scope, user_id=user_id), lo, hi)
            except sa_exc.DBAPIError as e:
                if not _learner_fault(e):
                    raise
                await self._record(user_id, e, elapsed_ms=(time.perf_counter() - started) * 1000)
            else:
                self._count(marks, sum(1 for r in chunk if r.user_id == user_id), buckets)
                self.folded.add(user_id)

    async def _fold_range(
        self, conn: AsyncConnection, scope: Scope, lo: Cursor, hi: Cursor
    ) -> tuple[int, int]:
        chunk_marks = scope.marks(lo, hi)
        read = (await conn.execute(chunk_marks.add_columns(dirty_t.c.version))).all()
        # PostgreSQL gets the marks read as an inline table: its planner then knows how few there are
        # (the statistics of a table swinging from thousands of rows to none lag behind) and looks the
        # marked days up by index instead of hashing whole raw tables.
        source = chunk_marks if self.db.is_sqlite else q.marks_table(read)
        buckets = await fold_marks(conn, source, self.horizons, self.now)
        await delete_marks(conn, read)
        return len(read), buckets

    def _count(self, marks: int, days: int, buckets: int) -> None:
        self.marks += marks
        self.days += days
        self.buckets += buckets
        self.chunks += 1

    async def _record(self, user_id: str, error: sa_exc.DBAPIError, *, elapsed_ms: float) -> None:
        message = _describe(error)
        self.failed[user_id] = message
        if user_id in self.known:
            log.warning("rollup %s of learner %s failed again: %s", self.kind, user_id, message)
        else:
            log.error(
                "rollup %s of learner %s failed; their dirty hours stay marked for the next fold: %s",
                self.kind, user_id, message, exc_info=error,
            )  # fmt: skip
        await record_failure(
            self.db,
            kind=self.kind,
            user_id=user_id,
            started_at=self.now,
            duration_ms=elapsed_ms,
            error=message,
        )


async def fold_dirty(
    db: Database, *, now: datetime, chunk_days: int = CHUNK_DAYS, record_idle: bool = False
) -> FoldResult:
    """Fold every dirty hour into the rollups: recompute those hours, their days, the weeks and
    months holding those days, and the topic rollups of those days — nothing else.

    Idempotent: with no new marks it changes nothing (and records no run unless `record_idle`).
    A learner whose data makes a statement fail is recorded and skipped (`FoldResult.failed`), with
    their marks left in place; everyone else is folded.
    """
    return await run_fold(
        db, now=now, kind="fold", scope=Scope(), chunk_days=chunk_days, record_idle=record_idle
    )


async def rebuild(
    db: Database,
    *,
    now: datetime,
    user_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    progress: Progress | None = None,
    chunk_days: int = CHUNK_DAYS,
) -> FoldResult:
    """Recompute from raw rows every bucket of the local days in [start, end] (default: all), for
    one user or all: hours and days, the weeks and months holding them, and their topic rollups.

    Every hour holding a raw row or a rollup in the range is marked, then folded; `progress` gets
    (days done, days in all) after each chunk.
    """
    scope = Scope(user_id=user_id, start=start, end=end)
    async with db.write() as conn:
        await conn.execute(mark_range(conn, scope, now))
        total = await conn.scalar(select(func.count()).select_from(day_keys(scope.marks()).subquery()))
    return await run_fold(
        db, now=now, kind="rebuild", scope=scope, chunk_days=chunk_days, record_idle=True,
        progress=progress, total=int(total or 0),
    )  # fmt: skip


async def run_fold(
    db: Database,
    *,
    now: datetime,
    kind: str,
    scope: Scope,
    chunk_days: int = CHUNK_DAYS,
    record_idle: bool = False,
    progress: Progress | None = None,
    total: int = 0,
) -> FoldResult:
    """Fold the marks of `scope`, learners whose last fold failed apart and last; record the run."""
    clock = time.perf_counter()
    if not record_idle and not await any_mark(db, scope):
        return FoldResult(kind=kind)
    async with db.read() as conn:
        horizons = await read_horizons(conn)
    fold = _Fold(db, kind, now, horizons, chunk_days, progress, total)
    run_id = await start_run(db, kind=kind, user_id=scope.user_id, now=now)
    status, error = FAILED, None
    try:
        async with alive(db, run_id):
            suspects = await failing_learners(db, user_id=scope.user_id)
            fold.known = frozenset(suspects)
            await fold.all_of(replace(scope, excluded=scope.excluded | suspects))
            for user_id in sorted(suspects - scope.excluded):
                await fold.all_of(replace(scope, user_id=user_id))
                if user_id not in fold.failed:
                    log.info("rollup %s of learner %s succeeded again after a failure", kind, user_id)
        status = PARTIAL if fold.failed else OK
        if fold.failed:
            error = f"{len(fold.failed)} learner(s) failed: {', '.join(sorted(fold.failed))}"
    except BaseException as e:
        error = f"{type(e).__name__}: {e}"
        raise
    finally:
        duration_ms = (time.perf_counter() - clock) * 1000
        await finish_run(
            db,
            run_id,
            started_at=now,
            status=status,
            buckets=fold.buckets,
            duration_ms=duration_ms,
            error=error,
        )
    return FoldResult(
        kind=kind,
        marks=fold.marks,
        days=fold.days,
        buckets=fold.buckets,
        chunks=fold.chunks,
        duration_ms=duration_ms,
        run_id=run_id,
        failed=tuple(sorted(fold.failed)),
        learners=tuple(sorted(fold.folded - fold.failed.keys())),
    )


async def fold_marks(
    conn: AsyncConnection, marks: Select[Any], horizons: dict[Granularity, date], now: datetime
) -> int:
    """Recompute every bucket the marks touch; return the rollup rows written."""
    dialect = conn.dialect.name
    insert = insert_for(conn, rollups_t)
    touched = 0

    async def write(keys: q.Keys, partials: list[Select[Any]]) -> None:
        nonlocal touched
        result = await conn.execute(q.upsert_rollups(dialect, insert, keys.granularity, partials, now))
        touched += result.rowcount
        await conn.execute(q.delete_empty_rollups(keys))

    for g in (Granularity.HOUR, Granularity.DAY):
        keys = q.keys_from_marks(dialect, marks, g, since=horizons.get(g))
        await write(keys, q.raw_partials_for_keys(dialect, keys))
    days_from = horizons.get(Granularity.DAY)
    for g in (Granularity.WEEK, Granularity.MONTH):
        since = horizons.get(g)
        if days_from is not None and (since is None or since < days_from):
            # Periods starting before the daily horizon may have lost day rollups: use raw rows.
            keys = q.keys_from_marks(dialect, marks, g, since=since, until=days_from)
            await write(keys, q.raw_partials_for_keys(dialect, keys))
        bounds = [d for d in (since, days_from) if d is not None]
        keys = q.keys_from_marks(dialect, marks, g, since=max(bounds) if bounds else None)
        await write(keys, q.day_partials_for_keys(keys))

    days = day_keys(marks).subquery("day_keys")
    result = await conn.execute(q.upsert_topic_rollups(dialect, insert_for(conn, topic_rollups_t), days, now))
    touched += result.rowcount
    await conn.execute(q.delete_stale_topic_rollups(days))
    return touched
