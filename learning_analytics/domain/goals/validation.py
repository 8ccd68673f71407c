"""Checks on a goal's fields: each failure an `InvalidInput` naming the GraphQL argument and a code."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.goals.kinds import Comparison, GoalFrequency, GoalType
from learning_analytics.domain.goals.metrics import ALLOWED_METRICS, DEFAULT_METRIC, MetricKind, TargetMetric
from learning_analytics.domain.goals.model import Goal, GoalLimits
from learning_analytics.domain.text import bad_character, trim_topic


def check_title(title: str, limits: GoalLimits) -> str:
    """The title without blanks at its ends; refused empty (`required`), longer than
    `max_title_length` (`too_long`) or with control characters (`invalid_character`)."""
    cleaned = title.strip()
    if not cleaned:
        raise InvalidInput("a goal needs a title", field="title", code="required")
    if len(cleaned) > limits.max_title_length:
        raise InvalidInput(
            f"a title is at most {limits.max_title_length} characters, got {len(cleaned)}",
            field="title",
            code="too_long",
            limit=limits.max_title_length,
        )
    if reason := bad_character(cleaned):
        raise InvalidInput(reason, field="title", code="invalid_character")
    return cleaned


def check_text(value: str | None, *, field: str, max_length: int) -> str | None:
    """Optional free text, trimmed (blank → None); at most `max_length` characters."""
    if value is None or not value.strip():
        return None
    cleaned = value.strip()
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"at most {max_length} characters, got {len(cleaned)}",
            field=field,
            code="too_long",
            limit=max_length,
        )
    if reason := bad_character(cleaned, free_text=True):
        raise InvalidInput(reason, field=field, code="invalid_character")
    return cleaned


def check_metric(goal_type: GoalType, name: str | None) -> TargetMetric:
    """The metric named by the client (None: the type's default, `DEFAULT_METRIC`); refused when unknown
    or not one the type measures (`ALLOWED_METRICS`), code `invalid_metric`."""
    if name is None or not name.strip():
        return DEFAULT_METRIC[goal_type]
    try:
        metric = TargetMetric(name.strip().lower())
    except ValueError:
        known = ", ".join(m.value for m in TargetMetric)
        raise InvalidInput(
            f"unknown target metric {name!r}: one of {known}", field="targetMetric", code="invalid_metric"
        ) from None
    if metric not in ALLOWED_METRICS[goal_type]:
        allowed = ", ".join(sorted(m.value for m in ALLOWED_METRICS[goal_type]))
        raise InvalidInput(
            f"a {goal_type.value} goal measures one of {allowed}, not {metric.value}",
            field="targetMetric",
            code="invalid_metric",
        )
    return metric


def check_target(value: float, metric: TargetMetric, limits: GoalLimits) -> float:
    """A target > 0 and at most `max_target_value`; a score (average quality, mastery) in (0, 1].
    Code `out_of_range`, field `targetValue`."""
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput(
            f"a target must be greater than 0, got {value}", field="targetValue", code="out_of_range"
        )
    upper = 1.0 if metric.is_ratio else limits.max_target_value
    if value > upper:
        what = "a score target" if metric.is_ratio else "a target"
        raise InvalidInput(
            f"{what} is at most {upper:g}, got {value:g}", field="targetValue", code="out_of_range"
        )
    return float(value)


def check_frequency(metric: TargetMetric, frequency: GoalFrequency) -> None:
    """Lifetime, mastery and streak metrics are states, not period counts: ONE_TIME only.
    `sessions_today` is the day's count: DAILY only. Code `invalid_frequency`."""
    if metric.kind is not MetricKind.PERIOD and frequency.periodic:
        raise InvalidInput(
            f"{metric.value} is not counted per period: use the one_time frequency",
            field="frequency",
            code="invalid_frequency",
        )
    if metric is TargetMetric.SESSIONS_TODAY and frequency is not GoalFrequency.DAILY:
        raise InvalidInput(
            "sessions_today is measured by a daily goal", field="frequency", code="invalid_frequency"
        )


def check_deadline(
    deadline: date | None, *, today: date, comparison: Comparison, frequency: GoalFrequency
) -> None:
    """A deadline on or after the user's local today (`past_deadline`); an LTE ONE_TIME goal needs one,
    since a ceiling is judged when its period ends (`required`)."""
    if deadline is not None and deadline < today:
        raise InvalidInput(
            f"the deadline {deadline.isoformat()} is before today ({today.isoformat()})",
            field="deadline",
            code="past_deadline",
        )
    if deadline is None and comparison is Comparison.LTE and not frequency.periodic:
        raise InvalidInput(
            "a one-time goal with an upper bound (lte) needs a deadline: it is judged when the deadline passes",
            field="deadline",
            code="required",
        )


def check_topic(
    topic: str | None, goal_type: GoalType, metric: TargetMetric, limits: GoalLimits
) -> str | None:
    """The topic trimmed like an ingested one; required by TOPIC goals and the `topic_mastery` metric
    (`required`); refused on a metric that cannot be read per topic (`not_applicable`)."""
    name = None if topic is None else trim_topic(topic)
    if not name:
        if goal_type is GoalType.TOPIC or metric is TargetMetric.TOPIC_MASTERY:
            raise InvalidInput("this goal needs a topic", field="topic", code="required")
        return None
    if not metric.topic_filter:
        raise InvalidInput(
            f"{metric.value} cannot be measured on one topic", field="topic", code="not_applicable"
        )
    if len(name) > limits.max_topic_length:
        raise InvalidInput(
            f"a topic is at most {limits.max_topic_length} characters, got {len(name)}",
            field="topic",
            code="too_long",
            limit=limits.max_topic_length,
        )
    if reason := bad_character(name):
        raise InvalidInput(reason, field="topic", code="invalid_character")
    return name


def check_room(
    existing: Iterable[Goal], limits: GoalLimits, *, field: str, excluding: str | None = None
) -> None:
    """Room for one more active goal: fewer than `max_active_goals` of `existing` (other than
    `excluding`) count toward the limit (`Goal.counts_toward_limit`). Code `LIMIT`;
    `field` is `input` for a new goal, `status` for one made active again."""
    taken = sum(1 for g in existing if g.counts_toward_limit and g.id != excluding)
    if taken >= limits.max_active_goals:
        raise InvalidInput(
            f"at most {limits.max_active_goals} active goals: complete, pause or archive one first",
            field=field,
            code="LIMIT",
            limit=limits.max_active_goals,
        )
