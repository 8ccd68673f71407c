"""What evaluating or updating a goal produces: the new goal, the snapshots to append, the events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from learning_analytics.domain.goals.model import Goal, GoalPeriod, GoalSnapshot
from learning_analytics.domain.insights.support import dashboard_url


class GoalEventKind(StrEnum):
    COMPLETED = "completed"  # the goal (ONE_TIME) or its current period (periodic) was completed
    MILESTONE_REACHED = "milestone_reached"  # the period reached 25, 50, 75 or 100 % of the target
    PERIOD_MISSED = "period_missed"  # a periodic goal's period ended unmet; the goal rolls over
    ROLLED_OVER = "rolled_over"  # a periodic goal moved on to its next period
    FAILED = "failed"  # the goal ended unmet: a ONE_TIME deadline, or a periodic goal's last period


@dataclass(frozen=True, slots=True)
class GoalEvent:
    """Something that happened to a goal at `at`, in `period`, with the value and percent then.
    `milestone` is the percent of a MILESTONE_REACHED event."""

    kind: GoalEventKind
    goal_id: str
    at: datetime
    period: GoalPeriod
    value: float
    percent: float
    milestone: int | None = None

    @property
    def action_url(self) -> str:
        """The goal on the dashboard: `/?view=goals&id=<goal id>`."""
        return goal_url(self.goal_id)


def goal_url(goal_id: str) -> str:
    """A relative link opening a goal on the dashboard: `/?view=goals&id=<goal id>`."""
    return dashboard_url("goals", id=goal_id)


@dataclass(frozen=True, slots=True)
class GoalEvaluation:
    """The result of evaluating one goal: its new state, the snapshots to append to its history (in
    order), and the events. `changed` is False when nothing but the evaluation time moved, so the
    caller need not write anything."""

    goal: Goal
    snapshots: tuple[GoalSnapshot, ...] = ()
    events: tuple[GoalEvent, ...] = ()
    changed: bool = False

    @property
    def snapshot_due(self) -> bool:
        """Whether at least one snapshot must be appended."""
        return bool(self.snapshots)

    @property
    def completed(self) -> bool:
        return any(e.kind is GoalEventKind.COMPLETED for e in self.events)

    @property
    def milestones_reached(self) -> int:
        return sum(1 for e in self.events if e.kind is GoalEventKind.MILESTONE_REACHED)


@dataclass(frozen=True, slots=True)
class EvaluationSummary:
    """One pass over a learner's goals (the guide's `update_all_goals`): every evaluation, and the
    counts of goals updated (`changed`), goals completed and milestones reached."""

    evaluations: tuple[GoalEvaluation, ...]
    goals_updated: int
    goals_completed: int
    milestones_reached: int
