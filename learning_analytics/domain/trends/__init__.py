"""Trend analysis of daily series: rolling average, OLS trend, forecasts, seasonality, anomalies."""

from __future__ import annotations

from learning_analytics.domain.trends.anomaly_detection import Anomaly, AnomalyThresholds, anomalies
from learning_analytics.domain.trends.forecasting import (
    ForecastMethod,
    ForecastValue,
    HoltFit,
    fit_holt,
    forecast,
)
from learning_analytics.domain.trends.regression import TrendDirection, TrendFit, linear_trend
from learning_analytics.domain.trends.series import available_points, rolling_average
from learning_analytics.domain.trends.weekly import WEEKDAY_NAMES, Seasonality, WeekdayValue, seasonality

__all__ = [
    "WEEKDAY_NAMES",
    "Anomaly",
    "AnomalyThresholds",
    "ForecastMethod",
    "ForecastValue",
    "HoltFit",
    "Seasonality",
    "TrendDirection",
    "TrendFit",
    "WeekdayValue",
    "anomalies",
    "available_points",
    "fit_holt",
    "forecast",
    "linear_trend",
    "rolling_average",
    "seasonality",
]
