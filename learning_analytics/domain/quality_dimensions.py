"""The five dimensions of an answer's quality (relevance, helpfulness, engagement, clarity, accuracy):
their means over a period and a radar chart of a period against the previous one."""

from __future__ import annotations

from dataclasses import dataclass

from . import charts
from .models import QUALITY_DIMENSIONS
from .periods import MetricChange, period_change
from .rollups import Bucket

DIMENSION_LABELS: dict[str, str] = {
    "relevance": "Relevance",
    "helpfulness": "Helpfulness",
    "engagement": "Engagement",
    "clarity": "Clarity",
    "accuracy": "Accuracy",
}


def dimension_mean(bucket: Bucket, dimension: str) -> float | None:
    """The mean score of one dimension over the exchanges of a bucket that carry it; None without any."""
    if dimension not in DIMENSION_LABELS:
        raise ValueError(f"unknown quality dimension {dimension!r}")
    moments = bucket.dimensions.get(dimension)
    return None if moments is None else moments.mean


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """One dimension: its mean this period and the previous one, and the change between them (%)."""

    dimension: str
    label: str
    current: float | None
    previous: float | None
    scored_exchanges: int
    change: MetricChange | None


@dataclass(frozen=True, slots=True)
class QualityRadar:
    dimensions: tuple[DimensionScore, ...]
    chart: charts.ChartData


def quality_radar(current: Bucket, previous: Bucket | None) -> QualityRadar:
    """Each dimension's mean over the period's scored exchanges and over the previous period's, with
    the change (`period_change`; None when the period has no score of that dimension), and a radar
    chart of both periods (a dimension without scores is a gap, null)."""
    scores = []
    for d in QUALITY_DIMENSIONS:
        now = dimension_mean(current, d)
        before = None if previous is None else dimension_mean(previous, d)
        moments = current.dimensions.get(d)
        scores.append(
            DimensionScore(
                dimension=d,
                label=DIMENSION_LABELS[d],
                current=now,
                previous=before,
                scored_exchanges=0 if moments is None else moments.n,
                change=None if now is None else period_change(now, before),
            )
        )
    labels = tuple(s.label for s in scores)
    chart = charts.ChartData(
        labels=labels,
        datasets=(
            charts.ChartDataset(
                label="This period",
                data=tuple(s.current for s in scores),
                border_color=charts.INDIGO,
                background_color=("rgba(79, 70, 229, 0.2)",),
                fill=True,
            ),
            charts.ChartDataset(
                label="Previous period",
                data=tuple(s.previous for s in scores),
                border_color=charts.SLATE,
                background_color=("rgba(100, 116, 139, 0.2)",),
                fill=True,
            ),
        ),
        type="radar",
    )
    return QualityRadar(dimensions=tuple(scores), chart=chart)
