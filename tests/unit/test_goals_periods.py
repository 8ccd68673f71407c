"""Goal periods: local days, ISO weeks and months as local dates and as UTC instants, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.goals import (
    GoalFrequency,
    GoalPeriod,
    goal_period,
    local_midnight,
    local_today,
    next_period,
)

DAILY, WEEKLY, MONTHLY, ONE_TIME = (
    GoalFrequency.DAILY,
    GoalFrequency.WEEKLY,
    GoalFrequency.MONTHLY,
    GoalFrequency.ONE_TIME,
)
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
AUCKLAND = ZoneInfo("Pacific/Auckland")
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC_ZONE = ZoneInfo("UTC")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def period(frequency: GoalFrequency, day: date, tz: ZoneInfo, deadline: date | None = None) -> GoalPeriod:
    return goal_period(frequency, day=day, created_on=day, deadline=deadline, tz=tz)


def hours(p: GoalPeriod) -> float:
    assert p.end_at is not None
    return (p.end_at - p.start_at) / timedelta(hours=1)


def test_a_daily_period_in_utc_is_the_day_from_midnight_to_midnight() -> None:
    p = period(DAILY, date(2026, 3, 10), UTC_ZONE)

    assert (p.start, p.end) == (date(2026, 3, 10), date(2026, 3, 10))
    assert p.start_at == utc("2026-03-10T00:00")
    assert p.end_at == utc("2026-03-11T00:00")


def test_paris_spring_forward_day_lasts_23_hours() -> None:
    p = period(DAILY, date(2026, 3, 29), PARIS)  # 02:00 CET becomes 03:00 CEST

    assert p.start_at == utc("2026-03-28T23:00")  # 00:00 +01:00
    assert p.end_at == utc("2026-03-29T22:00")  # next midnight at +02:00
    assert hours(p) == 23


def test_paris_fall_back_day_lasts_25_hours() -> None:
    p = period(DAILY, date(2026, 10, 25), PARIS)

    assert p.start_at == utc("2026-10-24T22:00")
    assert p.end_at == utc("2026-10-25T23:00")
    assert hours(p) == 25


def test_paris_week_across_the_march_change_is_monday_to_sunday_and_167_hours() -> None:
    p = period(WEEKLY, date(2026, 3, 25), PARIS)  # a Wednesday

    assert (p.start, p.end) == (date(2026, 3, 23), date(2026, 3, 29))
    assert p.start_at == utc("2026-03-22T23:00")
    assert p.end_at == utc("2026-03-29T22:00")
    assert hours(p) == 167


def test_paris_week_across_the_october_change_is_169_hours() -> None:
    p = period(WEEKLY, date(2026, 10, 25), PARIS)  # the Sunday of the change ends the week

    assert (p.start, p.end) == (date(2026, 10, 19), date(2026, 10, 25))
    assert p.start_at == utc("2026-10-18T22:00")
    assert p.end_at == utc("2026-10-25T23:00")
    assert hours(p) == 169


def test_new_york_week_holding_the_spring_change() -> None:
    p = period(WEEKLY, date(2026, 3, 2), NEW_YORK)  # Monday; DST starts Sunday 8 March

    assert (p.start, p.end) == (date(2026, 3, 2), date(2026, 3, 8))
    assert p.start_at == utc("2026-03-02T05:00")  # 00:00 EST
    assert p.end_at == utc("2026-03-09T04:00")  # 00:00 EDT


def test_new_york_november_starts_in_daylight_time_and_ends_in_standard_time() -> None:
    p = period(MONTHLY, date(2026, 11, 17), NEW_YORK)

    assert (p.start, p.end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert p.start_at == utc("2026-11-01T04:00")
    assert p.end_at == utc("2026-12-01T05:00")


def test_auckland_april_begins_at_plus_13_and_ends_at_plus_12() -> None:
    p = period(MONTHLY, date(2026, 4, 5), AUCKLAND)  # NZDT ends that Sunday

    assert p.start_at == utc("2026-03-31T11:00")
    assert p.end_at == utc("2026-04-30T12:00")


def test_auckland_september_change_day_lasts_23_hours() -> None:
    p = period(DAILY, date(2026, 9, 27), AUCKLAND)

    assert p.start_at == utc("2026-09-26T12:00")
    assert p.end_at == utc("2026-09-27T11:00")
    assert hours(p) == 23


def test_kolkata_new_year_eve_and_december() -> None:
    day = period(DAILY, date(2026, 12, 31), KOLKATA)
    month = period(MONTHLY, date(2026, 12, 31), KOLKATA)

    assert day.start_at == utc("2026-12-30T18:30")
    assert day.end_at == utc("2026-12-31T18:30")
    assert (month.start, month.end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert month.start_at == utc("2026-11-30T18:30")
    assert month.end_at == utc("2026-12-31T18:30")


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 31), date(2026, 1, 1), date(2026, 1, 31)),
        (date(2024, 2, 10), date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_a_monthly_period_is_the_calendar_month(day: date, first: date, last: date) -> None:
    p = period(MONTHLY, day, UTC_ZONE)

    assert (p.start, p.end) == (first, last)
    assert p.end_at == datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)


def test_the_month_after_december_is_january_of_the_next_year() -> None:
    december = period(MONTHLY, date(2026, 12, 31), KOLKATA)

    january = next_period(MONTHLY, december, deadline=None, tz=KOLKATA)

    assert january is not None
    assert (january.start, january.end) == (date(2027, 1, 1), date(2027, 1, 31))
    assert january.start_at == december.end_at


def test_the_month_after_january_ends_on_february_28_or_29() -> None:
    for year, last in ((2026, 28), (2024, 29)):
        february = next_period(
            MONTHLY, period(MONTHLY, date(year, 1, 31), UTC_ZONE), deadline=None, tz=UTC_ZONE
        )
        assert february is not None
        assert (february.start, february.end) == (date(year, 2, 1), date(year, 2, last))


def test_the_iso_week_of_new_year_starts_in_december() -> None:
    p = period(WEEKLY, date(2026, 1, 1), UTC_ZONE)  # a Thursday

    assert (p.start, p.end) == (date(2025, 12, 29), date(2026, 1, 4))


def test_the_next_week_starts_where_the_previous_one_ends_across_dst() -> None:
    week = period(WEEKLY, date(2026, 3, 25), PARIS)

    following = next_period(WEEKLY, week, deadline=None, tz=PARIS)

    assert following is not None
    assert (following.start, following.end) == (date(2026, 3, 30), date(2026, 4, 5))
    assert following.start_at == week.end_at == utc("2026-03-29T22:00")
    assert hours(following) == 168


def test_a_one_time_period_runs_from_creation_to_the_deadline_or_stays_open() -> None:
    bounded = goal_period(
        ONE_TIME, day=date(2026, 3, 12), created_on=date(2026, 3, 10), deadline=date(2026, 3, 20), tz=PARIS
    )
    open_ended = goal_period(
        ONE_TIME, day=date(2026, 3, 12), created_on=date(2026, 3, 10), deadline=None, tz=PARIS
    )

    assert (bounded.start, bounded.end) == (date(2026, 3, 10), date(2026, 3, 20))
    assert bounded.start_at == utc("2026-03-09T23:00")
    assert bounded.end_at == utc("2026-03-20T23:00")
    assert (open_ended.end, open_ended.end_at) == (None, None)
    assert next_period(ONE_TIME, bounded, deadline=date(2026, 3, 20), tz=PARIS) is None


def test_a_deadline_inside_a_week_cuts_the_last_period_and_ends_the_series() -> None:
    p = period(WEEKLY, date(2026, 3, 23), PARIS, deadline=date(2026, 3, 25))

    assert (p.start, p.end) == (date(2026, 3, 23), date(2026, 3, 25))
    assert p.end_at == utc("2026-03-25T23:00")
    assert next_period(WEEKLY, p, deadline=date(2026, 3, 25), tz=PARIS) is None


def test_a_skipped_local_midnight_starts_the_day_at_its_first_instant() -> None:
    santiago = ZoneInfo("America/Santiago")  # 6 Sept 2026: 00:00 -04 jumps to 01:00 -03

    assert local_midnight(date(2026, 9, 6), santiago) == utc("2026-09-06T04:00")
    assert period(DAILY, date(2026, 9, 5), santiago).end_at == utc("2026-09-06T04:00")


def test_local_today_follows_the_timezone_and_refuses_naive_instants() -> None:
    now = utc("2026-03-10T02:00")

    assert local_today(now, NEW_YORK) == date(2026, 3, 9)
    assert local_today(now, AUCKLAND) == date(2026, 3, 10)
    assert local_today(utc("2026-03-10T12:00"), AUCKLAND) == date(2026, 3, 11)
    with pytest.raises(ValueError):
        local_today(datetime(2026, 3, 10), NEW_YORK)


def test_membership_of_a_period() -> None:
    p = period(WEEKLY, date(2026, 3, 25), PARIS)

    assert date(2026, 3, 23) in p and date(2026, 3, 29) in p
    assert date(2026, 3, 22) not in p and date(2026, 3, 30) not in p
