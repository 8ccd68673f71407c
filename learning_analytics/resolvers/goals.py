"""Goals, as GraphQL, REST and the CLI use them: list, get, create, update, delete, suggest; each goal
with its pace. The default goals are created on a learner's first use of goals."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.errors import InvalidInput, NotFound
from ..domain.goals import (
    PACE_WINDOW_DAYS,
    Goal,
    GoalChanges,
    GoalDraft,
    GoalEvaluation,
    GoalLimits,
    GoalSnapshot,
    GoalStatus,
    GoalSuggestion,
    MetricKind,
    Pace,
    SuggestionInputs,
    TargetMetric,
    apply_update,
    create_goal,
    default_goals,
    evaluate_all,
    goal_insights,
    goal_pace,
    metric_value,
    scopes_needed,
    suggest_goals,
)
from ..domain.goals.validation import check_room
from ..domain.insights import Insight
from ..domain.mastery import MasteryLevel
from ..domain.rollups import merge_moments
from ..storage import goals as store
from ..storage import insights as insight_store
from ..storage.evaluations import LearnerWrite, save_pass
from .calendar import user_tz
from .context import Context
from .learner_facts import LearnerFacts, learner_facts

SUGGESTION_WINDOW_DAYS = 14


@dataclass(frozen=True, slots=True)
class GoalView:
    """A goal as answered: its stored state and its pace at the learner's recent rate."""

    goal: Goal
    pace: Pace


def goal_limits(ctx: Context) -> GoalLimits:
    """The bounds on goals: `goals.max_active_goals` from the settings, the domain's text bounds."""
    return GoalLimits(max_active_goals=ctx.settings.goals.max_active_goals)


def default_goals_of(ctx: Context) -> list[Goal]:
    """The six default goals of the caller, created now in their timezone."""
    return default_goals(now=ctx.now, tz=user_tz(ctx))


async def ensure_defaults(ctx: Context) -> None:
    """Create the learner's six default goals on their first use of goals (once, even when two
    requests race; a default goal deleted later stays deleted)."""
    if await store.defaults_created(ctx.db, user_id=ctx.user.id):
        return
    goals = default_goals(now=ctx.now, tz=user_tz(ctx))
    await store.ensure_defaults(ctx.db, user_id=ctx.user.id, defaults=goals, now=ctx.now)


def pace_of(goal: Goal, facts: LearnerFacts, ctx: Context) -> Pace:
    """The goal's pace (`domain.goals.goal_pace`) with its metric's gain over the last 14 local days:
    the metric counted over those days (on the goal's topic for a topic goal)."""
    metric = goal.target_metric
    if metric is TargetMetric.MASTERED_TOPICS:
        gain = 0.0  # topics reaching expert recently are not dated: no rate
    else:
        topic = goal.topic if metric.kind is MetricKind.PERIOD else None
        scope = facts.recent_scope(PACE_WINDOW_DAYS, topic)
        gain = metric_value(metric, facts.scope_metrics(scope), facts.streak)
    return goal_pace(goal, recent_gain=gain, now=ctx.now, tz=facts.tz, streak=facts.streak)


async def _views(ctx: Context, goals: Sequence[Goal]) -> list[GoalView]:
    if not goals:
        return []
    facts = await learner_facts(ctx, topics=[g.topic for g in goals])
    return [GoalView(g, pace_of(g, facts, ctx)) for g in goals]


async def list_goals(ctx: Context, *, status: GoalStatus | None = None) -> list[GoalView]:
    """The caller's goals (one status, or all), oldest first, each with its pace."""
    await ensure_defaults(ctx)
    return await _views(ctx, await store.list_goals(ctx.db, user_id=ctx.user.id, status=status))


async def active_goals(ctx: Context) -> list[GoalView]:
    """The caller's ACTIVE goals (the overview's)."""
    return await list_goals(ctx, status=GoalStatus.ACTIVE)


async def _stored(ctx: Context, goal_id: str) -> Goal:
    goal = await store.get_goal(ctx.db, user_id=ctx.user.id, goal_id=goal_id)
    if goal is None:
        raise NotFound(f"no goal {goal_id!r}", id=goal_id)
    return goal


async def get_goal(ctx: Context, goal_id: str) -> GoalView:
    """One of the caller's goals; NotFound for an unknown id or another learner's goal."""
    await ensure_defaults(ctx)
    (view,) = await _views(ctx, [await _stored(ctx, goal_id)])
    return view


async def history(ctx: Context, goal_ids: Sequence[str], *, limit: int) -> list[list[GoalSnapshot]]:
    """The newest `limit` snapshots of each goal (in `goal_ids` order), newest first."""
    found = await store.histories(ctx.db, user_id=ctx.user.id, goal_ids=goal_ids, limit=limit)
    return [found.get(i, []) for i in goal_ids]


def check_history_limit(ctx: Context, limit: int) -> None:
    most = ctx.settings.limits.max_goal_history
    if not 0 <= limit <= most:
        raise InvalidInput(
            f"limit must be between 0 and {most}", field="limit", code="out_of_range", limit=most
        )


@dataclass(frozen=True, slots=True)
class GoalsEvaluated:
    """One evaluation pass over a learner's goals (the guide's `update_all_goals`): the goals as they
    are now, and the counts of goals updated, goals completed and milestones reached."""

    goals: tuple[Goal, ...]
    goals_updated: int = 0
    goals_completed: int = 0
    milestones_reached: int = 0


@dataclass(frozen=True, slots=True)
class GoalsPlan:
    """A learner's goals evaluated in memory: every evaluation, and for the goals that changed the
    `evaluated_at` each was read with, its new state and snapshots, and the insights of its events."""

    evaluations: dict[str, GoalEvaluation]
    changed: dict[str, tuple[datetime | None, Goal, tuple[GoalSnapshot, ...]]]
    insights: dict[str, list[Insight]]

    def summary(self, written: Iterable[str]) -> GoalsEvaluated:
        """The counts of the goals actually written (another evaluation may have written the others)."""
        mine = [self.evaluations[g] for g in written]
        return GoalsEvaluated(
            goals=tuple(e.goal for e in self.evaluations.values()),
            goals_updated=len(mine),
            goals_completed=sum(1 for e in mine if e.completed),
            milestones_reached=sum(e.milestones_reached for e in mine),
        )


def plan_goals(ctx: Context, goals: Sequence[Goal], facts: LearnerFacts) -> GoalsPlan:
    """Evaluate `goals` at `ctx.now` (`domain.goals.evaluate_all`: close ended periods, roll over,
    fail, complete, milestones), without writing."""
    limits = goal_limits(ctx)
    scopes = scopes_needed(goals, now=ctx.now, tz=facts.tz, limits=limits)
    summary = evaluate_all(goals, facts.goal_inputs(scopes), now=ctx.now, tz=facts.tz, limits=limits)
    evaluations = {e.goal.id: e for e in summary.evaluations}
    changed = {
        e.goal.id: (old.evaluated_at, e.goal, e.snapshots)
        for old, e in zip(goals, summary.evaluations, strict=True)
        if e.changed
    }
    insights = {
        gid: goal_insights(evaluations[gid].events, evaluations[gid].goal, user_id=ctx.user.id, now=ctx.now)
        for gid in changed
    }
    return GoalsPlan(evaluations, changed, insights)


async def evaluate_goals(
    ctx: Context, goals: Sequence[Goal], facts: LearnerFacts | None = None
) -> GoalsEvaluated:
    """Evaluate `goals` now (`plan_goals`) and store what changed: the goal's state, the snapshots
    (only on a change) and the MILESTONE insights of its events. A goal another evaluation stored
    meanwhile is left as that one wrote it."""
    if facts is None:
        facts = await learner_facts(ctx, topics=[g.topic for g in goals])
    plan = plan_goals(ctx, goals, facts)
    write = LearnerWrite(ctx.user.id, goals=plan.changed, goal_insights=plan.insights)
    written = await save_pass(ctx.db, writes=[write], now=ctx.now, unlocked_at=ctx.now)
    return plan.summary(written.goals.get(ctx.user.id, set()))


async def _evaluate_one(ctx: Context, goal: Goal) -> Goal:
    """Evaluate one goal now and store the result (the same pass as the scheduled evaluation)."""
    return (await evaluate_goals(ctx, [goal])).goals[0]


async def create(ctx: Context, draft: GoalDraft) -> GoalView:
    """Validate and store a new goal (ValidationError naming the field; more active goals than
    `goals.max_active_goals` → code LIMIT), then evaluate it, so it answers with its progress."""
    await ensure_defaults(ctx)
    existing = await store.list_goals(ctx.db, user_id=ctx.user.id)
    goal = create_goal(
        draft,
        goal_id=f"g_{uuid.uuid4().hex[:16]}",
        now=ctx.now,
        tz=user_tz(ctx),
        existing=existing,
        limits=goal_limits(ctx),
    )
    limits = goal_limits(ctx)

    def room(stored: Sequence[Goal]) -> None:  # the limit again, on the goals as the write sees them
        check_room(stored, limits, field="input")

    await store.create(ctx.db, user_id=ctx.user.id, goal=goal, now=ctx.now, check_room=room)
    return (await _views(ctx, [await _evaluate_one(ctx, goal)]))[0]


async def update(ctx: Context, goal_id: str, changes: GoalChanges) -> GoalView:
    """Apply an update (title, description, target, deadline, status by hand) to one of the caller's
    goals; NotFound for another's; ValidationError for a broken rule or a transition not allowed.
    A goal still running is evaluated again at once (its target or period may have moved)."""
    await ensure_defaults(ctx)
    existing = await store.list_goals(ctx.db, user_id=ctx.user.id)
    goal = next((g for g in existing if g.id == goal_id), None)
    if goal is None:
        raise NotFound(f"no goal {goal_id!r}", id=goal_id)
    applied = apply_update(
        goal, changes, now=ctx.now, tz=user_tz(ctx), existing=existing, limits=goal_limits(ctx)
    )
    await store.save_update(
        ctx.db, user_id=ctx.user.id, goal=applied.goal, snapshot=applied.snapshot, now=ctx.now
    )
    found = goal_insights(applied.events, applied.goal, user_id=ctx.user.id, now=ctx.now)
    if found:
        await insight_store.save(
            ctx.db, user_id=ctx.user.id, insights=found, now=ctx.now, data_through=None, rules_ran=False
        )
    updated = applied.goal
    if updated.status in (GoalStatus.ACTIVE, GoalStatus.COMPLETED) and not updated.finished:
        updated = await _evaluate_one(ctx, updated)
    return (await _views(ctx, [updated]))[0]


async def delete(ctx: Context, goal_id: str) -> str:
    """Delete one of the caller's goals and its history; NotFound for another's."""
    await ensure_defaults(ctx)
    if not await store.delete_goal(ctx.db, user_id=ctx.user.id, goal_id=goal_id):
        raise NotFound(f"no goal {goal_id!r}", id=goal_id)
    return goal_id


def suggestion_inputs(facts: LearnerFacts) -> SuggestionInputs:
    """The suggestions' metrics: lifetime totals, the last 14 local days, the weakest practised topic."""
    recent = facts.scope_metrics(facts.recent_scope(SUGGESTION_WINDOW_DAYS))
    start = facts.today - timedelta(days=SUGGESTION_WINDOW_DAYS - 1)
    scored = merge_moments(b.quality for b in facts.days if b.day >= start).n
    practised = [
        m
        for m in facts.mastery.values()
        if m.total_interactions > 0 and m.level in (MasteryLevel.NOVICE, MasteryLevel.BEGINNER)
    ]
    weak = min(practised, key=lambda m: (m.score, m.topic), default=None)
    return SuggestionInputs(
        streak=facts.streak,
        total_sessions=sum(b.sessions for b in facts.days),
        total_exchanges=sum(b.exchanges for b in facts.days),
        unique_topics=len(facts.topic_first_days),
        recent_days=SUGGESTION_WINDOW_DAYS,
        recent_sessions=recent.sessions,
        recent_exchanges=recent.exchanges,
        recent_active_days=recent.active_days,
        recent_avg_quality=recent.avg_quality,
        recent_scored_exchanges=scored,
        weak_topic=weak.topic if weak else None,
        weak_topic_mastery=weak.score if weak else None,
    )


async def suggestions(ctx: Context, *, limit: int) -> list[GoalSuggestion]:
    """Up to `limit` goals suggested from the caller's current metrics (`domain.goals.suggest_goals`),
    leaving out what an open goal already covers."""
    most = ctx.settings.limits.max_goal_suggestions
    if not 0 <= limit <= most:
        raise InvalidInput(
            f"limit must be between 0 and {most}", field="limit", code="out_of_range", limit=most
        )
    await ensure_defaults(ctx)
    goals = await store.list_goals(ctx.db, user_id=ctx.user.id)
    facts = await learner_facts(ctx)
    return suggest_goals(suggestion_inputs(facts), existing=goals, limit=limit)
