"""The detailed checks of one ingested item: each raises InvalidInput naming the first field at fault."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from .errors import InvalidInput
from .models import ExchangeInput, FeedbackInput, Quality, SessionInput
from .text import bad_character, trim_topic

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A UTC instant at least a day inside the calendar's ends has a local day in every timezone
# (offsets stay within ±26 hours), so storing its local day can never overflow.
_FIRST_DAY = date.min + timedelta(days=1)
_LAST_DAY = date.max - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class IngestLimits:
    """Bounds on one ingested batch; the service builds them from its `LimitSettings`."""

    max_items: int = 10_000
    max_id_length: int = 200
    max_topic_length: int = 100
    max_topics_per_item: int = 50
    max_topic_links: int = 20_000
    max_text_length: int = 100_000
    max_comment_length: int = 10_000
    max_total_exchanges: int = 100_000
    earliest: datetime = EPOCH
    future_tolerance: timedelta = timedelta(minutes=5)


# The one timestamp format ingestion accepts: an ISO 8601 / RFC 3339 date-time with a time and an
# optional offset (none means UTC). Bare dates, week dates and numbers (epoch seconds) are refused.
DATE_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?$"
_DATE_TIME = re.compile(DATE_TIME_PATTERN)


def parse_date_time(text: str) -> datetime:
    """The datetime an ISO 8601 date-time with a time denotes; ValueError for anything else."""
    if not _DATE_TIME.match(text):
        raise ValueError("expected an ISO 8601 date-time with a time, e.g. 2026-03-01T09:30:00Z")
    # Python's parser wants upper-case `T` and `Z`; it truncates fractions past microseconds.
    return datetime.fromisoformat(text.upper())


def as_utc(instant: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already.

    Raises OverflowError when the instant falls outside the calendar in UTC (year 1 at +14:00).
    """
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def check_instant(value: datetime, *, field: str, now: datetime, limits: IngestLimits) -> None:
    """A timestamp from `limits.earliest` up to `limits.future_tolerance` ahead of `now`."""
    try:
        utc: datetime | None = as_utc(value)
    except OverflowError:
        utc = None
    latest = now + limits.future_tolerance
    if utc is None or not _FIRST_DAY <= utc.date() <= _LAST_DAY:
        # Beyond the calendar's ends: the far future, or long before the epoch.
        too_late = value.year > date.max.year // 2
    elif utc < limits.earliest or utc > latest:
        too_late = utc > latest
    else:
        return
    if too_late:
        seconds = int(limits.future_tolerance.total_seconds())
        raise InvalidInput(
            f"timestamps may be at most {seconds} seconds in the future", field=field, code="future_timestamp"
        )
    raise InvalidInput(
        f"timestamps start at {limits.earliest.isoformat()}", field=field, code="timestamp_too_early"
    )


def check_id(value: str, *, field: str, limits: IngestLimits) -> None:
    if not value or len(value) > limits.max_id_length:
        raise InvalidInput(f"an id is 1 to {limits.max_id_length} characters", field=field, code="invalid_id")
    if reason := bad_character(value):
        raise InvalidInput(reason, field=field, code="invalid_character")


def check_text(value: str | None, *, field: str, max_length: int) -> None:
    if value is None:
        return
    if len(value) > max_length:
        raise InvalidInput(f"at most {max_length} characters, got {len(value)}", field=field, code="too_long")
    if reason := bad_character(value, free_text=True):
        raise InvalidInput(reason, field=field, code="invalid_character")


def check_unit(value: float | None, *, field: str) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise InvalidInput(f"must be between 0 and 1, got {value}", field=field, code="out_of_range")


def normalize_topics(topics: tuple[str, ...], *, field: str, limits: IngestLimits) -> tuple[str, ...]:
    """Topics trimmed of blanks and invisible format characters, deduplicated in order.

    Refused: more than `max_topics_per_item`, control characters, topics empty after trimming or
    longer than `max_topic_length`.
    """
    if len(topics) > limits.max_topics_per_item:
        raise InvalidInput(
            f"at most {limits.max_topics_per_item} topics per item, got {len(topics)}",
            field=field,
            code="too_many_topics",
        )
    seen: dict[str, None] = {}
    for i, raw in enumerate(topics):
        if reason := bad_character(raw):
            raise InvalidInput(reason, field=f"{field}[{i}]", code="invalid_character")
        name = trim_topic(raw)
        if not name:
            raise InvalidInput("a topic must not be empty", field=f"{field}[{i}]", code="empty_topic")
        if len(name) > limits.max_topic_length:
            raise InvalidInput(
                f"a topic is at most {limits.max_topic_length} characters, got {len(name)}",
                field=f"{field}[{i}]",
                code="topic_too_long",
            )
        seen.setdefault(name, None)
    return tuple(seen)


def _check_quality(quality: Quality | None, *, field: str) -> None:
    if quality is None:
        return
    check_unit(quality.composite, field=f"{field}.composite")
    for name in ("relevance", "helpfulness", "engagement", "clarity", "accuracy"):
        check_unit(getattr(quality, name), field=f"{field}.{name}")


def checked_session(s: SessionInput, *, at: str, now: datetime, limits: IngestLimits) -> SessionInput:
    """The session with its topics normalised, or InvalidInput naming its first bad field."""
    check_id(s.id, field=f"{at}.id", limits=limits)
    check_instant(s.started_at, field=f"{at}.started_at", now=now, limits=limits)
    if s.ended_at is not None:
        check_instant(s.ended_at, field=f"{at}.ended_at", now=now, limits=limits)
        if as_utc(s.ended_at) < as_utc(s.started_at):
            raise InvalidInput(
                "ended_at is before started_at", field=f"{at}.ended_at", code="ends_before_start"
            )
    if s.total_exchanges is not None and not 0 <= s.total_exchanges <= limits.max_total_exchanges:
        raise InvalidInput(
            f"must be between 0 and {limits.max_total_exchanges}, got {s.total_exchanges}",
            field=f"{at}.total_exchanges",
            code="out_of_range",
        )
    check_unit(s.avg_quality_score, field=f"{at}.avg_quality_score")
    topics = normalize_topics(s.topics, field=f"{at}.topics", limits=limits)
    return s if topics == s.topics else replace(s, topics=topics)


def checked_exchange(e: ExchangeInput, *, at: str, now: datetime, limits: IngestLimits) -> ExchangeInput:
    """The exchange with its topics normalised, or InvalidInput naming its first bad field."""
    check_id(e.id, field=f"{at}.id", limits=limits)
    check_id(e.session_id, field=f"{at}.session_id", limits=limits)
    check_instant(e.occurred_at, field=f"{at}.occurred_at", now=now, limits=limits)
    _check_quality(e.quality, field=f"{at}.quality")
    topics = normalize_topics(e.topics, field=f"{at}.topics", limits=limits)
    check_text(e.user_text, field=f"{at}.user_text", max_length=limits.max_text_length)
    check_text(e.agent_text, field=f"{at}.agent_text", max_length=limits.max_text_length)
    return e if topics == e.topics else replace(e, topics=topics)


def checked_feedback(f: FeedbackInput, *, at: str, now: datetime, limits: IngestLimits) -> FeedbackInput:
    """The feedback as it came, or InvalidInput naming its first bad field."""
    check_id(f.id, field=f"{at}.id", limits=limits)
    check_id(f.exchange_id, field=f"{at}.exchange_id", limits=limits)
    check_instant(f.created_at, field=f"{at}.created_at", now=now, limits=limits)
    check_unit(f.rating, field=f"{at}.rating")
    check_text(f.comment, field=f"{at}.comment", max_length=limits.max_comment_length)
    return f
