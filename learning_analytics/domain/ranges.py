"""What an analytics answer covers: a preset period or an explicit range of local days, resolved to
the days themselves and the comparable days just before them.

Every analytics query resolves its period the same way (`resolve_span`), so "the last 30 days",
"2026-03-01 to 2026-03-31", one day (`day_range`) and a calendar month (`month_range`) are the same
kind of value below the API.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import InvalidInput
from .periods import DateRange, Period, previous_range, resolve_period, week_start

RANGE_FIELD = "range"


@dataclass(frozen=True, slots=True)
class Span:
    """The local days an answer covers (`current`), the days of equal length just before them
    (`previous`, None when they would start before the calendar does), and the preset they came from
    (None for an explicit range)."""

    current: DateRange
    previous: DateRange | None
    period: Period | None = None

    @property
    def label(self) -> str:
        """The span as `meta.period` shows it: the preset's REST name ("30d"), else "start/end"
        (an ISO 8601 interval of local dates)."""
        if self.period is not None:
            return self.period.rest_name
        return f"{self.current.start.isoformat()}/{self.current.end.isoformat()}"

    @property
    def start(self) -> date:
        return self.current.start

    @property
    def end(self) -> date:
        return self.current.end

    @property
    def days(self) -> int:
        return self.current.days


def explicit_range(start: date, end: date, *, max_days: int) -> DateRange:
    """The local days from `start` to `end`, both included; InvalidInput naming `range` when the
    start comes after the end or the range holds more than `max_days` days."""
    if start > end:
        raise InvalidInput(
            f"range.start ({start}) must not come after range.end ({end})",
            field=RANGE_FIELD,
            code="invalid_range",
        )
    r = DateRange(start=start, end=end)
    if r.days > max_days:
        raise InvalidInput(
            f"range covers {r.days} days, more than the {max_days} an answer may cover",
            field=RANGE_FIELD,
            code="range_too_long",
            limit=max_days,
        )
    return r


def choose_range(period: Period | None, dates: DateRange | None, *, default: Period) -> Period | DateRange:
    """The period an answer covers: the explicit range, else the preset, else `default`.

    `period` is the preset the caller gave (None when not given): giving both is refused
    (InvalidInput naming `range`), since one answer cannot cover two periods."""
    if dates is not None and period is not None:
        raise InvalidInput(
            "give either period or range, not both", field=RANGE_FIELD, code="period_and_range"
        )
    if dates is not None:
        return dates
    return period if period is not None else default


def resolve_span(when: Period | DateRange, *, today: date, first_day: date | None) -> Span:
    """The local days of a preset period as of `today` (see `periods.resolve_period`) or an explicit
    range as it is, with the previous range of equal length: [start − days, start − 1]."""
    if isinstance(when, DateRange):
        return Span(current=when, previous=previous_range(when), period=None)
    current = resolve_period(when, today=today, first_day=first_day)
    return Span(current=current, previous=previous_range(current), period=when)


def limit_days(span: Span, max_days: int) -> Span:
    """A span cut to at most `max_days` days: a preset keeps its latest days (ALL_TIME over a long
    history), an explicit range longer than that is refused (InvalidInput naming `range`)."""
    if span.days <= max_days:
        return span
    if span.period is None:
        raise InvalidInput(
            f"range covers {span.days} days, more than the {max_days} this answer may cover",
            field=RANGE_FIELD,
            code="range_too_long",
            limit=max_days,
        )
    cut = DateRange(start=span.end - timedelta(days=max_days - 1), end=span.end)
    return Span(current=cut, previous=previous_range(cut), period=span.period)


def day_range(day: date) -> DateRange:
    """One local day (the guide's `get_daily_progress(date)`)."""
    return DateRange(start=day, end=day)


def week_range(day: date) -> DateRange:
    """The ISO week (Monday to Sunday) holding `day` (the guide's `get_weekly_progress(week_start)`)."""
    monday = week_start(day)
    return DateRange(start=monday, end=monday + timedelta(days=6))


def month_range(year: int, month: int) -> DateRange:
    """The calendar month `year`-`month`, its first day to its last (the guide's monthly progress
    and the monthly report); InvalidInput naming `month` (or `year`) outside the calendar."""
    if not 1 <= month <= 12:
        raise InvalidInput(f"month must be between 1 and 12, got {month}", field="month", code="out_of_range")
    if not date.min.year <= year <= date.max.year:
        raise InvalidInput(f"year must be between 1 and 9999, got {year}", field="year", code="out_of_range")
    return DateRange(start=date(year, month, 1), end=date(year, month, monthrange(year, month)[1]))
