"""The insight engine: a catalog of rules over a snapshot of rollups, deduplicated and ranked."""

from __future__ import annotations

from learning_analytics.domain.insights.engine import RULES, deduplicate, generate_insights, rank_key
from learning_analytics.domain.insights.model import (
    EXPIRY,
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    LifetimeTotals,
    Rule,
    RuleSpec,
    TopicPair,
    TopicStat,
    insight_id,
)
from learning_analytics.domain.insights.stored import InsightPage, StoredInsight

__all__ = [
    "EXPIRY",
    "RULES",
    "Importance",
    "Insight",
    "InsightInputs",
    "InsightPage",
    "InsightThresholds",
    "InsightType",
    "LifetimeTotals",
    "Rule",
    "RuleSpec",
    "StoredInsight",
    "TopicPair",
    "TopicStat",
    "deduplicate",
    "generate_insights",
    "insight_id",
    "rank_key",
]
