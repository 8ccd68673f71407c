"""What an answer covers: presets and explicit ranges resolved to local days and the previous days,
one day and one calendar month as ranges, and every bad range named `range`."""

from __future__ import annotations

from datetime import date

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.periods import DateRange, Period
from learning_analytics.domain.ranges import (
    Span,
    choose_range,
    day_range,
    explicit_range,
    limit_days,
    month_range,
    resolve_span,
    week_range,
)

TODAY = date(2026, 3, 18)


def test_a_preset_covers_its_days_ending_today_and_the_same_number_before() -> None:
    span = resolve_span(Period.LAST_7_DAYS, today=TODAY, first_day=None)

    assert span.current == DateRange(date(2026, 3, 12), date(2026, 3, 18))
    assert span.previous == DateRange(date(2026, 3, 5), date(2026, 3, 11))
    assert span.period is Period.LAST_7_DAYS
    assert span.label == "7d"


def test_all_time_starts_on_the_first_day_with_data() -> None:
    span = resolve_span(Period.ALL_TIME, today=TODAY, first_day=date(2026, 3, 1))

    assert span.current == DateRange(date(2026, 3, 1), TODAY)
    assert span.previous == DateRange(date(2026, 2, 11), date(2026, 2, 28))  # 18 days before
    assert span.label == "all"


def test_an_explicit_range_is_itself_with_the_range_of_equal_length_before_it() -> None:
    march = DateRange(date(2026, 3, 1), date(2026, 3, 31))

    span = resolve_span(march, today=TODAY, first_day=None)

    assert span.current == march
    assert span.previous == DateRange(date(2026, 1, 29), date(2026, 2, 28))  # 31 days before
    assert span.period is None
    assert span.label == "2026-03-01/2026-03-31"
    assert span.days == 31


def test_a_range_from_the_first_day_of_the_calendar_has_no_previous_range() -> None:
    span = resolve_span(DateRange(date(1, 1, 1), date(1, 1, 5)), today=TODAY, first_day=None)

    assert span.previous is None


def test_one_day_a_week_and_a_month_are_ranges() -> None:
    assert day_range(TODAY) == DateRange(TODAY, TODAY)
    assert week_range(TODAY) == DateRange(date(2026, 3, 16), date(2026, 3, 22))  # Monday to Sunday
    assert month_range(2024, 2) == DateRange(date(2024, 2, 1), date(2024, 2, 29))  # leap year
    assert month_range(2026, 12) == DateRange(date(2026, 12, 1), date(2026, 12, 31))
    assert month_range(9999, 12).end == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("year", "month", "field"), [(2026, 0, "month"), (2026, 13, "month"), (0, 1, "year")]
)
def test_a_month_outside_the_calendar_is_refused(year: int, month: int, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        month_range(year, month)
    assert e.value.field == field


def test_an_explicit_range_ending_before_it_starts_is_refused_on_range() -> None:
    with pytest.raises(InvalidInput) as e:
        explicit_range(date(2026, 3, 2), date(2026, 3, 1), max_days=100)
    assert (e.value.field, e.value.code) == ("range", "invalid_range")


def test_an_explicit_range_longer_than_the_limit_is_refused_with_the_limit() -> None:
    assert explicit_range(date(2026, 1, 1), date(2026, 1, 10), max_days=10).days == 10
    with pytest.raises(InvalidInput) as e:
        explicit_range(date(2026, 1, 1), date(2026, 1, 11), max_days=10)
    assert (e.value.field, e.value.code, e.value.limit) == ("range", "range_too_long", 10)


def test_period_and_range_together_are_refused_and_neither_takes_the_default() -> None:
    r = DateRange(date(2026, 3, 1), date(2026, 3, 2))

    assert choose_range(None, r, default=Period.LAST_30_DAYS) == r
    assert choose_range(Period.LAST_7_DAYS, None, default=Period.LAST_30_DAYS) is Period.LAST_7_DAYS
    assert choose_range(None, None, default=Period.LAST_30_DAYS) is Period.LAST_30_DAYS
    with pytest.raises(InvalidInput) as e:
        choose_range(Period.LAST_7_DAYS, r, default=Period.LAST_30_DAYS)
    assert (e.value.field, e.value.code) == ("range", "period_and_range")


def test_a_long_preset_keeps_its_latest_days_and_a_long_range_is_refused() -> None:
    year = Span(current=DateRange(date(2025, 3, 19), TODAY), previous=None, period=Period.LAST_365_DAYS)

    cut = limit_days(year, 30)

    assert cut.current == DateRange(date(2026, 2, 17), TODAY)
    assert cut.previous == DateRange(date(2026, 1, 18), date(2026, 2, 16))
    assert cut.period is Period.LAST_365_DAYS
    with pytest.raises(InvalidInput) as e:
        limit_days(Span(current=year.current, previous=None), 30)
    assert (e.value.field, e.value.limit) == ("range", 30)
