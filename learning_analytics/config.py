"""Settings from `LA_`-prefixed environment variables, with the seeds' defaults.

Top-level switches are flat (`LA_DATABASE_URL`, `LA_AUTH`, `LA_SCHEDULER`);
the engine's sections nest with a double underscore, e.g. `LA_PROGRESS__STREAK_GRACE_PERIOD_HOURS=48`.
Each setting is defined once and read by the code (tests/unit/test_settings.py checks both); a name a
section does not define is an error at start-up.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Collection
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.insights import InsightThresholds
from .domain.mastery import DEFAULT_HALF_LIFE_DAYS, DEFAULT_MASTERY_THRESHOLD
from .domain.trends import AnomalyThresholds
from .domain.trends.analysis import DEFAULT_FORECAST_DAYS, DEFAULT_WINDOW
from .domain.trends.regression import DEFAULT_BAND_PERCENT

DEFAULT_DATABASE_FILE = "learning_analytics.db"


class AuthMode(StrEnum):
    AUTO = "auto"  # keys are required as soon as one exists; single-user mode before that
    ON = "on"  # keys are always required
    OFF = "off"  # no authentication at all: one default user, any bind address (logged as a warning)


class Section(BaseModel):
    """A nested section of the settings: a name it does not define is an error, never ignored."""

    model_config = ConfigDict(extra="forbid")


def domain_section(cls: type, *, exclude: Collection[str] = ()) -> Callable[[Any], Any]:
    """Validation of a section that is a domain dataclass (its fields and defaults are the one
    definition): a name it does not define fails loudly, and a tuple field given as a string (an
    environment variable) is read as JSON, e.g. `LA_INSIGHTS__SESSION_MILESTONES='[10, 20]'`."""
    assert is_dataclass(cls)
    known = {f.name for f in fields(cls)} - set(exclude)
    hints = typing.get_type_hints(cls)

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return {name: _from_json(name, v) if _is_tuple(hints[name]) else v for name, v in value.items()}

    return check


def _is_tuple(annotation: Any) -> bool:
    return typing.get_origin(annotation) is tuple


def _from_json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as e:
        raise ValueError(f"{name} must be a JSON list, e.g. [7, 14]: {e}") from e


class DatabaseSettings(Section):
    # Read connections per process (both databases); a request uses at most
    # `limits.max_request_connections` of them at a time, so several requests always find one.
    pool_size: int = 10
    # Write connections per process on PostgreSQL (SQLite has exactly one writer).
    write_pool_size: int = 5
    echo: bool = False
    # NORMAL in WAL mode survives a process crash; a power loss may drop the last commits. FULL does not.
    sqlite_synchronous: str = "NORMAL"
    sqlite_busy_timeout_ms: int = 10_000


class ProgressSettings(Section):
    streak_grace_period_hours: float = 36
    mastery_threshold: float = DEFAULT_MASTERY_THRESHOLD
    mastery_half_life_days: float = DEFAULT_HALF_LIFE_DAYS
    min_minutes_per_day: float = 0
    streak_freezes_max: int = 0


# The rules' thresholds (`LA_INSIGHTS__*`): the domain's dataclass itself; `anomaly` comes from `anomalies`.
InsightSettings = Annotated[
    InsightThresholds, BeforeValidator(domain_section(InsightThresholds, exclude={"anomaly"}))
]
# When a day is an anomaly (`LA_ANOMALIES__*`), for the trend answer and the insight rules alike.
AnomalySettings = Annotated[AnomalyThresholds, BeforeValidator(domain_section(AnomalyThresholds))]


class TrendSettings(Section):
    short_term_window: int = DEFAULT_WINDOW  # the `trend` query's `window` when omitted
    forecast_days: int = DEFAULT_FORECAST_DAYS  # the `trend` query's `forecastDays` when omitted
    enable_forecasting: bool = True
    direction_band_percent: float = DEFAULT_BAND_PERCENT


class GoalSettings(Section):
    # The guide's `goals.max_active_goals`: a goal beyond it is refused (ValidationError code LIMIT).
    max_active_goals: int = Field(default=10, ge=0, le=1000)
    # Every learner's goals and achievements are evaluated this often (and after every fold that
    # moved their rollups); the seed's schedule is every 5 minutes.
    evaluation_interval_seconds: int = Field(default=300, ge=10)
    # Unlocks the overview lists (`overview.recentAchievements`), newest first.
    recent_achievements: int = Field(default=5, ge=0, le=50)


class DashboardSettings(Section):
    max_topics_displayed: int = 10


class RollupSettings(Section):
    fold_interval_seconds: int = 30
    hourly_retention_days: int = 7
    # The seed says 90 days, but daily rollups answer most queries (365-day trends and the period
    # before them, streaks over all time, topic stats) and weeks and months are derived from them:
    # dropping them would push those reads onto raw rows. One row per active day is small, so they
    # are kept; a number here is honoured, and reads older than it fall back to raw rows.
    daily_retention_days: int | None = None
    weekly_retention_days: int = 365
    monthly_retention_days: int | None = None  # kept indefinitely


class CacheSettings(Section):
    """The response cache (`LA_CACHE__*`); the store is memory unless `LA_CACHE_URL` names a Redis."""

    enabled: bool = True
    # The in-memory store holds at most this many bytes of answers (least recently used go first).
    max_bytes: int = Field(default=64 * 1024 * 1024, ge=0)
    # A larger answer is served but never stored (memory and Redis alike).
    max_entry_bytes: int = Field(default=1024 * 1024, ge=0)
    # Prefix of every Redis key, so several deployments (or test runs) can share one Redis.
    key_prefix: str = "la:"
    # A Redis that answers slower than this fails the request's cache step, never the request.
    timeout_seconds: float = Field(default=0.5, gt=0)


class ExportSettings(Section):
    """Exports and reports (`LA_EXPORT__*`): the seed's limits, and how the stream is cut."""

    # The longest period one export covers (the seed's MAX_EXPORT_DAYS), and the most records it holds
    # in all its sections (the seed's max_records_per_export). The data-rights export is exempt.
    max_days: int = Field(default=365, ge=1)
    max_records: int = Field(default=10_000, ge=1)
    # Raw rows read per statement (keyset pages) and the size of the chunks sent.
    batch_rows: int = Field(default=10_000, ge=1, le=100_000)
    chunk_bytes: int = Field(default=64 * 1024, ge=1024)
    # SQLite's page cache (KiB) on the connection while it reads an export's page: a scan reads each
    # page once, and a full-size cache would only add its 64 MiB to the process.
    sqlite_cache_kib: int = Field(default=8192, ge=64)
    # The `export` query carries a JSON export inline (`data`) up to this size; past it, only `downloadUrl`.
    inline_max_bytes: int = Field(default=1024 * 1024, ge=0)
    # Insights listed in a weekly or monthly report.
    report_insights: int = Field(default=5, ge=0, le=100)


class LimitSettings(BaseModel):
    """Bounds on every input and every answer (`LA_LIMITS__*`). Hitting one is a 4xx (REST) or a
    typed / `BAD_USER_INPUT` error (GraphQL) that names the limit; the README lists each one."""

    # --- GraphQL documents: measured before execution ---
    # Depth: fields nested below the root, as graphql-depth-limit counts (`{ viewer { id } }` is 1).
    max_query_depth: int = 12
    # Aliases, fields and cost count every fragment as many times as it is spread.
    max_aliases: int = 30
    max_fields: int = 500
    max_fragments: int = 50
    max_fragment_spreads: int = 100
    # Estimated work of one operation: 1 per field, list fields times their length (see cost.py).
    max_query_cost: int = 10_000
    # The assumed length of a list without a size argument (a session's exchanges, …) in the cost.
    cost_list_size: int = 10
    # Lexical tokens (and, separately, comments) and characters of a document's text.
    max_tokens: int = 5000
    max_query_chars: int = 100_000
    # Parsed and validated documents are cached by text: at most this many, holding at most this
    # many characters of text in all (a parsed tree takes about 50 bytes per character), and none
    # longer than the last one.
    document_cache_entries: int = 256
    document_cache_chars: int = 1_000_000
    max_cached_document_chars: int = 20_000

    # --- answers: buckets, pages and windows ---
    max_page_size: int = 100
    # Buckets one progress answer may hold, per granularity. An explicit granularity beyond its cap
    # is refused; an implicit one becomes coarser, and beyond the month cap covers the latest months.
    max_hour_buckets: int = 168
    max_day_buckets: int = 400
    max_week_buckets: int = 520
    max_month_buckets: int = 600
    # Days of a trend's daily series: ALL_TIME covers at most the latest this many days.
    max_trend_days: int = 730
    max_trend_window: int = 90
    max_forecast_days: int = 90
    # Days an explicit `range` (any analytics query) may cover; presets are bounded by their own caps.
    max_range_days: int = 3660
    # Days of an activity heatmap: ALL_TIME covers the latest ones, a longer `range` is refused.
    max_heatmap_days: int = 371
    max_topics_limit: int = 100
    # Topics an answer ranks (the most practised of the period); the rest are only counted.
    max_topics_considered: int = 1000
    max_insights_limit: int = 100
    # Characters of a REST query string (`?period=30d&metrics=…`), percent-escapes included.
    max_query_string_chars: int = 2048
    # Goals: snapshots of a goal's `history(limit)`, `goalSuggestions(limit)`, `nextAchievements(limit)`.
    max_goal_history: int = 365
    max_goal_suggestions: int = 20
    max_next_achievements: int = 50

    # --- ingestion: numbers, text and topics (checked by `domain.ingest.validate_batch`) ---
    max_total_exchanges: int = 100_000  # a session summary's `total_exchanges`
    max_id_length: int = 200  # client ids of sessions, exchanges and feedback, in characters
    max_topic_length: int = 100  # one topic, in characters, after trimming
    max_topics_per_item: int = 50  # topics of one session or exchange
    max_topic_links_per_batch: int = 20_000  # topics summed over the items of one batch
    max_text_length: int = 100_000  # an exchange's `user_text` / `agent_text`, in characters
    max_comment_length: int = 10_000  # a feedback comment, in characters
    earliest_timestamp: datetime = datetime(1970, 1, 1, tzinfo=UTC)
    future_tolerance_seconds: int = 300  # how far ahead of the server's clock a timestamp may be

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
    auth: AuthMode = AuthMode.AUTO
    # How long a process trusts a key it has checked: a key revoked elsewhere stops working within it.
    key_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # Extra `Host` names that may act as the default user in single-user mode ("*": any); see edge/hosts.py.
    allowed_hosts: list[str] = Field(default_factory=list)
    scheduler: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    default_timezone: str = "UTC"
    max_body_bytes: int = 16 * 1024 * 1024
    max_batch_items: int = 10_000
    graphiql: bool = True
    introspection: bool = True
    log_level: str = "info"
    # `redis://host:port/db`: the response cache is shared by every process using it; unset, in memory.
    cache_url: str | None = None
    # When set, `/metrics` answers only requests carrying `Authorization: Bearer <token>`.
    metrics_token: str | None = None

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    progress: ProgressSettings = Field(default_factory=ProgressSettings)
    insights: InsightSettings = Field(default_factory=InsightThresholds)
    anomalies: AnomalySettings = Field(default_factory=AnomalyThresholds)
    trends: TrendSettings = Field(default_factory=TrendSettings)
    goals: GoalSettings = Field(default_factory=GoalSettings)
    dashboard: DashboardSettings = Field(default_factory=DashboardSettings)
    rollups: RollupSettings = Field(default_factory=RollupSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    export: ExportSettings = Field(default_factory=ExportSettings)

    @model_validator(mode="after")
    def _share_the_anomaly_thresholds(self) -> Settings:
        """The insight rules read the one `anomalies` section, as the trend answer does."""
        self.insights = replace(self.insights, anomaly=self.anomalies)
        return self

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
