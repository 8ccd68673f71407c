"""Weekly seasonality of a daily series: means per weekday and a one-way ANOVA across weekdays."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from learning_analytics.domain.errors import InvalidInput

# Fixed English names (calendar.day_name follows the process locale).
WEEKDAY_NAMES: tuple[str, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
MIN_SEASONALITY_DAYS = 14
SIGNIFICANCE = 0.05


@dataclass(frozen=True, slots=True)
class WeekdayValue:
    """A weekday's name and its mean value (None when that weekday has no data)."""

    day: str
    value: float | None


@dataclass(frozen=True, slots=True)
class Seasonality:
    """Weekday means (Monday first), the ANOVA across weekdays, and the best and worst weekday."""

    detected: bool
    p_value: float | None
    data_days: int
    best_day: WeekdayValue | None
    worst_day: WeekdayValue | None
    by_weekday: tuple[WeekdayValue, ...]


def seasonality(
    values: Sequence[float | None],
    *,
    first_day: date,
    min_days: int = MIN_SEASONALITY_DAYS,
    significance: float = SIGNIFICANCE,
) -> Seasonality:
    """The weekday pattern of a daily series whose day 0 is `first_day`.

    Weekday of day i: (first_day + i).weekday(). Mean per weekday over its available values.
    One-way ANOVA over the k weekdays with data (N values, group g of size n_g, mean m_g,
    grand mean m): F = (Σ n_g (m_g − m)² / (k − 1)) / (Σ_g Σ (y − m_g)² / (N − k)),
    p = P(F_{k−1, N−k} > F), as scipy.stats.f_oneway. p_value is None when not computable:
    k < 2, N − k < 1, or every value equal. When each weekday is constant but the weekday
    means differ, F is infinite and p = 0 (as f_oneway). detected = (N ≥ min_days and p < significance).
    best_day / worst_day: the highest / lowest weekday mean (ties: the earlier weekday, Monday
    first), given whenever any day has data, detected or not.
    Gaps: None days are left out of every group; N counts days with a value.
    """
    if min_days < 0:
        raise InvalidInput("min_days must not be negative", field="min_days")
    groups: list[list[float]] = [[] for _ in WEEKDAY_NAMES]
    first_weekday = first_day.weekday()
    for offset, value in enumerate(values):
        if value is None:
            continue
        if not math.isfinite(value):
            raise ValueError(f"day {offset} has a non-finite value {value!r}")
        groups[(first_weekday + offset) % 7].append(float(value))
    means = [math.fsum(group) / len(group) if group else None for group in groups]
    by_weekday = tuple(
        WeekdayValue(day=name, value=mean) for name, mean in zip(WEEKDAY_NAMES, means, strict=True)
    )
    with_data = [weekday for weekday in by_weekday if weekday.value is not None]
    data_days = sum(len(group) for group in groups)
    p_value = _anova_p_value([group for group in groups if group])
    return Seasonality(
        detected=p_value is not None and data_days >= min_days and p_value < significance,
        p_value=p_value,
        data_days=data_days,
        best_day=max(with_data, key=_mean, default=None),
        worst_day=min(with_data, key=_mean, default=None),
        by_weekday=by_weekday,
    )


def _mean(weekday: WeekdayValue) -> float:
    return weekday.value if weekday.value is not None else math.nan


def _anova_p_value(groups: Sequence[Sequence[float]]) -> float | None:
    from scipy import stats

    k = len(groups)
    total = sum(len(group) for group in groups)
    if k < 2 or total - k < 1:
        return None
    everything = [value for group in groups for value in group]
    if min(everything) == max(everything):
        return None
    grand_mean = math.fsum(everything) / total
    group_means = [math.fsum(group) / len(group) for group in groups]
    between = math.fsum(
        len(group) * (mean - grand_mean) ** 2 for group, mean in zip(groups, group_means, strict=True)
    )
    # A constant group contributes exactly 0, not the rounding residue of its mean.
    within = math.fsum(
        (value - mean) ** 2
        for group, mean in zip(groups, group_means, strict=True)
        if min(group) != max(group)
        for value in group
    )
    if within == 0.0:
        return 0.0
    f_statistic = (between / (k - 1)) / (within / (total - k))
    return float(stats.f.sf(f_statistic, k - 1, total - k))
