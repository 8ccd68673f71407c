"""Ingestion use cases: validate a batch, store it atomically, report accepted and duplicate items."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ..config import Settings
from ..domain import ingest
from ..domain.errors import InvalidInput, NotFound
from ..domain.models import EventBatch, IngestSummary, Session, SessionInput
from ..storage import events, sessions
from . import cache
from .context import Context

# Told of every batch's outcome, whatever edge sent it: its summary, or None when it was refused as
# invalid. The metrics subscribe here (they sit above the use cases and count what they hear).
INGEST_OBSERVERS: list[Callable[[IngestSummary | None], None]] = []


def _notify(summary: IngestSummary | None) -> None:
    for observe in INGEST_OBSERVERS:
        observe(summary)


def ingest_limits(settings: Settings) -> ingest.IngestLimits:
    """The domain's bounds on a batch, from `LA_MAX_BATCH_ITEMS` and the `LA_LIMITS__*` settings."""
    limits = settings.limits
    return ingest.IngestLimits(
        max_items=settings.max_batch_items,
        max_id_length=limits.max_id_length,
        max_topic_length=limits.max_topic_length,
        max_topics_per_item=limits.max_topics_per_item,
        max_topic_links=limits.max_topic_links_per_batch,
        max_text_length=limits.max_text_length,
        max_comment_length=limits.max_comment_length,
        max_total_exchanges=limits.max_total_exchanges,
        earliest=ingest.as_utc(limits.earliest_timestamp),
        future_tolerance=timedelta(seconds=limits.future_tolerance_seconds),
    )


async def ingest_batch(ctx: Context, batch: EventBatch) -> IngestSummary:
    """Store a batch of sessions, exchanges and feedback exactly once per client id; all or nothing."""
    try:
        valid = ingest.validate_batch(batch, now=ctx.now, limits=ingest_limits(ctx.settings))
        summary = await events.store_batch(ctx.db, user=ctx.user, batch=valid, now=ctx.now)
    except InvalidInput:
        _notify(None)
        raise
    _notify(summary)
    if summary.accepted:
        await cache.changed(ctx)
    return summary


async def record_session(ctx: Context, session: SessionInput) -> Session:
    """Store one session (a re-sent id changes nothing) and return it as stored."""
    await ingest_batch(ctx, EventBatch(sessions=(session,)))
    stored = await sessions.get(ctx.db, user_id=ctx.user.id, session_id=session.id)
    if stored is None:  # pragma: no cover - the write above either stored it or raised
        raise NotFound("session vanished after being stored", id=session.id)
    return stored
