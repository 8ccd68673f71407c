"""Ingestion use cases: validate a batch, store it atomically, report accepted and duplicate items."""

from __future__ import annotations

from datetime import timedelta

from ..config import Settings
from ..domain import ingest
from ..domain.errors import NotFound
from ..domain.models import EventBatch, IngestSummary, Session, SessionInput
from ..storage import events, sessions
from .context import Context


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
    valid = ingest.validate_batch(batch, now=ctx.now, limits=ingest_limits(ctx.settings))
    return await events.store_batch(ctx.db, user=ctx.user, batch=valid, now=ctx.now)


async def record_session(ctx: Context, session: SessionInput) -> Session:
    """Store one session (a re-sent id changes nothing) and return it as stored."""
    await ingest_batch(ctx, EventBatch(sessions=(session,)))
    stored = await sessions.get(ctx.db, user_id=ctx.user.id, session_id=session.id)
    if stored is None:  # pragma: no cover - the write above either stored it or raised
        raise NotFound("session vanished after being stored", id=session.id)
    return stored
