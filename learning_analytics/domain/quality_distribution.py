"""How the composite quality of a period's exchanges is spread: counts in fixed bins, as a doughnut."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import charts

# Bin i holds scores in [EDGES[i], EDGES[i + 1]); the last bin also holds 1.0.
QUALITY_BIN_EDGES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
QUALITY_BIN_LABELS: tuple[str, ...] = ("0.0–0.2", "0.2–0.4", "0.4–0.6", "0.6–0.8", "0.8–1.0")
_COLORS = (charts.RED, charts.ORANGE, charts.AMBER, charts.LIME, charts.EMERALD)


def bin_of(score: float) -> int:
    """The bin of a score in [0, 1]: the number of inner edges at or below it (0.2 is in bin 1)."""
    return bisect_right(QUALITY_BIN_EDGES[1:-1], score)


def histogram(scores: Iterable[tuple[float, int]]) -> list[int]:
    """Counts per bin of (score, weight) pairs: an exchange weighs 1, a session sent only as a summary
    weighs its exchange count at its average quality (as in every quality average)."""
    counts = [0] * len(QUALITY_BIN_LABELS)
    for score, weight in scores:
        counts[bin_of(score)] += weight
    return counts


@dataclass(frozen=True, slots=True)
class QualityBin:
    label: str
    low: float
    high: float
    count: int
    share: float | None


@dataclass(frozen=True, slots=True)
class QualityDistribution:
    total: int
    bins: tuple[QualityBin, ...]
    chart: charts.ChartData


def quality_distribution(counts: Sequence[int]) -> QualityDistribution:
    """The bins with their counts and shares (count / all scored exchanges), and a doughnut chart."""
    if len(counts) != len(QUALITY_BIN_LABELS):
        raise ValueError(f"expected {len(QUALITY_BIN_LABELS)} counts, got {len(counts)}")
    total = sum(counts)
    bins = tuple(
        QualityBin(
            label=QUALITY_BIN_LABELS[i],
            low=QUALITY_BIN_EDGES[i],
            high=QUALITY_BIN_EDGES[i + 1],
            count=c,
            share=c / total if total else None,
        )
        for i, c in enumerate(counts)
    )
    chart = charts.ChartData(
        labels=QUALITY_BIN_LABELS,
        datasets=(
            charts.ChartDataset(
                label="Exchanges", data=tuple(float(c) for c in counts), background_color=_COLORS
            ),
        ),
        type="doughnut",
    )
    return QualityDistribution(total=total, bins=bins, chart=chart)
