"""`GET /api/analytics/topics`: the seed's topic distribution chart, top and trending topics, and
the knowledge graph of topics studied together."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..resolvers import topics as resolver
from .endpoints import context, covering, endpoint, query
from .models import Chart, Meta, Model
from .params import END, START, limit_param, period_param
from .responses import json_response


class Distribution(Model):
    chart: Chart = Field(description="Exchanges per topic, one colour per slice (a doughnut or bar chart).")


class TopTopic(Model):
    name: str
    sessions: int
    quality: float | None = Field(description="Mean composite quality of the topic's exchanges.")
    exchanges: int


class TrendingTopic(Model):
    name: str
    growth: float = Field(description="(second half − first half) / max(first half, 1) × 100.")
    first_seen: date
    is_new: bool = Field(description="Absent from the first half: its growth only measures its volume.")


class Connection(Model):
    source: str
    target: str
    strength: float = Field(description="Jaccard index of the two topics' session sets, in [0, 1].")
    sessions: int


class GraphNode(Model):
    name: str
    sessions: int
    exchanges: int


class KnowledgeGraph(Model):
    total_concepts: int = Field(description="Topics of the period.")
    total_relationships: int = Field(
        description="Pairs of the period's top topics (by sessions) studied in the same session."
    )
    strongest_connections: list[Connection] = Field(description="The `limit` strongest pairs.")
    nodes: list[GraphNode] = Field(description="The topics the strongest connections join.")


class TopicsAnswer(Model):
    distribution: Distribution
    top_topics: list[TopTopic]
    trending: list[TrendingTopic]
    knowledge_graph: KnowledgeGraph
    meta: Meta

    @classmethod
    def of(cls, t: resolver.TopicsAnswer) -> TopicsAnswer:
        return cls(
            distribution=Distribution(chart=Chart.of(t.distribution)),
            top_topics=[
                TopTopic(name=x.name, sessions=x.sessions, quality=x.avg_quality, exchanges=x.exchanges)
                for x in t.top_topics
            ],
            trending=[
                TrendingTopic(name=x.name, growth=x.growth, first_seen=x.first_seen, is_new=x.is_new)
                for x in t.trending
            ],
            knowledge_graph=KnowledgeGraph(
                total_concepts=t.knowledge_graph.total_concepts,
                total_relationships=t.knowledge_graph.total_relationships,
                strongest_connections=[
                    Connection(source=c.source, target=c.target, strength=c.strength, sessions=c.sessions)
                    for c in t.knowledge_graph.edges
                ],
                nodes=[
                    GraphNode(name=n.name, sessions=n.sessions, exchanges=n.exchanges)
                    for n in t.knowledge_graph.nodes
                ],
            ),
            meta=Meta.of(t.meta),
        )


PARAMS = (
    period_param(),
    START,
    END,
    limit_param(20, "At most this many top, trending and connected topics."),
)


@endpoint("GET", "/api/analytics/topics", params=PARAMS, answer=TopicsAnswer, cache="topics")
async def get_topics(request: Request) -> Response:
    """Topics of the period: distribution, top topics, trending topics and their connections."""
    q = query(request, PARAMS)
    ctx = context(request)
    answer = await resolver.topics(ctx, **covering(ctx, q), limit=q["limit"])
    return json_response(TopicsAnswer.of(answer), answer.meta)
