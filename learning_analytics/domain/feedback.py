"""The feedback of a period broken down by kind, with its positive rate and ratings, as a bar chart."""

from __future__ import annotations

from dataclasses import dataclass

from . import charts
from .rollups import Bucket, Moments

# The kinds in the order the chart shows them, with their labels and colours.
FEEDBACK_KINDS: tuple[tuple[str, str, str], ...] = (
    ("thumbs_up", "Thumbs up", charts.EMERALD),
    ("thumbs_down", "Thumbs down", charts.RED),
    ("copy", "Copied", charts.INDIGO),
    ("correction", "Corrections", charts.AMBER),
    ("clarification", "Clarifications", charts.VIOLET),
)


@dataclass(frozen=True, slots=True)
class KindCount:
    """How often one kind of feedback was given, and its share of all feedback (None without any)."""

    kind: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """The explicit ratings given with feedback: how many, their mean, min, max and population std."""

    count: int
    mean: float | None
    min: float | None
    max: float | None
    std: float | None


@dataclass(frozen=True, slots=True)
class FeedbackBreakdown:
    total: int
    by_kind: tuple[KindCount, ...]
    positive_rate: float | None
    rating: RatingSummary
    chart: charts.ChartData


def _count_of(bucket: Bucket, kind: str) -> int:
    return {
        "thumbs_up": bucket.thumbs_up,
        "thumbs_down": bucket.thumbs_down,
        "copy": bucket.copies,
        "correction": bucket.corrections,
        "clarification": bucket.clarifications,
    }[kind]


def rating_summary(rating: Moments) -> RatingSummary:
    return RatingSummary(count=rating.n, mean=rating.mean, min=rating.min, max=rating.max, std=rating.std)


def feedback_breakdown(bucket: Bucket) -> FeedbackBreakdown:
    """Counts per kind (share = count / all feedback), the positive rate 👍 / (👍 + 👎) — the same
    rate as the `POSITIVE_FEEDBACK_RATE` metric, so copies and corrections move neither side — the
    ratings, and a bar chart of the counts, one colour per kind."""
    total = bucket.feedback
    kinds = tuple(
        KindCount(
            kind=kind,
            label=label,
            count=(count := _count_of(bucket, kind)),
            share=count / total if total else None,
        )
        for kind, label, _ in FEEDBACK_KINDS
    )
    chart = charts.ChartData(
        labels=tuple(k.label for k in kinds),
        datasets=(
            charts.ChartDataset(
                label="Feedback",
                data=tuple(float(k.count) for k in kinds),
                background_color=tuple(color for *_, color in FEEDBACK_KINDS),
            ),
        ),
        type="bar",
    )
    return FeedbackBreakdown(
        total=total,
        by_kind=kinds,
        positive_rate=bucket.positive_feedback_rate,
        rating=rating_summary(bucket.rating),
        chart=chart,
    )
