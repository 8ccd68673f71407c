"""Builders shared by the insight tests: days, hours, topics, snapshots and single-rule evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from learning_analytics.domain.insights import (
    RULES,
    Insight,
    InsightInputs,
    InsightThresholds,
    TopicStat,
)
from learning_analytics.domain.mastery import level_for
from learning_analytics.domain.periods import Granularity
from learning_analytics.domain.rollups import Bucket, Moments

TODAY = date(2026, 3, 15)  # a Sunday
NOW = datetime(2026, 3, 15, 18, 0, tzinfo=UTC)
TH = InsightThresholds()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def moments(values: Sequence[float]) -> Moments:
    return Moments(
        n=len(values),
        total=sum(values),
        sumsq=sum(v * v for v in values),
        min=min(values, default=None),
        max=max(values, default=None),
    )


def day(
    on: date,
    *,
    sessions: int = 0,
    qualities: Sequence[float] = (),
    exchanges: int | None = None,
    corrections: int = 0,
) -> Bucket:
    """A day bucket; exchanges default to the number of quality scores."""
    return Bucket(
        granularity=Granularity.DAY,
        day=on,
        sessions=sessions,
        exchanges=len(qualities) if exchanges is None else exchanges,
        quality=moments(qualities),
        corrections=corrections,
    )


def hour(at: int, *, sessions: int, qualities: Sequence[float]) -> Bucket:
    return Bucket(
        granularity=Granularity.HOUR,
        day=TODAY,
        hour=at,
        sessions=sessions,
        exchanges=len(qualities),
        quality=moments(qualities),
    )


def inputs(**fields: object) -> InsightInputs:
    values: dict[str, object] = {"user_id": "learner-1", "today": TODAY, "now": NOW} | fields
    return InsightInputs(**values)  # type: ignore[arg-type]


def topic(
    name: str,
    *,
    exchanges: int = 10,
    sessions: int = 5,
    avg_quality: float | None = 0.8,
    mastery: float = 0.5,
    first_day: date = ago(60),
    last_day: date = ago(1),
    recent_exchanges: int = 0,
) -> TopicStat:
    return TopicStat(
        topic=name,
        exchanges=exchanges,
        sessions=sessions,
        avg_quality=avg_quality,
        mastery=mastery,
        level=level_for(mastery),
        first_day=first_day,
        last_day=last_day,
        recent_exchanges=recent_exchanges,
    )


def evaluate(rule: str, snapshot: InsightInputs, thresholds: InsightThresholds = TH) -> list[Insight]:
    """One rule of the catalog, alone; every insight it makes must carry its id."""
    found = RULES[rule].evaluate(snapshot, thresholds)
    assert all(i.rule == rule and i.type == RULES[rule].type for i in found)
    return found


def one(rule: str, snapshot: InsightInputs, thresholds: InsightThresholds = TH) -> Insight:
    found = evaluate(rule, snapshot, thresholds)
    assert len(found) == 1, found
    return found[0]
