"""Progress over time: metric values per bucket, statistics per metric, overview changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from . import charts
from .periods import Granularity, bucket_label
from .rollups import Bucket, merge_buckets
from .trends import TrendDirection, linear_trend
from .trends.regression import DEFAULT_BAND_PERCENT


class Metric(StrEnum):
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    DURATION = "duration"
    ENGAGEMENT = "engagement"
    POSITIVE_FEEDBACK_RATE = "positive_feedback_rate"
    CORRECTIONS = "corrections"
    QUALITY_RELEVANCE = "quality_relevance"
    QUALITY_HELPFULNESS = "quality_helpfulness"
    QUALITY_ENGAGEMENT = "quality_engagement"
    QUALITY_CLARITY = "quality_clarity"
    QUALITY_ACCURACY = "quality_accuracy"

    @property
    def dimension(self) -> str | None:
        """The quality dimension a QUALITY_* metric averages (relevance, …), None for other metrics."""
        return self.value.removeprefix("quality_") if self.value.startswith("quality_") else None

    @property
    def is_count(self) -> bool:
        """Counts are 0 on a day without activity; averages and rates are missing (None) instead."""
        return self in _COUNTS


_COUNTS = frozenset({Metric.SESSIONS, Metric.EXCHANGES, Metric.DURATION, Metric.CORRECTIONS})

METRIC_STYLE: dict[Metric, tuple[str, str, str]] = {
    # label, colour, y axis — sessions and quality as in the seed's progress chart
    Metric.SESSIONS: ("Sessions", charts.INDIGO, "y-sessions"),
    Metric.QUALITY: ("Quality", charts.EMERALD, "y-quality"),
    Metric.EXCHANGES: ("Exchanges", charts.AMBER, "y-exchanges"),
    Metric.DURATION: ("Minutes", charts.RED, "y-minutes"),
    Metric.ENGAGEMENT: ("Exchanges per session", charts.VIOLET, "y-engagement"),
    Metric.POSITIVE_FEEDBACK_RATE: ("Positive feedback", charts.CYAN, "y-quality"),
    Metric.CORRECTIONS: ("Corrections", charts.PINK, "y-corrections"),
    # The five dimensions share the quality axis (scores in [0, 1]).
    Metric.QUALITY_RELEVANCE: ("Relevance", charts.LIME, "y-quality"),
    Metric.QUALITY_HELPFULNESS: ("Helpfulness", charts.ORANGE, "y-quality"),
    Metric.QUALITY_ENGAGEMENT: ("Engagement (quality)", charts.VIOLET, "y-quality"),
    Metric.QUALITY_CLARITY: ("Clarity", charts.CYAN, "y-quality"),
    Metric.QUALITY_ACCURACY: ("Accuracy", charts.SLATE, "y-quality"),
}


def metric_value(bucket: Bucket, metric: Metric) -> float | None:
    """A bucket's value of a metric: counts and minutes as they are; quality = mean composite over
    its exchanges; engagement = exchanges / sessions; positive feedback = 👍 / (👍 + 👎); a QUALITY_*
    metric = mean of that dimension over the exchanges scored on it."""
    dimension = metric.dimension
    if dimension is not None:
        moments = bucket.dimensions.get(dimension)
        return None if moments is None else moments.mean
    match metric:
        case Metric.SESSIONS:
            return float(bucket.sessions)
        case Metric.EXCHANGES:
            return float(bucket.exchanges)
        case Metric.QUALITY:
            return bucket.avg_quality
        case Metric.DURATION:
            return bucket.minutes
        case Metric.ENGAGEMENT:
            return bucket.engagement
        case Metric.POSITIVE_FEEDBACK_RATE:
            return bucket.positive_feedback_rate
        case Metric.CORRECTIONS:
            return float(bucket.corrections)
    raise ValueError(f"no value for metric {metric!r}")


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    period_start: datetime
    label: str
    bucket: Bucket


@dataclass(frozen=True, slots=True)
class MetricStatistics:
    """Over a period's buckets: `total` (counts only), `avg` (exchange-weighted for quality), min, max,
    and the direction of the OLS trend through the bucket values."""

    metric: Metric
    total: float | None
    avg: float | None
    min: float | None
    max: float | None
    direction: TrendDirection


def points(buckets: Sequence[Bucket], granularity: Granularity, tz: ZoneInfo) -> list[ProgressPoint]:
    """One point per bucket, its start as a local instant and its chart label."""
    out = []
    for b in buckets:
        start = datetime.combine(b.day, time(b.hour if granularity is Granularity.HOUR else 0), tzinfo=tz)
        out.append(ProgressPoint(period_start=start, label=bucket_label(start, granularity), bucket=b))
    return out


def statistics(
    buckets: Sequence[Bucket], metric: Metric, *, band_percent: float = DEFAULT_BAND_PERCENT
) -> MetricStatistics:
    """Statistics of one metric over consecutive buckets (empty buckets count 0 for counts, skip otherwise)."""
    values = [metric_value(b, metric) for b in buckets]
    present = [v for v in values if v is not None]
    if metric.is_count:
        summed = float(sum(present))
        total: float | None = summed
        avg = summed / len(values) if values else None
    else:
        total = None
        # the period's own ratio, weighted by what it counts
        avg = metric_value(merge_buckets(buckets, granularity=Granularity.DAY, day=date.min), metric)
    fit = linear_trend(values, band_percent=band_percent)
    return MetricStatistics(
        metric=metric,
        total=total,
        avg=avg,
        min=min(present) if present else None,
        max=max(present) if present else None,
        direction=fit.direction,
    )


def progress_chart(pts: Sequence[ProgressPoint], metrics: Sequence[Metric]) -> charts.ChartData:
    """One line dataset per metric, on its own y axis, with the seed's colours."""
    datasets = []
    for metric in metrics:
        label, color, axis = METRIC_STYLE[metric]
        datasets.append(
            charts.line_dataset(label, [metric_value(p.bucket, metric) for p in pts], color, y_axis_id=axis)
        )
    return charts.ChartData(labels=tuple(p.label for p in pts), datasets=tuple(datasets))
