"""Domain validation of ingested values, including what JSON cannot carry (NaN, infinity)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.ingest import IngestLimits, validate_batch
from learning_analytics.domain.ingest_checks import parse_date_time
from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
)
from learning_analytics.domain.text import bad_character, strings_clean, trim_topic

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LIMITS = IngestLimits(max_items=10)
HOUR_AGO = NOW - timedelta(hours=1)


def _session(**over: object) -> SessionInput:
    base = {"id": "s1", "started_at": NOW - timedelta(hours=2), "ended_at": HOUR_AGO}
    return SessionInput(**(base | over))  # type: ignore[arg-type]


def _exchange(**over: object) -> ExchangeInput:
    base = {"id": "e1", "session_id": "s1", "occurred_at": HOUR_AGO, "quality": Quality(0.5)}
    return ExchangeInput(**(base | over))  # type: ignore[arg-type]


def _feedback(**over: object) -> FeedbackInput:
    base = {"id": "f1", "exchange_id": "e1", "kind": FeedbackKind.COPY, "created_at": HOUR_AGO}
    return FeedbackInput(**(base | over))  # type: ignore[arg-type]


def _refusal(batch: EventBatch, limits: IngestLimits = LIMITS) -> tuple[str | None, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_batch(batch, now=NOW, limits=limits)
    assert caught.value.message
    return caught.value.field, caught.value.code


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1.0000001, -0.1])
def test_a_quality_that_is_not_a_number_in_the_unit_interval_is_refused(value: float) -> None:
    batch = EventBatch(exchanges=(_exchange(quality=Quality(0.5, clarity=value)),))

    assert _refusal(batch) == ("exchanges[0].quality.clarity", "out_of_range")


def test_a_valid_batch_comes_back_unchanged() -> None:
    batch = EventBatch(
        sessions=(_session(topics=("python",)),),
        exchanges=(_exchange(topics=("python", "sql"), user_text="line one\n\tline two\r\n"),),
        feedback=(_feedback(rating=1.0, comment="tabs\tand\nnewlines are fine"),),
    )

    assert validate_batch(batch, now=NOW, limits=LIMITS) == batch


def test_topics_are_stripped_of_blanks_and_invisible_characters_and_deduplicated() -> None:
    batch = EventBatch(exchanges=(_exchange(topics=(" python ", "python", "\u200bpython\ufeff", "sql")),))

    assert validate_batch(batch, now=NOW, limits=LIMITS).exchanges[0].topics == ("python", "sql")


def test_a_naive_timestamp_is_utc_when_checked_against_the_future_limit() -> None:
    naive_soon = (NOW + timedelta(minutes=4)).replace(tzinfo=None)
    naive_late = (NOW + timedelta(minutes=6)).replace(tzinfo=None)

    validate_batch(EventBatch(exchanges=(_exchange(occurred_at=naive_soon),)), now=NOW, limits=LIMITS)

    assert _refusal(EventBatch(exchanges=(_exchange(occurred_at=naive_late),))) == (
        "exchanges[0].occurred_at",
        "future_timestamp",
    )


def test_a_session_ending_before_it_starts_is_refused() -> None:
    batch = EventBatch(sessions=(_session(started_at=HOUR_AGO, ended_at=HOUR_AGO - timedelta(hours=1)),))

    assert _refusal(batch) == ("sessions[0].ended_at", "ends_before_start")


PLUS_14 = timezone(timedelta(hours=14))
MINUS_12 = timezone(timedelta(hours=-12))


@pytest.mark.parametrize(
    ("instant", "code"),
    [
        (datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), "timestamp_too_early"),
        (datetime(1970, 1, 1, 9, 59, tzinfo=timezone(timedelta(hours=10))), "timestamp_too_early"),
        (datetime(1, 1, 1, tzinfo=PLUS_14), "timestamp_too_early"),  # before year 1 in UTC
        (datetime(1, 1, 1), "timestamp_too_early"),
        (datetime(9999, 12, 31, 23, tzinfo=MINUS_12), "future_timestamp"),  # after year 9999 in UTC
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "future_timestamp"),
        (NOW + timedelta(minutes=5, seconds=1), "future_timestamp"),
    ],
)
def test_a_timestamp_outside_the_epoch_to_now_window_is_refused(instant: datetime, code: str) -> None:
    for batch, field in [
        (EventBatch(sessions=(_session(started_at=instant, ended_at=None),)), "sessions[0].started_at"),
        (EventBatch(sessions=(_session(ended_at=instant),)), "sessions[0].ended_at"),
        (EventBatch(exchanges=(_exchange(occurred_at=instant),)), "exchanges[0].occurred_at"),
        (EventBatch(feedback=(_feedback(created_at=instant),)), "feedback[0].created_at"),
    ]:
        assert _refusal(batch) == (field, code)


def test_the_epoch_itself_and_the_future_tolerance_are_accepted() -> None:
    batch = EventBatch(
        sessions=(_session(started_at=datetime(1970, 1, 1, tzinfo=UTC), ended_at=NOW + timedelta(minutes=5)),)
    )

    assert validate_batch(batch, now=NOW, limits=LIMITS) == batch


def test_the_earliest_timestamp_and_future_tolerance_come_from_the_limits() -> None:
    limits = replace(LIMITS, earliest=datetime(2020, 1, 1, tzinfo=UTC), future_tolerance=timedelta(0))
    early = EventBatch(exchanges=(_exchange(occurred_at=datetime(2019, 12, 31, tzinfo=UTC)),))
    ahead = EventBatch(exchanges=(_exchange(occurred_at=NOW + timedelta(seconds=1)),))

    assert _refusal(early, limits)[1] == "timestamp_too_early"
    assert _refusal(ahead, limits)[1] == "future_timestamp"


@pytest.mark.parametrize(
    ("value", "ok"), [(0, True), (100_000, True), (100_001, False), (-1, False), (2**63, False)]
)
def test_total_exchanges_is_bounded_by_the_limit(value: int, ok: bool) -> None:
    batch = EventBatch(sessions=(_session(total_exchanges=value),))

    if ok:
        assert validate_batch(batch, now=NOW, limits=LIMITS) == batch
    else:
        assert _refusal(batch) == ("sessions[0].total_exchanges", "out_of_range")


@pytest.mark.parametrize(
    ("batch", "field", "code"),
    [
        (EventBatch(sessions=(_session(id="a\x00b"),)), "sessions[0].id", "invalid_character"),
        (
            EventBatch(exchanges=(_exchange(session_id="s\n1"),)),
            "exchanges[0].session_id",
            "invalid_character",
        ),
        (
            EventBatch(feedback=(_feedback(exchange_id="\x7f"),)),
            "feedback[0].exchange_id",
            "invalid_character",
        ),
        (EventBatch(feedback=(_feedback(id="f\x85"),)), "feedback[0].id", "invalid_character"),
        (EventBatch(sessions=(_session(id="\ud800"),)), "sessions[0].id", "invalid_character"),
        (
            EventBatch(sessions=(_session(topics=("ok", "bad\ttopic")),)),
            "sessions[0].topics[1]",
            "invalid_character",
        ),
        (
            EventBatch(exchanges=(_exchange(topics=("\udfff",)),)),
            "exchanges[0].topics[0]",
            "invalid_character",
        ),
        (
            EventBatch(exchanges=(_exchange(user_text="nul \x00 inside"),)),
            "exchanges[0].user_text",
            "invalid_character",
        ),
        (
            EventBatch(exchanges=(_exchange(agent_text="bell \x07"),)),
            "exchanges[0].agent_text",
            "invalid_character",
        ),
        (
            EventBatch(exchanges=(_exchange(agent_text="half \ud83d"),)),
            "exchanges[0].agent_text",
            "invalid_character",
        ),
        (
            EventBatch(feedback=(_feedback(comment="esc \x1b[31m"),)),
            "feedback[0].comment",
            "invalid_character",
        ),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused(batch: EventBatch, field: str, code: str) -> None:
    assert _refusal(batch) == (field, code)


@pytest.mark.parametrize(
    "topic", ["", "   ", "\u200b", "\ufeff", "\u200c\u200d", " \u200b \u2060 ", "\u3000"]
)
def test_a_topic_empty_once_trimmed_of_blanks_and_zero_width_characters_is_refused(topic: str) -> None:
    batch = EventBatch(exchanges=(_exchange(topics=("python", topic)),))

    assert _refusal(batch) == ("exchanges[0].topics[1]", "empty_topic")


def test_format_characters_inside_a_topic_are_kept() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"

    batch = EventBatch(exchanges=(_exchange(topics=(f"\u200b{family}\u200b",)),))

    assert validate_batch(batch, now=NOW, limits=LIMITS).exchanges[0].topics == (family,)


def test_topic_count_per_item_and_per_batch_are_bounded() -> None:
    limits = replace(LIMITS, max_topics_per_item=3, max_topic_links=5)
    three = ("a", "b", "c")

    assert _refusal(EventBatch(sessions=(_session(topics=(*three, "d")),)), limits) == (
        "sessions[0].topics",
        "too_many_topics",
    )
    validate_batch(
        EventBatch(sessions=(_session(topics=three),), exchanges=(_exchange(topics=("a", "b")),)),
        now=NOW,
        limits=limits,
    )
    assert _refusal(
        EventBatch(sessions=(_session(topics=three),), exchanges=(_exchange(topics=three),)), limits
    ) == ("batch", "too_many_topic_links")


def test_lengths_of_ids_topics_texts_and_comments_come_from_the_limits() -> None:
    limits = replace(LIMITS, max_id_length=3, max_topic_length=4, max_text_length=5, max_comment_length=6)
    cases = [
        (EventBatch(sessions=(_session(id="abcd"),)), "sessions[0].id", "invalid_id"),
        (EventBatch(sessions=(_session(id=""),)), "sessions[0].id", "invalid_id"),
        (
            EventBatch(exchanges=(_exchange(id="e", session_id="s", topics=("abcde",)),)),
            "exchanges[0].topics[0]",
            "topic_too_long",
        ),
        (
            EventBatch(exchanges=(_exchange(id="e", session_id="s", user_text="123456"),)),
            "exchanges[0].user_text",
            "too_long",
        ),
        (
            EventBatch(feedback=(_feedback(id="f", exchange_id="e", comment="1234567"),)),
            "feedback[0].comment",
            "too_long",
        ),
    ]
    for batch, field, code in cases:
        assert _refusal(batch, limits) == (field, code)
    fits = EventBatch(
        exchanges=(_exchange(id="e", session_id="s", topics=(" abcd ",), user_text="12345"),),
        feedback=(_feedback(id="f", exchange_id="e", comment="123456"),),
    )
    assert validate_batch(fits, now=NOW, limits=limits).exchanges[0].topics == ("abcd",)


@pytest.mark.parametrize(
    ("batch", "field"),
    [
        (EventBatch(sessions=(_session(), _session(id="s2"), _session())), "sessions[2].id"),
        (
            EventBatch(exchanges=(_exchange(), _exchange(occurred_at=NOW - timedelta(minutes=5)))),
            "exchanges[1].id",
        ),
        (
            EventBatch(feedback=(_feedback(id="f2"), _feedback(id="f2", kind=FeedbackKind.THUMBS_UP))),
            "feedback[1].id",
        ),
    ],
)
def test_an_id_repeated_within_one_kind_of_a_batch_names_the_second(batch: EventBatch, field: str) -> None:
    assert _refusal(batch) == (field, "duplicate_in_batch")


def test_the_same_id_in_two_kinds_is_no_duplicate() -> None:
    batch = EventBatch(
        sessions=(_session(id="x"),),
        exchanges=(_exchange(id="x", session_id="x"),),
        feedback=(_feedback(id="x", exchange_id="x"),),
    )

    assert validate_batch(batch, now=NOW, limits=LIMITS) == batch


def test_a_batch_over_the_item_limit_is_refused() -> None:
    batch = EventBatch(
        sessions=tuple(_session(id=f"s{i}") for i in range(6)),
        exchanges=tuple(_exchange(id=f"e{i}") for i in range(5)),
    )

    assert _refusal(batch) == ("batch", "batch_too_large")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T09:30:00Z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        ("2026-03-01t09:30z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        (
            "2026-03-01 09:30:00.5+01:00",
            datetime(2026, 3, 1, 9, 30, 0, 500_000, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-03-01T09:30:00", datetime(2026, 3, 1, 9, 30)),
    ],
)
def test_a_date_time_with_a_time_parses(text: str, expected: datetime) -> None:
    assert parse_date_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "20260301T093000",
        "2026-W09-7",
        "1700000000",
        "2026-03-01T09",
        "2026-02-30T09:30:00Z",
        "",
        "2026-03-01T09:30:00Z\x00",
    ],
)
def test_bare_dates_numbers_and_other_shapes_are_not_date_times(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_time(text)


def test_character_rules_for_names_and_free_text() -> None:
    assert bad_character("plain ünïcode 😀") is None
    assert bad_character("a\tb") is not None
    assert bad_character("a\tb\nc\r\n", free_text=True) is None
    assert "U+0000" in (bad_character("a\x00", free_text=True) or "")
    assert "surrogate" in (bad_character("\udc00", free_text=True) or "")
    assert trim_topic("\ufeff\u200b  graph theory \u200d") == "graph theory"


@pytest.mark.parametrize(
    "value",
    ["plain", "élève ça", "日本語 😀", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\x80", "\x85", "\x9f", "\xa0",
     "\ud800", "a\udfffb", "\u200b", "¿\u0100", "\xc2"],
)  # fmt: skip
def test_the_one_pass_scan_agrees_with_the_character_rules(value: str) -> None:
    for free_text in (False, True):
        assert strings_clean(["ok", value], free_text=free_text) == (
            bad_character(value, free_text=free_text) is None
        )
