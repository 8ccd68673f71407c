"""Bucket limits of periods: counting buckets without building them, refusing or coarsening a
granularity, keeping the latest buckets, and the most buckets a period can need (for query cost)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.periods import (
    BucketLimits,
    DateRange,
    Granularity,
    bucket_count,
    bucket_starts,
    choose_granularity,
    latest_buckets,
    most_buckets,
    previous_range,
)

END = date(2026, 11, 18)  # a Wednesday


def days_long(n: int, end: date = END) -> DateRange:
    return DateRange(end - timedelta(days=n - 1), end)


@pytest.mark.parametrize(
    ("r", "granularity", "count"),
    [
        (DateRange(date(2026, 1, 1), date(2026, 1, 31)), Granularity.DAY, 31),
        (DateRange(date(2026, 1, 1), date(2026, 1, 2)), Granularity.HOUR, 48),
        (DateRange(date(2026, 11, 16), date(2026, 11, 22)), Granularity.WEEK, 1),  # Monday to Sunday
        (DateRange(date(2026, 11, 15), date(2026, 11, 16)), Granularity.WEEK, 2),  # Sunday, Monday
        (DateRange(date(2026, 1, 31), date(2026, 3, 1)), Granularity.MONTH, 3),
        (DateRange(date(1, 1, 1), date(2026, 11, 18)), Granularity.MONTH, 2025 * 12 + 11),
    ],
)
def test_buckets_are_counted_without_building_them(
    r: DateRange, granularity: Granularity, count: int
) -> None:
    assert bucket_count(r, granularity) == count
    if granularity is not Granularity.HOUR and r.days < 1000:
        assert len(bucket_starts(r, granularity)) == count


def test_a_requested_granularity_over_its_limit_is_refused_naming_it() -> None:
    with pytest.raises(InvalidInput) as raised:
        choose_granularity(days_long(401), Granularity.DAY)

    assert (raised.value.field, raised.value.code, raised.value.limit) == (
        "granularity",
        "too_many_buckets",
        400,
    )
    assert choose_granularity(days_long(400), Granularity.DAY) is Granularity.DAY


def test_an_implicit_granularity_becomes_coarser_until_it_fits() -> None:
    assert choose_granularity(days_long(30), None) is Granularity.DAY
    # 21 days from a Thursday to a Wednesday: 21 days are over 20, their 4 weeks are not over 520
    assert choose_granularity(days_long(21), None, limits=BucketLimits(day=20)) is Granularity.WEEK
    # 30 days from a Tuesday: 5 weeks, over 3
    assert choose_granularity(days_long(30), None, limits=BucketLimits(day=20, week=3)) is Granularity.MONTH
    # MONTH is the coarsest: over its limit it is still chosen, the caller keeps the latest months
    assert choose_granularity(DateRange(date(1, 1, 1), END), None) is Granularity.MONTH


def test_the_latest_buckets_are_kept_when_a_range_holds_too_many() -> None:
    history = DateRange(date(1, 1, 1), END)

    # December 1976 to November 2026: 50 years of 12 months
    assert latest_buckets(history, Granularity.MONTH, 600) == DateRange(date(1976, 12, 1), END)
    assert latest_buckets(history, Granularity.DAY, 400) == DateRange(END - timedelta(days=399), END)
    assert latest_buckets(history, Granularity.WEEK, 2) == DateRange(date(2026, 11, 9), END)
    assert latest_buckets(days_long(10), Granularity.DAY, 400) == days_long(10)


def test_the_most_buckets_of_a_period_bound_every_alignment_of_it() -> None:
    limits = BucketLimits()
    starts = [date(2026, 1, 1) + timedelta(days=k) for k in range(0, 366, 5)]
    for days in [*range(1, 40), 59, 60, 61, 90, 179, 180, 181, 365, 366]:
        for start in starts:
            r = DateRange(start, start + timedelta(days=days - 1))
            for granularity in Granularity:
                assert min(bucket_count(r, granularity), limits.of(granularity)) <= most_buckets(
                    days, granularity, limits
                ), (days, start, granularity)
            chosen = choose_granularity(r, None, limits=limits)
            assert bucket_count(r, chosen) <= most_buckets(days, None, limits), (days, start)


@pytest.mark.parametrize(
    ("days", "granularity", "most"),
    [
        (7, Granularity.DAY, 7),
        (14, Granularity.HOUR, 168),  # 336 hours, capped
        (90, Granularity.WEEK, 14),  # 1 + ⌈89 / 7⌉
        (365, None, 14),  # implicit MONTH: 1 + ⌈364 / 28⌉
        (None, Granularity.DAY, 400),  # all time: the limit
        (None, None, 600),  # all time, implicit: the month limit
    ],
)
def test_the_most_buckets_follow_the_documented_bounds(
    days: int | None, granularity: Granularity | None, most: int
) -> None:
    assert most_buckets(days, granularity, BucketLimits()) == most


def test_no_previous_period_before_the_calendar_begins() -> None:
    assert previous_range(DateRange(date(1, 1, 2), END)) is None
    assert previous_range(DateRange(date(1, 1, 11), date(1, 1, 15))) == DateRange(
        date(1, 1, 6), date(1, 1, 10)
    )
