"""The achievement system: the catalog as a learner sees it, unlocking, stats and what comes next."""

from __future__ import annotations

import logging
from typing import Any

from ..domain.achievements import BY_ID, Achievement, AchievementCategory, AchievementStatus
from ..resolvers import achievements, evaluation
from .component import Component
from .goal_models import AchievementCheck
from .insights import learner_of

log = logging.getLogger("learning_analytics.engine")


class AchievementSystem(Component):
    """Achievements: each unlocked at most once per learner. `user_id` None is the default learner;
    `metrics` arguments only name the learner (their `user_id`): criteria read the recorded data."""

    async def check_achievements(
        self, metrics: object = None, user_id: str | None = None
    ) -> AchievementCheck:
        """Evaluate the learner's goals and achievements now (the scheduled pass, for one learner):
        the achievements unlocked by this check, in catalog order, and the points they earned."""
        ctx = await self._ctx(learner_of(user_id, [metrics]))
        done = await evaluation.evaluate_learner(ctx)
        self.engine.generation += 1
        unlocked = [BY_ID[i] for i in done.unlocked if i in BY_ID]
        if self.config.achievements.notify_on_unlock:
            for a in unlocked:
                log.info("learner %s unlocked %s (%s, %d points)", ctx.user.id, a.title, a.rarity, a.points)
        return AchievementCheck(newly_unlocked=unlocked, total_points_earned=sum(a.points for a in unlocked))

    async def get_all_achievements(self, user_id: str | None = None) -> list[AchievementStatus]:
        """The whole catalog (`achievements`): each `achievement` with `unlocked_at`, `progress`
        (current, target, percent) and `holders_percent`, the share of learners holding it."""
        return await achievements.list_achievements(await self._ctx(user_id))

    async def get_unlocked_achievements(self, user_id: str | None = None) -> list[AchievementStatus]:
        """The achievements the learner holds (`achievements(unlocked: true)`)."""
        return await achievements.list_achievements(await self._ctx(user_id), unlocked=True)

    async def get_achievements_by_category(
        self, category: AchievementCategory | str, user_id: str | None = None
    ) -> list[AchievementStatus]:
        """One category of the catalog (`achievements(category: …)`), held or not."""
        ctx = await self._ctx(user_id)
        return await achievements.list_achievements(ctx, category=AchievementCategory(category))

    async def get_recent_achievements(self, user_id: str | None = None) -> list[AchievementStatus]:
        """The learner's newest unlocks (`goals.recent_achievements` of them), newest first."""
        return await achievements.recent(await self._ctx(user_id))

    async def get_achievement_stats(self, user_id: str | None = None) -> dict[str, Any]:
        """`achievementStats`: total_achievements, unlocked_count, total_points (earned),
        available_points, completion_percent, and by_rarity / by_category as {key: {count, total}}."""
        s = await achievements.stats(await self._ctx(user_id))
        return {
            "total_achievements": s.total_achievements,
            "unlocked_count": s.unlocked_count,
            "total_points": s.total_points,
            "available_points": s.available_points,
            "completion_percent": s.completion_percent,
            "by_rarity": {c.key: {"count": c.count, "total": c.total} for c in s.by_rarity},
            "by_category": {c.key: {"count": c.count, "total": c.total} for c in s.by_category},
        }

    async def get_next_achievements(
        self, metrics: object = None, limit: int = 5, user_id: str | None = None
    ) -> list[tuple[Achievement, float]]:
        """The `limit` locked achievements nearest completion (`nextAchievements`), each with its
        progress in percent."""
        ctx = await self._ctx(learner_of(user_id, [metrics]))
        found = await achievements.upcoming(ctx, limit=limit)
        return [(n.status.achievement, n.progress.percent) for n in found]
