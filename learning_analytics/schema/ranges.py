"""The `range` argument of the analytics queries (an explicit span of local days, instead of a
preset `period`) and the `dates` every analytics answer reports."""

from __future__ import annotations

from datetime import date

import strawberry

from ..domain import periods, ranges
from ..resolvers.calendar import requested
from .arguments import given
from .context import Info
from .enums import Period, by_name


@strawberry.input(
    name="DateRange",
    description="An explicit span of the caller's local days, both ends included; used instead of "
    "`period` where given. At most LA_LIMITS__MAX_RANGE_DAYS days (3660), start not after end.",
)
class DateRangeInput:
    start: date
    end: date


@strawberry.type(
    description="The local days an answer covers, and the days of equal length just before them that "
    "its changes compare against (null before the calendar's first day)."
)
class DateSpan:
    start: date
    end: date
    days: int
    previous_start: date | None
    previous_end: date | None

    @classmethod
    def from_domain(cls, s: ranges.Span) -> DateSpan:
        return cls(
            start=s.start,
            end=s.end,
            days=s.days,
            previous_start=s.previous.start if s.previous else None,
            previous_end=s.previous.end if s.previous else None,
        )


def when(
    info: Info, period: Period, range_: DateRangeInput | None
) -> tuple[periods.Period, periods.DateRange | None]:
    """What the query asks to cover, as the use cases take it (`period`, `dates`): `range` when given
    (checked: start ≤ end, its length, and not together with an explicit `period`), else `period`
    (its default when omitted). Errors are InvalidInput naming `range`, which `argument_rules`
    reports as BAD_USER_INPUT."""
    chosen = by_name(period, periods.Period)
    asked = requested(
        info.context,
        period=chosen if given(info, "period") else None,
        start=range_.start if range_ else None,
        end=range_.end if range_ else None,
        default=chosen,
    )
    if isinstance(asked, periods.DateRange):
        return chosen, asked
    return asked, None


def echoed(answered: periods.Period | None, argument: Period) -> Period:
    """The answer's `period`: the preset it covers, or, for an explicit range, the `period` argument
    as the schema shows it (its default); `dates` holds the days either way."""
    return by_name(answered, Period) if answered is not None else argument
