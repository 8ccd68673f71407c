"""Knowledge rules from the topic co-occurrence graph: strong connections, gaps and emerging interests."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from learning_analytics.domain.insights.model import (
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    TopicStat,
    make_insight,
)
from learning_analytics.domain.insights.support import (
    at_least,
    dashboard_url,
    day_label,
    num,
    plural,
    r4,
    saturation,
)
from learning_analytics.domain.topics import connection_strength

STRONG_CONNECTION = "strong_connection"
KNOWLEDGE_GAP = "knowledge_gap"
EMERGING_INTEREST = "emerging_interest"


def _stats(inputs: InsightInputs) -> dict[str, TopicStat]:
    return {stat.topic: stat for stat in inputs.topics}


def strong_connection(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Topic pairs studied together in ≥ `strong_connection_min_sessions` sessions with a strength
    (`domain.topics.connection_strength`, the Jaccard index of their lifetime session sets)
    ≥ `strong_connection_strength`, strongest first.
    """
    stats = _stats(inputs)
    found: list[tuple[float, int, Insight]] = []
    for pair in inputs.pairs:
        if pair.a == pair.b or pair.sessions < thresholds.strong_connection_min_sessions:
            continue
        a, b = sorted((pair.a, pair.b))
        if a not in stats or b not in stats:
            continue
        strength = connection_strength(pair.sessions, stats[a].sessions, stats[b].sessions)
        if not at_least(strength, thresholds.strong_connection_strength):
            continue
        insight = make_insight(
            inputs,
            rule=STRONG_CONNECTION,
            type=InsightType.KNOWLEDGE,
            fact_key=f"{a}|{b}",
            fact_day=pair.last_day or inputs.today,
            title="Strong Connection",
            description=(
                f"You've built strong connections between '{a}' and '{b}': studied together in "
                f"{pair.sessions} sessions (strength {num(strength)})."
            ),
            importance=Importance.LOW,
            confidence=saturation(pair.sessions),
            data={
                "topic_a": a,
                "topic_b": b,
                "shared_sessions": pair.sessions,
                "sessions_a": stats[a].sessions,
                "sessions_b": stats[b].sessions,
                "strength": r4(strength),
                "threshold_sessions": thresholds.strong_connection_min_sessions,
                "threshold_strength": thresholds.strong_connection_strength,
            },
            icon="link",
            action_url=dashboard_url("topics", topic=a),
        )
        found.append((strength, pair.sessions, insight))
    found.sort(key=lambda f: (-f[0], -f[1], f[2].fact_key))
    return [insight for _, _, insight in found]


def knowledge_gap(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """A topic with mastery < `gap_max_mastery` connected (≥ `gap_min_shared_sessions` shared sessions)
    to ≥ `gap_min_neighbours` topics of mastery ≥ `gap_neighbour_mastery`. Confidence:
    1 − exp(−shared sessions with those neighbours / 10).
    """
    stats = _stats(inputs)
    shared: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for pair in inputs.pairs:
        if pair.a != pair.b and pair.sessions >= thresholds.gap_min_shared_sessions:
            shared[pair.a][pair.b] = shared[pair.a].get(pair.b, 0) + pair.sessions
            shared[pair.b][pair.a] = shared[pair.b].get(pair.a, 0) + pair.sessions
    insights: list[Insight] = []
    for topic in sorted(shared):
        stat = stats.get(topic)
        if stat is None or stat.mastery >= thresholds.gap_max_mastery:
            continue
        strong = sorted(
            (
                stats[n]
                for n in shared[topic]
                if n in stats and at_least(stats[n].mastery, thresholds.gap_neighbour_mastery)
            ),
            key=lambda s: (-s.mastery, s.topic),
        )
        if len(strong) < thresholds.gap_min_neighbours:
            continue
        named = ", ".join(f"'{s.topic}' ({num(s.mastery)})" for s in strong[:3])
        more = f" and {len(strong) - 3} more" if len(strong) > 3 else ""
        insights.append(
            make_insight(
                inputs,
                rule=KNOWLEDGE_GAP,
                type=InsightType.KNOWLEDGE,
                fact_key=topic,
                fact_day=stat.last_day,
                title="Knowledge Gap",
                description=(
                    f"Knowledge gap identified: consider learning '{topic}' (mastery {num(stat.mastery)}, "
                    f"{stat.level}). It connects to {named}{more}, which you master well."
                ),
                importance=Importance.MEDIUM,
                confidence=saturation(sum(shared[topic][s.topic] for s in strong)),
                data={
                    "topic": topic,
                    "mastery": r4(stat.mastery),
                    "level": str(stat.level),
                    "neighbours": [s.topic for s in strong],
                    "neighbour_count": len(strong),
                    "threshold_mastery": thresholds.gap_max_mastery,
                    "threshold_neighbour_mastery": thresholds.gap_neighbour_mastery,
                },
                icon="puzzle",
                action_url=dashboard_url("topics", topic=topic),
            )
        )
    return insights


def emerging_interest(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """A topic first studied within the last `emerging_days` days, in ≥ `emerging_min_sessions`
    sessions, whose activity keeps growing: momentum ≥ `emerging_min_momentum`, where momentum =
    (exchanges per day over its last min(recent_days, age) days) / (exchanges per day over its age),
    age = days from its first day to today, both included.
    """
    first_allowed = inputs.today - timedelta(days=thresholds.emerging_days - 1)
    found: list[tuple[int, Insight]] = []
    for stat in inputs.topics:
        if stat.first_day < first_allowed or stat.first_day > inputs.today:
            continue
        if stat.sessions < thresholds.emerging_min_sessions or stat.exchanges <= 0:
            continue
        age = (inputs.today - stat.first_day).days + 1
        recent_days = min(thresholds.recent_days, age)
        momentum = (stat.recent_exchanges / recent_days) / (stat.exchanges / age)
        if not at_least(momentum, thresholds.emerging_min_momentum):
            continue
        insight = make_insight(
            inputs,
            rule=EMERGING_INTEREST,
            type=InsightType.KNOWLEDGE,
            fact_key=stat.topic,
            fact_day=stat.first_day,
            title="Emerging Interest",
            description=(
                f"Your learning path suggests interest in '{stat.topic}': first studied on "
                f"{day_label(stat.first_day)}, {plural(stat.sessions, 'session')} and "
                f"{plural(stat.exchanges, 'exchange')} since ({stat.recent_exchanges} in the last "
                f"{recent_days} days)."
            ),
            importance=Importance.LOW,
            confidence=saturation(stat.exchanges),
            data={
                "topic": stat.topic,
                "first_day": stat.first_day.isoformat(),
                "sessions": stat.sessions,
                "exchanges": stat.exchanges,
                "recent_exchanges": stat.recent_exchanges,
                "recent_days": recent_days,
                "momentum": r4(momentum),
                "threshold_days": thresholds.emerging_days,
                "threshold_sessions": thresholds.emerging_min_sessions,
                "threshold_momentum": thresholds.emerging_min_momentum,
            },
            icon="sparkles",
            action_url=dashboard_url("topics", topic=stat.topic),
        )
        found.append((stat.exchanges, insight))
    found.sort(key=lambda f: (-f[0], f[1].fact_key))
    return [insight for _, insight in found]
