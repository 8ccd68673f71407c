"""Reporting periods on the local calendar: date ranges, buckets, labels and period-over-period change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .errors import InvalidInput

# Implicit granularity: DAY up to 31 days, WEEK up to 180, MONTH beyond (a presentation choice;
# the bucket limits are `BucketLimits`).
DAY_MAX_DAYS = 31
WEEK_MAX_DAYS = 180
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


def previous_range(current: DateRange) -> DateRange | None:
    """The range of the same length just before: [start − days, start − 1]; None when it would
    begin before the calendar does (a history reaching back to year 1)."""
    if current.start - date.min < timedelta(days=current.days):
        return None
    end = current.start - _ONE_DAY
    return DateRange(start=end - timedelta(days=current.days - 1), end=end)


@dataclass(frozen=True, slots=True)
class BucketLimits:
    """The most buckets one answer may hold, per granularity."""

    hour: int = 168
    day: int = 400
    week: int = 520
    month: int = 600

    def of(self, granularity: Granularity) -> int:
        return {
            Granularity.HOUR: self.hour,
            Granularity.DAY: self.day,
            Granularity.WEEK: self.week,
            Granularity.MONTH: self.month,
        }[granularity]


def bucket_count(r: DateRange, granularity: Granularity) -> int:
    """How many calendar buckets overlap the range, counted without building them:
    HOUR 24 × days, DAY days, WEEK whole ISO weeks touched, MONTH calendar months touched."""
    if granularity is Granularity.HOUR:
        return 24 * r.days
    if granularity is Granularity.DAY:
        return r.days
    if granularity is Granularity.WEEK:
        return (week_start(r.end) - week_start(r.start)).days // 7 + 1
    return (r.end.year - r.start.year) * 12 + r.end.month - r.start.month + 1


_COARSER = {
    Granularity.HOUR: Granularity.DAY,
    Granularity.DAY: Granularity.WEEK,
    Granularity.WEEK: Granularity.MONTH,
}


def choose_granularity(
    r: DateRange, requested: Granularity | None, *, limits: BucketLimits = BucketLimits()
) -> Granularity:
    """The bucket size for a range: the requested one, else DAY up to 31 days, WEEK up to 180, MONTH
    beyond — made coarser while it would exceed its bucket limit (MONTH is the coarsest: the caller
    then keeps the latest months, see `latest_buckets`).

    A requested granularity with more buckets than its limit is refused (InvalidInput on `granularity`).
    """
    if requested is not None:
        count, cap = bucket_count(r, requested), limits.of(requested)
        if count > cap:
            raise InvalidInput(
                f"{requested.name} buckets over {r.days} days would be {count}, more than the {cap} "
                f"an answer may hold: choose a coarser granularity or a shorter period",
                field="granularity",
                code="too_many_buckets",
                limit=cap,
            )
        return requested
    if r.days <= DAY_MAX_DAYS:
        chosen = Granularity.DAY
    elif r.days <= WEEK_MAX_DAYS:
        chosen = Granularity.WEEK
    else:
        chosen = Granularity.MONTH
    while chosen in _COARSER and bucket_count(r, chosen) > limits.of(chosen):
        chosen = _COARSER[chosen]
    return chosen


def _most_touched(days: int, granularity: Granularity) -> int:
    return {
        Granularity.HOUR: 24 * days,
        Granularity.DAY: days,
        Granularity.WEEK: 1 + (days + 5) // 7,
        Granularity.MONTH: 1 + (days + 26) // 28,
    }[granularity]


def most_buckets(days: int | None, granularity: Granularity | None, limits: BucketLimits) -> int:
    """The most buckets a progress answer over `days` consecutive local days (None: all time, of
    any length) can hold, for a requested granularity or the implicit choice (`choose_granularity`).

    N days touch at most: HOUR 24·N, DAY N, WEEK 1 + ⌈(N − 1)/7⌉, MONTH 1 + ⌈(N − 1)/28⌉ buckets,
    and an answer never holds more than its granularity's limit."""
    if granularity is not None:
        cap = limits.of(granularity)
        return cap if days is None else min(_most_touched(days, granularity), cap)
    if days is None:
        # An implicit DAY spans at most 31 days and an implicit WEEK 180; MONTH up to its limit.
        return max(
            min(DAY_MAX_DAYS, limits.day),
            min(_most_touched(WEEK_MAX_DAYS, Granularity.WEEK), limits.week),
            limits.month,
        )
    if days <= DAY_MAX_DAYS:
        chosen = Granularity.DAY
    elif days <= WEEK_MAX_DAYS:
        chosen = Granularity.WEEK
    else:
        chosen = Granularity.MONTH
    most = min(_most_touched(days, chosen), limits.of(chosen))
    while chosen in _COARSER and _most_touched(days, chosen) > limits.of(chosen):
        chosen = _COARSER[chosen]
        most = max(most, min(_most_touched(days, chosen), limits.of(chosen)))
    return most


def latest_buckets(r: DateRange, granularity: Granularity, limit: int) -> DateRange:
    """The range cut to its latest `limit` buckets: it then starts on the first day of the earliest
    bucket kept (or at its own start, when it already fits)."""
    if bucket_count(r, granularity) <= limit:
        return r
    if granularity is Granularity.HOUR:
        start = r.end - timedelta(days=max(1, limit // 24) - 1)
    elif granularity is Granularity.DAY:
        start = r.end - timedelta(days=limit - 1)
    elif granularity is Granularity.WEEK:
        start = week_start(r.end) - timedelta(days=7 * (limit - 1))
    else:
        months = r.end.year * 12 + r.end.month - 1 - (limit - 1)
        start = date(months // 12, months % 12 + 1, 1)
    return DateRange(start=start, end=r.end)


def latest_days(r: DateRange, limit: int) -> DateRange:
    """The range cut to its latest `limit` days (unchanged when it is not longer)."""
    return latest_buckets(r, Granularity.DAY, limit)


def week_start(d: date) -> date:
    """The Monday of the ISO week holding `d`: d − weekday(d)."""
    return d - timedelta(days=d.weekday())


def month_start(d: date) -> date:
    """The first day of the month holding `d`."""
    return d.replace(day=1)


def bucket_start(granularity: Granularity, d: date) -> date:
    """The first day of the `granularity` bucket holding `d`: its ISO week's Monday, its month's first
    day, else `d` itself (a day, or the day of an hour)."""
    if granularity is Granularity.WEEK:
        return week_start(d)
    if granularity is Granularity.MONTH:
        return month_start(d)
    return d


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
    previous: float | None = None


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
            previous=previous,
        )
    change = (current - previous) / abs(previous) * 100.0
    if abs(change) < flat_band_percent:
        direction = ChangeDirection.FLAT
    elif change > 0:
        direction = ChangeDirection.UP
    else:
        direction = ChangeDirection.DOWN
    return MetricChange(value=current, change=change, direction=direction, previous=previous)
