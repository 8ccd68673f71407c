"""The goal enums of the contract: types, frequencies, comparisons and statuses."""

from __future__ import annotations

from enum import StrEnum


class GoalType(StrEnum):
    ACTIVITY = "activity"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPIC = "topic"
    STREAK = "streak"
    MILESTONE = "milestone"
    CUSTOM = "custom"


class GoalFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ONE_TIME = "one_time"

    @property
    def periodic(self) -> bool:
        """DAILY, WEEKLY and MONTHLY goals roll over from one calendar period to the next."""
        return self is not GoalFrequency.ONE_TIME


class Comparison(StrEnum):
    GTE = "gte"
    LTE = "lte"
    EQ = "eq"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"
    ARCHIVED = "archived"
