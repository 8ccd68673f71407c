"""The trend analyzer: the `trend` query's statistics (OLS trend, rolling average, seasonality, forecast)
run on the series a caller hands over, or on a learner's stored days."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from ..domain.errors import InvalidInput
from ..domain.periods import Period
from ..domain.progress import Metric
from ..domain.trends import ForecastMethod, TrendDirection, TrendFit, forecast, linear_trend, rolling_average
from ..domain.trends import seasonality as weekly_seasonality
from ..resolvers import trends
from ..resolvers.trends import TrendAnswer
from .component import Component
from .dashboard import metric_named
from .progress_models import PeriodProgress

__all__ = ["TrendAnalyzer", "TrendDirection", "TrendFit"]

_VALUES: dict[Metric, Callable[[PeriodProgress], float | None]] = {
    Metric.QUALITY: lambda d: d.avg_quality_score,
    Metric.SESSIONS: lambda d: float(d.sessions_count),
    Metric.EXCHANGES: lambda d: float(d.total_exchanges),
    Metric.DURATION: lambda d: d.total_minutes,
}


def series_of(days: Sequence[PeriodProgress], metric: Metric) -> tuple[date, list[float | None]]:
    """The daily values of `metric` over consecutive local days, whatever order `days` come in (the
    guide lists them from today backwards); a day missing in between counts as one without data."""
    if metric not in _VALUES:
        raise InvalidInput(f"metric must be one of {', '.join(m.value for m in _VALUES)}", field="metric")
    if not days:
        return date.today(), []
    by_day = {d.start: d for d in days}
    first, last = min(by_day), max(by_day)
    values: list[float | None] = []
    for offset in range((last - first).days + 1):
        found = by_day.get(date.fromordinal(first.toordinal() + offset))
        if found is None:
            values.append(0.0 if metric.is_count else None)
        else:
            values.append(_VALUES[metric](found))
    return first, values


class TrendAnalyzer(Component):
    """Trend statistics of daily series: the same functions the `trend` query runs."""

    def _band(self) -> float:
        return self.engine.settings.trends.direction_band_percent

    async def analyze_quality_trend(
        self, daily_progress: Sequence[PeriodProgress], metric: Metric = Metric.QUALITY
    ) -> TrendFit:
        """The OLS trend of the days' quality (or `metric`): `direction` (improving above +5 %,
        declining below −5 %, else stable), `change_percent` = (fitted last − fitted first) /
        |fitted first| × 100, `confidence` = r², `slope` per day. Over the last 30 days it equals the
        `trend` query's (direction, changePercent, confidence)."""
        _, values = series_of(daily_progress, metric)
        return linear_trend(values, band_percent=self._band())

    async def calculate_rolling_average(
        self, data: Sequence[float | None], window: int | None = None
    ) -> list[float | None]:
        """The simple moving average over `window` points (default `trends.short_term_window`, 7); the
        first window − 1 points average what is available; None where no value is available."""
        size = self.engine.settings.trends.short_term_window if window is None else window
        if size < 1:
            raise InvalidInput("window must be at least 1", field="window")
        return rolling_average(list(data), size)

    async def detect_seasonality(
        self, daily_progress: Sequence[PeriodProgress], metric: Metric = Metric.QUALITY
    ) -> dict[str, Any]:
        """The weekday pattern of the days' quality (or `metric`, e.g. SESSIONS: when the learner
        studies): `detected` (at least 14 days with a value and a one-way ANOVA across weekdays with
        p < 0.05), `p_value`, `best_day`/`worst_day` ({"day", "value"}, the highest and lowest
        weekday means) and `by_weekday`, Monday first; the `trend` query's `seasonality`."""
        first, values = series_of(daily_progress, metric)
        s = weekly_seasonality(values, first_day=first)

        def day(w: Any) -> dict[str, Any] | None:
            return None if w is None else {"day": w.day, "value": w.value}

        return {
            "detected": s.detected,
            "p_value": s.p_value,
            "data_days": s.data_days,
            "best_day": day(s.best_day),
            "worst_day": day(s.worst_day),
            "by_weekday": [day(w) for w in s.by_weekday],
        }

    async def forecast(
        self, data: Sequence[float | None], days: int | None = None, method: str = "linear"
    ) -> list[dict[str, Any]]:
        """`days` values (default `trends.forecast_days`, 7) after a daily series: for `linear` the OLS
        line extended, for `holt` Holt's linear smoothing, each with its 95 % prediction interval, as
        {"day": 1.., "value", "lower_bound", "upper_bound"}. None values are days without data."""
        horizon = self.engine.settings.trends.forecast_days if days is None else days
        most = self.engine.settings.limits.max_forecast_days
        if isinstance(horizon, bool) or not isinstance(horizon, int) or not 0 <= horizon <= most:
            raise InvalidInput(
                f"days must be an integer from 0 to {most} (LA_LIMITS__MAX_FORECAST_DAYS), got {horizon!r}",
                field="days",
                limit=most,
            )
        try:
            chosen = ForecastMethod(method.strip().lower())
        except ValueError:
            known = ", ".join(m.value for m in ForecastMethod)
            raise InvalidInput(f"method must be one of {known}, got {method!r}", field="method") from None
        found = forecast(list(data), days=horizon, method=chosen)
        return [
            {"day": f.offset, "value": f.value, "lower_bound": f.lower, "upper_bound": f.upper} for f in found
        ]

    async def get_trend(
        self,
        metric: Metric | str = Metric.QUALITY,
        period: Period = Period.LAST_30_DAYS,
        user_id: str | None = None,
        *,
        window: int | None = None,
        forecast_days: int | None = None,
        method: ForecastMethod = ForecastMethod.LINEAR,
    ) -> TrendAnswer:
        """The `trend` query itself for a learner: `analysis` holds the daily values, the rolling
        average, the OLS fit, the forecast, the seasonality and the anomalies; `span` the days."""
        ctx = await self._ctx(user_id)
        return await trends.trend(
            ctx,
            metric=metric_named(metric),
            period=period,
            window=window,
            forecast_days=forecast_days,
            method=method,
        )
