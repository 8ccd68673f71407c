"""Shapes shared by every analytics answer: Meta and Chart.js data."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import charts
from ..resolvers.meta import AnswerMeta


@strawberry.type(
    description="How an answer was made: when, whether from the cache, and how fresh its data is."
)
class Meta:
    period: str | None
    generated_at: datetime
    cached: bool
    data_through: datetime | None = strawberry.field(
        description="The newest event folded into the rollups this answer read."
    )
    stale: bool = strawberry.field(
        description="True when some of the caller's events have waited for the rollup fold longer than "
        "the fold interval, or the caller's last fold failed: the answer may miss recent events."
    )

    @classmethod
    def from_domain(cls, m: AnswerMeta) -> Meta:
        return cls(
            period=m.period,
            generated_at=m.generated_at,
            cached=m.cached,
            data_through=m.data_through,
            stale=m.stale,
        )


@strawberry.type
class ChartDataset:
    label: str
    data: list[float | None]
    border_color: str | None
    background_color: list[str] | None
    fill: bool | None
    y_axis_id: str | None = strawberry.field(name="yAxisID")

    @classmethod
    def from_domain(cls, d: charts.ChartDataset) -> ChartDataset:
        return cls(
            label=d.label,
            data=list(d.data),
            border_color=d.border_color,
            background_color=list(d.background_color) if d.background_color is not None else None,
            fill=d.fill,
            y_axis_id=d.y_axis_id,
        )


@strawberry.type(
    description="Chart.js data: labels and datasets, ready for `new Chart(ctx, {type, data})` with the "
    "chart `type` given here."
)
class ChartData:
    labels: list[str]
    datasets: list[ChartDataset]
    type: str = strawberry.field(description="The Chart.js chart type: line, bar, doughnut or radar.")

    @classmethod
    def from_domain(cls, c: charts.ChartData) -> ChartData:
        return cls(
            labels=list(c.labels), datasets=[ChartDataset.from_domain(d) for d in c.datasets], type=c.type
        )
