"""Shapes every REST answer shares: `meta`, the Chart.js `chart`, a metric's change, and the error body.

Every route serialises its answer through a pydantic model (`json_response`), and the OpenAPI
document is generated from the same models (`rest/openapi.py`), so the two cannot drift. Keys are
snake_case as the seed writes them, except inside `chart`, which Chart.js reads as it is
(`borderColor`, `backgroundColor`, `yAxisID`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from ..domain import charts, streaks
from ..domain.periods import ChangeDirection, MetricChange
from ..resolvers.meta import AnswerMeta


class Model(BaseModel):
    """Base of every REST shape: frozen, and refusing keys it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Meta(Model):
    """How an answer was made: when, whether from the cache, and how fresh its data is."""

    period: str | None = Field(description='The REST period ("7d" … "all"); null where none applies.')
    generated_at: datetime
    cached: bool
    data_through: datetime | None = Field(
        description="The newest event folded into the rollups this answer read."
    )
    stale: bool = Field(
        description="True while some of the caller's events have waited for the fold longer than "
        "the fold interval, or the caller's last fold failed."
    )

    @classmethod
    def of(cls, m: AnswerMeta) -> Meta:
        return cls(
            period=m.period,
            generated_at=m.generated_at,
            cached=m.cached,
            data_through=m.data_through,
            stale=m.stale,
        )


class ChartDataset(Model):
    """A Chart.js dataset; options that do not apply are left out (Chart.js then uses its own)."""

    label: str
    data: list[float | None]
    border_color: str | None = Field(default=None, alias="borderColor")
    background_color: list[str] | None = Field(default=None, alias="backgroundColor")
    fill: bool | None = None
    y_axis_id: str | None = Field(default=None, alias="yAxisID")

    @model_serializer(mode="wrap")
    def _without_absent_options(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Chart.js reads a null option as a value (a null yAxisID names no axis): leave it out.
        return {k: v for k, v in handler(self).items() if v is not None}

    @classmethod
    def of(cls, d: charts.ChartDataset) -> ChartDataset:
        return cls.model_validate(d.to_json())


class Chart(Model):
    """Chart.js data: `new Chart(ctx, {type: "line", data: chart})` draws it unchanged."""

    labels: list[str]
    datasets: list[ChartDataset]

    @classmethod
    def of(cls, c: charts.ChartData) -> Chart:
        return cls(labels=list(c.labels), datasets=[ChartDataset.of(d) for d in c.datasets])


Direction = Literal["up", "down", "stable"]

# The seed says "stable" where the domain says FLAT (a change within ±1 %).
_DIRECTIONS: dict[ChangeDirection, Direction] = {
    ChangeDirection.UP: "up",
    ChangeDirection.DOWN: "down",
    ChangeDirection.FLAT: "stable",
}


class Change(Model):
    """A value this period against the previous period of equal length."""

    value: float
    previous: float | None = Field(description="The previous period's value; null when it has none.")
    change: float | None = Field(
        description="(value − previous) / |previous| × 100; null without a previous value."
    )
    direction: Direction = Field(description="stable within ±1 %, else up or down by the change's sign.")

    @classmethod
    def of(cls, m: MetricChange) -> Change:
        return cls(value=m.value, previous=m.previous, change=m.change, direction=_DIRECTIONS[m.direction])


class Streak(Model):
    """The seed's streak (`current`, `best`, `today_complete`) with the days behind it."""

    current: int
    best: int = Field(description="The longest run of active days ever.")
    today_complete: bool
    last_active_date: date | None
    started_on: date | None
    freezes_available: int
    frozen_days: list[date]

    @classmethod
    def of(cls, s: streaks.Streak) -> Streak:
        return cls(
            current=s.current,
            best=s.longest,
            today_complete=s.today_complete,
            last_active_date=s.last_active_date,
            started_on=s.started_on,
            freezes_available=s.freezes_available,
            frozen_days=list(s.frozen_days),
        )


class ErrorDetail(Model):
    parameter: str | None = Field(description="The query parameter (or body field, or header) at fault.")
    field: str | None = Field(description="The same name, as the ingestion errors call it.")
    code: str
    message: str
    limit: int | None = Field(default=None, description="The bound that was exceeded, when one was.")


class ErrorBody(Model):
    """Every 4xx of the REST routes."""

    error: ErrorDetail
