"""`/api/analytics/goals`: the seed's goals block (active goals, streak, recent achievements, lifetime
milestones), and creating, changing and deleting goals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain import goals as domain
from ..domain.errors import InvalidInput
from ..domain.milestones import MilestoneProgress, milestone_progress
from ..domain.periods import Period
from ..resolvers import achievements as achievements_resolver
from ..resolvers import goals as resolver
from ..resolvers import overview as overview_resolver
from ..resolvers.calendar import answer_meta
from .achievements import Achievement
from .endpoints import context, endpoint, query, read_model
from .models import Meta, Model, Streak
from .responses import json_response

# A use case names a goal's fields as GraphQL does; REST keeps the seed's names.
_FIELDS = {
    "title": "name",
    "targetMetric": "target_metric",
    "targetValue": "target_value",
    "topic": "filters.topic",
}


class GoalMilestone(Model):
    percent: int
    reached_at: datetime | None


class Goal(Model):
    """The seed's goal (`name`, `progress` in %, `current`, `target`, `ends_at`, …) and the rest of it."""

    id: str
    name: str
    description: str | None
    progress: float = Field(description="current against target, in percent (0–100).")
    current: float
    target: float
    status: domain.GoalStatus
    ends_at: datetime | None = Field(
        description="The instant after the current period; null when open-ended."
    )
    icon: str | None
    color: str | None
    goal_type: domain.GoalType
    target_metric: str
    comparison: domain.Comparison
    frequency: domain.GoalFrequency
    deadline: date | None
    topic: str | None
    period_start: datetime | None
    completed_at: datetime | None = Field(description="The first completion; never changes.")
    milestones: list[GoalMilestone]
    created_at: datetime
    projected_completion_date: date | None = Field(description="At the last 14 days' rate.")
    required_daily_pace: float | None
    on_track: bool | None

    @classmethod
    def of(cls, view: resolver.GoalView) -> Goal:
        g, pace = view.goal, view.pace
        return cls(
            id=g.id,
            name=g.title,
            description=g.description,
            progress=g.progress_percent,
            current=g.current_value,
            target=g.target_value,
            status=g.status,
            ends_at=g.period.end_at,
            icon=g.icon,
            color=g.color,
            goal_type=g.goal_type,
            target_metric=g.target_metric.value,
            comparison=g.comparison,
            frequency=g.frequency,
            deadline=g.deadline,
            topic=g.topic,
            period_start=g.period.start_at,
            completed_at=g.completed_at,
            milestones=[GoalMilestone(percent=p, reached_at=at) for p, at in domain.milestone_list(g)],
            created_at=g.created_at,
            projected_completion_date=pace.projected_completion_date,
            required_daily_pace=pace.required_daily_pace,
            on_track=pace.on_track,
        )


class Milestone(Model):
    current: int
    next: int | None = Field(description="The next milestone; null past the last one.")
    progress: float = Field(description="current / next × 100; 100 past the last milestone.")

    @classmethod
    def of(cls, m: MilestoneProgress) -> Milestone:
        return cls(current=m.current, next=m.next, progress=m.progress)


class Milestones(Model):
    sessions: Milestone
    topics: Milestone


class GoalsAnswer(Model):
    active_goals: list[Goal]
    streak: Streak
    recent_achievements: list[Achievement]
    milestones: Milestones = Field(description="Lifetime sessions and topics against the insight milestones.")
    meta: Meta


class GoalAnswer(Model):
    goal: Goal


class DeletedAnswer(Model):
    deleted: str


class GoalFilters(Model):
    topic: str | None = None


class NewGoal(Model):
    """The seed's body (`name`, `description`, `target_metric`, `target_value`, `frequency`,
    `filters.topic`), with the goal's type (default `custom`), comparison, deadline, icon and colour."""

    model_config = ConfigDict(strict=True)

    name: str
    target_value: float
    goal_type: domain.GoalType = domain.GoalType.CUSTOM
    description: str | None = None
    target_metric: str | None = None
    comparison: domain.Comparison = domain.Comparison.GTE
    frequency: domain.GoalFrequency = domain.GoalFrequency.ONE_TIME
    deadline: date | None = None
    filters: GoalFilters = GoalFilters()
    icon: str | None = None
    color: str | None = None

    def to_domain(self) -> domain.GoalDraft:
        return domain.GoalDraft(
            title=self.name,
            goal_type=self.goal_type,
            target_value=self.target_value,
            description=self.description,
            target_metric=self.target_metric,
            comparison=self.comparison,
            frequency=self.frequency,
            deadline=self.deadline,
            topic=self.filters.topic,
            icon=self.icon,
            color=self.color,
        )


class GoalUpdate(Model):
    """Omitted keys stay; `description` and `deadline` given as null are cleared."""

    model_config = ConfigDict(strict=True)

    name: str | None = None
    description: str | None = None
    target_value: float | None = None
    deadline: date | None = None
    status: domain.GoalStatus | None = None

    def to_domain(self) -> domain.GoalChanges:
        given = self.model_fields_set
        return domain.GoalChanges(
            title=self.name,
            description=self.description if "description" in given else domain.UNSET,
            target_value=self.target_value,
            deadline=self.deadline if "deadline" in given else domain.UNSET,
            status=self.status,
        )


def _renamed(e: InvalidInput) -> InvalidInput:
    """The use case's error with the field as the REST body names it."""
    name = _FIELDS.get(e.field or "", e.field)
    return InvalidInput(e.message, field=name, code=e.code, limit=e.limit)


async def _changed(call: Any) -> Any:
    try:
        return await call
    except InvalidInput as e:
        raise _renamed(e) from e


@endpoint("GET", "/api/analytics/goals", answer=GoalsAnswer, cache="goals")
async def get_goals(request: Request) -> Response:
    """Active goals with their progress, the streak, recent achievements and lifetime milestones."""
    query(request, ())
    ctx = context(request)
    goals = await resolver.active_goals(ctx)
    recent = await achievements_resolver.recent(ctx)
    lifetime = await overview_resolver.overview(ctx, period=Period.ALL_TIME, with_median=False)
    marks = ctx.settings.insights
    meta = await answer_meta(ctx, None)
    answer = GoalsAnswer(
        active_goals=[Goal.of(v) for v in goals],
        streak=Streak.of(lifetime.streak),
        recent_achievements=[Achievement.of(a) for a in recent],
        milestones=Milestones(
            sessions=Milestone.of(
                milestone_progress(lifetime.summary.total_sessions, marks.session_milestones)
            ),
            topics=Milestone.of(milestone_progress(lifetime.summary.unique_topics, marks.topic_milestones)),
        ),
        meta=Meta.of(meta),
    )
    return json_response(answer, meta)


@endpoint("POST", "/api/analytics/goals", answer=GoalAnswer, body=NewGoal, status=201)
async def create_goal(request: Request) -> Response:
    """Create a goal; it answers (201) with its current progress."""
    query(request, ())
    draft: NewGoal = await read_model(request, NewGoal)
    view = await _changed(resolver.create(context(request), draft.to_domain()))
    return json_response(GoalAnswer(goal=Goal.of(view)), None, status=201)


@endpoint("GET", "/api/analytics/goals/{id}", answer=GoalAnswer, path_params=("id",), cache="goals")
async def get_goal(request: Request) -> Response:
    """One goal with its progress and pace."""
    query(request, ())
    ctx = context(request)
    view = await resolver.get_goal(ctx, request.path_params["id"])
    meta = await answer_meta(ctx, None)
    return json_response(GoalAnswer(goal=Goal.of(view)), meta)


@endpoint("PATCH", "/api/analytics/goals/{id}", answer=GoalAnswer, body=GoalUpdate, path_params=("id",))
async def update_goal(request: Request) -> Response:
    """Change a goal's name, description, target, deadline or status."""
    query(request, ())
    changes: GoalUpdate = await read_model(request, GoalUpdate)
    view = await _changed(resolver.update(context(request), request.path_params["id"], changes.to_domain()))
    return json_response(GoalAnswer(goal=Goal.of(view)), None)


@endpoint("DELETE", "/api/analytics/goals/{id}", answer=DeletedAnswer, path_params=("id",))
async def delete_goal(request: Request) -> Response:
    """Delete a goal and its history."""
    query(request, ())
    return json_response(
        DeletedAnswer(deleted=await resolver.delete(context(request), request.path_params["id"])), None
    )
