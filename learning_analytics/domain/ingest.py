"""Validation of ingested batches and the local calendar facts fixed at ingest time."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .errors import InvalidInput
from .ingest_checks import IngestLimits, as_utc, checked_exchange, checked_feedback, checked_session
from .models import EventBatch, ExchangeInput, FeedbackInput, SessionInput
from .text import strings_clean, topic_trimmed

__all__ = ["IngestLimits", "LocalTime", "as_utc", "local_time", "unknown_references", "validate_batch"]


@dataclass(frozen=True, slots=True)
class LocalTime:
    """Where an instant falls on the user's calendar: the local day and the local hour of that day."""

    day: date
    hour: int


def local_time(instant: datetime, tz: ZoneInfo) -> LocalTime:
    """The user's local day and hour of a UTC instant, in the timezone in force at ingest."""
    local = instant.astimezone(tz)
    return LocalTime(day=local.date(), hour=local.hour)


def validate_batch(batch: EventBatch, *, now: datetime, limits: IngestLimits) -> EventBatch:
    """Check every value of a batch and return it with topics normalised; raise InvalidInput at the first fault.

    Rules (bounds from `limits`): at most `max_items` items and `max_topic_links` topics summed over
    them; each id of one kind at most once; ids of 1 to `max_id_length` characters; quality values
    and ratings finite and in [0, 1]; `total_exchanges` in [0, `max_total_exchanges`]; timestamps
    from `earliest` to `future_tolerance` ahead of `now`; `ended_at` not before `started_at`; at
    most `max_topics_per_item` topics, each non-empty once trimmed of blanks and invisible format
    characters and at most `max_topic_length` characters; texts and comments within their lengths;
    no control characters (free text may hold tabs and line breaks) and no lone surrogates.
    """
    if batch.size > limits.max_items:
        raise InvalidInput(
            f"a batch holds at most {limits.max_items} items, got {batch.size}",
            field="batch",
            code="batch_too_large",
        )
    # One scan of all the batch's strings decides whether any item needs its characters checked.
    clean = _strings_clean(batch)
    window = _Window(limits, latest=now + limits.future_tolerance)
    sessions: list[SessionInput] = []
    for i, s in enumerate(batch.sessions):
        if not (clean and window.session_ok(s)):
            # The slow path names the offending field (or normalises the topics when nothing is wrong).
            s = checked_session(s, at=f"sessions[{i}]", now=now, limits=limits)
        sessions.append(s)
    exchanges: list[ExchangeInput] = []
    for i, e in enumerate(batch.exchanges):
        if not (clean and window.exchange_ok(e)):
            e = checked_exchange(e, at=f"exchanges[{i}]", now=now, limits=limits)
        exchanges.append(e)
    for i, f in enumerate(batch.feedback):
        if not (clean and window.feedback_ok(f)):
            checked_feedback(f, at=f"feedback[{i}]", now=now, limits=limits)
    _each_id_once([s.id for s in sessions], kind="sessions")
    _each_id_once([e.id for e in exchanges], kind="exchanges")
    _each_id_once([f.id for f in batch.feedback], kind="feedback")
    links = sum(len(s.topics) for s in sessions) + sum(len(e.topics) for e in exchanges)
    if links > limits.max_topic_links:
        raise InvalidInput(
            f"a batch holds at most {limits.max_topic_links} topics summed over its items, got {links}",
            field="batch",
            code="too_many_topic_links",
        )
    return EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=batch.feedback)


def _each_id_once(ids: list[str], *, kind: str) -> None:
    """Refuse the second item of a kind with an id already used in the batch, naming it."""
    if len(set(ids)) == len(ids):
        return
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if (earlier := first.setdefault(item_id, index)) != index:
            raise InvalidInput(
                f"{kind}[{earlier}] has the same id: an id appears at most once per batch",
                field=f"{kind}[{index}].id",
                code="duplicate_in_batch",
            )


def _strings_clean(batch: EventBatch) -> bool:
    names: list[str] = []
    texts: list[str] = []
    for s in batch.sessions:
        names.append(s.id)
        names.extend(s.topics)
    for e in batch.exchanges:
        names.append(e.id)
        names.append(e.session_id)
        names.extend(e.topics)
        if e.user_text is not None:
            texts.append(e.user_text)
        if e.agent_text is not None:
            texts.append(e.agent_text)
    for f in batch.feedback:
        names.append(f.id)
        names.append(f.exchange_id)
        if f.comment is not None:
            texts.append(f.comment)
    return strings_clean(names) and strings_clean(texts, free_text=True)


class _Window:
    """Fast predicates for the common all-valid case; anything they do not pass is checked in detail.

    A NaN or an infinity fails every comparison with 0 and 1, so it falls through to the detailed
    checks like any other out-of-range value; so does an instant that overflows the calendar in UTC.
    The bounds are copied into slots: these run once per item of every batch.
    """

    __slots__ = (
        "earliest",
        "latest",
        "max_comment",
        "max_id",
        "max_text",
        "max_topic",
        "max_topics",
        "max_total",
    )

    def __init__(self, limits: IngestLimits, *, latest: datetime) -> None:
        self.earliest = limits.earliest
        self.latest = latest
        self.max_id = limits.max_id_length
        self.max_topics = limits.max_topics_per_item
        self.max_topic = limits.max_topic_length
        self.max_text = limits.max_text_length
        self.max_comment = limits.max_comment_length
        self.max_total = limits.max_total_exchanges

    def _topics(self, topics: tuple[str, ...]) -> bool:
        """Already normalised: trimmed, non-empty, not too long, no repeats, not too many."""
        if len(topics) > self.max_topics:
            return False
        longest = self.max_topic
        for name in topics:
            if len(name) > longest or not topic_trimmed(name):
                return False
        return len(topics) < 2 or len(set(topics)) == len(topics)

    def session_ok(self, s: SessionInput) -> bool:
        try:
            started = as_utc(s.started_at)
            ended = as_utc(s.ended_at) if s.ended_at is not None else None
        except OverflowError:
            return False
        return (
            0 < len(s.id) <= self.max_id
            and self.earliest <= started <= self.latest
            and (ended is None or started <= ended <= self.latest)
            and (s.total_exchanges is None or 0 <= s.total_exchanges <= self.max_total)
            and _unit(s.avg_quality_score)
            and self._topics(s.topics)
        )

    def exchange_ok(self, e: ExchangeInput) -> bool:
        try:
            occurred = as_utc(e.occurred_at)
        except OverflowError:
            return False
        q = e.quality
        max_id = self.max_id
        return (
            self.earliest <= occurred <= self.latest
            and 0 < len(e.id) <= max_id
            and 0 < len(e.session_id) <= max_id
            and (
                q is None
                or (
                    0.0 <= q.composite <= 1.0
                    and _unit(q.relevance)
                    and _unit(q.helpfulness)
                    and _unit(q.engagement)
                    and _unit(q.clarity)
                    and _unit(q.accuracy)
                )
            )
            and (e.user_text is None or len(e.user_text) <= self.max_text)
            and (e.agent_text is None or len(e.agent_text) <= self.max_text)
            and (not e.topics or self._topics(e.topics))
        )

    def feedback_ok(self, f: FeedbackInput) -> bool:
        try:
            created = as_utc(f.created_at)
        except OverflowError:
            return False
        return (
            self.earliest <= created <= self.latest
            and 0 < len(f.id) <= self.max_id
            and 0 < len(f.exchange_id) <= self.max_id
            and _unit(f.rating)
            and (f.comment is None or len(f.comment) <= self.max_comment)
        )


def _unit(value: float | None) -> bool:
    return value is None or 0.0 <= value <= 1.0


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
