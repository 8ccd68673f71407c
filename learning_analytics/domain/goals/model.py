"""Goal values: the goal with its evaluated state, its period, milestones and history snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from learning_analytics.domain.goals.kinds import Comparison, GoalFrequency, GoalStatus, GoalType
from learning_analytics.domain.goals.metrics import TargetMetric

MILESTONE_PERCENTS: tuple[int, ...] = (25, 50, 75, 100)


@dataclass(frozen=True, slots=True)
class GoalLimits:
    """Bounds on what a client may set on a goal (the later `Settings` section maps onto this)."""

    max_active_goals: int = 10  # the guide's `config.goals.max_active_goals`
    max_title_length: int = 120
    max_description_length: int = 1000
    max_topic_length: int = 100
    max_icon_length: int = 40
    max_color_length: int = 16
    max_target_value: float = 1_000_000.0
    max_catch_up_periods: int = 31  # elapsed periods one evaluation records one by one

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name != "max_active_goals" and not value > 0:
                raise ValueError(f"{name} must be > 0, got {value}")
        if self.max_active_goals < 0:
            raise ValueError(f"max_active_goals must be >= 0, got {self.max_active_goals}")


@dataclass(frozen=True, slots=True)
class GoalPeriod:
    """The local days a goal is measured over, and the same span as UTC instants.

    `start`..`end` are local dates, both included; `end` is None for an open-ended ONE_TIME goal.
    `start_at` is the first instant of `start` in the user's timezone; `end_at` the first instant
    after `end` (exclusive: the next period's `start_at`), None when open-ended.
    """

    start: date
    end: date | None
    start_at: datetime
    end_at: datetime | None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class GoalMilestone:
    """A share of the target (25, 50, 75 or 100 %) and when the current period first reached it."""

    percent: int
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class Goal:
    """A learner's goal: its definition and its evaluated state for the current period.

    - `period`: the period being measured; `current_value`/`progress_percent` its latest measure.
    - `milestones`: the milestones the current period reached, each with its time (reset at rollover).
    - `period_completed_at`: when the current period was completed (once per period; None while open).
    - `completed_at`: the first time the goal was ever completed; never changes once set.
    - `evaluated_at`: the last evaluation; a period is closed once an evaluation ran after its end.
    - `template`: the id of the default goal it was made from, if any.
    """

    id: str
    title: str
    goal_type: GoalType
    target_metric: TargetMetric
    target_value: float
    comparison: Comparison
    frequency: GoalFrequency
    created_at: datetime
    period: GoalPeriod
    status: GoalStatus = GoalStatus.ACTIVE
    description: str | None = None
    deadline: date | None = None
    topic: str | None = None
    icon: str | None = None
    color: str | None = None
    template: str | None = None
    current_value: float = 0.0
    progress_percent: float = 0.0
    milestones: tuple[GoalMilestone, ...] = ()
    period_completed_at: datetime | None = None
    completed_at: datetime | None = None
    evaluated_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """No longer evaluated: a ONE_TIME goal completed or failed, or a periodic goal whose last
        period (the one holding its deadline) has been closed."""
        if self.status not in (GoalStatus.COMPLETED, GoalStatus.FAILED):
            return False
        if not self.frequency.periodic or self.status is GoalStatus.FAILED:
            return True
        end_at = self.period.end_at
        return (
            self.deadline is not None
            and self.period.end == self.deadline
            and end_at is not None
            and self.evaluated_at is not None
            and self.evaluated_at >= end_at
        )

    @property
    def counts_toward_limit(self) -> bool:
        """Whether the goal takes one of the `max_active_goals` places: an active goal, or a periodic
        goal whose current period is completed and which still runs (paused goals make room)."""
        if self.status is GoalStatus.ACTIVE:
            return True
        return self.status is GoalStatus.COMPLETED and not self.finished


def milestone_list(goal: Goal) -> list[tuple[int, datetime | None]]:
    """Every milestone percent (25, 50, 75, 100) with the time the current period reached it, or None."""
    reached = {m.percent: m.reached_at for m in goal.milestones}
    return [(p, reached.get(p)) for p in MILESTONE_PERCENTS]


@dataclass(frozen=True, slots=True)
class GoalSnapshot:
    """One row of a goal's history: its measure at `evaluated_at` for `period`.

    Appended when the value, the percent or the status changed, and once when a period closes
    (`closes_period`: the period's result, COMPLETED or FAILED).
    """

    goal_id: str
    evaluated_at: datetime
    period: GoalPeriod
    current_value: float
    progress_percent: float
    status: GoalStatus
    closes_period: bool = False
