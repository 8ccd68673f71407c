"""`GET /api/analytics/achievements`: the catalog as the learner sees it, their stats, what comes next."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain import achievements as domain
from ..resolvers import achievements as resolver
from ..resolvers.calendar import answer_meta
from .endpoints import context, endpoint, query
from .models import Meta, Model
from .params import Param, boolean, choice, limit_param
from .responses import json_response


class Achievement(Model):
    """The seed's achievement (`id`, `name`, `description`, `unlocked_at`, `icon`) and the rest of it."""

    id: str
    name: str
    description: str = Field(description="How to earn it.")
    unlocked_at: datetime | None
    icon: str | None
    category: domain.AchievementCategory
    rarity: domain.Rarity
    points: int
    unlocked: bool
    progress_percent: float = Field(description="How far the learner is on its criterion (100 once held).")
    holders_percent: float | None = Field(description="The share of all learners who hold it, in percent.")

    @classmethod
    def of(cls, s: domain.AchievementStatus) -> Achievement:
        a = s.achievement
        return cls(
            id=a.id,
            name=a.title,
            description=a.description,
            unlocked_at=s.unlocked_at,
            icon=a.icon,
            category=a.category,
            rarity=a.rarity,
            points=a.points,
            unlocked=s.unlocked,
            progress_percent=s.progress.percent,
            holders_percent=s.holders_percent,
        )


class CountBy(Model):
    key: str
    count: int = Field(description="Held.")
    total: int = Field(description="In the catalog.")


class Stats(Model):
    total_achievements: int
    unlocked_count: int
    total_points: int = Field(description="Points of the achievements the learner holds.")
    available_points: int
    completion_percent: float
    by_rarity: list[CountBy]
    by_category: list[CountBy]

    @classmethod
    def of(cls, s: domain.AchievementStats) -> Stats:
        return cls(
            total_achievements=s.total_achievements,
            unlocked_count=s.unlocked_count,
            total_points=s.total_points,
            available_points=s.available_points,
            completion_percent=s.completion_percent,
            by_rarity=[CountBy(key=c.key, count=c.count, total=c.total) for c in s.by_rarity],
            by_category=[CountBy(key=c.key, count=c.count, total=c.total) for c in s.by_category],
        )


class Upcoming(Model):
    achievement: Achievement
    progress_percent: float
    current: float = Field(description="The value of the criterion's least advanced fact.")
    target: float


class AchievementsAnswer(Model):
    achievements: list[Achievement]
    stats: Stats
    next: list[Upcoming] = Field(description="The locked achievements nearest completion.")
    meta: Meta


CATEGORY = Param(
    name="category",
    description="Only achievements of this category.",
    schema={"type": "string", "enum": [c.value for c in domain.AchievementCategory]},
    parse=choice("category", {c.value: c for c in domain.AchievementCategory}),
)
UNLOCKED = Param(
    name="unlocked",
    description="true: only those held; false: only those not held; omitted: all.",
    schema={"type": "boolean"},
    parse=boolean,
)
PARAMS = (
    CATEGORY,
    UNLOCKED,
    limit_param(5, "At most this many in `next` (LA_LIMITS__MAX_NEXT_ACHIEVEMENTS)."),
)


@endpoint("GET", "/api/analytics/achievements", params=PARAMS, answer=AchievementsAnswer, cache="goals")
async def get_achievements(request: Request) -> Response:
    """The catalog with what the learner holds and their progress, totals, and what comes next."""
    q = query(request, PARAMS)
    ctx = context(request)
    upcoming = await resolver.upcoming(ctx, limit=q["limit"])
    found = await resolver.list_achievements(ctx, category=q["category"], unlocked=q["unlocked"])
    meta = await answer_meta(ctx, None)
    answer = AchievementsAnswer(
        achievements=[Achievement.of(s) for s in found],
        stats=Stats.of(await resolver.stats(ctx)),
        next=[
            Upcoming(
                achievement=Achievement.of(n.status),
                progress_percent=n.progress.percent,
                current=n.progress.current,
                target=n.progress.target,
            )
            for n in upcoming
        ],
        meta=Meta.of(meta),
    )
    return json_response(answer, meta)
