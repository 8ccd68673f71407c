"""Domain validation of ingested values, including what JSON cannot carry (NaN, infinity)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.ingest import validate_batch
from learning_analytics.domain.models import (
    EventBatch,
    ExchangeInput,
    FeedbackInput,
    FeedbackKind,
    Quality,
    SessionInput,
)

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _exchange(**over: object) -> ExchangeInput:
    base = {"id": "e1", "session_id": "s1", "occurred_at": NOW - timedelta(hours=1), "quality": Quality(0.5)}
    return ExchangeInput(**(base | over))  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1.0000001, -0.1])
def test_a_quality_that_is_not_a_number_in_the_unit_interval_is_refused(value: float) -> None:
    batch = EventBatch(exchanges=(_exchange(quality=Quality(0.5, clarity=value)),))

    with pytest.raises(InvalidInput) as caught:
        validate_batch(batch, now=NOW, max_items=10)

    assert caught.value.field == "exchanges[0].quality.clarity"


def test_a_valid_batch_comes_back_unchanged() -> None:
    batch = EventBatch(
        sessions=(SessionInput("s1", NOW - timedelta(hours=2), NOW - timedelta(hours=1), ("python",)),),
        exchanges=(_exchange(topics=("python", "sql")),),
        feedback=(FeedbackInput("f1", "e1", FeedbackKind.COPY, NOW - timedelta(minutes=30), rating=1.0),),
    )

    assert validate_batch(batch, now=NOW, max_items=10) == batch


def test_topics_are_stripped_and_deduplicated() -> None:
    batch = EventBatch(exchanges=(_exchange(topics=(" python ", "python", "sql")),))

    assert validate_batch(batch, now=NOW, max_items=10).exchanges[0].topics == ("python", "sql")


def test_a_naive_timestamp_is_utc_when_checked_against_the_future_limit() -> None:
    naive_soon = (NOW + timedelta(minutes=4)).replace(tzinfo=None)
    naive_late = (NOW + timedelta(minutes=6)).replace(tzinfo=None)

    validate_batch(EventBatch(exchanges=(_exchange(occurred_at=naive_soon),)), now=NOW, max_items=10)
    with pytest.raises(InvalidInput) as caught:
        validate_batch(EventBatch(exchanges=(_exchange(occurred_at=naive_late),)), now=NOW, max_items=10)

    assert caught.value.code == "future_timestamp"


def test_a_session_ending_before_it_starts_is_refused() -> None:
    batch = EventBatch(sessions=(SessionInput("s1", NOW - timedelta(hours=1), NOW - timedelta(hours=2)),))

    with pytest.raises(InvalidInput) as caught:
        validate_batch(batch, now=NOW, max_items=10)

    assert (caught.value.field, caught.value.code) == ("sessions[0].ended_at", "ends_before_start")
