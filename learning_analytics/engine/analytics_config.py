"""The engine's configuration in the guide's shape, read from and mapped onto the service's settings."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Settings

# Formats the exports produce (a guide configuration may also list others, e.g. "pdf": asking for one
# the engine cannot produce is refused by name).
EXPORT_FORMATS = ("json", "csv", "ndjson")


@dataclass
class ProgressConfig:
    """Streaks and mastery (`LA_PROGRESS__*`); `cache_ttl_seconds` is how long the progress tracker's
    components may reuse a dashboard answer (see `DashboardConfig`)."""

    streak_grace_period_hours: float
    mastery_threshold: float
    mastery_half_life_days: float
    min_minutes_per_day: float
    streak_freezes_max: int
    cache_ttl_seconds: float = 300


@dataclass
class InsightsConfig:
    """The insight rules' thresholds used most (`LA_INSIGHTS__*`)."""

    min_data_points: int
    confidence_threshold: float
    max_insights: int
    max_recommendations: int


@dataclass
class TrendsConfig:
    """Trend defaults (`LA_TRENDS__*`): the rolling window, the forecast horizon, forecasting on/off."""

    short_term_window: int
    forecast_days: int
    enable_forecasting: bool


@dataclass
class DashboardConfig:
    """The dashboard service: how long it reuses an answer, how many active goals and topics it shows."""

    cache_ttl_seconds: float = 300
    max_active_goals: int = 5
    max_topics_displayed: int = 10


@dataclass
class GoalsConfig:
    """Goals (`LA_GOALS__MAX_ACTIVE_GOALS`), and whether the goal tracker suggests goals."""

    max_active_goals: int = 10
    enable_goal_suggestions: bool = True


@dataclass
class AchievementsConfig:
    """Whether an unlock is logged (`learning_analytics.engine` logger, INFO), as a notification hook."""

    notify_on_unlock: bool = True
    celebrate_milestones: bool = True


@dataclass
class ExportConfig:
    """The formats the export service accepts and the records one export may hold (`LA_EXPORT__MAX_RECORDS`)."""

    supported_formats: list[str] = field(default_factory=lambda: list(EXPORT_FORMATS))
    max_records_per_export: int = 10_000


class AnalyticsEngineConfig:
    """The guide's configuration object. Every field starts from the service's settings (the `LA_*`
    environment and its defaults), so a component made from a fresh config behaves as the API does;
    change a field before handing the config to a component.

    `db_path` (a SQLite file) or `database_url` (any URL the service accepts, e.g.
    `postgresql+asyncpg://…`) chooses the database; `db_path` wins when both are set."""

    def __init__(self, settings: Settings | None = None) -> None:
        base = settings or Settings()
        self._base = base
        self.db_path: str | Path | None = None
        self.database_url: str = base.database_url
        self.cache_enabled: bool = base.cache.enabled
        self.cache_ttl_seconds: float = 300
        self.progress = ProgressConfig(
            streak_grace_period_hours=base.progress.streak_grace_period_hours,
            mastery_threshold=base.progress.mastery_threshold,
            mastery_half_life_days=base.progress.mastery_half_life_days,
            min_minutes_per_day=base.progress.min_minutes_per_day,
            streak_freezes_max=base.progress.streak_freezes_max,
        )
        self.insights = InsightsConfig(
            min_data_points=base.insights.min_data_points,
            confidence_threshold=base.insights.confidence_threshold,
            max_insights=base.insights.max_insights,
            max_recommendations=base.insights.max_recommendations,
        )
        self.trends = TrendsConfig(
            short_term_window=base.trends.short_term_window,
            forecast_days=base.trends.forecast_days,
            enable_forecasting=base.trends.enable_forecasting,
        )
        self.dashboard = DashboardConfig(max_topics_displayed=base.dashboard.max_topics_displayed)
        self.goals = GoalsConfig(max_active_goals=base.goals.max_active_goals)
        self.achievements = AchievementsConfig()
        self.export = ExportConfig(max_records_per_export=base.export.max_records)

    @property
    def url(self) -> str:
        """The database URL: `db_path` as a SQLite file when set, else `database_url`."""
        if self.db_path is not None:
            return f"sqlite+aiosqlite:///{Path(self.db_path)}"
        return self.database_url

    def to_settings(self) -> Settings:
        """The service's settings with this configuration's values in place."""
        base = self._base
        p, i, t = self.progress, self.insights, self.trends
        return base.model_copy(
            update={
                "database_url": self.url,
                "scheduler": False,
                "cache": base.cache.model_copy(update={"enabled": self.cache_enabled}),
                "progress": base.progress.model_copy(
                    update={
                        "streak_grace_period_hours": p.streak_grace_period_hours,
                        "mastery_threshold": p.mastery_threshold,
                        "mastery_half_life_days": p.mastery_half_life_days,
                        "min_minutes_per_day": p.min_minutes_per_day,
                        "streak_freezes_max": p.streak_freezes_max,
                    }
                ),
                "insights": replace(
                    base.insights,
                    min_data_points=i.min_data_points,
                    confidence_threshold=i.confidence_threshold,
                    max_insights=i.max_insights,
                    max_recommendations=i.max_recommendations,
                ),
                "trends": base.trends.model_copy(
                    update={
                        "short_term_window": t.short_term_window,
                        "forecast_days": t.forecast_days,
                        "enable_forecasting": t.enable_forecasting,
                    }
                ),
                "dashboard": base.dashboard.model_copy(
                    update={"max_topics_displayed": self.dashboard.max_topics_displayed}
                ),
                "goals": base.goals.model_copy(update={"max_active_goals": self.goals.max_active_goals}),
                "export": base.export.model_copy(update={"max_records": self.export.max_records_per_export}),
            }
        )
