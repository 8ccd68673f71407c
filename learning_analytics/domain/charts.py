"""Chart.js data shapes (`{labels, datasets: [{label, data, borderColor, …}]}`) with the seeds' colours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

INDIGO = "#4F46E5"
EMERALD = "#10B981"
AMBER = "#F59E0B"
RED = "#EF4444"
VIOLET = "#8B5CF6"
CYAN = "#06B6D4"
PINK = "#EC4899"
LIME = "#84CC16"
ORANGE = "#F97316"
SLATE = "#64748B"
LIGHT_GREY = "#E5E7EB"

PALETTE: tuple[str, ...] = (INDIGO, EMERALD, AMBER, RED, VIOLET, CYAN, PINK, LIME, ORANGE, SLATE)


@dataclass(frozen=True, slots=True)
class ChartDataset:
    label: str
    data: tuple[float | None, ...]
    border_color: str | None = None
    background_color: tuple[str, ...] | None = None
    fill: bool | None = None
    y_axis_id: str | None = None

    def to_json(self) -> dict[str, object]:
        """The dataset as Chart.js reads it (camelCase keys; absent options left out)."""
        out: dict[str, object] = {"label": self.label, "data": list(self.data)}
        if self.border_color is not None:
            out["borderColor"] = self.border_color
        if self.background_color is not None:
            out["backgroundColor"] = list(self.background_color)
        if self.fill is not None:
            out["fill"] = self.fill
        if self.y_axis_id is not None:
            out["yAxisID"] = self.y_axis_id
        return out


@dataclass(frozen=True, slots=True)
class ChartData:
    """Chart.js `data` (labels and datasets) and the chart `type` it is drawn as: line, bar,
    doughnut or radar."""

    labels: tuple[str, ...]
    datasets: tuple[ChartDataset, ...]
    type: str = "line"

    def to_json(self) -> dict[str, object]:
        """Chart.js `data`, as `new Chart(ctx, {type, data})` takes it."""
        return {"labels": list(self.labels), "datasets": [d.to_json() for d in self.datasets]}

    def to_config(self) -> dict[str, object]:
        """The whole Chart.js configuration: `{type, data}`."""
        return {"type": self.type, "data": self.to_json()}


def line_dataset(
    label: str, data: Sequence[float | None], color: str, *, y_axis_id: str | None = None, fill: bool = False
) -> ChartDataset:
    return ChartDataset(label=label, data=tuple(data), border_color=color, fill=fill, y_axis_id=y_axis_id)


def distribution(
    labels: Sequence[str], values: Sequence[float], *, label: str = "Exchanges", chart_type: str = "bar"
) -> ChartData:
    """A bar or doughnut chart: one dataset whose bars or slices take the palette's colours in turn."""
    colors = tuple(PALETTE[i % len(PALETTE)] for i in range(len(values)))
    return ChartData(
        labels=tuple(labels),
        datasets=(ChartDataset(label=label, data=tuple(float(v) for v in values), background_color=colors),),
        type=chart_type,
    )
