"""Goals: definitions, local-calendar periods, progress, evaluation with rollover, pace and suggestions."""

from __future__ import annotations

from learning_analytics.domain.goals.defaults import DEFAULT_GOALS, GoalTemplate, default_goals
from learning_analytics.domain.goals.evaluation import (
    evaluate_all,
    evaluate_goal,
    fresh_period,
    scopes_needed,
)
from learning_analytics.domain.goals.events import (
    EvaluationSummary,
    GoalEvaluation,
    GoalEvent,
    GoalEventKind,
    goal_url,
)
from learning_analytics.domain.goals.insights import goal_event_insight, goal_insights
from learning_analytics.domain.goals.kinds import Comparison, GoalFrequency, GoalStatus, GoalType
from learning_analytics.domain.goals.lifecycle import (
    UNSET,
    GoalChanges,
    GoalDraft,
    GoalUpdate,
    Unset,
    allowed_transitions,
    apply_update,
    create_goal,
)
from learning_analytics.domain.goals.metrics import (
    ALLOWED_METRICS,
    DEFAULT_ICON,
    DEFAULT_METRIC,
    MetricKind,
    TargetMetric,
)
from learning_analytics.domain.goals.model import (
    MILESTONE_PERCENTS,
    Goal,
    GoalLimits,
    GoalMilestone,
    GoalPeriod,
    GoalSnapshot,
    milestone_list,
)
from learning_analytics.domain.goals.pace import PACE_WINDOW_DAYS, Pace, goal_pace
from learning_analytics.domain.goals.periods import (
    calendar_period,
    goal_period,
    local_midnight,
    local_today,
    next_period,
    period_of,
)
from learning_analytics.domain.goals.progress import (
    LIFETIME,
    GoalInputs,
    MetricScope,
    ScopeMetrics,
    goal_value,
    is_met,
    metric_scope,
    metric_value,
    progress_percent,
)
from learning_analytics.domain.goals.suggestions import (
    Difficulty,
    GoalSuggestion,
    SuggestionInputs,
    suggest_goals,
)

__all__ = [
    "ALLOWED_METRICS",
    "DEFAULT_GOALS",
    "DEFAULT_ICON",
    "DEFAULT_METRIC",
    "LIFETIME",
    "MILESTONE_PERCENTS",
    "PACE_WINDOW_DAYS",
    "UNSET",
    "Comparison",
    "Difficulty",
    "EvaluationSummary",
    "Goal",
    "GoalChanges",
    "GoalDraft",
    "GoalEvaluation",
    "GoalEvent",
    "GoalEventKind",
    "GoalFrequency",
    "GoalInputs",
    "GoalLimits",
    "GoalMilestone",
    "GoalPeriod",
    "GoalSnapshot",
    "GoalStatus",
    "GoalSuggestion",
    "GoalTemplate",
    "GoalType",
    "GoalUpdate",
    "MetricKind",
    "MetricScope",
    "Pace",
    "ScopeMetrics",
    "SuggestionInputs",
    "TargetMetric",
    "Unset",
    "allowed_transitions",
    "apply_update",
    "calendar_period",
    "create_goal",
    "default_goals",
    "evaluate_all",
    "evaluate_goal",
    "fresh_period",
    "goal_event_insight",
    "goal_insights",
    "goal_pace",
    "goal_period",
    "goal_url",
    "goal_value",
    "is_met",
    "local_midnight",
    "local_today",
    "metric_scope",
    "metric_value",
    "milestone_list",
    "next_period",
    "period_of",
    "progress_percent",
    "scopes_needed",
    "suggest_goals",
]
