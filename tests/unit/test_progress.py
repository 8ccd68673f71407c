"""Progress: metric values of a bucket, points, statistics per metric and the chart, worked by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain import charts
from learning_analytics.domain.periods import Granularity
from learning_analytics.domain.progress import Metric, metric_value, points, progress_chart, statistics
from learning_analytics.domain.rollups import Bucket, Moments
from learning_analytics.domain.trends import TrendDirection

PARIS = ZoneInfo("Europe/Paris")


def quality(*scores: float) -> Moments:
    return Moments(
        n=len(scores),
        total=sum(scores),
        sumsq=sum(s * s for s in scores),
        min=min(scores, default=None),
        max=max(scores, default=None),
    )


def day(n: int, **values: object) -> Bucket:
    return Bucket(granularity=Granularity.DAY, day=date(2026, 3, n), **values)  # type: ignore[arg-type]


BUSY = day(
    5,
    sessions=2,
    exchanges=5,
    minutes=42.5,
    quality=quality(0.9, 0.8, 0.7, 0.6),
    thumbs_up=3,
    thumbs_down=1,
    corrections=2,
)


@pytest.mark.parametrize(
    ("metric", "value"),
    [
        (Metric.SESSIONS, 2.0),
        (Metric.EXCHANGES, 5.0),
        (Metric.DURATION, 42.5),
        (Metric.QUALITY, 0.75),  # (0.9 + 0.8 + 0.7 + 0.6) / 4
        (Metric.ENGAGEMENT, 2.5),  # 5 exchanges / 2 sessions
        (Metric.POSITIVE_FEEDBACK_RATE, 0.75),  # 3 up / (3 up + 1 down)
        (Metric.CORRECTIONS, 2.0),
    ],
)
def test_a_buckets_metric_values(metric: Metric, value: float) -> None:
    assert metric_value(BUSY, metric) == pytest.approx(value)


def test_an_empty_bucket_counts_zero_and_has_no_averages() -> None:
    empty = day(6)

    values = {m: metric_value(empty, m) for m in Metric}

    assert {m for m, v in values.items() if v is None} == {
        Metric.QUALITY,
        Metric.ENGAGEMENT,
        Metric.POSITIVE_FEEDBACK_RATE,
        Metric.QUALITY_RELEVANCE,
        Metric.QUALITY_HELPFULNESS,
        Metric.QUALITY_ENGAGEMENT,
        Metric.QUALITY_CLARITY,
        Metric.QUALITY_ACCURACY,
    }
    assert {m for m, v in values.items() if v == 0.0} == {m for m in Metric if m.is_count}


def test_points_start_at_local_midnight_or_the_local_hour() -> None:
    by_day = points([day(5), day(6)], Granularity.DAY, PARIS)
    by_hour = points(
        [Bucket(granularity=Granularity.HOUR, day=date(2026, 3, 5), hour=14)], Granularity.HOUR, PARIS
    )

    assert [(p.period_start, p.label) for p in by_day] == [
        (datetime(2026, 3, 5, tzinfo=PARIS), "Mar 5"),
        (datetime(2026, 3, 6, tzinfo=PARIS), "Mar 6"),
    ]
    assert [(p.period_start, p.label) for p in by_hour] == [
        (datetime(2026, 3, 5, 14, tzinfo=PARIS), "Mar 5 14:00")
    ]


def test_count_statistics_total_average_extremes_and_direction() -> None:
    buckets = [day(1, sessions=1), day(2), day(3, sessions=3), day(4, sessions=2)]

    stats = statistics(buckets, Metric.SESSIONS)

    # y = 1, 0, 3, 2 at x = 0..3: x̄ = ȳ = 1.5, Sxy = (−1.5)(−0.5) + (−0.5)(−1.5) + (0.5)(1.5) + (1.5)(0.5) = 3,
    # Sxx = 5, slope = 0.6, ŷ(0) = 1.5 − 0.9 = 0.6, ŷ(3) = 2.4: change +300 % > 5 % → improving
    assert (stats.total, stats.avg, stats.min, stats.max) == (6.0, 1.5, 0.0, 3.0)
    assert stats.direction is TrendDirection.IMPROVING
    assert statistics(buckets, Metric.SESSIONS, band_percent=400.0).direction is TrendDirection.STABLE


def test_average_statistics_are_weighted_by_what_they_count() -> None:
    buckets = [
        day(1, exchanges=2, quality=quality(0.9, 0.7)),  # 0.8
        day(2),  # no exchange: missing, not 0
        day(3, exchanges=6, quality=quality(0.5, 0.5, 0.5, 0.5, 0.5, 0.5)),  # 0.5
        day(4, exchanges=2, quality=quality(0.6, 0.8)),  # 0.7
    ]

    stats = statistics(buckets, Metric.QUALITY)

    # exchange-weighted: (1.6 + 3.0 + 1.4) / (2 + 6 + 2) = 0.6, not the mean of days (0.667)
    assert stats.total is None
    assert stats.avg == pytest.approx(0.6)
    assert (stats.min, stats.max) == (pytest.approx(0.5), pytest.approx(0.8))
    # y = 0.8, 0.5, 0.7 at x = 0, 2, 3: x̄ = 5/3, ȳ = 2/3, Sxy = −21/90, Sxx = 42/9, slope = −0.05,
    # ŷ(0) = 2/3 + 0.05 · 5/3 = 0.75, ŷ(3) = 0.6: change −20 % → declining
    assert stats.direction is TrendDirection.DECLINING


def test_statistics_of_no_bucket() -> None:
    stats = statistics([], Metric.EXCHANGES)

    assert (stats.total, stats.avg, stats.min, stats.max) == (0.0, None, None, None)
    assert stats.direction is TrendDirection.STABLE


def test_the_chart_has_one_line_per_metric_on_its_own_axis() -> None:
    pts = points([day(5, sessions=1, exchanges=2, quality=quality(0.9, 0.7)), day(6)], Granularity.DAY, PARIS)

    chart = progress_chart(pts, [Metric.SESSIONS, Metric.QUALITY])

    assert chart.to_json() == {
        "labels": ["Mar 5", "Mar 6"],
        "datasets": [
            {"label": "Sessions", "data": [1.0, 0.0], "borderColor": charts.INDIGO, "fill": False, "yAxisID": "y-sessions"},
            {"label": "Quality", "data": [pytest.approx(0.8), None], "borderColor": charts.EMERALD, "fill": False, "yAxisID": "y-quality"},
        ],
    }  # fmt: skip


def test_a_quality_dimension_metric_is_the_mean_of_its_scored_exchanges() -> None:
    b = day(7, exchanges=3, quality=quality(0.9, 0.5, 0.4), dimensions={"relevance": quality(0.8, 0.6)})

    assert metric_value(b, Metric.QUALITY_RELEVANCE) == pytest.approx(0.7)
    assert metric_value(b, Metric.QUALITY_CLARITY) is None
    assert Metric.QUALITY_ACCURACY.dimension == "accuracy" and Metric.QUALITY.dimension is None


def test_a_dimensions_average_over_buckets_weighs_each_scored_exchange() -> None:
    buckets = [
        day(8, dimensions={"clarity": quality(0.2)}),
        day(9, dimensions={"clarity": quality(0.8, 0.8)}),
    ]

    stats = statistics(buckets, Metric.QUALITY_CLARITY)

    assert stats.total is None
    assert stats.avg == pytest.approx((0.2 + 0.8 + 0.8) / 3)  # not the mean of the daily means, 0.5
    assert (stats.min, stats.max) == (pytest.approx(0.2), pytest.approx(0.8))
