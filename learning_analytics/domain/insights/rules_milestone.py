"""Milestone rules: session, exchange, streak and topic counts crossed in the last days.

Sessions and exchanges are one rule with a parameter, `count_milestone` with `SESSIONS` or
`EXCHANGES`; each reports under its own rule id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from learning_analytics.domain.insights.model import (
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    LifetimeTotals,
    make_insight,
)
from learning_analytics.domain.insights.support import daily_window, dashboard_url, day_label, plural
from learning_analytics.domain.rollups import Bucket

SESSION_MILESTONE = "session_milestone"
EXCHANGE_MILESTONE = "exchange_milestone"
STREAK_MILESTONE = "streak_milestone"
TOPIC_MILESTONE = "topic_milestone"


@dataclass(frozen=True, slots=True)
class Crossing:
    """The largest milestone a running total passed within the window, and the day it did."""

    milestone: int
    day: date
    total: int
    total_before: int
    next_milestone: int | None


def crossing(
    total: int, per_day: Mapping[date, int], *, first: date, today: date, milestones: Sequence[int]
) -> Crossing | None:
    """The largest milestone m with total_before < m ≤ total, where total_before is the total at the
    end of the day before `first`: total − Σ per_day over [first, today]. The day of the crossing
    is the first day d whose end-of-day total (total − Σ per_day after d) reaches m.
    """
    days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
    end_of_day: dict[date, int] = {}
    later = 0
    for day in reversed(days):
        end_of_day[day] = total - later
        later += per_day.get(day, 0)
    before = total - later
    crossed = [m for m in milestones if before < m <= total]
    if not crossed:
        return None
    milestone = max(crossed)
    day = next(d for d in days if end_of_day[d] >= milestone)
    upcoming = [m for m in milestones if m > total]
    return Crossing(milestone, day, total, max(before, 0), min(upcoming) if upcoming else None)


def _window_first(inputs: InsightInputs, thresholds: InsightThresholds) -> date:
    return inputs.today - timedelta(days=thresholds.milestone_window_days - 1)


def _data(c: Crossing) -> dict[str, object]:
    data: dict[str, object] = {"milestone": c.milestone, "total": c.total, "reached_on": c.day.isoformat()}
    if c.next_milestone is not None:
        data["next_milestone"] = c.next_milestone
    return data


@dataclass(frozen=True, slots=True)
class CountMilestone:
    """What a count milestone counts: its rule id, the lifetime total and the per-day count it reads, the
    milestones, and its wording (`title` and `description` are formatted with milestone, day and total)."""

    rule: str
    total: Callable[[LifetimeTotals], int]
    per_day: Callable[[Bucket], int]
    milestones: Callable[[InsightThresholds], Sequence[int]]
    title: str
    description: str
    importance: Importance
    icon: str


SESSIONS = CountMilestone(
    rule=SESSION_MILESTONE,
    total=lambda totals: totals.sessions,
    per_day=lambda bucket: bucket.sessions,
    milestones=lambda thresholds: thresholds.session_milestones,
    title="{milestone} learning sessions completed!",
    description=(
        "Congratulations! You've completed {milestone} learning sessions (reached on {day}; {total} in total)."
    ),
    importance=Importance.HIGH,
    icon="trophy",
)
EXCHANGES = CountMilestone(
    rule=EXCHANGE_MILESTONE,
    total=lambda totals: totals.exchanges,
    per_day=lambda bucket: bucket.exchanges,
    milestones=lambda thresholds: thresholds.exchange_milestones,
    title="{milestone} exchanges with your tutor!",
    description=(
        "You've had {milestone} learning exchanges with your tutor (reached on {day}; {total} in total)."
    ),
    importance=Importance.MEDIUM,
    icon="message",
)


def count_milestone(
    inputs: InsightInputs, thresholds: InsightThresholds, *, counted: CountMilestone
) -> list[Insight]:
    """The lifetime total of `counted` passed one of its milestones in the last `milestone_window_days`
    days (`crossing`): the largest such milestone, on the day it was reached."""
    window = daily_window(inputs.daily, today=inputs.today, days=thresholds.milestone_window_days)
    c = crossing(
        counted.total(inputs.totals),
        {b.day: counted.per_day(b) for b in window.buckets},
        first=_window_first(inputs, thresholds),
        today=inputs.today,
        milestones=counted.milestones(thresholds),
    )
    if c is None:
        return []
    wording = {"milestone": c.milestone, "day": day_label(c.day), "total": c.total}
    return [
        make_insight(
            inputs,
            rule=counted.rule,
            type=InsightType.MILESTONE,
            fact_key=str(c.milestone),
            fact_day=c.day,
            title=counted.title.format(**wording),
            description=counted.description.format(**wording),
            importance=counted.importance,
            confidence=1.0,
            data=_data(c),
            icon=counted.icon,
            action_url=dashboard_url("achievements"),
        )
    ]


def streak_milestone(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """The current streak reached one of `streak_milestones` in the last `milestone_window_days` days.

    The day a run of length m was reached is its m-th active day: the days from `started_on`,
    frozen days skipped (they add nothing to a streak's length).
    """
    streak = inputs.streak
    if streak.started_on is None or streak.current <= 0:
        return []
    first = _window_first(inputs, thresholds)
    frozen = set(streak.frozen_days)
    reached: list[tuple[int, date]] = []
    for milestone in sorted(m for m in thresholds.streak_milestones if 0 < m <= streak.current):
        day, counted = streak.started_on, 0
        while True:
            if day not in frozen:
                counted += 1
                if counted == milestone:
                    break
            day += timedelta(days=1)
        if day >= first:
            reached.append((milestone, day))
    if not reached:
        return []
    milestone, day = reached[-1]
    upcoming = [m for m in thresholds.streak_milestones if m > streak.current]
    data: dict[str, object] = {
        "milestone": milestone,
        "current_streak": streak.current,
        "longest_streak": streak.longest,
        "reached_on": day.isoformat(),
    }
    if upcoming:
        data["next_milestone"] = min(upcoming)
    return [
        make_insight(
            inputs,
            rule=STREAK_MILESTONE,
            type=InsightType.MILESTONE,
            fact_key=str(milestone),
            fact_day=day,
            title=f"{milestone}-day learning streak achieved!",
            description=(
                f"{milestone}-day learning streak achieved on {day_label(day)}! "
                f"Your current streak is {plural(streak.current, 'day')}."
            ),
            importance=Importance.HIGH,
            confidence=1.0,
            data=data,
            icon="fire",
            action_url=dashboard_url("goals"),
        )
    ]


def topic_milestone(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """The number of distinct topics passed one of `topic_milestones` in the last `milestone_window_days`
    days (a topic counts from its first day); names the topic that reached it.
    """
    first_seen: dict[str, date] = {}
    for stat in inputs.topics:
        known = first_seen.get(stat.topic)
        first_seen[stat.topic] = stat.first_day if known is None else min(known, stat.first_day)
    per_day: dict[date, int] = {}
    for day in first_seen.values():
        per_day[day] = per_day.get(day, 0) + 1
    c = crossing(
        len(first_seen),
        per_day,
        first=_window_first(inputs, thresholds),
        today=inputs.today,
        milestones=thresholds.topic_milestones,
    )
    if c is None:
        return []
    in_order = sorted(first_seen, key=lambda t: (first_seen[t], t))
    topic = in_order[c.milestone - 1]
    related = {
        p.b if p.a == topic else p.a
        for p in inputs.pairs
        if topic in (p.a, p.b) and p.a != p.b and p.sessions > 0
    }
    data = _data(c) | {"topic": topic, "related_topics": len(related)}
    return [
        make_insight(
            inputs,
            rule=TOPIC_MILESTONE,
            type=InsightType.MILESTONE,
            fact_key=str(c.milestone),
            fact_day=c.day,
            title=f"{c.milestone} topics explored!",
            description=(
                f"New topic unlocked: '{topic}' ({plural(len(related), 'related topic')}). "
                f"That makes {c.milestone} topics explored ({c.total} in total)."
            ),
            importance=Importance.MEDIUM,
            confidence=1.0,
            data=data,
            icon="map",
            action_url=dashboard_url("topics", topic=topic),
        )
    ]
