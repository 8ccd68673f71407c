"""Exports stream: the memory an export takes does not grow with its size (tracemalloc's peak for ten
times the rows stays within a fixed margin of the small export's)."""

from __future__ import annotations

import tracemalloc
from datetime import timedelta

import pytest
from export_data import NOW, learner

from learning_analytics.domain.export import ExportFormat, ExportSection
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput
from learning_analytics.domain.periods import Period
from learning_analytics.resolvers import export
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime


def _batches(prefix: str, exchanges: int) -> list[EventBatch]:
    """`exchanges` exchanges with a 200-character text, 20 a session, spread over the last 60 days."""
    out: list[EventBatch] = []
    per_batch = 5000
    for first in range(0, exchanges, per_batch):
        sessions, items = [], []
        for i in range(first, min(first + per_batch, exchanges)):
            sid = f"{prefix}s{i // 20}"
            at = NOW - timedelta(days=(i * 60) // exchanges, hours=3) + timedelta(seconds=i % 20)
            if i % 20 == 0:
                sessions.append(SessionInput(id=sid, started_at=at, ended_at=at + timedelta(minutes=5)))
            items.append(
                ExchangeInput(id=f"{prefix}e{i}", session_id=sid, occurred_at=at, quality=Quality(composite=(i % 100) / 100),
                              topics=("t" + str(i % 7),), user_text="x" * 200)
            )  # fmt: skip
        out.append(EventBatch(sessions=tuple(sessions), exchanges=tuple(items)))
    return out


async def _peak(runtime: Runtime, user_id: str, fmt: ExportFormat) -> tuple[int, int]:
    from learning_analytics.storage import users

    user = await users.get_user(runtime.db, user_id=user_id)
    assert user is not None
    ctx = build_context(runtime, user, now=NOW)
    prepared = await export.prepare_export(
        ctx,
        format=fmt,
        period=Period.LAST_90_DAYS,
        sections=[ExportSection.SESSIONS, ExportSection.EXCHANGES],
    )
    run = export.ExportRun(ctx, prepared)
    tracemalloc.start()
    try:
        async for _ in run:
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, run.size_bytes


@pytest.mark.parametrize("fmt", list(ExportFormat))
async def test_ten_times_the_rows_take_no_more_memory(runtime: Runtime, fmt: ExportFormat) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={
            "export": runtime.settings.export.model_copy(update={"max_records": 1_000_000, "batch_rows": 500})
        }
    )
    for uid, n in (("small", 1500), ("large", 15000)):
        user = await learner(runtime, uid)
        ctx = build_context(runtime, user, now=NOW)
        for batch in _batches(uid, n):
            await ingest_batch(ctx, batch)

    small, small_bytes = await _peak(runtime, "small", fmt)
    large, large_bytes = await _peak(runtime, "large", fmt)

    assert large_bytes > 8 * small_bytes  # ten times the rows, about ten times the output
    # A batch of 500 rows and a 64 KiB chunk bound the peak, whatever the total: the large export's
    # peak stays within 1 MiB of the small one's (holding its output would take 10+ times more).
    assert large < small + 1024 * 1024, (small, large, large_bytes)
