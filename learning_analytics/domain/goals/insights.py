"""Milestone insights from goal events: a goal (or its period) completed, 25/50/75 % of a target reached."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from learning_analytics.domain.goals.events import GoalEvent, GoalEventKind
from learning_analytics.domain.goals.model import Goal
from learning_analytics.domain.insights.model import EXPIRY, Importance, Insight, InsightType, insight_id

GOAL_COMPLETED = "goal_completed"
GOAL_MILESTONE = "goal_milestone"


def _number(value: float) -> str:
    return f"{value:.2f}" if value != int(value) else str(int(value))


def goal_event_insight(event: GoalEvent, goal: Goal, *, user_id: str, now: datetime) -> Insight | None:
    """The MILESTONE insight of a COMPLETED event, or of a MILESTONE_REACHED event below 100 % (100 %
    is the completion); None for other events. Its id is stable per user, goal and period (and
    percent): `insight_id(user, rule, "<goal id>" or "<goal id>:<percent>", period start)`; its
    `action_url` opens the goal on the dashboard (`/?view=goals&id=<goal id>`)."""
    if event.kind is GoalEventKind.COMPLETED:
        rule, fact_key, importance = GOAL_COMPLETED, goal.id, Importance.HIGH
        title = f"Goal completed: {goal.title}"
        description = (
            f"You reached {_number(goal.target_value)} {goal.target_metric.value.replace('_', ' ')}."
        )
    elif (
        event.kind is GoalEventKind.MILESTONE_REACHED
        and event.milestone is not None
        and event.milestone < 100
    ):
        rule, fact_key, importance = GOAL_MILESTONE, f"{goal.id}:{event.milestone}", Importance.MEDIUM
        title = f"{event.milestone}% of your goal: {goal.title}"
        description = f"{_number(event.value)} of {_number(goal.target_value)} — keep going!"
    else:
        return None
    return Insight(
        id=insight_id(user_id, rule, fact_key, event.period.start),
        rule=rule,
        type=InsightType.MILESTONE,
        title=title,
        description=description,
        importance=importance,
        confidence=1.0,
        data={
            "goal_id": goal.id,
            "milestone": event.milestone if event.milestone is not None else 100,
            "value": event.value,
            "target": goal.target_value,
            "period_start": event.period.start.isoformat(),
            "reached_at": event.at.isoformat(),
        },
        icon=goal.icon or "target",
        action_url=event.action_url,
        generated_at=now,
        expires_at=now + EXPIRY[InsightType.MILESTONE],
        fact_day=event.period.start,
        fact_key=fact_key,
    )


def goal_insights(events: Iterable[GoalEvent], goal: Goal, *, user_id: str, now: datetime) -> list[Insight]:
    """The insights of a goal's events, in event order."""
    found = (goal_event_insight(e, goal, user_id=user_id, now=now) for e in events)
    return [i for i in found if i is not None]
