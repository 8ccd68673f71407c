"""Recording what a learner did: the `recordSession`, `recordExchanges` and `recordFeedback` mutations,
their inputs and results (a ValidationError names the offending input)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from ..domain import models
from ..domain.errors import InvalidInput
from ..resolvers import ingest as resolver
from .context import Info
from .enums import by_name
from .errors import ValidationError
from .sessions import FeedbackKind, Session


@strawberry.input
class QualityInput:
    composite: float
    relevance: float | None = None
    helpfulness: float | None = None
    engagement: float | None = None
    clarity: float | None = None
    accuracy: float | None = None

    def to_domain(self) -> models.Quality:
        return models.Quality(
            composite=self.composite,
            relevance=self.relevance,
            helpfulness=self.helpfulness,
            engagement=self.engagement,
            clarity=self.clarity,
            accuracy=self.accuracy,
        )


@strawberry.input(
    description="A session; send `totalExchanges`/`avgQualityScore` when its exchanges are not sent."
)
class SessionInput:
    id: strawberry.ID
    started_at: datetime
    ended_at: datetime | None = None
    topics: list[str] | None = None
    total_exchanges: int | None = None
    avg_quality_score: float | None = None

    def to_domain(self) -> models.SessionInput:
        return models.SessionInput(
            id=str(self.id),
            started_at=self.started_at,
            ended_at=self.ended_at,
            topics=tuple(self.topics or ()),
            total_exchanges=self.total_exchanges,
            avg_quality_score=self.avg_quality_score,
        )


@strawberry.input
class ExchangeInput:
    id: strawberry.ID
    session_id: strawberry.ID
    occurred_at: datetime
    quality: QualityInput | None = None
    topics: list[str] | None = None
    user_text: str | None = None
    agent_text: str | None = None

    def to_domain(self) -> models.ExchangeInput:
        return models.ExchangeInput(
            id=str(self.id),
            session_id=str(self.session_id),
            occurred_at=self.occurred_at,
            quality=self.quality.to_domain() if self.quality else None,
            topics=tuple(self.topics or ()),
            user_text=self.user_text,
            agent_text=self.agent_text,
        )


@strawberry.input
class FeedbackInput:
    id: strawberry.ID
    exchange_id: strawberry.ID
    kind: FeedbackKind
    created_at: datetime
    rating: float | None = None
    comment: str | None = None

    def to_domain(self) -> models.FeedbackInput:
        return models.FeedbackInput(
            id=str(self.id),
            exchange_id=str(self.exchange_id),
            kind=by_name(self.kind, models.FeedbackKind),
            created_at=self.created_at,
            rating=self.rating,
            comment=self.comment,
        )


@strawberry.type(description="How many items were stored, and how many had been stored before (same id).")
class IngestSummary:
    accepted: int
    duplicates: int

    @classmethod
    def from_domain(cls, s: models.IngestSummary) -> IngestSummary:
        return cls(accepted=s.accepted, duplicates=s.duplicates)


RecordSessionResult = Annotated[Session | ValidationError, strawberry.union("RecordSessionResult")]
IngestResult = Annotated[IngestSummary | ValidationError, strawberry.union("IngestResult")]


async def _ingest(info: Info, batch: models.EventBatch) -> IngestSummary | ValidationError:
    try:
        summary = await resolver.ingest_batch(info.context, batch)
    except InvalidInput as e:
        return ValidationError.from_ingest(e)
    return IngestSummary.from_domain(summary)


@strawberry.type
class IngestMutation:
    @strawberry.mutation(
        description="Record one session, as a summary or before its exchanges; idempotent by id."
    )
    async def record_session(self, info: Info, input: SessionInput) -> RecordSessionResult:
        try:
            stored = await resolver.record_session(info.context, input.to_domain())
        except InvalidInput as e:
            return ValidationError.from_ingest(e, single=True)
        return Session.from_domain(stored)

    @strawberry.mutation(
        description="Record exchanges (their sessions must exist or come first); idempotent by id."
    )
    async def record_exchanges(self, info: Info, input: list[ExchangeInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(exchanges=tuple(i.to_domain() for i in input)))

    @strawberry.mutation(description="Record feedback on stored exchanges; idempotent by id.")
    async def record_feedback(self, info: Info, input: list[FeedbackInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(feedback=tuple(i.to_domain() for i in input)))
