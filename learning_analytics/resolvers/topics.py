"""Topic analytics: distribution, top topics with mastery, trending topics, and co-occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from ..domain import charts
from ..domain import topics as domain
from ..domain.errors import InvalidInput
from ..domain.mastery import TopicMastery
from ..domain.periods import DateRange, Period
from ..domain.ranges import Span
from ..storage import topics as topic_store
from ..storage.rollups import topics as topic_rollups
from .calendar import answer_meta, span_of, user_today
from .context import Context
from .loaders import mastery_of_topics
from .meta import AnswerMeta


@dataclass(frozen=True, slots=True)
class TopicStat:
    name: str
    sessions: int
    exchanges: int
    avg_quality: float | None


@dataclass(frozen=True, slots=True)
class TopicsAnswer:
    period: Period | None  # None for an explicit range
    span: Span
    total_topics: int
    distribution: charts.ChartData
    top_topics: list[TopicStat]
    trending: list[domain.TrendingTopic]
    connections: list[domain.TopicConnection]
    knowledge_graph: domain.KnowledgeGraph
    meta: AnswerMeta


async def mastery_by_topic(ctx: Context, names: Sequence[str]) -> list[TopicMastery | None]:
    """Mastery of each topic (None if never seen): score = q × (1 − exp(−n/10)), q weighted by recency."""
    return await mastery_of_topics(
        ctx.db, names, user_id=ctx.user.id, today=user_today(ctx), progress=ctx.settings.progress
    )


async def topics(
    ctx: Context, *, period: Period = Period.LAST_30_DAYS, dates: DateRange | None = None, limit: int = 20
) -> TopicsAnswer:
    """Topics of the period (or the explicit local `dates`) by exchanges, their distribution as a bar
    chart; trending = growth of the second half over the first; connections = pairs sharing sessions,
    strength = Jaccard index of their session sets, among the period's
    `limits.max_connection_topics` topics with most sessions; the knowledge graph = those `limit`
    strongest connections as edges, the topics they join as nodes, and the number of all such pairs.

    `limit` is at most `limits.max_topics_limit`; the answer ranks the period's
    `limits.max_topics_considered` most practised topics (the others are only counted)."""
    limits = ctx.settings.limits
    if not 0 <= limit <= limits.max_topics_limit:
        raise InvalidInput(
            f"limit must be between 0 and {limits.max_topics_limit}", field="limit", code="out_of_range"
        )
    considered = limits.max_topics_considered
    span = await span_of(ctx, dates or period)
    r = span.current
    uid = ctx.user.id
    totals = await topic_rollups.topic_totals(ctx.db, user_id=uid, start=r.start, end=r.end, limit=considered)
    total_topics = len(totals)
    if total_topics >= considered:
        total_topics = await topic_rollups.topic_count(ctx.db, user_id=uid, start=r.start, end=r.end)
    shown = totals[: ctx.settings.dashboard.max_topics_displayed]
    trending: list[domain.TrendingTopic] = []
    split = domain.halves(r)
    if split is not None:
        first, second = split
        halves = await topic_rollups.topic_exchanges_by_half(
            ctx.db, user_id=uid, first=(first.start, first.end), second=(second.start, second.end)
        )
        ranked_growth = domain.trending(
            {t: a for t, a, _ in halves}, {t: b for t, _, b in halves}, {}, limit=limit
        )
        # First-seen days only for the topics shown, not for every topic of the period.
        seen = await topic_store.first_seen(ctx.db, user_id=uid, names=[t.name for t in ranked_growth])
        trending = [replace(t, first_seen=seen.get(t.name, date.min)) for t in ranked_growth]
    max_topics = limits.max_connection_topics
    pairs = await topic_rollups.topic_pairs(
        ctx.db, user_id=uid, start=r.start, end=r.end, limit=limit, max_topics=max_topics
    )
    sessions = {t.topic: t.sessions for t in totals}
    exchanges = {t.topic: t.exchanges for t in totals}
    unranked = sorted({name for a, b, _ in pairs for name in (a, b)} - sessions.keys())
    if unranked:
        extra = await topic_rollups.topic_totals(
            ctx.db, user_id=uid, start=r.start, end=r.end, topics=unranked
        )
        sessions.update({t.topic: t.sessions for t in extra})
        exchanges.update({t.topic: t.exchanges for t in extra})
    connections = domain.connections(pairs, sessions, limit=limit)
    relationships = (
        len(pairs)
        if len(pairs) < limit
        else await topic_rollups.topic_pair_count(
            ctx.db, user_id=uid, start=r.start, end=r.end, max_topics=max_topics
        )
    )
    return TopicsAnswer(
        period=span.period,
        span=span,
        total_topics=total_topics,
        distribution=charts.distribution([t.topic for t in shown], [t.exchanges for t in shown]),
        top_topics=[
            TopicStat(name=t.topic, sessions=t.sessions, exchanges=t.exchanges, avg_quality=t.quality.mean)
            for t in totals[:limit]
        ],
        trending=trending,
        connections=connections,
        knowledge_graph=domain.knowledge_graph(
            connections,
            sessions,
            exchanges,
            total_concepts=total_topics,
            total_relationships=relationships,
        ),
        meta=await answer_meta(ctx, span),
    )
