"""Goal periods on the user's local calendar: a day, an ISO week, a month, or creation to deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from learning_analytics.domain.goals.kinds import GoalFrequency
from learning_analytics.domain.goals.model import GoalPeriod
from learning_analytics.domain.periods import month_start, week_start

_ONE_DAY = timedelta(days=1)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day, in UTC.

    Midnight is built as a wall-clock time in `tz` (fold 0). Where a DST change skips midnight
    (clocks jump from 23:59:59 to 01:00), fold 0 takes the offset before the jump, which lands on
    the first instant that exists that day; where midnight repeats, the first one is taken.
    """
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    """The user's local date at `now` (an aware instant)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(tz).date()


def _month_end(day: date) -> date:
    first_next = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return first_next - _ONE_DAY


def calendar_period(frequency: GoalFrequency, day: date) -> tuple[date, date]:
    """The local days of the calendar period holding `day`, both included: the day itself (DAILY),
    its ISO week Monday..Sunday (WEEKLY), its calendar month 1st..last (MONTHLY)."""
    if frequency is GoalFrequency.DAILY:
        return day, day
    if frequency is GoalFrequency.WEEKLY:
        monday = week_start(day)
        return monday, monday + timedelta(days=6)
    if frequency is GoalFrequency.MONTHLY:
        return month_start(day), _month_end(day)
    raise ValueError("a ONE_TIME goal has no calendar period: use goal_period")


def period_of(start: date, end: date | None, tz: ZoneInfo) -> GoalPeriod:
    """The local days start..end (end None: open-ended) with their UTC bounds in `tz`."""
    return GoalPeriod(
        start=start,
        end=end,
        start_at=local_midnight(start, tz),
        end_at=None if end is None else local_midnight(end + _ONE_DAY, tz),
    )


def goal_period(
    frequency: GoalFrequency, *, day: date, created_on: date, deadline: date | None, tz: ZoneInfo
) -> GoalPeriod:
    """The period a goal measures on local `day`.

    - DAILY / WEEKLY / MONTHLY: the calendar period holding `day` (`calendar_period`), its end cut
      to the deadline when the deadline falls inside it (a goal's life ends on its deadline). A
      period may start before the goal was created: a weekly goal created on a Wednesday counts
      the whole week, Monday included.
    - ONE_TIME: from the creation day `created_on` to the deadline, or open-ended without one.
    """
    if frequency is GoalFrequency.ONE_TIME:
        return period_of(created_on, deadline, tz)
    start, end = calendar_period(frequency, day)
    if deadline is not None and start <= deadline < end:
        end = deadline
    return period_of(start, end, tz)


def next_period(
    frequency: GoalFrequency, current: GoalPeriod, *, deadline: date | None, tz: ZoneInfo
) -> GoalPeriod | None:
    """The periodic goal's period after `current`, or None when `current` was its last (the next one
    would begin after the deadline, or `current` is open-ended)."""
    if current.end is None or not frequency.periodic:
        return None
    first = current.end + _ONE_DAY
    if deadline is not None and first > deadline:
        return None
    return goal_period(frequency, day=first, created_on=first, deadline=deadline, tz=tz)
