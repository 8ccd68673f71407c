"""Settings from `LA_`-prefixed environment variables, with the seeds' defaults.

Top-level switches are flat (`LA_DATABASE_URL`, `LA_AUTH`, `LA_SCHEDULER`, `LA_CACHE_URL`);
the engine's sections nest with a double underscore, e.g. `LA_PROGRESS__STREAK_GRACE_PERIOD_HOURS=48`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_FILE = "learning_analytics.db"


class AuthMode(StrEnum):
    AUTO = "auto"  # keys are required as soon as one exists; single-user mode before that
    ON = "on"  # keys are always required
    OFF = "off"  # no authentication at all: one default user, any bind address (logged as a warning)


class DatabaseSettings(BaseModel):
    # Read connections per process (both databases); a request uses at most
    # `limits.max_request_connections` of them at a time, so several requests always find one.
    pool_size: int = 10
    # Write connections per process on PostgreSQL (SQLite has exactly one writer).
    write_pool_size: int = 5
    echo: bool = False
    # NORMAL in WAL mode survives a process crash; a power loss may drop the last commits. FULL does not.
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 10_000


class ProgressSettings(BaseModel):
    streak_grace_period_hours: float = 36
    mastery_threshold: float = 0.75
    mastery_half_life_days: float = 30
    min_minutes_per_day: float = 0
    streak_freezes_max: int = 0
    cache_ttl_seconds: int = 300


class InsightSettings(BaseModel):
    min_data_points: int = 5
    confidence_threshold: float = 0.7
    max_recommendations: int = 5
    max_insights: int = 10
    quality_change_percent: float = 10
    activity_up_percent: float = 50
    activity_down_percent: float = 30
    high_correction_rate: float = 0.15
    inactive_days: int = 3
    # The rest mirror `domain.insights.InsightThresholds` (same names and defaults).
    period_days: int = 30
    max_per_rule: int = 3
    anomaly_z: float = 2.0
    anomaly_lookback_days: int = 28
    anomaly_recent_days: int = 3
    anomaly_min_exchanges: int = 3
    typical_days: int = 28
    recent_days: int = 7
    correction_baseline_days: int = 28
    correction_spike_ratio: float = 2.0
    correction_spike_floor: float = 0.10
    min_rate_exchanges: int = 20
    session_milestones: list[int] = Field(default_factory=lambda: [10, 25, 50, 100, 250, 500, 1000])
    exchange_milestones: list[int] = Field(default_factory=lambda: [100, 500, 1000, 5000, 10000])
    streak_milestones: list[int] = Field(default_factory=lambda: [7, 14, 30, 60, 90])
    topic_milestones: list[int] = Field(default_factory=lambda: [5, 10, 25, 50, 100])
    milestone_window_days: int = 7
    min_sessions_at_best_hour: int = 4
    best_time_lift_percent: float = 5
    revisit_gap_percent: float = 10
    revisit_min_exchanges: int = 5
    strong_connection_min_sessions: int = 5
    strong_connection_strength: float = 0.25
    gap_max_mastery: float = 0.4
    gap_neighbour_mastery: float = 0.6
    gap_min_neighbours: int = 2
    gap_min_shared_sessions: int = 2
    emerging_days: int = 30
    emerging_min_sessions: int = 3
    emerging_min_momentum: float = 0.5


class TrendSettings(BaseModel):
    short_term_window: int = 7
    long_term_window: int = 30
    enable_forecasting: bool = True
    forecast_days: int = 7
    direction_band_percent: float = 5
    anomaly_z: float = 2.0
    anomaly_lookback_days: int = 28


class DashboardSettings(BaseModel):
    cache_ttl_seconds: int = 300
    max_active_goals: int = 5
    max_topics_displayed: int = 10


class GoalSettings(BaseModel):
    max_active_goals: int = 10
    enable_goal_suggestions: bool = True


class AchievementSettings(BaseModel):
    notify_on_unlock: bool = True
    celebrate_milestones: bool = True


class ExportSettings(BaseModel):
    supported_formats: list[str] = Field(default_factory=lambda: ["json", "csv", "ndjson"])
    max_records_per_export: int = 10_000
    max_days: int = 365


class CacheSettings(BaseModel):
    enabled: bool = True
    ttl_seconds: int = 300
    max_entries: int = 1000


class RollupSettings(BaseModel):
    fold_interval_seconds: int = 30
    hourly_retention_days: int = 7
    # The seed says 90 days, but daily rollups answer most queries (365-day trends and the period
    # before them, streaks over all time, topic stats) and weeks and months are derived from them:
    # dropping them would push those reads onto raw rows. One row per active day is small, so they
    # are kept; a number here is honoured, and reads older than it fall back to raw rows.
    daily_retention_days: int | None = None
    weekly_retention_days: int = 365
    monthly_retention_days: int | None = None  # kept indefinitely


class LimitSettings(BaseModel):
    """Bounds on every input and every answer (`LA_LIMITS__*`). Hitting one is a 4xx (REST) or a
    typed / `BAD_USER_INPUT` error (GraphQL) that names the limit; the README lists each one."""

    # --- GraphQL documents: measured before execution ---
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000

    # --- answers: buckets, pages and windows ---
    max_page_size: int = 100

    # --- ingestion: numbers, text and topics ---
    max_total_exchanges: int = 100_000

    # --- reads: statement timeouts and the connection pool ---
    # Every read statement is cut after this long (0: never); the client gets 503 + Retry-After.
    statement_timeout_ms: int = 10_000
    # How long a read waits for a pooled connection before answering 503 + Retry-After.
    pool_timeout_seconds: float = 3.0
    # How long a write waits (writes queue rather than fail): for the single writer on SQLite, for a
    # write connection and for a lock another transaction holds (`lock_timeout`) on PostgreSQL.
    write_timeout_seconds: float = 30.0
    # Read connections one request may hold at a time (its concurrent resolvers queue for them).
    max_request_connections: int = 3
    # The `Retry-After` (seconds) of a 503 answered because the database was busy.
    busy_retry_after_seconds: int = 2
    # Topic connections pair only the period's top topics by sessions: at most N·(N−1)/2 pairs.
    max_connection_topics: int = 50


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="LA_", env_nested_delimiter="__", extra="ignore")

    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATABASE_FILE}"
    cache_url: str | None = None
    auth: AuthMode = AuthMode.AUTO
    scheduler: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    default_timezone: str = "UTC"
    max_body_bytes: int = 16 * 1024 * 1024
    max_batch_items: int = 10_000
    graphiql: bool = True
    introspection: bool = True
    log_level: str = "info"

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    progress: ProgressSettings = Field(default_factory=ProgressSettings)
    insights: InsightSettings = Field(default_factory=InsightSettings)
    trends: TrendSettings = Field(default_factory=TrendSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    goals: GoalSettings = Field(default_factory=GoalSettings)
    achievements: AchievementSettings = Field(default_factory=AchievementSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    rollups: RollupSettings = Field(default_factory=RollupSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.split("///", 1)[1])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
