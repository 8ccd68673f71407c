"""Creating and updating goals: validated drafts, the status transitions a client may ask for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from zoneinfo import ZoneInfo

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.goals.evaluation import fresh_period
from learning_analytics.domain.goals.events import GoalEvent, GoalEventKind
from learning_analytics.domain.goals.kinds import Comparison, GoalFrequency, GoalStatus, GoalType
from learning_analytics.domain.goals.metrics import DEFAULT_ICON
from learning_analytics.domain.goals.model import Goal, GoalLimits, GoalSnapshot
from learning_analytics.domain.goals.periods import goal_period, local_today, period_of
from learning_analytics.domain.goals.progress import progress_percent
from learning_analytics.domain.goals.validation import (
    check_deadline,
    check_frequency,
    check_metric,
    check_room,
    check_target,
    check_text,
    check_title,
    check_topic,
)


class Unset(Enum):
    """The value of a field an update leaves as it is (None clears the field)."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class GoalDraft:
    """A goal as a client asks for it (`CreateGoalInput`); `target_metric` None: the type's default."""

    title: str
    goal_type: GoalType
    target_value: float
    description: str | None = None
    target_metric: str | None = None
    comparison: Comparison = Comparison.GTE
    frequency: GoalFrequency = GoalFrequency.ONE_TIME
    deadline: date | None = None
    topic: str | None = None
    icon: str | None = None
    color: str | None = None


@dataclass(frozen=True, slots=True)
class GoalChanges:
    """What an update changes (`UpdateGoalInput`): None or UNSET leaves a field; for `description` and
    `deadline`, None clears it."""

    title: str | None = None
    description: str | Unset | None = UNSET
    target_value: float | None = None
    deadline: date | Unset | None = UNSET
    status: GoalStatus | None = None

    def fields(self) -> list[str]:
        """The GraphQL names of the fields this update sets, in input order."""
        names: list[str] = []
        if self.title is not None:
            names.append("title")
        if not isinstance(self.description, Unset):
            names.append("description")
        if self.target_value is not None:
            names.append("targetValue")
        if not isinstance(self.deadline, Unset):
            names.append("deadline")
        if self.status is not None:
            names.append("status")
        return names


@dataclass(frozen=True, slots=True)
class GoalUpdate:
    """An applied update: the goal, a snapshot when its status or percent changed, its events."""

    goal: Goal
    snapshot: GoalSnapshot | None = None
    events: tuple[GoalEvent, ...] = ()


def create_goal(
    draft: GoalDraft,
    *,
    goal_id: str,
    now: datetime,
    tz: ZoneInfo,
    existing: Iterable[Goal] = (),
    limits: GoalLimits = GoalLimits(),
    template: str | None = None,
) -> Goal:
    """A new ACTIVE goal from a draft, in its first period (`goal_period` on the local today), with
    value 0 and the percent of 0 — or `InvalidInput` for the first rule it breaks, in this order:
    title, description, targetMetric, targetValue, frequency, deadline, topic, icon, color, then
    the number of active goals (`max_active_goals`, code `LIMIT`)."""
    today = local_today(now, tz)
    title = check_title(draft.title, limits)
    description = check_text(draft.description, field="description", max_length=limits.max_description_length)
    metric = check_metric(draft.goal_type, draft.target_metric)
    target = check_target(draft.target_value, metric, limits)
    check_frequency(metric, draft.frequency)
    check_deadline(draft.deadline, today=today, comparison=draft.comparison, frequency=draft.frequency)
    topic = check_topic(draft.topic, draft.goal_type, metric, limits)
    icon = check_text(draft.icon, field="icon", max_length=limits.max_icon_length)
    color = check_text(draft.color, field="color", max_length=limits.max_color_length)
    check_room(existing, limits, field="input")
    return Goal(
        id=goal_id,
        title=title,
        goal_type=draft.goal_type,
        target_metric=metric,
        target_value=target,
        comparison=draft.comparison,
        frequency=draft.frequency,
        created_at=now,
        period=goal_period(draft.frequency, day=today, created_on=today, deadline=draft.deadline, tz=tz),
        description=description,
        deadline=draft.deadline,
        topic=topic,
        icon=icon or DEFAULT_ICON[draft.goal_type],
        color=color,
        template=template,
        progress_percent=progress_percent(0.0, target, draft.comparison),
    )


def allowed_transitions(goal: Goal) -> frozenset[GoalStatus]:
    """The statuses a client may set on `goal` (setting its own status changes nothing):

    - ACTIVE → PAUSED, COMPLETED (marked done by hand, as in the guide's troubleshooting), ARCHIVED
    - PAUSED → ACTIVE (resume), COMPLETED, ARCHIVED
    - COMPLETED, periodic and still running (this period done) → PAUSED, ARCHIVED
    - FAILED, or a finished periodic goal → ACTIVE (try again; needs a deadline not before today), ARCHIVED
    - COMPLETED ONE_TIME → ARCHIVED (completion is final)
    - ARCHIVED → nothing (archiving is final; the history stays for reports)

    FAILED is never set by hand: only evaluation fails a goal.
    """
    s = GoalStatus
    if goal.status is s.ARCHIVED:
        return frozenset()
    if goal.status is s.ACTIVE:
        return frozenset({s.PAUSED, s.COMPLETED, s.ARCHIVED})
    if goal.status is s.PAUSED:
        return frozenset({s.ACTIVE, s.COMPLETED, s.ARCHIVED})
    if goal.status is s.COMPLETED and not goal.finished:
        return frozenset({s.PAUSED, s.ARCHIVED})
    if goal.status is s.FAILED or goal.frequency.periodic:
        return frozenset({s.ACTIVE, s.ARCHIVED})
    return frozenset({s.ARCHIVED})


def _check_status(goal: Goal, status: GoalStatus) -> None:
    if status is goal.status or status in allowed_transitions(goal):
        return
    allowed = ", ".join(sorted(s.name for s in allowed_transitions(goal))) or "nothing"
    raise InvalidInput(
        f"a {goal.status.name} goal can become {allowed}, not {status.name}",
        field="status",
        code="invalid_transition",
    )


def apply_update(
    goal: Goal,
    changes: GoalChanges,
    *,
    now: datetime,
    tz: ZoneInfo,
    existing: Iterable[Goal] = (),
    limits: GoalLimits = GoalLimits(),
) -> GoalUpdate:
    """The goal with `changes` applied, or `InvalidInput` (fields in input order):

    - an ARCHIVED goal takes no change (code `archived`);
    - title, description, targetValue, deadline: the creation rules; a finished goal's target and
      deadline change only when the same update makes it ACTIVE again (code `not_editable`);
    - status: `allowed_transitions` (code `invalid_transition`); becoming ACTIVE needs a deadline not
      before today (`past_deadline`) and room under `max_active_goals` (`LIMIT`).

    Effects: a new target re-derives the percent from the stored value (milestones above it are
    dropped; a completed period stays completed). A new deadline re-cuts the current period.
    COMPLETED by hand completes the current period now (`completed_at` only if never set, event
    COMPLETED). ACTIVE again moves a periodic goal to the period of today when its stored period is
    over (skipped periods are not recorded: the goal was paused or ended) — a resumed goal whose
    period was already completed is COMPLETED. A snapshot is returned when status or percent changed.
    """
    fields = changes.fields()
    if goal.status is GoalStatus.ARCHIVED and fields:
        raise InvalidInput("an archived goal cannot be changed", field=fields[0], code="archived")
    today = local_today(now, tz)
    reviving = changes.status is GoalStatus.ACTIVE and goal.status is not GoalStatus.ACTIVE
    title = goal.title if changes.title is None else check_title(changes.title, limits)
    description = goal.description
    if not isinstance(changes.description, Unset):
        description = check_text(
            changes.description, field="description", max_length=limits.max_description_length
        )
    target = goal.target_value
    if changes.target_value is not None:
        if goal.finished and not reviving:
            raise InvalidInput(
                "a finished goal's target cannot change", field="targetValue", code="not_editable"
            )
        target = check_target(changes.target_value, goal.target_metric, limits)
    deadline = goal.deadline
    if not isinstance(changes.deadline, Unset):
        if goal.finished and not reviving:
            raise InvalidInput(
                "a finished goal's deadline cannot change", field="deadline", code="not_editable"
            )
        deadline = changes.deadline
        check_deadline(deadline, today=today, comparison=goal.comparison, frequency=goal.frequency)
    if changes.status is not None:
        _check_status(goal, changes.status)
    if reviving:
        if deadline is not None and deadline < today:
            raise InvalidInput(
                f"the deadline {deadline.isoformat()} has passed: set a new one to make the goal active again",
                field="deadline",
                code="past_deadline",
            )
        if not goal.counts_toward_limit:
            check_room(existing, limits, field="status", excluding=goal.id)

    updated = replace(goal, title=title, description=description, target_value=target, deadline=deadline)
    if deadline != goal.deadline:
        if goal.frequency.periodic:
            period = goal_period(
                goal.frequency, day=goal.period.start, created_on=goal.period.start, deadline=deadline, tz=tz
            )
        else:
            period = period_of(goal.period.start, deadline, tz)
        updated = replace(updated, period=period)
    if target != goal.target_value:
        percent = progress_percent(goal.current_value, target, goal.comparison)
        kept = tuple(m for m in goal.milestones if m.percent <= percent)
        updated = replace(updated, progress_percent=percent, milestones=kept)

    events: list[GoalEvent] = []
    if changes.status is not None and changes.status is not goal.status:
        updated = _transition(updated, changes.status, now=now, today=today, tz=tz, events=events)
    snapshot = None
    if (updated.status, updated.progress_percent) != (goal.status, goal.progress_percent):
        snapshot = GoalSnapshot(
            updated.id, now, updated.period, updated.current_value, updated.progress_percent, updated.status
        )
    return GoalUpdate(goal=updated, snapshot=snapshot, events=tuple(events))


def _transition(
    goal: Goal, status: GoalStatus, *, now: datetime, today: date, tz: ZoneInfo, events: list[GoalEvent]
) -> Goal:
    if status is GoalStatus.COMPLETED:
        done = replace(
            goal,
            status=status,
            period_completed_at=goal.period_completed_at or now,
            completed_at=goal.completed_at or now,
        )
        if goal.period_completed_at is None:
            events.append(
                GoalEvent(
                    GoalEventKind.COMPLETED,
                    goal.id,
                    now,
                    goal.period,
                    goal.current_value,
                    goal.progress_percent,
                )
            )
        return done
    if status is not GoalStatus.ACTIVE:
        return replace(goal, status=status)
    if goal.frequency.periodic and (
        goal.status is GoalStatus.FAILED or goal.finished or today not in goal.period
    ):
        period = goal_period(goal.frequency, day=today, created_on=today, deadline=goal.deadline, tz=tz)
        return replace(fresh_period(goal, period), evaluated_at=None)
    resumed = GoalStatus.COMPLETED if goal.period_completed_at is not None else GoalStatus.ACTIVE
    return replace(goal, status=resumed)
