"""Topics of a period and the mastery of each: the `topics` and `topicMastery` queries."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from ..domain import mastery, topics
from ..resolvers import topics as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Period, by_name
from .ranges import DateRangeInput, DateSpan, when
from .shared import ChartData, Meta


@strawberry.enum(description="Bands of the mastery score.")
class MasteryLevel(Enum):
    NOVICE = "novice"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


@strawberry.type(
    description="score = q × (1 − exp(−n / 10)), q = quality weighted by recency (half-life 30 days)."
)
class TopicMastery:
    topic: str
    score: float
    level: MasteryLevel
    total_interactions: int
    last_practiced_at: datetime | None

    @classmethod
    def from_domain(cls, m: mastery.TopicMastery) -> TopicMastery:
        return cls(
            topic=m.topic,
            score=m.score,
            level=by_name(m.level, MasteryLevel),
            total_interactions=m.total_interactions,
            last_practiced_at=m.last_practiced_at,
        )


@strawberry.type
class TopicStat:
    name: str
    sessions: int
    exchanges: int
    avg_quality: float | None

    @strawberry.field(
        description="Mastery over all time (loaded in one batch for every topic of the answer)."
    )
    async def mastery(self, info: Info) -> TopicMastery:
        found = await info.context.loaders.mastery_by_topic.load(self.name)
        if found is None:  # a topic in a period always has rollups; keep the type total anyway
            found = mastery.compute_mastery(self.name, n=0, q=None, last_practiced_at=None)
        return TopicMastery.from_domain(found)


@strawberry.type(
    description="A topic studied more in the second half of the period than in the first: topics in "
    "both halves first, by growth, then new ones (isNew), by volume."
)
class TrendingTopic:
    name: str
    growth: float = strawberry.field(description="(second half − first half) / max(first half, 1) × 100.")
    first_seen: date
    is_new: bool = strawberry.field(
        description="Absent from the first half of the period: its growth only measures its volume."
    )


@strawberry.type
class TopicConnection:
    source: str
    target: str
    strength: float = strawberry.field(
        description="Jaccard index of the two topics' session sets, in [0, 1]."
    )
    sessions: int

    @classmethod
    def from_domain(cls, c: topics.TopicConnection) -> TopicConnection:
        return cls(source=c.source, target=c.target, strength=c.strength, sessions=c.sessions)


@strawberry.type(description="A topic of the knowledge graph, with its sessions and exchanges in the period.")
class GraphNode:
    name: str
    sessions: int
    exchanges: int


@strawberry.type(
    description="Topics as nodes and sessions shared as edges, among the period's "
    "LA_LIMITS__MAX_CONNECTION_TOPICS (50) topics with most sessions: the `limit` strongest edges and "
    "the topics they join."
)
class KnowledgeGraph:
    total_concepts: int = strawberry.field(description="Topics studied in the period.")
    total_relationships: int = strawberry.field(
        description="Pairs of those topics that share at least one session (all, not only `edges`)."
    )
    nodes: list[GraphNode]
    edges: list[TopicConnection]

    @classmethod
    def from_domain(cls, g: topics.KnowledgeGraph) -> KnowledgeGraph:
        return cls(
            total_concepts=g.total_concepts,
            total_relationships=g.total_relationships,
            nodes=[GraphNode(name=n.name, sessions=n.sessions, exchanges=n.exchanges) for n in g.nodes],
            edges=[TopicConnection.from_domain(e) for e in g.edges],
        )


@strawberry.type
class TopicAnalytics:
    total_topics: int
    dates: DateSpan = strawberry.field(description="The local days covered.")
    distribution: ChartData = strawberry.field(
        description="Exchanges of the most studied topics (LA_DASHBOARD__MAX_TOPICS_DISPLAYED), a bar chart."
    )
    top_topics: list[TopicStat]
    trending: list[TrendingTopic]
    connections: list[TopicConnection]
    knowledge_graph: KnowledgeGraph
    meta: Meta

    @classmethod
    def from_domain(cls, t: resolver.TopicsAnswer) -> TopicAnalytics:
        return cls(
            total_topics=t.total_topics,
            dates=DateSpan.from_domain(t.span),
            distribution=ChartData.from_domain(t.distribution),
            top_topics=[
                TopicStat(name=x.name, sessions=x.sessions, exchanges=x.exchanges, avg_quality=x.avg_quality)
                for x in t.top_topics
            ],
            trending=[
                TrendingTopic(name=x.name, growth=x.growth, first_seen=x.first_seen, is_new=x.is_new)
                for x in t.trending
            ],
            connections=[TopicConnection.from_domain(c) for c in t.connections],
            knowledge_graph=KnowledgeGraph.from_domain(t.knowledge_graph),
            meta=Meta.from_domain(t.meta),
        )


@strawberry.type
class TopicsQuery:
    @strawberry.field(
        description="Topics of the period (or the local days of `range`): distribution, top topics, "
        "trending, connections and the knowledge graph."
    )
    @argument_rules
    async def topics(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
        limit: OrDefault[int] = 20,
    ) -> TopicAnalytics:
        preset, dates = when(info, period, range_)
        answer = await resolver.topics(info.context, period=preset, dates=dates, limit=limit)
        return TopicAnalytics.from_domain(answer)

    @strawberry.field(description="Mastery of one topic over all time; null for a topic never seen.")
    async def topic_mastery(self, info: Info, topic: str) -> TopicMastery | None:
        found = await info.context.loaders.mastery_by_topic.load(topic.strip())
        return TopicMastery.from_domain(found) if found else None
