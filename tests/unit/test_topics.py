"""Topic analytics: the halves of a period, trending topics and connection strength, worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from learning_analytics.domain.periods import DateRange
from learning_analytics.domain.topics import (
    TopicConnection,
    TrendingTopic,
    connection_strength,
    connections,
    halves,
    trending,
)


def d(day: int) -> date:
    return date(2026, 3, day)


# ---- halves


def test_an_odd_period_leaves_its_middle_day_out() -> None:
    # 7 days: ⌊7/2⌋ = 3 days each side, Mar 4 in neither
    assert halves(DateRange(d(1), d(7))) == (DateRange(d(1), d(3)), DateRange(d(5), d(7)))


def test_an_even_period_splits_in_two() -> None:
    assert halves(DateRange(d(1), d(6))) == (DateRange(d(1), d(3)), DateRange(d(4), d(6)))
    assert halves(DateRange(d(1), d(2))) == (DateRange(d(1), d(1)), DateRange(d(2), d(2)))


def test_a_single_day_has_no_halves() -> None:
    assert halves(DateRange(d(1), d(1))) is None


# ---- trending

FIRST_HALF = {"algebra": 2, "python": 4, "sql": 5, "git": 3}
SECOND_HALF = {"algebra": 5, "python": 6, "sql": 5, "git": 1, "rust": 3, "go": 1}
FIRST_SEEN = {"algebra": d(1), "python": d(2), "rust": d(20)}


def test_growing_topics_come_by_growth_then_new_topics_by_volume() -> None:
    found = trending(FIRST_HALF, SECOND_HALF, FIRST_SEEN, limit=10)

    assert found == [
        TrendingTopic("algebra", growth=150.0, first_seen=d(1)),  # (5 − 2) / 2 × 100
        TrendingTopic("python", growth=50.0, first_seen=d(2)),  # (6 − 4) / 4 × 100
        TrendingTopic("rust", growth=300.0, first_seen=d(20), is_new=True),  # (3 − 0) / max(0, 1) × 100
        TrendingTopic("go", growth=100.0, first_seen=date.min, is_new=True),  # no first day known
    ]  # sql (5 → 5) and git (3 → 1) did not grow


def test_the_limit_cuts_after_ranking() -> None:
    found = trending(FIRST_HALF, SECOND_HALF, FIRST_SEEN, limit=3)

    assert [t.name for t in found] == ["algebra", "python", "rust"]
    assert trending(FIRST_HALF, SECOND_HALF, FIRST_SEEN, limit=0) == []


def test_equal_growth_ranks_by_volume_then_name() -> None:
    # b: (4 − 2) / 2 = 100 %, c: (2 − 1) / 1 = 100 %, a: (2 − 1) / 1 = 100 %
    found = trending({"a": 1, "b": 2, "c": 1}, {"a": 2, "b": 4, "c": 2}, {}, limit=5)

    assert [(t.name, t.growth) for t in found] == [("b", 100.0), ("a", 100.0), ("c", 100.0)]


def test_new_topics_with_equal_volume_rank_by_name() -> None:
    found = trending({}, {"zsh": 2, "awk": 2}, {}, limit=5)

    assert [(t.name, t.growth, t.is_new) for t in found] == [("awk", 200.0, True), ("zsh", 200.0, True)]


# ---- connection strength


@pytest.mark.parametrize(
    ("shared", "a", "b", "strength"),
    [
        (3, 5, 4, 0.5),  # 3 / (5 + 4 − 3) = 3 / 6
        (2, 2, 5, 0.4),  # 2 / (2 + 5 − 2) = 2 / 5
        (4, 4, 4, 1.0),  # always together
        (0, 5, 3, 0.0),  # never together
        (0, 0, 0, 0.0),  # no sessions at all
    ],
)
def test_strength_is_the_jaccard_index_of_the_session_sets(
    shared: int, a: int, b: int, strength: float
) -> None:
    assert connection_strength(shared, a, b) == pytest.approx(strength)


def test_connections_rank_by_shared_sessions_then_strength() -> None:
    pairs = [("a", "b", 2), ("a", "c", 3), ("b", "c", 2), ("x", "a", 1)]
    sessions = {"a": 4, "b": 2, "c": 5}

    found = connections(pairs, sessions, limit=10)

    assert found == [
        TopicConnection("a", "c", strength=pytest.approx(0.5), sessions=3),  # 3 / (4 + 5 − 3)
        TopicConnection("a", "b", strength=pytest.approx(0.5), sessions=2),  # 2 / (4 + 2 − 2)
        TopicConnection("b", "c", strength=pytest.approx(0.4), sessions=2),  # 2 / (2 + 5 − 2)
        # x is not in the period's totals: it counts its shared session only, 1 / (1 + 4 − 1)
        TopicConnection("x", "a", strength=pytest.approx(0.25), sessions=1),
    ]
    assert [(c.source, c.target) for c in connections(pairs, sessions, limit=2)] == [("a", "c"), ("a", "b")]
