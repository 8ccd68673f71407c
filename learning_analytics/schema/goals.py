"""Goals: the `goals`, `goal` and `goalSuggestions` queries, and `createGoal`, `updateGoal`, `deleteGoal`."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from ..domain import goals as domain
from ..domain.errors import InvalidInput, NotFound
from ..resolvers import goals as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import by_name
from .errors import NotFoundError, ValidationError


@strawberry.enum
class GoalType(Enum):
    ACTIVITY = "activity"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPIC = "topic"
    STREAK = "streak"
    MILESTONE = "milestone"
    CUSTOM = "custom"


@strawberry.enum
class GoalFrequency(Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ONE_TIME = "one_time"


@strawberry.enum
class Comparison(Enum):
    GTE = "gte"
    LTE = "lte"
    EQ = "eq"


@strawberry.enum
class GoalStatus(Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"
    ARCHIVED = "archived"


@strawberry.type(
    description="A share of the target (25, 50, 75, 100 %) and when the current period reached it."
)
class GoalMilestone:
    percent: int
    reached_at: datetime | None


@strawberry.type(
    description="One entry of a goal's history: appended when its value, percent or status changed."
)
class GoalProgressSnapshot:
    evaluated_at: datetime
    current_value: float
    progress_percent: float
    status: GoalStatus

    @classmethod
    def from_domain(cls, s: domain.GoalSnapshot) -> GoalProgressSnapshot:
        return cls(
            evaluated_at=s.evaluated_at,
            current_value=s.current_value,
            progress_percent=s.progress_percent,
            status=by_name(s.status, GoalStatus),
        )


@strawberry.type(description="A learning goal with its progress in the current period.")
class Goal:
    id: strawberry.ID
    title: str
    description: str | None
    goal_type: GoalType
    target_metric: str
    target_value: float
    comparison: Comparison
    frequency: GoalFrequency
    deadline: date | None
    topic: str | None
    status: GoalStatus
    current_value: float
    progress_percent: float
    period_start: datetime | None = strawberry.field(description="The current period's first instant (UTC).")
    period_end: datetime | None = strawberry.field(
        description="The instant after the current period's last local day; null when open-ended."
    )
    completed_at: datetime | None = strawberry.field(description="The first completion; never changes.")
    milestones: list[GoalMilestone]
    icon: str | None
    color: str | None
    created_at: datetime
    projected_completion_date: date | None = strawberry.field(
        description="At the last 14 days' rate, the local day the target is reached."
    )
    required_daily_pace: float | None = strawberry.field(
        description="The gain per day still needed to meet the deadline (the period's end for periodic goals)."
    )
    on_track: bool | None

    @strawberry.field(description="The goal's snapshots, newest first.")
    @argument_rules
    async def history(self, info: Info, limit: OrDefault[int] = 30) -> list[GoalProgressSnapshot]:
        resolver.check_history_limit(info.context, limit)
        found = await info.context.loaders.goal_history.load((str(self.id), limit))
        return [GoalProgressSnapshot.from_domain(s) for s in found]

    @classmethod
    def from_domain(cls, view: resolver.GoalView) -> Goal:
        g, pace = view.goal, view.pace
        return cls(
            id=strawberry.ID(g.id),
            title=g.title,
            description=g.description,
            goal_type=by_name(g.goal_type, GoalType),
            target_metric=g.target_metric.value,
            target_value=g.target_value,
            comparison=by_name(g.comparison, Comparison),
            frequency=by_name(g.frequency, GoalFrequency),
            deadline=g.deadline,
            topic=g.topic,
            status=by_name(g.status, GoalStatus),
            current_value=g.current_value,
            progress_percent=g.progress_percent,
            period_start=g.period.start_at,
            period_end=g.period.end_at,
            completed_at=g.completed_at,
            milestones=[GoalMilestone(percent=p, reached_at=at) for p, at in domain.milestone_list(g)],
            icon=g.icon,
            color=g.color,
            created_at=g.created_at,
            projected_completion_date=pace.projected_completion_date,
            required_daily_pace=pace.required_daily_pace,
            on_track=pace.on_track,
        )


@strawberry.type(description="A goal suggested from the learner's current metrics.")
class GoalSuggestion:
    title: str
    goal_type: GoalType
    suggested_target: float
    difficulty: str = strawberry.field(description="easy, medium or hard.")
    confidence: float
    reason: str
    target_metric: str
    frequency: GoalFrequency
    topic: str | None

    @classmethod
    def from_domain(cls, s: domain.GoalSuggestion) -> GoalSuggestion:
        return cls(
            title=s.title,
            goal_type=by_name(s.goal_type, GoalType),
            suggested_target=s.suggested_target,
            difficulty=s.difficulty.value,
            confidence=s.confidence,
            reason=s.reason,
            target_metric=s.target_metric.value,
            frequency=by_name(s.frequency, GoalFrequency),
            topic=s.topic,
        )


@strawberry.input
class CreateGoalInput:
    title: str
    goal_type: GoalType
    target_value: float
    description: str | None = None
    target_metric: str | None = strawberry.field(default=None, description="Default: the type's metric.")
    comparison: Comparison | None = Comparison.GTE
    frequency: GoalFrequency | None = GoalFrequency.ONE_TIME
    deadline: date | None = None
    topic: str | None = None
    icon: str | None = None
    color: str | None = None

    def to_domain(self) -> domain.GoalDraft:
        return domain.GoalDraft(
            title=self.title,
            goal_type=by_name(self.goal_type, domain.GoalType),
            target_value=self.target_value,
            description=self.description,
            target_metric=self.target_metric,
            comparison=by_name(self.comparison or Comparison.GTE, domain.Comparison),
            frequency=by_name(self.frequency or GoalFrequency.ONE_TIME, domain.GoalFrequency),
            deadline=self.deadline,
            topic=self.topic,
            icon=self.icon,
            color=self.color,
        )


@strawberry.input(description="Omitted fields stay; `description` and `deadline` given as null are cleared.")
class UpdateGoalInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    target_value: float | None = strawberry.UNSET
    deadline: date | None = strawberry.UNSET
    status: GoalStatus | None = strawberry.UNSET

    def to_domain(self) -> domain.GoalChanges:
        def kept(value: object) -> bool:
            return value is strawberry.UNSET

        return domain.GoalChanges(
            title=None if kept(self.title) else self.title,
            description=domain.UNSET if kept(self.description) else self.description,
            target_value=None if kept(self.target_value) else self.target_value,
            deadline=domain.UNSET if kept(self.deadline) else self.deadline,
            status=None if kept(self.status) else by_name(self.status, domain.GoalStatus),
        )


@strawberry.type
class Deleted:
    id: strawberry.ID


GoalResult = Annotated[Goal | ValidationError | NotFoundError, strawberry.union("GoalResult")]
DeleteResult = Annotated[Deleted | NotFoundError, strawberry.union("DeleteResult")]


async def active_goals(info: Info) -> list[Goal]:
    """The caller's active goals, for answers that show them (the overview)."""
    return [Goal.from_domain(v) for v in await resolver.active_goals(info.context)]


@strawberry.type
class GoalsQuery:
    @strawberry.field(description="The caller's goals (one status, or all), oldest first.")
    async def goals(self, info: Info, status: GoalStatus | None = None) -> list[Goal]:
        views = await resolver.list_goals(info.context, status=by_name(status, domain.GoalStatus))
        return [Goal.from_domain(v) for v in views]

    @strawberry.field(description="One of the caller's goals; null when there is none with this id.")
    async def goal(self, info: Info, id: strawberry.ID) -> Goal | None:
        try:
            return Goal.from_domain(await resolver.get_goal(info.context, str(id)))
        except NotFound:
            return None

    @strawberry.field(description="Goals suggested from the caller's current metrics, most confident first.")
    @argument_rules
    async def goal_suggestions(self, info: Info, limit: OrDefault[int] = 5) -> list[GoalSuggestion]:
        found = await resolver.suggestions(info.context, limit=limit)
        return [GoalSuggestion.from_domain(s) for s in found]


@strawberry.type
class GoalsMutation:
    @strawberry.mutation(description="Create a goal; it answers with its current progress.")
    async def create_goal(self, info: Info, input: CreateGoalInput) -> GoalResult:
        try:
            return Goal.from_domain(await resolver.create(info.context, input.to_domain()))
        except InvalidInput as e:
            return ValidationError.from_domain(e)

    @strawberry.mutation(description="Change a goal's title, description, target, deadline or status.")
    async def update_goal(self, info: Info, id: strawberry.ID, input: UpdateGoalInput) -> GoalResult:
        try:
            return Goal.from_domain(await resolver.update(info.context, str(id), input.to_domain()))
        except InvalidInput as e:
            return ValidationError.from_domain(e)
        except NotFound as e:
            return NotFoundError.from_domain(e)

    @strawberry.mutation(description="Delete a goal and its history.")
    async def delete_goal(self, info: Info, id: strawberry.ID) -> DeleteResult:
        try:
            return Deleted(id=strawberry.ID(await resolver.delete(info.context, str(id))))
        except NotFound as e:
            return NotFoundError.from_domain(e)
