"""Ingestion use cases: validate a batch, store it atomically, report accepted and duplicate items."""

from __future__ import annotations

from ..domain import ingest
from ..domain.errors import NotFound
from ..domain.models import EventBatch, IngestSummary, Session, SessionInput
from ..storage import events, sessions
from .context import Context


async def ingest_batch(ctx: Context, batch: EventBatch) -> IngestSummary:
    """Store a batch of sessions, exchanges and feedback exactly once per client id; all or nothing."""
    valid = ingest.validate_batch(batch, now=ctx.now, max_items=ctx.settings.max_batch_items)
    return await events.store_batch(ctx.db, user=ctx.user, batch=valid, now=ctx.now)


async def record_session(ctx: Context, session: SessionInput) -> Session:
    """Store one session (a re-sent id changes nothing) and return it as stored."""
    await ingest_batch(ctx, EventBatch(sessions=(session,)))
    stored = await sessions.get(ctx.db, user_id=ctx.user.id, session_id=session.id)
    if stored is None:  # pragma: no cover - the write above either stored it or raised
        raise NotFound("session vanished after being stored", id=session.id)
    return stored
