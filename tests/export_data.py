"""A small, hand-checkable history for the export tests: two learners, a few days, every kind of event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
    User,
)
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.rollups import fold
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# Local days in Europe/Paris (UTC+1 in November): sessions 0 and 1 days ago, 10 days ago, 40 days ago.
DAYS_AGO = (0, 1, 10, 40)


def history(prefix: str = "") -> EventBatch:
    """Per day: one session of 30 minutes with two exchanges (qualities 0.6 and 0.9, the second with
    every dimension and a text), one feedback on the first. The 40-days-ago session is a summary only."""
    sessions: list[SessionInput] = []
    exchanges: list[ExchangeInput] = []
    feedback: list[FeedbackInput] = []
    for ago in DAYS_AGO:
        start = NOW - timedelta(days=ago, hours=2)
        sid = f"{prefix}s{ago}"
        if ago == 40:
            sessions.append(
                SessionInput(id=sid, started_at=start, ended_at=start + timedelta(minutes=20), topics=("history",),
                             total_exchanges=5, avg_quality_score=0.5)
            )  # fmt: skip
            continue
        sessions.append(
            SessionInput(id=sid, started_at=start, ended_at=start + timedelta(minutes=30), topics=("python",))
        )
        exchanges.append(
            ExchangeInput(id=f"{sid}e1", session_id=sid, occurred_at=start + timedelta(minutes=1),
                          quality=Quality(composite=0.6), topics=("python", "sql"))
        )  # fmt: skip
        exchanges.append(
            ExchangeInput(
                id=f"{sid}e2",
                session_id=sid,
                occurred_at=start + timedelta(minutes=2),
                quality=Quality(composite=0.9, relevance=0.8, helpfulness=0.7, engagement=0.6, clarity=0.5, accuracy=1.0),
                topics=("sql",),
                user_text="what is a join?\nand a \"view\", with commas",
                agent_text="a join combines rows — ünïcödé",
            )
        )  # fmt: skip
        feedback.append(
            FeedbackInput(id=f"{sid}f1", exchange_id=f"{sid}e1", kind=FeedbackKind.CORRECTION,
                          created_at=start + timedelta(minutes=3), rating=0.25, comment="not quite")
        )  # fmt: skip
    return EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))


async def learner(runtime: Runtime, uid: str, tz: str = "Europe/Paris") -> User:
    return await users.create_user(
        runtime.db, user_id=uid, name=uid.upper(), timezone=tz, now=NOW - timedelta(days=100)
    )


async def load(runtime: Runtime, user: User, batch: EventBatch) -> None:
    await ingest_batch(build_context(runtime, user, now=NOW), batch)
    await fold(runtime, now=NOW)
