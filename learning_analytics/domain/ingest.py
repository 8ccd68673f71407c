"""Validation of ingested events and the local calendar facts fixed at ingest time."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from .errors import InvalidInput
from .models import EventBatch, ExchangeInput, FeedbackInput, Quality, SessionInput

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_TOPIC_LENGTH = 100
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 100_000


@dataclass(frozen=True, slots=True)
class LocalTime:
    """Where an instant falls on the user's calendar: the local day and the local hour of that day."""

    day: date
    hour: int


def local_time(instant: datetime, tz: ZoneInfo) -> LocalTime:
    """The user's local day and hour of a UTC instant, in the timezone in force at ingest."""
    local = instant.astimezone(tz)
    return LocalTime(day=local.date(), hour=local.hour)


def as_utc(instant: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC)


def normalize_topics(topics: Iterable[str], *, field: str) -> tuple[str, ...]:
    """Topics stripped of surrounding blanks and deduplicated in order; empty or over-long ones are refused."""
    seen: dict[str, None] = {}
    for i, raw in enumerate(topics):
        name = raw.strip()
        if not name:
            raise InvalidInput("a topic must not be empty", field=f"{field}[{i}]", code="empty_topic")
        if len(name) > MAX_TOPIC_LENGTH:
            raise InvalidInput(
                f"a topic is at most {MAX_TOPIC_LENGTH} characters, got {len(name)}",
                field=f"{field}[{i}]",
                code="topic_too_long",
            )
        seen.setdefault(name, None)
    return tuple(seen)


def _check_id(value: str, *, field: str) -> None:
    if not value or len(value) > MAX_ID_LENGTH:
        raise InvalidInput(f"an id is 1 to {MAX_ID_LENGTH} characters", field=field, code="invalid_id")


def _check_unit(value: float | None, *, field: str) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise InvalidInput(f"must be between 0 and 1, got {value}", field=field, code="out_of_range")


def _check_instant(value: datetime, *, field: str, now: datetime) -> None:
    if as_utc(value) > now + FUTURE_TOLERANCE:
        raise InvalidInput(
            "timestamps may be at most 5 minutes in the future", field=field, code="future_timestamp"
        )


def _check_quality(quality: Quality | None, *, field: str) -> None:
    if quality is None:
        return
    _check_unit(quality.composite, field=f"{field}.composite")
    for name in ("relevance", "helpfulness", "engagement", "clarity", "accuracy"):
        _check_unit(getattr(quality, name), field=f"{field}.{name}")


def _check_session(s: SessionInput, *, at: str, now: datetime) -> None:
    _check_id(s.id, field=f"{at}.id")
    _check_instant(s.started_at, field=f"{at}.started_at", now=now)
    if s.ended_at is not None:
        _check_instant(s.ended_at, field=f"{at}.ended_at", now=now)
        if as_utc(s.ended_at) < as_utc(s.started_at):
            raise InvalidInput(
                "ended_at is before started_at", field=f"{at}.ended_at", code="ends_before_start"
            )
    if s.total_exchanges is not None and s.total_exchanges < 0:
        raise InvalidInput("must not be negative", field=f"{at}.total_exchanges", code="out_of_range")
    _check_unit(s.avg_quality_score, field=f"{at}.avg_quality_score")


def _check_exchange(e: ExchangeInput, *, at: str, now: datetime) -> None:
    _check_id(e.id, field=f"{at}.id")
    _check_id(e.session_id, field=f"{at}.session_id")
    _check_instant(e.occurred_at, field=f"{at}.occurred_at", now=now)
    _check_quality(e.quality, field=f"{at}.quality")
    for name in ("user_text", "agent_text"):
        text = getattr(e, name)
        if text is not None and len(text) > MAX_TEXT_LENGTH:
            raise InvalidInput(f"at most {MAX_TEXT_LENGTH} characters", field=f"{at}.{name}", code="too_long")


def _check_feedback(f: FeedbackInput, *, at: str, now: datetime) -> None:
    _check_id(f.id, field=f"{at}.id")
    _check_id(f.exchange_id, field=f"{at}.exchange_id")
    _check_instant(f.created_at, field=f"{at}.created_at", now=now)
    _check_unit(f.rating, field=f"{at}.rating")


def validate_batch(batch: EventBatch, *, now: datetime, max_items: int) -> EventBatch:
    """Check every value of a batch and return it with topics normalised; raise InvalidInput at the first fault.

    Rules: at most `max_items` items; ids of 1–200 characters; quality values and ratings in [0, 1];
    timestamps at most 5 minutes ahead of `now`; `ended_at` not before `started_at`; topics non-empty
    and at most 100 characters.
    """
    if batch.size > max_items:
        raise InvalidInput(
            f"a batch holds at most {max_items} items, got {batch.size}",
            field="batch",
            code="batch_too_large",
        )
    limit = now + FUTURE_TOLERANCE
    sessions = []
    for i, s in enumerate(batch.sessions):
        if _session_ok(s, limit) and _topics_clean(s.topics):
            sessions.append(s)
            continue
        # The slow path names the offending field (or normalises the topics when nothing is wrong).
        at = f"sessions[{i}]"
        _check_session(s, at=at, now=now)
        sessions.append(_with_topics(s, normalize_topics(s.topics, field=f"{at}.topics")))
    exchanges = []
    for i, e in enumerate(batch.exchanges):
        if _exchange_ok(e, limit) and _topics_clean(e.topics):
            exchanges.append(e)
            continue
        at = f"exchanges[{i}]"
        _check_exchange(e, at=at, now=now)
        exchanges.append(_with_topics(e, normalize_topics(e.topics, field=f"{at}.topics")))
    for i, f in enumerate(batch.feedback):
        if not _feedback_ok(f, limit):
            _check_feedback(f, at=f"feedback[{i}]", now=now)
    return EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=batch.feedback)


# Fast predicates for the common all-valid case; a NaN or an infinity fails every comparison with
# 0 and 1, so it falls through to the detailed checks like any other out-of-range value.


def _unit_ok(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 1.0


def _id_ok(value: str) -> bool:
    return 0 < len(value) <= MAX_ID_LENGTH


def _topics_clean(topics: tuple[str, ...]) -> bool:
    """Already normalised: non-empty, stripped, at most 100 characters, no repeats."""
    for name in topics:
        if not name or len(name) > MAX_TOPIC_LENGTH or name != name.strip():
            return False
    return len(topics) < 2 or len(set(topics)) == len(topics)


def _session_ok(s: SessionInput, limit: datetime) -> bool:
    started = as_utc(s.started_at)
    ended = as_utc(s.ended_at) if s.ended_at is not None else None
    return (
        _id_ok(s.id)
        and started <= limit
        and (ended is None or started <= ended <= limit)
        and (s.total_exchanges is None or s.total_exchanges >= 0)
        and _unit_ok(s.avg_quality_score)
    )


def _exchange_ok(e: ExchangeInput, limit: datetime) -> bool:
    q = e.quality
    return (
        _id_ok(e.id)
        and _id_ok(e.session_id)
        and as_utc(e.occurred_at) <= limit
        and (
            q is None
            or (
                0.0 <= q.composite <= 1.0
                and _unit_ok(q.relevance)
                and _unit_ok(q.helpfulness)
                and _unit_ok(q.engagement)
                and _unit_ok(q.clarity)
                and _unit_ok(q.accuracy)
            )
        )
        and (e.user_text is None or len(e.user_text) <= MAX_TEXT_LENGTH)
        and (e.agent_text is None or len(e.agent_text) <= MAX_TEXT_LENGTH)
    )


def _feedback_ok(f: FeedbackInput, limit: datetime) -> bool:
    return _id_ok(f.id) and _id_ok(f.exchange_id) and as_utc(f.created_at) <= limit and _unit_ok(f.rating)


_Item = TypeVar("_Item", SessionInput, ExchangeInput)


def _with_topics(item: _Item, topics: tuple[str, ...]) -> _Item:
    return item if item.topics == topics else replace(item, topics=topics)


def unknown_references(
    batch: EventBatch, *, stored_sessions: Set[str], stored_exchanges: Mapping[str, str]
) -> None:
    """Refuse exchanges whose session, and feedback whose exchange, is neither stored nor in the batch."""
    batch_sessions = {s.id for s in batch.sessions}
    for i, e in enumerate(batch.exchanges):
        if e.session_id not in batch_sessions and e.session_id not in stored_sessions:
            raise InvalidInput(
                f"unknown session {e.session_id!r}",
                field=f"exchanges[{i}].session_id",
                code="unknown_session",
            )
    batch_exchanges = {e.id for e in batch.exchanges}
    for i, f in enumerate(batch.feedback):
        if f.exchange_id not in batch_exchanges and f.exchange_id not in stored_exchanges:
            raise InvalidInput(
                f"unknown exchange {f.exchange_id!r}",
                field=f"feedback[{i}].exchange_id",
                code="unknown_exchange",
            )
