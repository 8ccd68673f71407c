"""Exports: check a request against the limits, stream it in any format, record it in the history;
the data-rights export (everything held about a learner) and a learner's deletion."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import orjson

from ..domain.errors import InvalidInput, NotFound
from ..domain.export import (
    ExportFormat,
    ExportHeader,
    ExportLimits,
    ExportPlan,
    ExportSection,
    ExportTrailer,
    check_limits,
    encoder_for,
)
from ..domain.export.records import rounded
from ..domain.periods import DateRange, Period
from ..storage import export as store
from ..storage import users as user_store
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from .calendar import user_today
from .context import Context
from .runtime import Runtime

T = TypeVar("T")
EARLIEST_DAY = date(1970, 1, 1)
DOWNLOAD_PATH = "/api/analytics/export"


@dataclass(frozen=True, slots=True)
class PreparedExport:
    """A request checked against the limits, with everything known before its first record."""

    plan: ExportPlan
    header: ExportHeader
    window: store.ExportWindow
    expected_rows: dict[str, int]
    everything: bool = False

    @property
    def download_url(self) -> str:
        """Where the same export downloads (`GET /api/analytics/export`, the caller's key required)."""
        if self.everything:
            return f"{DOWNLOAD_PATH}/mine"
        query = {
            "format": self.plan.format.value,
            "start": self.plan.days.start.isoformat(),
            "end": self.plan.days.end.isoformat(),
            "include": ",".join(s.value for s in self.plan.sections),
        }
        return f"{DOWNLOAD_PATH}?{urlencode(query)}"

    @property
    def filename(self) -> str:
        day = self.header.generated_at.date().isoformat()
        return f"learning_export_{day}.{self.plan.format.extension}"


def export_limits(ctx: Context) -> ExportLimits:
    return ExportLimits(max_days=ctx.settings.export.max_days, max_records=ctx.settings.export.max_records)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The instant (UTC) a local day starts."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


async def _days(
    ctx: Context, *, period: Period | None, start: date | None, end: date | None, today: date
) -> tuple[DateRange, str]:
    """The local days asked for, and the argument they came from (named by a limit error)."""
    if start is not None or end is not None:
        if start is None or end is None:
            missing = "start" if start is None else "end"
            raise InvalidInput(f"give both start and end, or a period; {missing} is missing", field=missing)
        for name, day in (("start", start), ("end", end)):
            if not EARLIEST_DAY <= day <= today:
                raise InvalidInput(
                    f"{name} must be a day from {EARLIEST_DAY} to today ({today}), got {day}",
                    field=name,
                    code="out_of_range",
                )
        if end < start:
            raise InvalidInput(f"end {end} is before start {start}", field="end", code="invalid_range")
        return DateRange(start=start, end=end), "start"
    chosen = period or Period.LAST_30_DAYS
    if chosen.days is None:
        first = await store.first_day(ctx.db, user_id=ctx.user.id)
        return DateRange(start=min(first or today, today), end=today), "period"
    return DateRange(start=today - timedelta(days=chosen.days - 1), end=today), "period"


async def _summary(ctx: Context, days: DateRange) -> dict[str, Any]:
    """The period's totals from the rollups: sessions, exchanges, minutes, exchange-weighted quality,
    distinct topics, feedback and active days."""
    uid = ctx.user.id
    totals = await rollup_reads.day_totals(ctx.db, user_id=uid, start=days.start, end=days.end)
    active = [d for d in await rollup_reads.active_days(ctx.db, user_id=uid) if d in days]
    return {
        "total_sessions": totals.sessions,
        "total_exchanges": totals.exchanges,
        "total_minutes": rounded(totals.minutes),
        "avg_quality": rounded(totals.avg_quality),
        "unique_topics": await topic_rollups.topic_count(ctx.db, user_id=uid, start=days.start, end=days.end),
        "feedback": totals.feedback,
        "active_days": len(active),
    }


async def prepare_export(
    ctx: Context,
    *,
    format: ExportFormat,
    period: Period | None = None,
    start: date | None = None,
    end: date | None = None,
    sections: Sequence[ExportSection] | None = None,
    everything: bool = False,
) -> PreparedExport:
    """Check an export request: the days of `period` (default the last 30) or of `start`..`end`, at
    most `LA_EXPORT__MAX_DAYS` of them, and at most `LA_EXPORT__MAX_RECORDS` records in the chosen
    sections (all when none are given). With `everything` (the data-rights export) every section of
    every day the learner has data for is taken, whatever the limits."""
    tz = ZoneInfo(ctx.user.timezone)
    today = user_today(ctx)
    chosen = tuple(s for s in ExportSection if sections is None or everything or s in sections)
    if not chosen:
        raise InvalidInput("choose at least one section", field="include", code="empty")
    if everything:
        first = await store.first_day(ctx.db, user_id=ctx.user.id)
        # Events may be stamped up to the ingestion tolerance ahead: a day after today is kept too.
        days, field = DateRange(start=min(first or today, today), end=today + timedelta(days=1)), "period"
    else:
        days, field = await _days(ctx, period=period, start=start, end=end, today=today)
    plan = ExportPlan(format=format, days=days, sections=chosen)
    period_start, period_end = (
        local_midnight(days.start, tz),
        local_midnight(days.end + timedelta(days=1), tz),
    )
    window = store.ExportWindow(
        user_id=ctx.user.id,
        start=days.start,
        end=days.end,
        since=None if everything else period_start,
        until=None if everything else period_end,
    )
    if everything:
        expected = await store.count_rows(ctx.db, window=window, sections=chosen)
    else:
        # The days are checked before anything is counted: a century-long request costs nothing.
        check_limits(plan, {}, export_limits(ctx), field=field)
        expected = await store.count_rows(ctx.db, window=window, sections=chosen)
        check_limits(plan, expected, export_limits(ctx), field=field)
    user = {"id": ctx.user.id, "name": ctx.user.name, "timezone": ctx.user.timezone}
    header = ExportHeader(
        export_id=uuid.uuid4().hex,
        generated_at=ctx.now,
        format=format,
        user=user,
        start=days.start,
        end=days.end,
        period_start=period_start,
        period_end=period_end,
        sections=chosen,
        summary=await _summary(ctx, days),
    )
    return PreparedExport(
        plan=plan, header=header, window=window, expected_rows=expected, everything=everything
    )


async def read_ahead(pages: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """The items of `pages`, the next one read while the caller works on the current one: the
    database reads a page while the last one is encoded. At most two pages are held; when the
    caller stops early, the read under way is cancelled and `pages` closed."""

    async def following() -> tuple[bool, T | None]:
        try:
            return True, await anext(pages)
        except StopAsyncIteration:
            return False, None

    task = asyncio.create_task(following())
    try:
        while True:
            more, item = await task
            if not more:
                return
            task = asyncio.create_task(following())
            yield item  # type: ignore[misc]
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await pages.aclose()  # type: ignore[attr-defined]


# Batches of up to this many rows are encoded on the event loop (a thread costs more than they do).
_INLINE_ROWS = 200
# Larger ones in this one thread, whoever exports: encoding is bound by the interpreter lock, so more
# threads would not go faster, and each thread that allocates gets its own malloc arena (memory).
_ENCODER_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-encoder")


class ExportRun:
    """One export as a stream of chunks of about `LA_EXPORT__CHUNK_BYTES`, read in batches of
    `LA_EXPORT__BATCH_ROWS` rows. Once the last chunk is out, `trailer` and `size_bytes` are set and the
    export is recorded in `export_history`; a stream left unfinished (a client gone) records nothing."""

    def __init__(
        self, ctx: Context, prepared: PreparedExport, *, progress: Callable[[int], None] | None = None
    ) -> None:
        self.ctx = ctx
        self.prepared = prepared
        self.progress = progress
        self.trailer: ExportTrailer | None = None
        self.size_bytes = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        settings = self.ctx.settings.export
        prepared = self.prepared
        encoder = encoder_for(prepared.plan.format)
        chunk = settings.chunk_bytes
        loop = asyncio.get_running_loop()
        pending = bytearray(encoder.begin(prepared.header))
        for section in prepared.plan.sections:
            pending += encoder.open_section(section)
            pages = store.stream_section(
                self.ctx.db,
                window=prepared.window,
                section=section,
                batch_rows=settings.batch_rows,
                sqlite_cache_kib=settings.sqlite_cache_kib,
            )
            # Closed at once when the stream is (a client gone): the page being read is cancelled.
            async with contextlib.aclosing(read_ahead(pages)) as batches:
                async for batch in batches:
                    # A page of thousands of rows takes tens of milliseconds to encode: in a worker
                    # thread, so that the event loop serves other requests meanwhile.
                    if len(batch) > _INLINE_ROWS:
                        pending += await loop.run_in_executor(
                            _ENCODER_THREAD, encoder.records, section, batch
                        )
                    else:
                        pending += encoder.records(section, batch)
                    if self.progress is not None:
                        self.progress(len(batch))
                    while len(pending) >= chunk:
                        yield self._sent(pending[:chunk])
                        del pending[:chunk]
            pending += encoder.close_section(section)
        tail, trailer = encoder.finish()
        pending += tail
        while len(pending) > chunk:
            yield self._sent(pending[:chunk])
            del pending[:chunk]
        yield self._sent(pending)
        self.trailer = trailer
        header = prepared.header
        await store.record_export(
            self.ctx.db,
            export_id=header.export_id,
            user_id=self.ctx.user.id,
            format=header.format.value,
            period_start=header.period_start,
            period_end=header.period_end,
            sections=[s.value for s in header.sections],
            row_counts=dict(trailer.row_counts),
            size_bytes=self.size_bytes,
            checksum=trailer.checksum,
            now=self.ctx.now,
        )

    def _sent(self, chunk: bytearray) -> bytes:
        self.size_bytes += len(chunk)
        return bytes(chunk)


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    """A finished export as the `export` query answers it: metadata, and the JSON inline when small."""

    prepared: PreparedExport
    trailer: ExportTrailer
    size_bytes: int
    data: Any | None


async def run_export(ctx: Context, prepared: PreparedExport) -> ExportOutcome:
    """Produce the export (recording it), keeping its JSON only while within `LA_EXPORT__INLINE_MAX_BYTES`."""
    run = ExportRun(ctx, prepared)
    inline = prepared.plan.format is ExportFormat.JSON
    limit = ctx.settings.export.inline_max_bytes
    kept = bytearray()
    async for chunk in run:
        if inline and len(kept) + len(chunk) <= limit:
            kept += chunk
        else:
            inline = False
            kept = bytearray()
    assert run.trailer is not None
    return ExportOutcome(
        prepared=prepared,
        trailer=run.trailer,
        size_bytes=run.size_bytes,
        data=orjson.loads(kept) if inline else None,
    )


async def export_history(ctx: Context, *, limit: int = 20) -> list[dict[str, Any]]:
    """The caller's latest exports, newest first (format, period, sections, size, checksum, time)."""
    return await store.export_history(ctx.db, user_id=ctx.user.id, limit=limit)


# ---- data rights: a learner's deletion


@dataclass(frozen=True, slots=True)
class Deletion:
    user_id: str
    removed: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.removed.values())


CONFIRMATION = "DELETE"


async def delete_learner(runtime: Runtime, *, user_id: str) -> Deletion:
    """Remove the learner, their API keys and every raw and derived row of theirs in one transaction
    (NotFound when there is no such learner); their keys stop working at once in this process, and
    their cached answers are never served again."""
    if await user_store.get_user(runtime.db, user_id=user_id) is None:
        raise NotFound(f"no user {user_id!r}", id=user_id)
    removed, hashes = await store.delete_learner(runtime.db, user_id=user_id)
    for key_hash in hashes:
        runtime.key_cache.forget(key_hash)
    runtime.key_cache.forget_user(user_id)
    # Nothing cached for them may be served again (a default learner comes back empty).
    await runtime.cache.invalidate([user_id])
    return Deletion(user_id=user_id, removed=removed)


async def delete_my_data(ctx: Context, *, confirm: str) -> Deletion:
    """The caller's own deletion, only with `confirm` = "DELETE" (InvalidInput on `confirm` otherwise)."""
    if confirm != CONFIRMATION:
        raise InvalidInput(
            f'type "{CONFIRMATION}" in confirm to delete all your data; nothing was deleted',
            field="confirm",
            code="confirmation_required",
        )
    assert ctx.runtime is not None, "a request's context carries its runtime"
    return await delete_learner(ctx.runtime, user_id=ctx.user.id)


async def learner_row_counts(runtime: Runtime, *, user_id: str) -> dict[str, int]:
    """Rows each table holds for the learner."""
    return await store.learner_row_counts(runtime.db, user_id=user_id)
