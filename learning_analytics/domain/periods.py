"""Reporting periods on the local calendar: date ranges, buckets, labels and period-over-period change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .errors import InvalidInput

DAY_MAX_DAYS = 31
WEEK_MAX_DAYS = 180
HOUR_MAX_DAYS = 7
_ONE_DAY = timedelta(days=1)
_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Period(StrEnum):
    LAST_7_DAYS = "last_7_days"
    LAST_14_DAYS = "last_14_days"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    LAST_365_DAYS = "last_365_days"
    ALL_TIME = "all_time"

    @property
    def days(self) -> int | None:
        """The number of local days the period covers; None for ALL_TIME."""
        return _PERIOD_DAYS[self]

    @property
    def rest_name(self) -> str:
        """The REST spelling of the period: "7d", "14d", "30d", "90d", "365d" or "all"."""
        return _REST_NAMES[self]

    @classmethod
    def from_rest(cls, text: str) -> Period:
        """The period named by a REST `period` parameter ("7d" … "365d", "all"), case and blanks ignored."""
        name = text.strip().lower()
        for period, rest_name in _REST_NAMES.items():
            if rest_name == name:
                return period
        accepted = ", ".join(_REST_NAMES.values())
        raise InvalidInput(f"period must be one of {accepted}, got {text!r}", field="period")


_PERIOD_DAYS: dict[Period, int | None] = {
    Period.LAST_7_DAYS: 7,
    Period.LAST_14_DAYS: 14,
    Period.LAST_30_DAYS: 30,
    Period.LAST_90_DAYS: 90,
    Period.LAST_365_DAYS: 365,
    Period.ALL_TIME: None,
}
_REST_NAMES: dict[Period, str] = {
    Period.LAST_7_DAYS: "7d",
    Period.LAST_14_DAYS: "14d",
    Period.LAST_30_DAYS: "30d",
    Period.LAST_90_DAYS: "90d",
    Period.LAST_365_DAYS: "365d",
    Period.ALL_TIME: "all",
}


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class ChangeDirection(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@dataclass(frozen=True, slots=True)
class DateRange:
    """The local days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a date range ends on or after its start, got {self.start} .. {self.end}")

    @property
    def days(self) -> int:
        """The number of days in the range: (end − start) + 1."""
        return (self.end - self.start).days + 1

    def dates(self) -> Iterator[date]:
        """Each day of the range, in order."""
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= _as_date(day) <= self.end


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def resolve_period(period: Period, *, today: date, first_day: date | None) -> DateRange:
    """The local days a period covers as of `today`.

    LAST_N_DAYS = [today − (N − 1), today]; ALL_TIME = [first_day, today], from today when the
    user has no first day yet (or a first day after today).
    """
    n = period.days
    if n is None:
        start = today if first_day is None else min(first_day, today)
        return DateRange(start=start, end=today)
    return DateRange(start=today - timedelta(days=n - 1), end=today)


def previous_range(current: DateRange) -> DateRange:
    """The range of the same length just before: [start − days, start − 1]."""
    end = current.start - _ONE_DAY
    return DateRange(start=end - timedelta(days=current.days - 1), end=end)


def choose_granularity(r: DateRange, requested: Granularity | None) -> Granularity:
    """The bucket size for a range: the requested one, else DAY up to 31 days, WEEK up to 180, MONTH beyond.

    HOUR is refused (InvalidInput on `granularity`) for ranges longer than 7 days.
    """
    if requested is None:
        if r.days <= DAY_MAX_DAYS:
            return Granularity.DAY
        if r.days <= WEEK_MAX_DAYS:
            return Granularity.WEEK
        return Granularity.MONTH
    if requested is Granularity.HOUR and r.days > HOUR_MAX_DAYS:
        raise InvalidInput(
            f"hourly buckets are available for at most {HOUR_MAX_DAYS} days, got {r.days}",
            field="granularity",
        )
    return requested


def week_start(d: date) -> date:
    """The Monday of the ISO week holding `d`: d − weekday(d)."""
    return d - timedelta(days=d.weekday())


def month_start(d: date) -> date:
    """The first day of the month holding `d`."""
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def bucket_starts(r: DateRange, granularity: Granularity) -> list[date]:
    """The first days of the calendar buckets (day, ISO week, month) that overlap the range, in order.

    The first week or month bucket may start before `r.start`: buckets are whole calendar periods,
    so the same week is the same bucket whatever range asks for it. HOUR has its own `hour_buckets`.
    """
    if granularity is Granularity.HOUR:
        raise ValueError("hourly buckets are datetimes: use hour_buckets")
    if granularity is Granularity.DAY:
        return list(r.dates())
    starts: list[date] = []
    if granularity is Granularity.WEEK:
        current = week_start(r.start)
        while current <= r.end:
            starts.append(current)
            current += timedelta(days=7)
        return starts
    current = month_start(r.start)
    while current <= r.end:
        starts.append(current)
        current = _next_month(current)
    return starts


def hour_buckets(r: DateRange) -> list[datetime]:
    """The 24 naive local wall-clock hours of each day of the range, in order (24 × days buckets).

    Wall-clock hours ignore DST: a skipped hour is an empty bucket, a repeated hour is one bucket.
    """
    return [datetime.combine(day, time(hour)) for day in r.dates() for hour in range(24)]


def bucket_label(start: date, granularity: Granularity) -> str:
    """A chart label for a bucket: "Nov 14" (day), "Nov 10" (week, its Monday), "Nov 2026" (month),
    "Nov 14 13:00" (hour; a plain date is taken as 00:00)."""
    month = _MONTH_ABBREVIATIONS[start.month - 1]
    if granularity is Granularity.MONTH:
        return f"{month} {start.year}"
    if granularity is Granularity.HOUR:
        hour = start.hour if isinstance(start, datetime) else 0
        return f"{month} {start.day} {hour:02d}:00"
    return f"{month} {start.day}"


@dataclass(frozen=True, slots=True)
class MetricChange:
    """A metric's value this period and its change from the previous period, in percent."""

    value: float
    change: float | None
    direction: ChangeDirection


def period_change(current: float, previous: float | None, *, flat_band_percent: float = 1.0) -> MetricChange:
    """The change of a metric from the previous period: change = (current − previous) / |previous| × 100.

    Direction FLAT when |change| < flat_band_percent, else UP or DOWN by its sign. With no previous
    value (None or 0) the change is None and the direction UP when current > 0, else FLAT.
    """
    if previous is None or previous == 0:
        return MetricChange(
            value=current,
            change=None,
            direction=ChangeDirection.UP if current > 0 else ChangeDirection.FLAT,
        )
    change = (current - previous) / abs(previous) * 100.0
    if abs(change) < flat_band_percent:
        direction = ChangeDirection.FLAT
    elif change > 0:
        direction = ChangeDirection.UP
    else:
        direction = ChangeDirection.DOWN
    return MetricChange(value=current, change=change, direction=direction)
