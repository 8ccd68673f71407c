"""Achievements: a catalog of typed criteria over a learner snapshot, unlocks, progress and stats."""

from __future__ import annotations

from learning_analytics.domain.achievements.catalog import BY_ID, CATALOG
from learning_analytics.domain.achievements.engine import (
    AchievementStats,
    AchievementStatus,
    CountBy,
    Unlock,
    UnlockResult,
    achievement_stats,
    achievement_statuses,
    check_achievements,
    holders_percent,
    next_achievements,
    progress_of,
)
from learning_analytics.domain.achievements.facts import (
    CalendarFacts,
    calendar_facts,
    hour_counts,
    is_high_quality_day,
    learner_snapshot,
)
from learning_analytics.domain.achievements.insights import achievement_url, unlock_insight, unlock_insight_id
from learning_analytics.domain.achievements.model import (
    POINTS,
    Achievement,
    AchievementCategory,
    AchievementProgress,
    Criterion,
    Fact,
    LearnerSnapshot,
    Rarity,
    Requirement,
    at_least,
)

__all__ = [
    "BY_ID",
    "CATALOG",
    "POINTS",
    "Achievement",
    "AchievementCategory",
    "AchievementProgress",
    "AchievementStats",
    "AchievementStatus",
    "CalendarFacts",
    "CountBy",
    "Criterion",
    "Fact",
    "LearnerSnapshot",
    "Rarity",
    "Requirement",
    "Unlock",
    "UnlockResult",
    "achievement_stats",
    "achievement_statuses",
    "achievement_url",
    "at_least",
    "calendar_facts",
    "check_achievements",
    "holders_percent",
    "hour_counts",
    "is_high_quality_day",
    "learner_snapshot",
    "next_achievements",
    "progress_of",
    "unlock_insight",
    "unlock_insight_id",
]
