"""Anomalous days of a daily series: z-scores against the trailing window of calendar days."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from learning_analytics.domain.errors import InvalidInput

DEFAULT_THRESHOLD = 2.0
DEFAULT_LOOKBACK_DAYS = 28
DEFAULT_MIN_DATA_POINTS = 5


@dataclass(frozen=True, slots=True)
class Anomaly:
    """A day whose value lies `z_score` sample standard deviations from its window's mean."""

    date: date
    value: float
    expected: float
    z_score: float


def anomalies(
    values: Sequence[float | None],
    *,
    first_day: date,
    history: Sequence[float | None] = (),
    threshold: float = DEFAULT_THRESHOLD,
    lookback: int = DEFAULT_LOOKBACK_DAYS,
    min_data_points: int = DEFAULT_MIN_DATA_POINTS,
) -> list[Anomaly]:
    """The days of the period (day 0 = `first_day`) that deviate from their recent past, in order.

    `history` holds the calendar days just before the period (its last item is the day before
    `first_day`), so early days of the period have a full window. For a day with value v, the
    window is the `lookback` calendar days before it (history included, the day itself not);
    with its available values w: expected = mean(w), sd = sample standard deviation
    √(Σ(w − mean)² / (|w| − 1)) (ddof = 1), z = (v − expected) / sd.
    The day is an anomaly when |z| > threshold, the window has at least
    max(min_data_points, 2) available values, and sd > 0: a window of equal values yields none.
    Gaps: a None day is never flagged and is skipped in the window's statistics; the window
    stays `lookback` calendar days long (it is not stretched to find more values).
    """
    if lookback < 1:
        raise InvalidInput("lookback must be at least 1", field="lookback")
    if threshold < 0:
        raise InvalidInput("threshold must not be negative", field="threshold")
    days = [*history, *values]
    for offset, value in enumerate(days):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"day {offset - len(history)} has a non-finite value {value!r}")
    needed = max(min_data_points, 2)
    found: list[Anomaly] = []
    for index in range(len(history), len(days)):
        value = days[index]
        if value is None:
            continue
        window = [v for v in days[max(0, index - lookback) : index] if v is not None]
        if len(window) < needed or min(window) == max(window):
            continue
        expected = math.fsum(window) / len(window)
        sd = math.sqrt(math.fsum((v - expected) ** 2 for v in window) / (len(window) - 1))
        if sd == 0.0:
            continue
        z_score = (value - expected) / sd
        if abs(z_score) > threshold:
            day = first_day + timedelta(days=index - len(history))
            found.append(Anomaly(date=day, value=value, expected=expected, z_score=z_score))
    return found
