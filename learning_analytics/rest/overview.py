"""`GET /api/analytics/overview`: the seed's summary dashboard."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain.achievements import AchievementStatus
from ..domain.insights import StoredInsight
from ..resolvers import achievements as achievements_resolver
from ..resolvers import goals as goals_resolver
from ..resolvers import insights as insights_resolver
from ..resolvers import overview as resolver
from ..resolvers.goals import GoalView
from .achievements import Achievement
from .endpoints import context, covering, endpoint, query
from .goals import Goal
from .insights import Insight
from .models import Change, Meta, Model, Streak
from .params import END, START, period_param
from .responses import json_response


class Summary(Model):
    total_sessions: int
    total_exchanges: int
    avg_quality: float | None = Field(description="Mean composite quality of the period's exchanges.")
    streak_days: int
    unique_topics: int
    total_minutes: float
    median_session_minutes: float | None = Field(
        description="Median duration of the period's sessions that have an end."
    )


class OverviewTrends(Model):
    sessions: Change
    quality: Change
    engagement: Change = Field(description="Exchanges per session.")


class OverviewAnswer(Model):
    summary: Summary
    trends: OverviewTrends
    streak: Streak
    recent_insights: list[Insight] = Field(description="The newest insights that are not dismissed.")
    active_goals: list[Goal]
    recent_achievements: list[Achievement] = Field(description="The newest unlocks, newest first.")
    meta: Meta

    @classmethod
    def of(
        cls,
        o: resolver.OverviewAnswer,
        insights: list[StoredInsight],
        goals: list[GoalView],
        achievements: list[AchievementStatus],
    ) -> OverviewAnswer:
        s = o.summary
        return cls(
            summary=Summary(
                total_sessions=s.total_sessions,
                total_exchanges=s.total_exchanges,
                avg_quality=s.avg_quality,
                streak_days=s.streak_days,
                unique_topics=s.unique_topics,
                total_minutes=s.total_minutes,
                median_session_minutes=s.median_session_minutes,
            ),
            trends=OverviewTrends(
                sessions=Change.of(o.sessions),
                quality=Change.of(o.quality),
                engagement=Change.of(o.engagement),
            ),
            streak=Streak.of(o.streak),
            recent_insights=[Insight.of(i) for i in insights],
            active_goals=[Goal.of(g) for g in goals],
            recent_achievements=[Achievement.of(a) for a in achievements],
            meta=Meta.of(o.meta),
        )


PARAMS = (period_param(), START, END)


@endpoint("GET", "/api/analytics/overview", params=PARAMS, answer=OverviewAnswer, cache="overview")
async def get_overview(request: Request) -> Response:
    """Totals of the period, their change against the previous period, the streak and recent insights."""
    q = query(request, PARAMS)
    ctx = context(request)
    answer = await resolver.overview(ctx, **covering(ctx, q))
    recent = await insights_resolver.list_insights(ctx, limit=ctx.settings.insights.max_insights)
    goals = await goals_resolver.active_goals(ctx)
    unlocked = await achievements_resolver.recent(ctx)
    return json_response(OverviewAnswer.of(answer, recent.items, goals, unlocked), answer.meta)
