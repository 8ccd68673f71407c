"""Achievement values: categories, rarities and points, the learner snapshot, criteria and progress."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class AchievementCategory(StrEnum):
    STREAK = "streak"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPICS = "topics"
    GOALS = "goals"
    SPECIAL = "special"


class Rarity(StrEnum):
    COMMON = "common"
    UNCOMMON = "uncommon"
    RARE = "rare"
    EPIC = "epic"
    LEGENDARY = "legendary"

    @property
    def points(self) -> int:
        return POINTS[self]


POINTS: Mapping[Rarity, int] = {
    Rarity.COMMON: 10,
    Rarity.UNCOMMON: 25,
    Rarity.RARE: 50,
    Rarity.EPIC: 100,
    Rarity.LEGENDARY: 250,
}


@dataclass(frozen=True, slots=True)
class LearnerSnapshot:
    """The facts achievement criteria read: one learner, as of one evaluation. Every fact only grows
    as the learner does more, except the two read from the recent hourly window.

    From the day rollups (every day kept): `total_sessions`, `total_exchanges`, `total_minutes`,
    `scored_exchanges` and `avg_quality` (exchange-weighted composite; 0 without scores),
    `high_quality_days` (days with at least 10 scored exchanges averaging ≥ 0.9),
    `feedback_given`, `most_exchanges_in_a_day`, `most_minutes_in_a_day`.
    From the active days (the list the streak reads): `active_days`, `perfect_weeks` (ISO weeks with
    7 active days), `full_weekends` (Saturday and Sunday both active), `comebacks` (an active day
    after at least 7 inactive ones). From the `Streak` (never recomputed): `current_streak`,
    `longest_streak`, `frozen_days`. From topic rollups and mastery: `unique_topics`,
    `proficient_topics` (intermediate level or above), `expert_topics`. From goals:
    `goals_completed`. From the hourly rollups of the retained window (7 days by default):
    `late_night_sessions` (started 22:00–23:59 local), `early_morning_sessions` (before 07:00).
    From the sessions: `longest_session_minutes` (the longest single session).
    """

    total_sessions: int = 0
    total_exchanges: int = 0
    total_minutes: float = 0.0
    scored_exchanges: int = 0
    avg_quality: float = 0.0
    high_quality_days: int = 0
    feedback_given: int = 0
    most_exchanges_in_a_day: int = 0
    most_minutes_in_a_day: float = 0.0
    active_days: int = 0
    perfect_weeks: int = 0
    full_weekends: int = 0
    comebacks: int = 0
    current_streak: int = 0
    longest_streak: int = 0
    frozen_days: int = 0
    unique_topics: int = 0
    proficient_topics: int = 0
    expert_topics: int = 0
    goals_completed: int = 0
    late_night_sessions: int = 0
    early_morning_sessions: int = 0
    longest_session_minutes: float = 0.0


class Fact(StrEnum):
    """A fact of the `LearnerSnapshot` a criterion compares (the value is the field's name)."""

    TOTAL_SESSIONS = "total_sessions"
    TOTAL_EXCHANGES = "total_exchanges"
    TOTAL_MINUTES = "total_minutes"
    SCORED_EXCHANGES = "scored_exchanges"
    AVG_QUALITY = "avg_quality"
    HIGH_QUALITY_DAYS = "high_quality_days"
    FEEDBACK_GIVEN = "feedback_given"
    MOST_EXCHANGES_IN_A_DAY = "most_exchanges_in_a_day"
    MOST_MINUTES_IN_A_DAY = "most_minutes_in_a_day"
    ACTIVE_DAYS = "active_days"
    PERFECT_WEEKS = "perfect_weeks"
    FULL_WEEKENDS = "full_weekends"
    COMEBACKS = "comebacks"
    CURRENT_STREAK = "current_streak"
    LONGEST_STREAK = "longest_streak"
    FROZEN_DAYS = "frozen_days"
    UNIQUE_TOPICS = "unique_topics"
    PROFICIENT_TOPICS = "proficient_topics"
    EXPERT_TOPICS = "expert_topics"
    GOALS_COMPLETED = "goals_completed"
    LATE_NIGHT_SESSIONS = "late_night_sessions"
    EARLY_MORNING_SESSIONS = "early_morning_sessions"
    LONGEST_SESSION_MINUTES = "longest_session_minutes"

    def of(self, snapshot: LearnerSnapshot) -> float:
        """The fact's value in a snapshot."""
        value: float = getattr(snapshot, self.value)
        return float(value)


# The largest float below 100: a criterion not met never reads 100 %, however close it is.
_BELOW_FULL = math.nextafter(100.0, 0.0)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One condition of a criterion: `fact` ≥ `at_least` (> 0)."""

    fact: Fact
    at_least: float

    def __post_init__(self) -> None:
        if not self.at_least > 0:
            raise ValueError(f"a requirement's threshold is > 0, got {self.at_least}")

    def met(self, snapshot: LearnerSnapshot) -> bool:
        return self.fact.of(snapshot) >= self.at_least

    def fraction(self, snapshot: LearnerSnapshot) -> float:
        """min(1, max(0, fact / at_least))."""
        return min(1.0, max(0.0, self.fact.of(snapshot) / self.at_least))


@dataclass(frozen=True, slots=True)
class AchievementProgress:
    """How far a learner is on a criterion: `current` of `target` on its least advanced requirement,
    and `percent` (100 exactly when the criterion is met)."""

    current: float
    target: float
    percent: float

    @property
    def complete(self) -> bool:
        return self.percent >= 100.0


@dataclass(frozen=True, slots=True)
class Criterion:
    """A typed predicate over a `LearnerSnapshot`: every requirement holds. Its progress is that of
    the least advanced requirement, so it grows with every fact and reads 100 % only when met."""

    requirements: tuple[Requirement, ...]

    def __post_init__(self) -> None:
        if not self.requirements:
            raise ValueError("a criterion has at least one requirement")

    def met(self, snapshot: LearnerSnapshot) -> bool:
        return all(r.met(snapshot) for r in self.requirements)

    def progress(self, snapshot: LearnerSnapshot) -> AchievementProgress:
        """percent = 100 × min over requirements of min(1, fact / at_least), and below 100 (at most
        the float just under it) while some requirement is not met; current/target are those of the
        requirement with the smallest fraction (the first one on a tie)."""
        limiting = min(self.requirements, key=lambda r: r.fraction(snapshot))
        met = self.met(snapshot)
        percent = 100.0 if met else min(_BELOW_FULL, 100.0 * limiting.fraction(snapshot))
        return AchievementProgress(
            current=limiting.fact.of(snapshot), target=limiting.at_least, percent=percent
        )

    def as_json(self) -> dict[str, object]:
        """The criterion as stored in the catalog table: {"all": [{"fact": …, "at_least": …}, …]}."""
        return {"all": [{"fact": r.fact.value, "at_least": r.at_least} for r in self.requirements]}


def at_least(fact: Fact, threshold: float, *more: tuple[Fact, float]) -> Criterion:
    """A criterion from (fact, threshold) pairs: `at_least(Fact.TOTAL_SESSIONS, 10)`."""
    pairs = ((fact, threshold), *more)
    return Criterion(tuple(Requirement(f, t) for f, t in pairs))


@dataclass(frozen=True, slots=True)
class Achievement:
    """An achievement of the catalog: how to earn it (`description`), its criterion, category,
    rarity (its points follow from it) and icon (an emoji)."""

    id: str
    title: str
    description: str
    category: AchievementCategory
    rarity: Rarity
    icon: str
    criterion: Criterion

    @property
    def points(self) -> int:
        return self.rarity.points
