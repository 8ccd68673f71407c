"""Chart.js shapes: datasets leave unset options out; distributions take the palette in turn."""

from __future__ import annotations

from learning_analytics.domain import charts
from learning_analytics.domain.charts import ChartData, ChartDataset, distribution, line_dataset


def test_a_dataset_leaves_unset_options_out() -> None:
    assert ChartDataset(label="Daily", data=(1.0, None)).to_json() == {"label": "Daily", "data": [1.0, None]}


def test_a_line_dataset_names_its_colour_axis_and_no_fill() -> None:
    line = line_dataset("Quality", [0.5, None, 0.75], charts.EMERALD, y_axis_id="y-quality")

    assert line.to_json() == {
        "label": "Quality",
        "data": [0.5, None, 0.75],
        "borderColor": "#10B981",
        "fill": False,
        "yAxisID": "y-quality",
    }


def test_chart_data_lists_labels_and_datasets() -> None:
    chart = ChartData(
        labels=("Mar 1", "Mar 2"), datasets=(ChartDataset(label="a", data=(1.0, 2.0), fill=True),)
    )

    assert chart.to_json() == {
        "labels": ["Mar 1", "Mar 2"],
        "datasets": [{"label": "a", "data": [1.0, 2.0], "fill": True}],
    }


def test_a_distribution_cycles_the_palette_of_ten_colours() -> None:
    names = [f"t{i}" for i in range(12)]

    chart = distribution(names, list(range(12, 0, -1))).to_json()

    (dataset,) = chart["datasets"]
    assert chart["labels"] == names
    assert dataset["label"] == "Exchanges"
    assert dataset["data"] == [12.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]
    # the 11th and 12th slices start the palette again: indigo, emerald
    assert dataset["backgroundColor"] == [
        "#4F46E5", "#10B981", "#F59E0B", "#EF4444", "#8B5CF6", "#06B6D4", "#EC4899", "#84CC16", "#F97316",
        "#64748B", "#4F46E5", "#10B981",
    ]  # fmt: skip
    assert "borderColor" not in dataset


def test_a_distribution_may_name_its_dataset() -> None:
    chart = distribution(["a"], [3], label="Sessions")

    assert chart.datasets[0].label == "Sessions"
    assert chart.datasets[0].data == (3.0,)
