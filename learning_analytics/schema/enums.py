"""GraphQL enums that several areas share, each the twin of a domain enum (same member names and
values); `by_name` converts a member to its twin at the boundary, either way.

An area's own enums live in its module and follow the same rule. The domain's classes are never
registered with Strawberry: a GraphQL enum is declared here, so the domain stays free of the framework.
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar, overload

import strawberry

E = TypeVar("E", bound=Enum)


@overload
def by_name(member: Enum, twin: type[E]) -> E: ...
@overload
def by_name(member: None, twin: type[E]) -> None: ...
@overload
def by_name(member: Enum | None, twin: type[E]) -> E | None: ...
def by_name(member: Enum | None, twin: type[E]) -> E | None:
    """The member of `twin` with the same name (a domain member for a GraphQL one, or back); None stays None."""
    return None if member is None else twin[member.name]


@strawberry.enum(description="Local days ending today (today included), or all time.")
class Period(Enum):
    LAST_7_DAYS = "last_7_days"
    LAST_14_DAYS = "last_14_days"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    LAST_365_DAYS = "last_365_days"
    ALL_TIME = "all_time"


@strawberry.enum(description="Bucket size: local hours, days, ISO weeks, months.")
class Granularity(Enum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@strawberry.enum(description="What a series measures.")
class Metric(Enum):
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    DURATION = "duration"
    ENGAGEMENT = "engagement"
    POSITIVE_FEEDBACK_RATE = "positive_feedback_rate"
    CORRECTIONS = "corrections"
    QUALITY_RELEVANCE = "quality_relevance"
    QUALITY_HELPFULNESS = "quality_helpfulness"
    QUALITY_ENGAGEMENT = "quality_engagement"
    QUALITY_CLARITY = "quality_clarity"
    QUALITY_ACCURACY = "quality_accuracy"


@strawberry.enum(description="Against the previous period of equal length.")
class ChangeDirection(Enum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@strawberry.enum(description="From the OLS slope, with a ±5 % band.")
class TrendDirection(Enum):
    IMPROVING = "improving"
    DECLINING = "declining"
    STABLE = "stable"
