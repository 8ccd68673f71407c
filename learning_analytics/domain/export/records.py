"""The fields of each section's records (also the columns of its CSV file), and the records built
from rollup buckets. Derived numbers are rounded to 6 decimals: sums folded in another order (after
a restore) then give the same record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..rollups import Bucket
from .model import ExportRecord, ExportSection

_BUCKET_FIELDS = (
    "sessions", "exchanges", "minutes", "avg_quality", "min_quality", "max_quality", "relevance",
    "helpfulness", "engagement", "clarity", "accuracy", "feedback", "thumbs_up", "thumbs_down",
    "copies", "corrections", "clarifications", "avg_rating",
)  # fmt: skip

FIELDS: dict[ExportSection, tuple[str, ...]] = {
    ExportSection.SESSIONS: (
        "id", "started_at", "ended_at", "local_day", "local_hour", "duration_minutes", "total_exchanges",
        "avg_quality_score", "exchange_count", "avg_quality", "topics",
    ),
    ExportSection.EXCHANGES: (
        "id", "session_id", "occurred_at", "local_day", "local_hour", "quality", "relevance",
        "helpfulness", "engagement", "clarity", "accuracy", "topics", "user_text", "agent_text",
    ),
    ExportSection.FEEDBACK: (
        "id", "exchange_id", "session_id", "kind", "rating", "comment", "created_at", "local_day", "local_hour",
    ),
    ExportSection.DAILY: ("day", *_BUCKET_FIELDS),
    ExportSection.WEEKLY: ("week_start", *_BUCKET_FIELDS),
    ExportSection.TOPICS: ("topic", "exchanges", "sessions", "avg_quality", "first_day", "last_day"),
    ExportSection.GOALS: (
        "id", "title", "description", "goal_type", "target_metric", "target_value", "comparison",
        "frequency", "deadline", "topic", "status", "created_at", "completed_at",
    ),
    ExportSection.ACHIEVEMENTS: ("id", "title", "description", "category", "rarity", "points", "unlocked_at"),
    ExportSection.INSIGHTS: (
        "id", "rule", "type", "title", "description", "importance", "confidence", "data", "generated_at",
        "viewed_at", "dismissed_at", "helpful",
    ),
}  # fmt: skip


def rounded(value: float | None) -> float | None:
    """A derived number as exported: 6 decimals (None stays None)."""
    return None if value is None else round(value, 6)


def ratio(total: float, n: int) -> float | None:
    """total / n rounded, None when n is 0."""
    return rounded(total / n) if n else None


def minutes_between(started: datetime, ended: datetime | None) -> float:
    """A session's minutes: (ended − started) / 60 s, 0 without an end."""
    return 0.0 if ended is None else rounded((ended - started).total_seconds() / 60) or 0.0


def bucket_record(bucket: Bucket, *, key: str) -> ExportRecord:
    """A day or week of the rollups as a record: counts, minutes, quality mean/min/max, the quality
    dimensions' means, feedback by kind and the mean rating."""
    dims = bucket.dimensions
    record: dict[str, Any] = {
        key: bucket.day,
        "sessions": bucket.sessions,
        "exchanges": bucket.exchanges,
        "minutes": rounded(bucket.minutes),
        "avg_quality": rounded(bucket.quality.mean),
        "min_quality": bucket.quality.min,
        "max_quality": bucket.quality.max,
    }
    for name in ("relevance", "helpfulness", "engagement", "clarity", "accuracy"):
        moments = dims.get(name)
        record[name] = rounded(moments.mean) if moments is not None else None
    record.update(
        feedback=bucket.feedback,
        thumbs_up=bucket.thumbs_up,
        thumbs_down=bucket.thumbs_down,
        copies=bucket.copies,
        corrections=bucket.corrections,
        clarifications=bucket.clarifications,
        avg_rating=rounded(bucket.rating.mean),
    )
    return record


def bucket_records(buckets: Sequence[Bucket], *, section: ExportSection) -> list[ExportRecord]:
    key = "day" if section is ExportSection.DAILY else "week_start"
    return [bucket_record(b, key=key) for b in buckets if b.active or b.feedback]
