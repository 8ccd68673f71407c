"""`GET /api/analytics/overview`: the seed's summary dashboard."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain.insights import StoredInsight
from ..domain.streaks import Streak as DomainStreak
from ..resolvers import insights as insights_resolver
from ..resolvers import overview as resolver
from .endpoints import context, endpoint, query
from .insights import Insight
from .models import Change, Meta, Model
from .params import period_param
from .responses import json_response


class Summary(Model):
    total_sessions: int
    total_exchanges: int
    avg_quality: float | None = Field(description="Mean composite quality of the period's exchanges.")
    streak_days: int
    unique_topics: int
    total_minutes: float


class OverviewTrends(Model):
    sessions: Change
    quality: Change
    engagement: Change = Field(description="Exchanges per session.")


class Streak(Model):
    """The seed's streak (`current`, `best`, `today_complete`) with the days behind it."""

    current: int
    best: int = Field(description="The longest run of active days ever.")
    today_complete: bool
    last_active_date: date | None
    started_on: date | None
    freezes_available: int
    frozen_days: list[date]

    @classmethod
    def of(cls, s: DomainStreak) -> Streak:
        return cls(
            current=s.current,
            best=s.longest,
            today_complete=s.today_complete,
            last_active_date=s.last_active_date,
            started_on=s.started_on,
            freezes_available=s.freezes_available,
            frozen_days=list(s.frozen_days),
        )


class OverviewAnswer(Model):
    summary: Summary
    trends: OverviewTrends
    streak: Streak
    recent_insights: list[Insight] = Field(description="The newest insights that are not dismissed.")
    active_goals: list[dict[str, object]] = Field(description="Active goals (empty until goals are tracked).")
    meta: Meta

    @classmethod
    def of(cls, o: resolver.OverviewAnswer, insights: list[StoredInsight]) -> OverviewAnswer:
        s = o.summary
        return cls(
            summary=Summary(
                total_sessions=s.total_sessions,
                total_exchanges=s.total_exchanges,
                avg_quality=s.avg_quality,
                streak_days=s.streak_days,
                unique_topics=s.unique_topics,
                total_minutes=s.total_minutes,
            ),
            trends=OverviewTrends(
                sessions=Change.of(o.sessions),
                quality=Change.of(o.quality),
                engagement=Change.of(o.engagement),
            ),
            streak=Streak.of(o.streak),
            recent_insights=[Insight.of(i) for i in insights],
            active_goals=[],
            meta=Meta.of(o.meta),
        )


PARAMS = (period_param(),)


@endpoint("GET", "/api/analytics/overview", params=PARAMS, answer=OverviewAnswer)
async def get_overview(request: Request) -> Response:
    """Totals of the period, their change against the previous period, the streak and recent insights."""
    q = query(request, PARAMS)
    ctx = context(request)
    answer = await resolver.overview(ctx, period=q["period"])
    recent = await insights_resolver.list_insights(ctx, limit=ctx.settings.insights.max_insights)
    return json_response(OverviewAnswer.of(answer, recent.items), answer.meta)
