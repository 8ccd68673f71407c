"""The rule catalog and the engine: evaluate every rule, deduplicate, rank and cut."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from learning_analytics.domain.insights import rules_anomaly, rules_knowledge, rules_milestone, rules_trend
from learning_analytics.domain.insights import rules_recommendation as rules_rec
from learning_analytics.domain.insights.model import (
    IMPORTANCE_RANK,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    Rule,
    RuleSpec,
)

_CATALOG: tuple[tuple[str, InsightType, Rule, str], ...] = (
    (rules_trend.QUALITY_IMPROVED, InsightType.TREND, partial(rules_trend.quality_change, direction=rules_trend.IMPROVED),
     "Average quality of the last period_days is ≥ quality_change_percent above the previous period's (Welch test, confidence ≥ confidence_threshold)."),
    (rules_trend.QUALITY_DECLINED, InsightType.TREND, partial(rules_trend.quality_change, direction=rules_trend.DECLINED),
     "Average quality of the last period_days is ≥ quality_change_percent below the previous period's (Welch test, confidence ≥ confidence_threshold)."),
    (rules_trend.ACTIVITY_UP, InsightType.TREND, partial(rules_trend.activity_change, direction=rules_trend.ACTIVITY_ROSE),
     "Sessions of the last period_days are ≥ activity_up_percent above the previous full period's (Welch test on daily counts)."),
    (rules_trend.ACTIVITY_DOWN, InsightType.TREND, partial(rules_trend.activity_change, direction=rules_trend.ACTIVITY_FELL),
     "Sessions of the last period_days are ≥ activity_down_percent below the previous full period's (Welch test on daily counts)."),
    (rules_anomaly.QUALITY_ANOMALY, InsightType.ANOMALY, rules_anomaly.quality_anomaly,
     "A day of the last anomaly_recent_days whose average quality is |z| > anomaly.z_threshold from the previous anomaly.lookback_days days."),
    (rules_anomaly.NO_SESSIONS_YESTERDAY, InsightType.ANOMALY, rules_anomaly.no_sessions_yesterday,
     "No activity yesterday while the median sessions per day of the typical_days before is above 0."),
    (rules_anomaly.INACTIVE_DAYS, InsightType.ANOMALY, rules_anomaly.inactive_days,
     "No activity today and on the inactive_days (or more) days before."),
    (rules_anomaly.CORRECTION_SPIKE, InsightType.ANOMALY, rules_anomaly.correction_spike,
     "Correction rate of the last recent_days is ≥ correction_spike_ratio × the previous correction_baseline_days' rate and ≥ correction_spike_floor."),
    (rules_milestone.SESSION_MILESTONE, InsightType.MILESTONE, partial(rules_milestone.count_milestone, counted=rules_milestone.SESSIONS),
     "Lifetime sessions passed one of session_milestones in the last milestone_window_days days."),
    (rules_milestone.EXCHANGE_MILESTONE, InsightType.MILESTONE, partial(rules_milestone.count_milestone, counted=rules_milestone.EXCHANGES),
     "Lifetime exchanges passed one of exchange_milestones in the last milestone_window_days days."),
    (rules_milestone.STREAK_MILESTONE, InsightType.MILESTONE, rules_milestone.streak_milestone,
     "The current streak reached one of streak_milestones in the last milestone_window_days days."),
    (rules_milestone.TOPIC_MILESTONE, InsightType.MILESTONE, rules_milestone.topic_milestone,
     "The number of distinct topics passed one of topic_milestones in the last milestone_window_days days."),
    (rules_rec.BEST_HOUR, InsightType.RECOMMENDATION, rules_rec.best_hour,
     "The hour of day with the best average quality (≥ min_sessions_at_best_hour sessions) beats the overall average by ≥ best_time_lift_percent."),
    (rules_rec.BEST_WEEKDAY, InsightType.RECOMMENDATION, rules_rec.best_weekday,
     "A weekly quality pattern is detected (≥ 14 days, ANOVA p < 0.05): the weekday with the best mean."),
    (rules_rec.HIGH_CORRECTION_RATE, InsightType.RECOMMENDATION, rules_rec.high_correction_rate,
     "Correction rate of the last period_days > high_correction_rate (≥ min_rate_exchanges exchanges): break topics down."),
    (rules_rec.REVISIT_TOPIC, InsightType.RECOMMENDATION, rules_rec.revisit_topic,
     "A topic's average quality is ≥ revisit_gap_percent below the learner's average (≥ revisit_min_exchanges exchanges)."),
    (rules_knowledge.STRONG_CONNECTION, InsightType.KNOWLEDGE, rules_knowledge.strong_connection,
     "Two topics share ≥ strong_connection_min_sessions sessions with strength (Jaccard index of their session sets) ≥ strong_connection_strength."),
    (rules_knowledge.KNOWLEDGE_GAP, InsightType.KNOWLEDGE, rules_knowledge.knowledge_gap,
     "A topic with mastery < gap_max_mastery connected to ≥ gap_min_neighbours topics of mastery ≥ gap_neighbour_mastery."),
    (rules_knowledge.EMERGING_INTEREST, InsightType.KNOWLEDGE, rules_knowledge.emerging_interest,
     "A topic first studied in the last emerging_days days, in ≥ emerging_min_sessions sessions, whose recent daily activity is ≥ emerging_min_momentum × its average since."),
)  # fmt: skip

RULES: Mapping[str, RuleSpec] = {
    rule_id: RuleSpec(id=rule_id, type=kind, description=text, evaluate=fn)
    for rule_id, kind, fn, text in _CATALOG
}


def rank_key(insight: Insight) -> tuple[int, int, float]:
    """Importance (high first), then recency (newest fact day first), then confidence (highest first).

    Sorting by it is stable: ties keep the catalog's order and each rule's own order.
    """
    return (IMPORTANCE_RANK[insight.importance], -insight.fact_day.toordinal(), -insight.confidence)


def deduplicate(insights: list[Insight]) -> list[Insight]:
    """One insight per id and per (rule, fact_key): the newest fact day, then the highest confidence."""
    best: dict[tuple[str, str], Insight] = {}
    for insight in insights:
        key = (insight.rule, insight.fact_key)
        known = best.get(key)
        if known is None or (insight.fact_day, insight.confidence) > (known.fact_day, known.confidence):
            best[key] = insight
    by_id: dict[str, Insight] = {}
    for insight in best.values():
        by_id.setdefault(insight.id, insight)
    return list(by_id.values())


def generate_insights(
    inputs: InsightInputs, thresholds: InsightThresholds | None = None, *, limit: int | None = None
) -> list[Insight]:
    """Every rule of `RULES` evaluated on `inputs`, deduplicated, ranked by `rank_key`, then cut:
    at most `max_per_rule` per rule, `max_recommendations` recommendations and `limit` in all
    (default `max_insights`).
    """
    thresholds = thresholds or InsightThresholds()
    limit = thresholds.max_insights if limit is None else limit
    found: list[Insight] = []
    for spec in RULES.values():
        found.extend(spec.evaluate(inputs, thresholds))
    ranked = sorted(deduplicate(found), key=rank_key)
    per_rule: dict[str, int] = {}
    recommendations = 0
    kept: list[Insight] = []
    for insight in ranked:
        if len(kept) >= limit:
            break
        if per_rule.get(insight.rule, 0) >= thresholds.max_per_rule:
            continue
        if insight.type is InsightType.RECOMMENDATION:
            if recommendations >= thresholds.max_recommendations:
                continue
            recommendations += 1
        per_rule[insight.rule] = per_rule.get(insight.rule, 0) + 1
        kept.append(insight)
    return kept
