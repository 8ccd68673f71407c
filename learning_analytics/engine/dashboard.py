"""The dashboard service: the dashboard's data in one call, and its charts in Chart.js shapes."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.achievements import AchievementStatus
from ..domain.errors import InvalidInput
from ..domain.periods import DateRange, Granularity, Period
from ..domain.progress import Metric
from ..resolvers import achievements, activity, goals, insights, overview, progress, topics, trends
from ..resolvers.calendar import user_today
from ..resolvers.context import Context
from .analytics_config import AnalyticsEngineConfig
from .component import Component
from .core import AnalyticsEngine
from .goal_models import TrackedGoal
from .insights import Insight
from .progress_models import LearningStreak, ProgressMetrics

_METRIC_NAMES = {"minutes": Metric.DURATION, "duration": Metric.DURATION}


def metric_named(name: Metric | str) -> Metric:
    """A metric by its name (`quality`, `sessions`, `exchanges`, `minutes`/`duration`, …)."""
    if isinstance(name, Metric):
        return name
    key = name.strip().lower()
    try:
        return _METRIC_NAMES.get(key) or Metric(key)
    except ValueError:
        known = ", ".join(m.value for m in Metric)
        raise InvalidInput(
            f"metric must be one of {known} (or minutes), got {name!r}", field="metric"
        ) from None


def last_days(ctx: Context, days: int) -> DateRange:
    """The `days` local days ending today, today included (1 to `LA_LIMITS__MAX_RANGE_DAYS`)."""
    most = ctx.settings.limits.max_range_days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= most:
        raise InvalidInput(
            f"the span is 1 to {most} days (LA_LIMITS__MAX_RANGE_DAYS), got {days!r}",
            field="days",
            limit=most,
        )
    today = user_today(ctx)
    return DateRange(today - timedelta(days=max(days, 1) - 1), today)


@dataclass(frozen=True, slots=True)
class DashboardData:
    """What the dashboard shows: `overview` (the `overview` query's totals of `period`, default the last
    30 days), `streak`, `active_goals` (at most `dashboard.max_active_goals`), `recent_achievements`
    (newest first), the best `insights`, `generated_at`, and `cached` when reused."""

    user_id: str
    period: Period
    overview: ProgressMetrics
    streak: LearningStreak
    active_goals: list[TrackedGoal]
    recent_achievements: list[AchievementStatus]
    insights: list[Insight]
    generated_at: datetime
    cached: bool = False


class DashboardService(Component):
    """The dashboard's data for a learner (`user_id` None: the default learner). `progress_tracker` and
    `insights_engine`, when given, lend their engine; answers are reused for
    `dashboard.cache_ttl_seconds` while `cache_enabled`, until `clear_cache()` or new data."""

    def __init__(
        self,
        progress_tracker: Component | None = None,
        insights_engine: Component | None = None,
        config: AnalyticsEngineConfig | None = None,
        *,
        engine: AnalyticsEngine | None = None,
    ) -> None:
        lender = progress_tracker or insights_engine
        if engine is None and config is None and lender is not None:
            engine = lender._engine
        super().__init__(config, engine=engine)
        self._cache: dict[tuple[str | None, Period], tuple[float, int, DashboardData]] = {}

    def clear_cache(self) -> None:
        """Forget every reused dashboard answer."""
        self._cache.clear()

    async def get_dashboard_data(
        self, user_id: str | None = None, use_cache: bool = True, period: Period = Period.LAST_30_DAYS
    ) -> DashboardData:
        """The dashboard's data (see `DashboardData`); `use_cache=False` computes it afresh."""
        key = (user_id, period)
        ttl = self.config.dashboard.cache_ttl_seconds if self.config.cache_enabled else 0
        found = self._cache.get(key)
        if use_cache and found and found[0] > time.monotonic() and found[1] == self.engine.generation:
            return replace(found[2], cached=True)
        ctx = await self._ctx(user_id)
        uid = ctx.user.id
        answer = await overview.overview(ctx, period=period, with_median=False)
        active = await goals.active_goals(ctx)
        page = await insights.list_insights(ctx, limit=ctx.settings.insights.max_insights)
        data = DashboardData(
            user_id=uid,
            period=period,
            overview=ProgressMetrics.of(answer, uid),
            streak=LearningStreak.of(answer.streak, uid),
            active_goals=[TrackedGoal.of(v, uid) for v in active[: self.config.dashboard.max_active_goals]],
            recent_achievements=await achievements.recent(ctx),
            insights=[Insight.of(s) for s in page.items],
            generated_at=ctx.now,
        )
        if ttl > 0:
            self._cache[key] = (time.monotonic() + ttl, self.engine.generation, data)
        return data

    async def _chart(self, metrics: list[Metric], days: int, user_id: str | None) -> dict[str, Any]:
        ctx = await self._ctx(user_id)
        answer = await progress.progress(
            ctx, dates=last_days(ctx, days), metrics=metrics, granularity=Granularity.DAY
        )
        return answer.chart.to_json()

    async def get_quality_chart_data(self, days: int = 30, user_id: str | None = None) -> dict[str, Any]:
        """Chart.js data ({labels, datasets}) of the daily quality over the last `days` local days."""
        return await self._chart([Metric.QUALITY], days, user_id)

    async def get_progress_chart_data(
        self, metric: Metric | str = "sessions", days: int = 30, user_id: str | None = None
    ) -> dict[str, Any]:
        """Chart.js data ({labels, datasets}) of one metric per day over the last `days` local days."""
        return await self._chart([metric_named(metric)], days, user_id)

    async def get_activity_heatmap(self, weeks: int = 12, user_id: str | None = None) -> dict[str, Any]:
        """Activity over the last `weeks` weeks of local days: `weeks` (ISO weeks × weekdays: sessions,
        exchanges, minutes, `week_starts`) and `hours` (weekday × local hour), as `activityHeatmap`."""
        ctx = await self._ctx(user_id)
        r = last_days(ctx, weeks * 7)
        answer = await activity.heatmap(ctx, dates=r)
        return {
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "weeks": answer.weeks.fields(),
            "hours": answer.hours.fields(),
        }

    async def get_topic_distribution(
        self, period: Period = Period.LAST_30_DAYS, user_id: str | None = None
    ) -> dict[str, Any]:
        """Chart.js data ({labels, datasets}) of exchanges per topic over `period`, the
        `dashboard.max_topics_displayed` most practised (the `topics` query's `distribution`)."""
        ctx = await self._ctx(user_id)
        answer = await topics.topics(ctx, period=period)
        return answer.distribution.to_json()

    async def get_trend_chart_data(
        self, metric: Metric | str = "quality", days: int = 30, window: int | None = None,
        user_id: str | None = None,
    ) -> list[dict[str, Any]]:  # fmt: skip
        """The `trend` query's series over the last `days` local days as points {"date", "value",
        "rolling_avg"} (rolling over `window` days, default `trends.short_term_window`); days without
        a value (no scored exchange, for an average) are left out."""
        ctx = await self._ctx(user_id)
        answer = await trends.trend(
            ctx, metric=metric_named(metric), dates=last_days(ctx, days), window=window
        )
        a = answer.analysis
        return [
            {"date": day.isoformat(), "value": value, "rolling_avg": rolling}
            for day, value, rolling in zip(a.days, a.values, a.rolling, strict=True)
            if value is not None
        ]
