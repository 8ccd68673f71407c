"""The parameterised rules (quality change, activity change, count milestones, quality anomaly) give
exactly the insights recorded before they were merged into one function each: every field of every
insight, on scenarios that trigger them and scenarios that must not.

The record (golden/parameterised_rules.json) was written by the rules as they stood before; rewrite it
only when a rule's output is meant to change (`LA_WRITE_GOLDEN=1 pytest tests/unit/test_insights_golden.py`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from insight_fixtures import TH, ago, day, inputs, topic

from learning_analytics.domain.insights import RULES, Insight, InsightInputs, LifetimeTotals, TopicPair
from learning_analytics.domain.rollups import Bucket

GOLDEN = Path(__file__).parent / "golden" / "parameterised_rules.json"
RULE_IDS = (
    "quality_improved",
    "quality_declined",
    "activity_up",
    "activity_down",
    "session_milestone",
    "exchange_milestone",
    "quality_anomaly",
)
FULL_HISTORY = LifetimeTotals(sessions=200, exchanges=1000, first_day=ago(90))


def _quality_days(previous: tuple[float, float], current: tuple[float, float]) -> list[Bucket]:
    return [day(ago(i), sessions=1, qualities=previous if i >= 30 else current) for i in range(60)]


def _session_days(previous: list[int], current: list[int]) -> list[Bucket]:
    return [day(ago(59 - i), sessions=n) for i, n in enumerate(previous + current)]


def _last_week(sessions: int = 1, exchanges: int = 10) -> list[Bucket]:
    return [day(ago(i), sessions=sessions, exchanges=exchanges) for i in range(7)]


def _quality_history(yesterday: float) -> list[Bucket]:
    daily = [day(ago(i), sessions=1, qualities=[0.7 if i % 2 else 0.8] * 3) for i in range(2, 31)]
    return [*daily, day(ago(1), sessions=1, qualities=[yesterday] * 3)]


SCENARIOS: dict[str, Callable[[], InsightInputs]] = {
    "quality up 13 %": lambda: inputs(daily=_quality_days((0.70, 0.80), (0.80, 0.90))),
    "quality up exactly 10 %": lambda: inputs(daily=_quality_days((0.70, 0.80), (0.775, 0.875))),
    "quality up 9 %": lambda: inputs(daily=_quality_days((0.70, 0.80), (0.77, 0.87))),
    "quality down 12 %": lambda: inputs(daily=_quality_days((0.80, 0.90), (0.70, 0.80))),
    "activity up 50 %": lambda: inputs(daily=_session_days([1] * 30, [2, 1] * 15), totals=FULL_HISTORY),
    "activity up 47 %": lambda: inputs(
        daily=_session_days([1] * 30, [2] * 14 + [1] * 16), totals=FULL_HISTORY
    ),
    "activity down 30 %": lambda: inputs(
        daily=_session_days([2] * 30, [2] * 12 + [1] * 18), totals=FULL_HISTORY
    ),
    "activity without a full previous period": lambda: inputs(
        daily=_session_days([1] * 30, [2, 1] * 15),
        totals=LifetimeTotals(sessions=75, exchanges=300, first_day=ago(40)),
    ),
    "100 sessions and 1000 exchanges crossed": lambda: inputs(
        daily=_last_week(), totals=LifetimeTotals(sessions=102, exchanges=1003)
    ),
    "milestones crossed before the window": lambda: inputs(
        daily=_last_week(), totals=LifetimeTotals(sessions=108, exchanges=1080)
    ),
    "several milestones in one week": lambda: inputs(
        daily=_last_week(sessions=5, exchanges=200), totals=LifetimeTotals(sessions=52, exchanges=1450)
    ),
    "an exceptional day": lambda: inputs(daily=_quality_history(0.95)),
    "an unusually low day": lambda: inputs(daily=_quality_history(0.55)),
    "a busy learner": lambda: inputs(
        daily=[
            day(ago(i), sessions=1 if i >= 30 else 2, qualities=(0.70, 0.80) if i >= 30 else (0.80, 0.90))
            for i in range(60)
        ],
        totals=LifetimeTotals(sessions=90, exchanges=240, first_day=ago(60)),
        topics=[topic("python", sessions=30, mastery=0.81), topic("git", sessions=8)],
        pairs=[TopicPair("python", "git", 6)],
    ),
}


def _record(insight: Insight) -> dict[str, object]:
    return {
        "id": insight.id,
        "rule": insight.rule,
        "type": str(insight.type),
        "title": insight.title,
        "description": insight.description,
        "importance": str(insight.importance),
        "confidence": insight.confidence,
        "data": json.loads(json.dumps(dict(insight.data))),
        "icon": insight.icon,
        "action_url": insight.action_url,
        "generated_at": insight.generated_at.isoformat(),
        "expires_at": insight.expires_at.isoformat() if insight.expires_at else None,
        "fact_day": insight.fact_day.isoformat(),
        "fact_key": insight.fact_key,
    }


def _outputs() -> dict[str, dict[str, list[dict[str, object]]]]:
    out: dict[str, dict[str, list[dict[str, object]]]] = {}
    for name, build in SCENARIOS.items():
        snapshot = build()
        out[name] = {rule: [_record(i) for i in RULES[rule].evaluate(snapshot, TH)] for rule in RULE_IDS}
    return out


def test_the_record_covers_every_parameterised_rule() -> None:
    recorded = json.loads(GOLDEN.read_text())

    fired = {rule for by_rule in recorded.values() for rule, found in by_rule.items() if found}
    assert fired == set(RULE_IDS)


if os.environ.get("LA_WRITE_GOLDEN") == "1":
    GOLDEN.write_text(json.dumps(_outputs(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_rules_give_the_recorded_insights(scenario: str) -> None:
    recorded = json.loads(GOLDEN.read_text())

    assert _outputs()[scenario] == recorded[scenario]
