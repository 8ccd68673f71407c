"""Topic analytics: trending topics (growth between the halves of a period) and co-occurrence strength.

`connection_strength` is the one definition of how strongly two topics are connected, used by the
`topics` answer and by the knowledge insights alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .periods import DateRange


@dataclass(frozen=True, slots=True)
class TrendingTopic:
    """A topic with more exchanges in the second half of a period than in the first; `is_new` when
    it had none in the first half (its growth then only measures its volume: 100 % per exchange)."""

    name: str
    growth: float
    first_seen: date
    is_new: bool = False


@dataclass(frozen=True, slots=True)
class TopicConnection:
    source: str
    target: str
    strength: float
    sessions: int


def halves(r: DateRange) -> tuple[DateRange, DateRange] | None:
    """The first and last ⌊N/2⌋ days of a period (the middle day of an odd period belongs to neither,
    so both halves have the same length); None for a period shorter than 2 days."""
    half = r.days // 2
    if half < 1:
        return None
    return (
        DateRange(r.start, r.start + timedelta(days=half - 1)),
        DateRange(r.end - timedelta(days=half - 1), r.end),
    )


def trending(
    first_half: Mapping[str, int],
    second_half: Mapping[str, int],
    first_seen: Mapping[str, date],
    *,
    limit: int,
) -> list[TrendingTopic]:
    """Topics whose exchanges grew from the first half of the period (a) to the second (b).

    growth = (b − a) / max(a, 1) × 100. Topics present in both halves come first, largest growth
    first (then volume b, then name); then the new ones (a = 0, `is_new`), by volume b then name, since
    their growth, b × 100 %, says how much they were studied rather than how fast they grew.
    """
    growing = []
    new = []
    for name, after in second_half.items():
        before = first_half.get(name, 0)
        if after <= before:
            continue
        growth = (after - before) / max(before, 1) * 100.0
        if before == 0:
            new.append((-after, name, growth))
        else:
            growing.append((-growth, -after, name, growth))
    rows = [(name, growth, False) for *_, name, growth in sorted(growing)]
    rows += [(name, growth, True) for _, name, growth in sorted(new)]
    return [
        TrendingTopic(name=name, growth=growth, first_seen=first_seen.get(name, date.min), is_new=is_new)
        for name, growth, is_new in rows[:limit]
    ]


def connection_strength(shared: int, sessions_a: int, sessions_b: int) -> float:
    """How strongly two topics are connected: the Jaccard index of their session sets,
    shared / (sessions_a + sessions_b − shared) — the sessions holding both over the sessions holding
    either. 1 when they always appear together, near 0 when they rarely do; 0 without sessions."""
    union = sessions_a + sessions_b - shared
    if union <= 0:
        return 0.0
    return min(1.0, max(0.0, shared / union))


def connections(
    pairs: Sequence[tuple[str, str, int]], sessions_per_topic: Mapping[str, int], *, limit: int
) -> list[TopicConnection]:
    """Topic pairs that share sessions, most shared sessions first, with their `connection_strength`
    (a topic missing from `sessions_per_topic` counts only the shared sessions)."""
    out = [
        TopicConnection(
            source=a,
            target=b,
            strength=connection_strength(
                shared, sessions_per_topic.get(a, shared), sessions_per_topic.get(b, shared)
            ),
            sessions=shared,
        )
        for a, b, shared in pairs
    ]
    out.sort(key=lambda c: (-c.sessions, -c.strength, c.source, c.target))
    return out[:limit]


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A topic of the knowledge graph: its sessions and tagged exchanges over the period."""

    name: str
    sessions: int
    exchanges: int


@dataclass(frozen=True, slots=True)
class KnowledgeGraph:
    """Topics as nodes, co-occurrence as edges: `total_concepts` topics in the period,
    `total_relationships` pairs of them sharing a session (among the period's top topics by sessions,
    the same ones `edges` come from), the strongest `edges` and the `nodes` they join."""

    total_concepts: int
    total_relationships: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[TopicConnection, ...]


def knowledge_graph(
    edges: Sequence[TopicConnection],
    sessions_per_topic: Mapping[str, int],
    exchanges_per_topic: Mapping[str, int],
    *,
    total_concepts: int,
    total_relationships: int,
) -> KnowledgeGraph:
    """The graph of the given edges: each topic an edge touches is a node (most sessions first, then
    by name), with its sessions and exchanges (0 when unknown)."""
    names = {name for e in edges for name in (e.source, e.target)}
    nodes = sorted(
        (
            GraphNode(name=n, sessions=sessions_per_topic.get(n, 0), exchanges=exchanges_per_topic.get(n, 0))
            for n in names
        ),
        key=lambda node: (-node.sessions, node.name),
    )
    return KnowledgeGraph(
        total_concepts=total_concepts,
        total_relationships=total_relationships,
        nodes=tuple(nodes),
        edges=tuple(edges),
    )
