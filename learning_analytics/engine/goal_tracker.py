"""The goal tracker: the `goals` queries and mutations, the evaluation pass and suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..resolvers import evaluation, goals
from .component import Component
from .goal_models import (
    Comparison,
    CreateGoalRequest,
    GoalFrequency,
    GoalStatus,
    GoalSuggestion,
    GoalType,
    TrackedGoal,
    UpdateGoalRequest,
)
from .insights import learner_of

__all__ = ["GoalTracker", "ProgressMetrics"]


@dataclass
class ProgressMetrics:
    """The guide's hand-made metrics for goal and achievement calls. Only `user_id` is read (None: the
    default learner): goals and achievements are evaluated on the learner's recorded data, as the
    service's scheduled pass does, so the numbers written here never become progress."""

    current_streak: int = 0
    total_sessions: int = 0
    total_exchanges: int = 0
    avg_quality_score: float | None = None
    user_id: str | None = None


class GoalTracker(Component):
    """A learner's goals: create, update, delete, list, evaluate and suggest. `user_id` None is the
    default learner, whose six default goals exist from the first use of goals."""

    async def create_goal(
        self,
        title: str,
        goal_type: GoalType | str,
        target_value: float,
        description: str | None = None,
        deadline: date | None = None,
        *,
        frequency: GoalFrequency | str = GoalFrequency.ONE_TIME,
        comparison: Comparison | str = Comparison.GTE,
        target_metric: str | None = None,
        topic: str | None = None,
        icon: str | None = None,
        color: str | None = None,
        user_id: str | None = None,
    ) -> TrackedGoal:
        """Create a goal (`createGoal`) and evaluate it at once: the stored goal with its progress.
        A broken rule raises `InvalidInput` naming the field; more than `goals.max_active_goals`
        active goals too (code `limit`)."""
        ctx = await self._ctx(user_id)
        draft = CreateGoalRequest(
            title=title,
            goal_type=GoalType(goal_type),
            target_value=float(target_value),
            description=description,
            target_metric=target_metric,
            comparison=Comparison(comparison),
            frequency=GoalFrequency(frequency),
            deadline=deadline,
            topic=topic,
            icon=icon,
            color=color,
        )
        self.engine.generation += 1
        return TrackedGoal.of(await goals.create(ctx, draft), ctx.user.id)

    async def update_goal(
        self, goal_id: str, request: UpdateGoalRequest, user_id: str | None = None
    ) -> TrackedGoal:
        """Apply an `UpdateGoalRequest` (`updateGoal`): title, description, target, deadline or a
        status set by hand (e.g. COMPLETED, recorded once); NotFound for an unknown id."""
        ctx = await self._ctx(user_id)
        self.engine.generation += 1
        return TrackedGoal.of(await goals.update(ctx, goal_id, request), ctx.user.id)

    async def delete_goal(self, goal_id: str, user_id: str | None = None) -> str:
        """Delete a goal and its history (`deleteGoal`); returns its id, NotFound for an unknown one."""
        self.engine.generation += 1
        return await goals.delete(await self._ctx(user_id), goal_id)

    async def get_goal(self, goal_id: str, user_id: str | None = None) -> TrackedGoal:
        """One goal (`goal`), with its progress and pace; NotFound for an unknown id."""
        ctx = await self._ctx(user_id)
        return TrackedGoal.of(await goals.get_goal(ctx, goal_id), ctx.user.id)

    async def get_goals(
        self, status: GoalStatus | str | None = None, user_id: str | None = None
    ) -> list[TrackedGoal]:
        """The learner's goals (`goals`), of one status or all, oldest first."""
        ctx = await self._ctx(user_id)
        chosen = None if status is None else GoalStatus(status)
        return [TrackedGoal.of(v, ctx.user.id) for v in await goals.list_goals(ctx, status=chosen)]

    async def get_active_goals(self, user_id: str | None = None) -> list[TrackedGoal]:
        """The learner's ACTIVE goals, oldest first."""
        return await self.get_goals(GoalStatus.ACTIVE, user_id)

    async def update_all_goals(
        self, metrics: ProgressMetrics | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        """Evaluate the learner's goals and achievements now (the scheduled pass, for one learner):
        periods closed and rolled over, goals completed or failed, milestones recorded. Returns
        {"goals_updated", "goals_completed", "milestones_completed", "achievements_unlocked"} (ids)."""
        ctx = await self._ctx(learner_of(user_id, [metrics]))
        done = await evaluation.evaluate_learner(ctx)
        self.engine.generation += 1
        return {
            "goals_updated": done.goals_updated,
            "goals_completed": done.goals_completed,
            "milestones_completed": done.milestones_reached,
            "achievements_unlocked": list(done.unlocked),
        }

    async def get_goal_suggestions(
        self, metrics: ProgressMetrics | None = None, limit: int = 5, user_id: str | None = None
    ) -> list[GoalSuggestion]:
        """Up to `limit` goals suggested from the learner's metrics (`goalSuggestions`): title,
        `goal_type`, `suggested_target`, `difficulty`, `confidence` and the reason; none when the
        configuration turns suggestions off."""
        if not self.config.goals.enable_goal_suggestions:
            return []
        ctx = await self._ctx(learner_of(user_id, [metrics]))
        return await goals.suggestions(ctx, limit=limit)
