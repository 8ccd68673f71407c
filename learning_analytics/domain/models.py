"""Value objects shared by every area: users, sessions, exchanges, feedback and their inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class FeedbackKind(StrEnum):
    THUMBS_UP = "thumbs_up"
    THUMBS_DOWN = "thumbs_down"
    COPY = "copy"
    CORRECTION = "correction"
    CLARIFICATION = "clarification"


QUALITY_DIMENSIONS: tuple[str, ...] = ("relevance", "helpfulness", "engagement", "clarity", "accuracy")


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    timezone: str
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A user's API key as it may be shown: its id and first characters, never the key or its hash."""

    id: str
    user_id: str
    prefix: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Quality:
    """A tutor answer's quality: the composite score and its optional dimensions, each in [0, 1]."""

    composite: float
    relevance: float | None = None
    helpfulness: float | None = None
    engagement: float | None = None
    clarity: float | None = None
    accuracy: float | None = None


@dataclass(frozen=True, slots=True)
class SessionInput:
    """A study session as a client reports it: with its exchanges later, or as a summary."""

    id: str
    started_at: datetime
    ended_at: datetime | None = None
    topics: tuple[str, ...] = ()
    total_exchanges: int | None = None
    avg_quality_score: float | None = None


@dataclass(frozen=True, slots=True)
class ExchangeInput:
    id: str
    session_id: str
    occurred_at: datetime
    quality: Quality | None = None
    topics: tuple[str, ...] = ()
    user_text: str | None = None
    agent_text: str | None = None


@dataclass(frozen=True, slots=True)
class FeedbackInput:
    id: str
    exchange_id: str
    kind: FeedbackKind
    created_at: datetime
    rating: float | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class EventBatch:
    """One atomic ingestion request: everything in it is stored, or nothing is."""

    sessions: tuple[SessionInput, ...] = ()
    exchanges: tuple[ExchangeInput, ...] = ()
    feedback: tuple[FeedbackInput, ...] = ()

    @property
    def size(self) -> int:
        return len(self.sessions) + len(self.exchanges) + len(self.feedback)


@dataclass(frozen=True, slots=True)
class KindCount:
    accepted: int = 0
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """How many items of a batch were new and how many had been seen before (same client id)."""

    sessions: KindCount = field(default_factory=KindCount)
    exchanges: KindCount = field(default_factory=KindCount)
    feedback: KindCount = field(default_factory=KindCount)

    @property
    def accepted(self) -> int:
        return self.sessions.accepted + self.exchanges.accepted + self.feedback.accepted

    @property
    def duplicates(self) -> int:
        return self.sessions.duplicates + self.exchanges.duplicates + self.feedback.duplicates


@dataclass(frozen=True, slots=True)
class Session:
    """A stored session with its summary: derived from its exchanges when it has any."""

    id: str
    started_at: datetime
    ended_at: datetime | None
    local_day: date
    exchange_count: int
    avg_quality: float | None

    @property
    def duration_minutes(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 60.0


@dataclass(frozen=True, slots=True)
class Exchange:
    id: str
    session_id: str
    occurred_at: datetime
    local_day: date
    quality: Quality | None


@dataclass(frozen=True, slots=True)
class Feedback:
    id: str
    exchange_id: str
    session_id: str
    kind: FeedbackKind
    created_at: datetime
    rating: float | None
    comment: str | None
