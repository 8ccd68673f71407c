"""The overview of a period: its totals, their change against the previous period, the streak, and
the newest insights, goals and achievements: the `overview` query."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ..domain import periods
from ..resolvers import overview as resolver
from .achievements import Achievement, recent_achievements
from .arguments import OrDefault, argument_rules, selected
from .context import Info
from .enums import ChangeDirection, Period, by_name
from .goals import Goal, active_goals
from .insights import Insight, recent_insights
from .ranges import DateRangeInput, DateSpan, echoed, when
from .shared import Meta
from .streaks import Streak


@strawberry.type(description="Totals of the period.")
class Summary:
    total_sessions: int
    total_exchanges: int
    avg_quality: float | None = strawberry.field(
        description="Mean composite quality of the period's exchanges."
    )
    streak_days: int
    unique_topics: int
    total_minutes: float
    median_session_minutes: float | None = strawberry.field(
        description="The median duration of the period's sessions that have an end; null without any."
    )

    @classmethod
    def from_domain(cls, s: resolver.Summary) -> Summary:
        return cls(
            total_sessions=s.total_sessions,
            total_exchanges=s.total_exchanges,
            avg_quality=s.avg_quality,
            streak_days=s.streak_days,
            unique_topics=s.unique_topics,
            total_minutes=s.total_minutes,
            median_session_minutes=s.median_session_minutes,
        )


@strawberry.type(description="A value and its change (%) against the previous period of equal length.")
class MetricChange:
    value: float
    change: float | None
    direction: ChangeDirection

    @classmethod
    def from_domain(cls, m: periods.MetricChange) -> MetricChange:
        return cls(value=m.value, change=m.change, direction=by_name(m.direction, ChangeDirection))


@strawberry.type
class OverviewTrends:
    sessions: MetricChange
    quality: MetricChange
    engagement: MetricChange = strawberry.field(description="Exchanges per session.")


@strawberry.type
class Overview:
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan = strawberry.field(description="The local days covered and the previous ones.")
    summary: Summary
    trends: OverviewTrends
    streak: Streak
    meta: Meta

    @strawberry.field(description="The newest insights that are not dismissed.")
    async def recent_insights(self, info: Info) -> list[Insight]:
        return await recent_insights(info, limit=info.context.settings.insights.max_insights)

    @strawberry.field(description="The caller's active goals, with their progress.")
    async def active_goals(self, info: Info) -> list[Goal]:
        return await active_goals(info)

    @strawberry.field(description="The caller's newest unlocked achievements, newest first.")
    async def recent_achievements(self, info: Info) -> list[Achievement]:
        return await recent_achievements(info)

    @classmethod
    def from_domain(cls, o: resolver.OverviewAnswer, argument: Period = Period.LAST_30_DAYS) -> Overview:
        return cls(
            period=echoed(o.period, argument),
            dates=DateSpan.from_domain(o.span),
            summary=Summary.from_domain(o.summary),
            trends=OverviewTrends(
                sessions=MetricChange.from_domain(o.sessions),
                quality=MetricChange.from_domain(o.quality),
                engagement=MetricChange.from_domain(o.engagement),
            ),
            streak=Streak.from_domain(o.streak),
            meta=Meta.from_domain(o.meta),
        )


@strawberry.type
class OverviewQuery:
    @strawberry.field(
        description="Summary of the period (or of the local days of `range`), its change against the "
        "previous one of equal length, and the streak."
    )
    @argument_rules
    async def overview(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
    ) -> Overview:
        preset, dates = when(info, period, range_)
        answer = await resolver.overview(
            info.context,
            period=preset,
            dates=dates,
            with_median=selected(info, "summary", "medianSessionMinutes"),
        )
        return Overview.from_domain(answer, period)
