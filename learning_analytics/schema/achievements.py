"""Achievements: the `achievements`, `achievementStats` and `nextAchievements` queries."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from ..domain import achievements as domain
from ..resolvers import achievements as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import by_name


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
    description: str = strawberry.field(description="How to earn it.")
    category: AchievementCategory
    rarity: Rarity
    points: int
    icon: str | None
    unlocked: bool
    unlocked_at: datetime | None
    progress_percent: float = strawberry.field(
        description="How far the caller is on its criterion (100 once held)."
    )
    holders_percent: float | None = strawberry.field(
        description="The share of all learners who hold it, in percent (null without learners)."
    )

    @classmethod
    def from_domain(cls, s: domain.AchievementStatus) -> Achievement:
        a = s.achievement
        return cls(
            id=strawberry.ID(a.id),
            title=a.title,
            description=a.description,
            category=by_name(a.category, AchievementCategory),
            rarity=by_name(a.rarity, Rarity),
            points=a.points,
            icon=a.icon,
            unlocked=s.unlocked,
            unlocked_at=s.unlocked_at,
            progress_percent=s.progress.percent,
            holders_percent=s.holders_percent,
        )


@strawberry.type(
    description="Achievements unlocked (`count`) out of those in the catalog (`total`) for one key."
)
class CountBy:
    key: str
    count: int
    total: int


@strawberry.type
class AchievementStats:
    total_achievements: int
    unlocked_count: int
    total_points: int = strawberry.field(description="Points of the achievements the caller holds.")
    available_points: int
    completion_percent: float
    by_rarity: list[CountBy]
    by_category: list[CountBy]

    @classmethod
    def from_domain(cls, s: domain.AchievementStats) -> AchievementStats:
        return cls(
            total_achievements=s.total_achievements,
            unlocked_count=s.unlocked_count,
            total_points=s.total_points,
            available_points=s.available_points,
            completion_percent=s.completion_percent,
            by_rarity=[CountBy(key=c.key, count=c.count, total=c.total) for c in s.by_rarity],
            by_category=[CountBy(key=c.key, count=c.count, total=c.total) for c in s.by_category],
        )


@strawberry.type
class AchievementProgress:
    achievement: Achievement
    progress_percent: float
    current: float = strawberry.field(description="The value of the criterion's least advanced fact.")
    target: float


async def recent_achievements(info: Info) -> list[Achievement]:
    """The caller's newest unlocks, for answers that show them (the overview)."""
    return [Achievement.from_domain(s) for s in await resolver.recent(info.context)]


@strawberry.type
class AchievementsQuery:
    @strawberry.field(
        description="The catalog as the caller sees it: one category, only unlocked or locked ones."
    )
    async def achievements(
        self, info: Info, category: AchievementCategory | None = None, unlocked: bool | None = None
    ) -> list[Achievement]:
        found = await resolver.list_achievements(
            info.context, category=by_name(category, domain.AchievementCategory), unlocked=unlocked
        )
        return [Achievement.from_domain(s) for s in found]

    @strawberry.field(description="Totals, points, and counts by rarity and category.")
    async def achievement_stats(self, info: Info) -> AchievementStats:
        return AchievementStats.from_domain(await resolver.stats(info.context))

    @strawberry.field(description="The locked achievements nearest completion.")
    @argument_rules
    async def next_achievements(self, info: Info, limit: OrDefault[int] = 5) -> list[AchievementProgress]:
        found = await resolver.upcoming(info.context, limit=limit)
        return [
            AchievementProgress(
                achievement=Achievement.from_domain(n.status),
                progress_percent=n.progress.percent,
                current=n.progress.current,
                target=n.progress.target,
            )
            for n in found
        ]
