"""Achievements as the contract describes them: the overview lists the caller's recent unlocks (none
until achievements are tracked). Plain types; the achievements area adds its queries here."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry


@strawberry.enum
class AchievementCategory(Enum):
    STREAK = "streak"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPICS = "topics"
    GOALS = "goals"
    SPECIAL = "special"


@strawberry.enum
class Rarity(Enum):
    COMMON = "common"
    UNCOMMON = "uncommon"
    RARE = "rare"
    EPIC = "epic"
    LEGENDARY = "legendary"


@strawberry.type(description="A badge of the catalog, and whether the caller holds it.")
class Achievement:
    id: strawberry.ID
    title: str
    description: str
    category: AchievementCategory
    rarity: Rarity
    points: int
    icon: str | None
    unlocked: bool
    unlocked_at: datetime | None
    progress_percent: float
    holders_percent: float | None
