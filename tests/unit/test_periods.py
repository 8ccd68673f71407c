"""Unit tests of periods: ranges, previous ranges, granularity, buckets, labels and change."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.periods import (
    ChangeDirection,
    DateRange,
    Granularity,
    Period,
    bucket_label,
    bucket_starts,
    choose_granularity,
    hour_buckets,
    month_start,
    period_change,
    previous_range,
    resolve_period,
    week_start,
)

TODAY = date(2026, 11, 14)


def days_long(n: int) -> DateRange:
    end = date(2026, 12, 31)
    return DateRange(start=date.fromordinal(end.toordinal() - n + 1), end=end)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("7d", Period.LAST_7_DAYS),
        ("14d", Period.LAST_14_DAYS),
        ("30d", Period.LAST_30_DAYS),
        ("90d", Period.LAST_90_DAYS),
        ("365d", Period.LAST_365_DAYS),
        ("all", Period.ALL_TIME),
    ],
)
def test_rest_period_names_map_to_periods(text: str, period: Period) -> None:
    assert Period.from_rest(text) is period
    assert period.rest_name == text


def test_an_unknown_rest_period_is_invalid_input_on_period() -> None:
    with pytest.raises(InvalidInput) as raised:
        Period.from_rest("31d")

    assert raised.value.field == "period"


def test_period_values_and_lengths() -> None:
    assert Period.LAST_30_DAYS.value == "last_30_days"
    assert Period.LAST_30_DAYS.days == 30
    assert Period.ALL_TIME.days is None


def test_last_seven_days_ends_today_and_includes_it() -> None:
    r = resolve_period(Period.LAST_7_DAYS, today=TODAY, first_day=None)

    assert r == DateRange(start=date(2026, 11, 8), end=TODAY)
    assert r.days == 7


def test_all_time_starts_at_the_first_day_or_today() -> None:
    assert resolve_period(Period.ALL_TIME, today=TODAY, first_day=date(2025, 2, 3)).start == date(2025, 2, 3)
    assert resolve_period(Period.ALL_TIME, today=TODAY, first_day=None) == DateRange(start=TODAY, end=TODAY)


def test_previous_range_of_the_last_thirty_days_is_the_thirty_days_before() -> None:
    current = resolve_period(Period.LAST_30_DAYS, today=TODAY, first_day=None)  # Oct 16 .. Nov 14

    previous = previous_range(current)

    assert previous == DateRange(start=date(2026, 9, 16), end=date(2026, 10, 15))
    assert previous.days == 30


def test_a_range_iterates_its_days_and_contains_them() -> None:
    r = DateRange(start=date(2028, 2, 28), end=date(2028, 3, 1))

    assert list(r.dates()) == [date(2028, 2, 28), date(2028, 2, 29), date(2028, 3, 1)]
    assert date(2028, 2, 29) in r
    assert date(2028, 3, 2) not in r


def test_a_range_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError):
        DateRange(start=date(2026, 1, 2), end=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("days", "granularity"),
    [
        (1, Granularity.DAY),
        (31, Granularity.DAY),
        (32, Granularity.WEEK),
        (180, Granularity.WEEK),
        (181, Granularity.MONTH),
    ],
)
def test_granularity_follows_the_range_length(days: int, granularity: Granularity) -> None:
    assert choose_granularity(days_long(days), None) is granularity


def test_a_requested_granularity_is_kept() -> None:
    assert choose_granularity(days_long(365), Granularity.DAY) is Granularity.DAY
    assert choose_granularity(days_long(7), Granularity.HOUR) is Granularity.HOUR


def test_hourly_buckets_are_refused_beyond_seven_days() -> None:
    with pytest.raises(InvalidInput) as raised:
        choose_granularity(days_long(8), Granularity.HOUR)

    assert raised.value.field == "granularity"


def test_iso_week_starts_on_monday_across_the_year_boundary() -> None:
    assert date(2026, 12, 31).isocalendar()[:2] == (2026, 53)
    assert week_start(date(2026, 12, 31)) == date(2026, 12, 28)
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)
    assert week_start(date(2027, 1, 4)) == date(2027, 1, 4)


def test_month_start_in_a_leap_february() -> None:
    assert month_start(date(2028, 2, 29)) == date(2028, 2, 1)


def test_month_buckets_cover_a_leap_february_whole() -> None:
    r = DateRange(start=date(2028, 1, 15), end=date(2028, 3, 1))

    assert bucket_starts(r, Granularity.MONTH) == [date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1)]
    assert len(bucket_starts(DateRange(start=date(2028, 2, 1), end=date(2028, 2, 29)), Granularity.DAY)) == 29


def test_week_buckets_are_whole_iso_weeks_overlapping_the_range() -> None:
    r = DateRange(start=date(2026, 12, 30), end=date(2027, 1, 12))

    assert bucket_starts(r, Granularity.WEEK) == [date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 11)]


def test_month_buckets_cross_the_year() -> None:
    r = DateRange(start=date(2026, 11, 20), end=date(2027, 1, 5))

    assert bucket_starts(r, Granularity.MONTH) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


def test_hour_buckets_are_24_naive_local_hours_per_day() -> None:
    buckets = hour_buckets(DateRange(start=date(2026, 3, 29), end=date(2026, 3, 30)))

    assert len(buckets) == 48
    assert buckets[0] == datetime(2026, 3, 29, 0)
    assert buckets[-1] == datetime(2026, 3, 30, 23)
    assert buckets[0].tzinfo is None


def test_bucket_starts_refuses_hours() -> None:
    with pytest.raises(ValueError):
        bucket_starts(days_long(1), Granularity.HOUR)


def test_bucket_labels() -> None:
    assert bucket_label(date(2026, 11, 14), Granularity.DAY) == "Nov 14"
    assert bucket_label(date(2026, 11, 9), Granularity.WEEK) == "Nov 9"
    assert bucket_label(date(2026, 11, 1), Granularity.MONTH) == "Nov 2026"
    assert bucket_label(datetime(2026, 11, 14, 13), Granularity.HOUR) == "Nov 14 13:00"
    assert bucket_label(datetime(2026, 11, 14, 7), Granularity.HOUR) == "Nov 14 07:00"


def test_change_is_relative_to_the_previous_value_in_percent() -> None:
    change = period_change(12.0, 10.0)

    assert change.value == 12.0
    assert change.change == pytest.approx(20.0)
    assert change.direction is ChangeDirection.UP


def test_a_fall_is_down() -> None:
    change = period_change(0.6, 0.8)

    assert change.change == pytest.approx(-25.0)
    assert change.direction is ChangeDirection.DOWN


def test_a_change_within_the_flat_band_is_flat() -> None:
    assert period_change(100.5, 100.0).direction is ChangeDirection.FLAT  # +0.5 %
    assert period_change(101.0, 100.0).direction is ChangeDirection.UP  # +1 %, on the band's edge
    assert period_change(103.0, 100.0, flat_band_percent=5.0).direction is ChangeDirection.FLAT


def test_the_change_carries_the_previous_value_it_compares_with() -> None:
    assert period_change(12.0, 10.0).previous == 10.0


def test_a_negative_previous_value_uses_its_magnitude() -> None:
    assert period_change(-5.0, -10.0).change == pytest.approx(50.0)


def test_no_previous_value_has_no_change() -> None:
    assert period_change(3.0, None).change == period_change(3.0, 0.0).change
    assert period_change(3.0, None).direction == period_change(3.0, 0.0).direction
    assert (period_change(3.0, None).previous, period_change(3.0, 0.0).previous) == (None, 0.0)
    assert period_change(3.0, None).change is None
    assert period_change(3.0, None).direction is ChangeDirection.UP
    assert period_change(0.0, 0.0).direction is ChangeDirection.FLAT
