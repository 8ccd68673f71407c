"""GraphQL enums: the domain's enums exposed under the contract's names."""

from __future__ import annotations

import strawberry

from ..domain.insights.model import Importance, InsightType
from ..domain.mastery import MasteryLevel
from ..domain.models import FeedbackKind
from ..domain.periods import ChangeDirection, Granularity, Period
from ..domain.progress import Metric
from ..domain.trends import ForecastMethod, TrendDirection

strawberry.enum(FeedbackKind, name="FeedbackKind", description="What a learner did with an answer.")
strawberry.enum(Period, name="Period", description="Local days ending today (today included), or all time.")
strawberry.enum(
    Granularity, name="Granularity", description="Bucket size: local hours, days, ISO weeks, months."
)
strawberry.enum(Metric, name="Metric", description="What a series measures.")
strawberry.enum(
    ChangeDirection, name="ChangeDirection", description="Against the previous period of equal length."
)
strawberry.enum(TrendDirection, name="TrendDirection", description="From the OLS slope, with a ±5 % band.")
strawberry.enum(
    ForecastMethod, name="ForecastMethod", description="LINEAR: the OLS line; HOLT: Holt's smoothing."
)
strawberry.enum(MasteryLevel, name="MasteryLevel", description="Bands of the mastery score.")
strawberry.enum(InsightType, name="InsightType")
strawberry.enum(Importance, name="Importance")

__all__ = [
    "ChangeDirection",
    "FeedbackKind",
    "ForecastMethod",
    "Granularity",
    "Importance",
    "InsightType",
    "MasteryLevel",
    "Metric",
    "Period",
    "TrendDirection",
]
