"""When the learner studies: the `activityHeatmap` query (weeks × weekdays and weekday × hour)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from ..resolvers import activity as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Period
from .ranges import DateRangeInput, DateSpan, echoed, when
from .shared import Meta


@strawberry.type(
    description="One row per ISO week touching the period (`weekStarts`, its Monday), one column per "
    "weekday (Monday first); null for days outside the period, 0 for days without activity."
)
class WeekHeatmap:
    week_starts: list[date]
    weekdays: list[str]
    sessions: list[list[int | None]]
    exchanges: list[list[int | None]]
    minutes: list[list[float | None]]
    active_days: int
    max_sessions: int
    max_minutes: float


@strawberry.type(
    description="Seven rows (Monday first) of 24 local hours, summed over the period: sessions started "
    "and their minutes in the hour they started, exchanges in the hour they happened; the peak is the "
    "cell with most exchanges (then sessions), null without activity."
)
class HourHeatmap:
    weekdays: list[str]
    hours: list[int]
    sessions: list[list[int]]
    exchanges: list[list[int]]
    minutes: list[list[float]]
    peak_weekday: str | None
    peak_hour: int | None


@strawberry.type
class ActivityHeatmap:
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan
    weeks: WeekHeatmap
    hours: HourHeatmap
    meta: Meta

    @classmethod
    def from_domain(cls, a: resolver.HeatmapAnswer, argument: Period) -> ActivityHeatmap:
        w, h = a.weeks, a.hours
        return cls(
            period=echoed(a.period, argument),
            dates=DateSpan.from_domain(a.span),
            weeks=WeekHeatmap(**w.fields()),
            hours=HourHeatmap(**h.fields()),
            meta=Meta.from_domain(a.meta),
        )


@strawberry.type
class ActivityQuery:
    @strawberry.field(
        description="Activity by local day as weeks × weekdays, and by weekday × hour of day, over the "
        "period (or the local days of `range`): at most LA_LIMITS__MAX_HEATMAP_DAYS (371) days."
    )
    @argument_rules
    async def activity_heatmap(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_90_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
    ) -> ActivityHeatmap:
        preset, dates = when(info, period, range_)
        answer = await resolver.heatmap(info.context, period=preset, dates=dates)
        return ActivityHeatmap.from_domain(answer, period)
