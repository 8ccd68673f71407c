"""The dashboard's payloads from buckets, worked by hand: the quality radar, the feedback breakdown,
the quality histogram, the median from its middle values, the activity heatmaps and the knowledge graph."""

from __future__ import annotations

import math
from datetime import date

import pytest

from learning_analytics.domain.durations import median_of_middle, middle_positions
from learning_analytics.domain.feedback import feedback_breakdown
from learning_analytics.domain.heatmap import hour_grid, week_grid, weeks_touched
from learning_analytics.domain.periods import ChangeDirection, DateRange, Granularity
from learning_analytics.domain.quality_dimensions import quality_radar
from learning_analytics.domain.quality_distribution import bin_of, histogram, quality_distribution
from learning_analytics.domain.rollups import Bucket, Moments
from learning_analytics.domain.topics import TopicConnection, knowledge_graph


def moments(*xs: float) -> Moments:
    return Moments(n=len(xs), total=sum(xs), sumsq=sum(x * x for x in xs), min=min(xs), max=max(xs))


def bucket(day: date, hour: int = 0, **values: object) -> Bucket:
    granularity = Granularity.HOUR if hour else Granularity.DAY
    return Bucket(granularity=granularity, day=day, hour=hour, **values)  # type: ignore[arg-type]


# ---- radar


def test_the_radar_compares_each_dimension_with_the_previous_period() -> None:
    current = bucket(
        date(2026, 3, 1),
        dimensions={"relevance": moments(0.8, 0.6), "clarity": moments(0.9), "accuracy": moments(0.5)},
    )
    previous = bucket(date(2026, 2, 1), dimensions={"relevance": moments(0.5), "clarity": moments(0.9)})

    radar = quality_radar(current, previous)

    by = {d.dimension: d for d in radar.dimensions}
    assert [d.dimension for d in radar.dimensions] == [
        "relevance",
        "helpfulness",
        "engagement",
        "clarity",
        "accuracy",
    ]
    assert by["relevance"].current == pytest.approx(0.7)
    assert by["relevance"].previous == pytest.approx(0.5)
    assert by["relevance"].scored_exchanges == 2
    assert by["relevance"].change is not None
    assert by["relevance"].change.change == pytest.approx((0.7 - 0.5) / 0.5 * 100)
    assert by["relevance"].change.direction is ChangeDirection.UP
    assert by["clarity"].change is not None and by["clarity"].change.direction is ChangeDirection.FLAT
    assert by["accuracy"].previous is None and by["accuracy"].change is not None
    assert by["accuracy"].change.change is None  # nothing to compare with
    assert by["helpfulness"].current is None and by["helpfulness"].change is None
    assert radar.chart.type == "radar"
    assert radar.chart.labels == ("Relevance", "Helpfulness", "Engagement", "Clarity", "Accuracy")
    this, before = radar.chart.datasets
    assert this.data == pytest.approx((0.7, None, None, 0.9, 0.5))  # type: ignore[arg-type]
    assert before.data == pytest.approx((0.5, None, None, 0.9, None))  # type: ignore[arg-type]


# ---- feedback


def test_the_feedback_breakdown_counts_each_kind_with_its_share_and_the_ratings() -> None:
    b = bucket(
        date(2026, 3, 1),
        feedback=10,
        thumbs_up=4,
        thumbs_down=1,
        copies=2,
        corrections=2,
        clarifications=1,
        rating=moments(1.0, 0.0, 0.5),
    )

    fb = feedback_breakdown(b)

    assert fb.total == 10
    assert [(k.kind, k.count, k.share) for k in fb.by_kind] == [
        ("thumbs_up", 4, 0.4),
        ("thumbs_down", 1, 0.1),
        ("copy", 2, 0.2),
        ("correction", 2, 0.2),
        ("clarification", 1, 0.1),
    ]
    assert fb.positive_rate == pytest.approx(4 / 5)
    assert fb.rating.count == 3
    assert fb.rating.mean == pytest.approx(0.5)
    assert (fb.rating.min, fb.rating.max) == (0.0, 1.0)
    assert fb.rating.std == pytest.approx(math.sqrt(((0.5**2) * 2) / 3))
    assert fb.chart.type == "bar"
    assert fb.chart.datasets[0].data == (4.0, 1.0, 2.0, 2.0, 1.0)
    assert len(fb.chart.datasets[0].background_color or ()) == 5


def test_a_period_without_feedback_has_no_shares_and_no_rate() -> None:
    fb = feedback_breakdown(bucket(date(2026, 3, 1)))

    assert fb.total == 0
    assert all(k.count == 0 and k.share is None for k in fb.by_kind)
    assert fb.positive_rate is None
    assert fb.rating.count == 0 and fb.rating.mean is None


# ---- quality distribution


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.0, 0), (0.19, 0), (0.2, 1), (0.39999, 1), (0.4, 2), (0.6, 3), (0.79, 3), (0.8, 4), (1.0, 4)],
)
def test_a_score_falls_in_the_bin_whose_lower_edge_it_reaches(score: float, expected: int) -> None:
    assert bin_of(score) == expected


def test_the_histogram_weighs_summaries_by_their_exchanges_and_makes_a_doughnut() -> None:
    counts = histogram([(0.1, 1), (0.5, 1), (0.55, 1), (0.9, 1), (0.7, 4)])

    assert counts == [1, 0, 2, 4, 1]
    d = quality_distribution(counts)
    assert d.total == 8
    assert (d.bins[0].low, d.bins[0].high) == (0.0, 0.2)
    assert [b.share for b in d.bins] == [1 / 8, 0.0, 2 / 8, 4 / 8, 1 / 8]
    assert d.chart.type == "doughnut"
    assert d.chart.datasets[0].data == (1.0, 0.0, 2.0, 4.0, 1.0)


def test_an_empty_distribution_has_no_shares() -> None:
    d = quality_distribution([0, 0, 0, 0, 0])

    assert d.total == 0 and all(b.share is None for b in d.bins)


# ---- median


@pytest.mark.parametrize(
    ("durations", "median"), [([30.0], 30.0), ([10.0, 20.0, 60.0], 20.0), ([10.0, 20.0, 40.0, 60.0], 30.0)]
)
def test_the_median_is_the_middle_value_or_the_mean_of_the_two(durations: list[float], median: float) -> None:
    middle = [durations[p - 1] for p in middle_positions(len(durations))]

    assert median_of_middle(middle) == pytest.approx(median)


def test_no_durations_have_no_median() -> None:
    assert middle_positions(0) == ()
    assert median_of_middle([]) is None


# ---- heatmap


def test_the_week_grid_lays_days_out_by_iso_week_and_blanks_days_outside_the_range() -> None:
    # Wednesday 2026-03-04 to Tuesday 2026-03-10: two ISO weeks (Mondays March 2 and March 9).
    r = DateRange(date(2026, 3, 4), date(2026, 3, 10))
    days = [
        bucket(date(2026, 3, 4), sessions=1, exchanges=3, minutes=25.0),
        bucket(date(2026, 3, 9), sessions=2, exchanges=5, minutes=40.0),
        bucket(date(2026, 3, 11), sessions=9, exchanges=9, minutes=90.0),  # outside the range
    ]

    grid = week_grid(days, r)

    assert weeks_touched(r) == 2
    assert grid.week_starts == (date(2026, 3, 2), date(2026, 3, 9))
    assert grid.sessions == ((None, None, 1, 0, 0, 0, 0), (2, 0, None, None, None, None, None))
    assert grid.exchanges[0][2] == 3 and grid.exchanges[1][0] == 5
    assert grid.minutes[1] == (40.0, 0.0, None, None, None, None, None)
    assert (grid.active_days, grid.max_sessions, grid.max_minutes) == (2, 2, 40.0)


def test_the_hour_grid_sums_each_weekday_and_hour_and_finds_the_peak() -> None:
    r = DateRange(date(2026, 3, 2), date(2026, 3, 15))  # two whole weeks
    hours = [
        bucket(date(2026, 3, 2), 9, sessions=1, exchanges=2, minutes=30.0),  # Monday 09:00
        bucket(date(2026, 3, 9), 9, sessions=1, exchanges=3, minutes=15.0),  # Monday 09:00 again
        bucket(date(2026, 3, 14), 21, sessions=1, exchanges=4, minutes=50.0),  # Saturday 21:00
    ]

    grid = hour_grid(hours, r)

    assert grid.sessions[0][9] == 2 and grid.exchanges[0][9] == 5 and grid.minutes[0][9] == 45.0
    assert grid.exchanges[5][21] == 4
    assert sum(map(sum, grid.sessions)) == 3
    assert (grid.peak_weekday, grid.peak_hour) == ("Mon", 9)  # 5 exchanges beat 4


def test_an_idle_period_has_no_peak() -> None:
    grid = hour_grid([], DateRange(date(2026, 3, 2), date(2026, 3, 8)))

    assert grid.peak_hour is None and grid.peak_weekday is None


# ---- knowledge graph


def test_the_knowledge_graph_joins_the_topics_of_its_edges() -> None:
    edges = [
        TopicConnection(source="python", target="sql", strength=0.5, sessions=2),
        TopicConnection(source="git", target="python", strength=0.25, sessions=1),
    ]

    g = knowledge_graph(
        edges,
        {"python": 3, "sql": 3, "git": 1, "rust": 5},
        {"python": 7, "sql": 4},
        total_concepts=4,
        total_relationships=3,
    )

    assert [(n.name, n.sessions, n.exchanges) for n in g.nodes] == [
        ("python", 3, 7),
        ("sql", 3, 4),
        ("git", 1, 0),
    ]
    assert g.edges == tuple(edges)
    assert (g.total_concepts, g.total_relationships) == (4, 3)
