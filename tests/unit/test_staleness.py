"""`is_stale`: a learner's answers lag when events wait past the fold interval or their last fold failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learning_analytics.domain.rollups import is_stale

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(seconds=30)


def test_nothing_waiting_is_never_stale_even_after_a_failure_long_ago() -> None:
    assert not is_stale(
        oldest_mark=None, last_failure=NOW - timedelta(days=3), now=NOW, fold_interval=INTERVAL
    )


def test_events_waiting_less_than_the_interval_are_fresh() -> None:
    assert not is_stale(
        oldest_mark=NOW - timedelta(seconds=29), last_failure=None, now=NOW, fold_interval=INTERVAL
    )


def test_events_waiting_longer_than_the_interval_are_stale() -> None:
    assert is_stale(
        oldest_mark=NOW - timedelta(seconds=31), last_failure=None, now=NOW, fold_interval=INTERVAL
    )


def test_a_failure_after_the_oldest_mark_is_stale_at_once() -> None:
    mark = NOW - timedelta(seconds=5)
    assert is_stale(
        oldest_mark=mark, last_failure=mark + timedelta(seconds=2), now=NOW, fold_interval=INTERVAL
    )


def test_a_failure_before_the_oldest_mark_was_recovered_from() -> None:
    mark = NOW - timedelta(seconds=5)
    assert not is_stale(
        oldest_mark=mark, last_failure=mark - timedelta(seconds=1), now=NOW, fold_interval=INTERVAL
    )
