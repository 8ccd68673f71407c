"""The progress tracker's values in the guide's names, each built from the answer of a use case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain.mastery import MasteryLevel
from ..domain.mastery import TopicMastery as DomainMastery
from ..domain.models import Session, SessionInput
from ..domain.periods import Granularity
from ..domain.progress import ProgressPoint
from ..domain.streaks import Streak
from ..resolvers.overview import OverviewAnswer

__all__ = [
    "DailyProgress",
    "LearningStreak",
    "MasteryLevel",
    "MonthlyProgress",
    "PeriodProgress",
    "ProgressMetrics",
    "RecordedSession",
    "SessionProgress",
    "TopicMastery",
    "WeeklyProgress",
]


@dataclass
class SessionProgress:
    """A study session as the learning agent reports it: a summary (`total_exchanges` at
    `avg_quality_score`) or a session whose exchanges come through the API. `start_time` defaults to
    the moment it is recorded; naive date-times are UTC. `user_id` None: the default learner.
    `quality_breakdown` is accepted for the guide's code and not stored: per-dimension quality is
    kept per exchange (`recordExchanges`), a summary holds only the composite."""

    session_id: str
    user_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    total_exchanges: int | None = None
    avg_quality_score: float | None = None
    topics: list[str] = field(default_factory=list)
    quality_breakdown: dict[str, float] | None = None

    def to_input(self, now: datetime) -> SessionInput:
        return SessionInput(
            id=self.session_id,
            started_at=self.start_time or now,
            ended_at=self.end_time,
            topics=tuple(self.topics),
            total_exchanges=self.total_exchanges,
            avg_quality_score=self.avg_quality_score,
        )


@dataclass(frozen=True, slots=True)
class RecordedSession:
    """A session as stored: its local day, exchange count and average quality (derived from its
    exchanges once it has any), and the learner it belongs to."""

    session_id: str
    user_id: str
    start_time: datetime
    end_time: datetime | None
    local_day: date
    total_exchanges: int
    avg_quality_score: float | None
    duration_minutes: float | None

    @classmethod
    def of(cls, s: Session, user_id: str) -> RecordedSession:
        return cls(
            session_id=s.id,
            user_id=user_id,
            start_time=s.started_at,
            end_time=s.ended_at,
            local_day=s.local_day,
            total_exchanges=s.exchange_count,
            avg_quality_score=s.avg_quality,
            duration_minutes=s.duration_minutes,
        )


@dataclass(frozen=True, slots=True)
class ProgressMetrics:
    """A learner's totals over `start`..`end` (local days): the `overview` query's summary and streak.
    `avg_quality_score` is exchange-weighted (None without scored exchanges)."""

    user_id: str
    start: date
    end: date
    sessions_count: int
    total_exchanges: int
    total_minutes: float
    avg_quality_score: float | None
    unique_topics: int
    current_streak: int
    longest_streak: int

    @property
    def total_sessions(self) -> int:
        return self.sessions_count

    @classmethod
    def of(cls, answer: OverviewAnswer, user_id: str) -> ProgressMetrics:
        s = answer.summary
        return cls(
            user_id=user_id,
            start=answer.span.start,
            end=answer.span.end,
            sessions_count=s.total_sessions,
            total_exchanges=s.total_exchanges,
            total_minutes=s.total_minutes,
            avg_quality_score=s.avg_quality,
            unique_topics=s.unique_topics,
            current_streak=answer.streak.current,
            longest_streak=answer.streak.longest,
        )


@dataclass(frozen=True, slots=True)
class LearningStreak:
    """The `streak` query: the current and longest runs of active local days, the last active day,
    the day the current run started, freezes held and days bridged by a freeze."""

    user_id: str
    current_streak: int
    longest_streak: int
    last_active_date: date | None
    started_on: date | None
    today_complete: bool
    freezes_available: int
    frozen_days: tuple[date, ...]

    @classmethod
    def of(cls, s: Streak, user_id: str) -> LearningStreak:
        return cls(
            user_id=user_id,
            current_streak=s.current,
            longest_streak=s.longest,
            last_active_date=s.last_active_date,
            started_on=s.started_on,
            today_complete=s.today_complete,
            freezes_available=s.freezes_available,
            frozen_days=s.frozen_days,
        )


@dataclass(frozen=True, slots=True)
class TopicMastery:
    """The `topicMastery` query: score = q × (1 − exp(−n/10)) in [0, 1] and its level; a topic never
    practised has score 0, level novice and no interactions (where GraphQL answers null)."""

    user_id: str
    topic: str
    mastery_score: float
    level: MasteryLevel
    total_interactions: int
    last_practiced_at: datetime | None

    @classmethod
    def of(cls, m: DomainMastery | None, topic: str, user_id: str) -> TopicMastery:
        if m is None:
            return cls(user_id, topic, 0.0, MasteryLevel.NOVICE, 0, None)
        return cls(user_id, m.topic, m.score, m.level, m.total_interactions, m.last_practiced_at)


@dataclass(frozen=True, slots=True)
class PeriodProgress:
    """One bucket of the `progress` query (a local day, ISO week or month starting at `start`):
    sessions, exchanges, minutes, exchange-weighted quality (None without scored exchanges)."""

    user_id: str
    granularity: Granularity
    start: date
    label: str
    sessions_count: int
    total_exchanges: int
    total_minutes: float
    avg_quality_score: float | None

    @property
    def date(self) -> date:
        return self.start

    @property
    def active(self) -> bool:
        return self.sessions_count > 0 or self.total_exchanges > 0

    @classmethod
    def of(cls, p: ProgressPoint, granularity: Granularity, user_id: str) -> PeriodProgress:
        b = p.bucket
        return cls(
            user_id=user_id,
            granularity=granularity,
            start=b.day,
            label=p.label,
            sessions_count=b.sessions,
            total_exchanges=b.exchanges,
            total_minutes=b.minutes,
            avg_quality_score=b.avg_quality,
        )


DailyProgress = PeriodProgress
WeeklyProgress = PeriodProgress
MonthlyProgress = PeriodProgress
