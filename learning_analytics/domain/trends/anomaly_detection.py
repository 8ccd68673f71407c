"""Anomalous days of a daily series: z-scores against the trailing window of calendar days."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class AnomalyThresholds:
    """When a day is an anomaly, for the trend answer and the insight rules alike (defaults from the
    design): its value lies more than `z_threshold` sample standard deviations from the mean of the
    `lookback_days` calendar days before it, which hold at least `min_data_points` values."""

    z_threshold: float = 2.0
    lookback_days: int = 28
    min_data_points: int = 5

    def __post_init__(self) -> None:
        if self.lookback_days < 1:
            raise ValueError(f"lookback_days must be at least 1, got {self.lookback_days}")
        if self.z_threshold < 0:
            raise ValueError(f"z_threshold must not be negative, got {self.z_threshold}")


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
    thresholds: AnomalyThresholds = AnomalyThresholds(),
) -> list[Anomaly]:
    """The days of the period (day 0 = `first_day`) that deviate from their recent past, in order.

    `history` holds the calendar days just before the period (its last item is the day before
    `first_day`), so early days of the period have a full window. For a day with value v, the
    window is the `thresholds.lookback_days` calendar days before it (history included, the day itself not);
    with its available values w: expected = mean(w), sd = sample standard deviation
    √(Σ(w − mean)² / (|w| − 1)) (ddof = 1), z = (v − expected) / sd.
    The day is an anomaly when |z| > `thresholds.z_threshold`, the window has at least
    max(`thresholds.min_data_points`, 2) available values, and sd > 0: a window of equal values
    yields none. Gaps: a None day is never flagged and is skipped in the window's statistics; the
    window stays `lookback_days` calendar days long (it is not stretched to find more values).
    """
    lookback = thresholds.lookback_days
    days = [*history, *values]
    for offset, value in enumerate(days):
        if value is not None and not math.isfinite(value):
            raise ValueError(f"day {offset - len(history)} has a non-finite value {value!r}")
    needed = max(thresholds.min_data_points, 2)
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
        if abs(z_score) > thresholds.z_threshold:
            day = first_day + timedelta(days=index - len(history))
            found.append(Anomaly(date=day, value=value, expected=expected, z_score=z_score))
    return found
