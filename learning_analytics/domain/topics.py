"""Topic analytics: trending topics (growth between the halves of a period) and co-occurrence strength."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .periods import DateRange


@dataclass(frozen=True, slots=True)
class TrendingTopic:
    name: str
    growth: float
    first_seen: date


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
    """Topics whose exchanges grew from the first half of the period to the second.

    growth = (second − first) / max(first, 1) × 100, so a topic new in the second half grows by
    100 % per exchange. Only growing topics, largest growth first (then volume, then name).
    """
    rows = []
    for name, after in second_half.items():
        before = first_half.get(name, 0)
        if after > before:
            rows.append((-(after - before) / max(before, 1) * 100.0, -after, name))
    rows.sort()
    return [
        TrendingTopic(name=name, growth=-growth, first_seen=first_seen.get(name, date.min))
        for growth, _, name in rows[:limit]
    ]


def connections(
    pairs: Sequence[tuple[str, str, int]], sessions_per_topic: Mapping[str, int], *, limit: int
) -> list[TopicConnection]:
    """Topic pairs that share sessions, strongest first.

    strength = shared / (sessions(a) + sessions(b) − shared), the Jaccard index of the two topics'
    session sets: 1 when they always appear together, near 0 when they rarely do.
    """
    out = []
    for a, b, shared in pairs:
        union = sessions_per_topic.get(a, shared) + sessions_per_topic.get(b, shared) - shared
        strength = shared / union if union > 0 else 0.0
        out.append(
            TopicConnection(source=a, target=b, strength=min(1.0, max(0.0, strength)), sessions=shared)
        )
    out.sort(key=lambda c: (-c.sessions, -c.strength, c.source, c.target))
    return out[:limit]
