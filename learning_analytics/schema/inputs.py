"""Input types and their conversion to domain values."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import models
from .enums import FeedbackKind


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
            kind=models.FeedbackKind(self.kind),
            created_at=self.created_at,
            rating=self.rating,
            comment=self.comment,
        )
