"""`/api/analytics/insights`: the learner's insights, and dismissing, rating and marking them viewed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain.insights import Importance, InsightType, StoredInsight
from ..resolvers import insights as resolver
from ..resolvers.calendar import answer_meta
from .endpoints import context, endpoint, query, read_model
from .models import Meta, Model
from .params import IMPORTANCE, INCLUDE_DISMISSED, INSIGHT_TYPE, limit_param
from .responses import json_response


class Insight(Model):
    """The seed's insight, plus the rule that made it, its confidence and what the learner did with it."""

    id: str = Field(description="Stable: the same fact on the same day has the same id.")
    type: InsightType
    title: str
    description: str
    importance: Importance
    icon: str | None
    data: dict[str, Any] = Field(description="The numbers and thresholds behind the insight.")
    generated_at: datetime
    confidence: float
    rule: str = Field(description="The id of the rule that made it.")
    action_url: str | None
    expires_at: datetime | None
    viewed_at: datetime | None
    dismissed_at: datetime | None
    helpful: bool | None

    @classmethod
    def of(cls, s: StoredInsight) -> Insight:
        i = s.insight
        return cls(
            id=i.id,
            type=i.type,
            title=i.title,
            description=i.description,
            importance=i.importance,
            icon=i.icon,
            data=dict(i.data),
            generated_at=i.generated_at,
            confidence=i.confidence,
            rule=i.rule,
            action_url=i.action_url,
            expires_at=i.expires_at,
            viewed_at=s.viewed_at,
            dismissed_at=s.dismissed_at,
            helpful=s.helpful,
        )


class InsightsAnswer(Model):
    insights: list[Insight]
    total: int = Field(description="Every insight matching the filters, beyond `limit` too.")
    new_since_last_visit: int = Field(description="Insights never viewed (see POST insights/viewed).")
    meta: Meta


class InsightAnswer(Model):
    insight: Insight


class Rating(Model):
    """The body of a rating: exactly `{"helpful": true}` or `{"helpful": false}`."""

    model_config = ConfigDict(strict=True)

    helpful: bool


class ViewedAnswer(Model):
    new: int = Field(description="How many insights were new (never viewed) before this call.")


LIST_PARAMS = (
    limit_param(10, "At most this many insights (LA_LIMITS__MAX_INSIGHTS_LIMIT)."),
    INSIGHT_TYPE,
    IMPORTANCE,
    INCLUDE_DISMISSED,
)


@endpoint("GET", "/api/analytics/insights", params=LIST_PARAMS, answer=InsightsAnswer, cache="insights")
async def get_insights(request: Request) -> Response:
    """Current insights, best first (generated on demand when the data moved on)."""
    q = query(request, LIST_PARAMS)
    ctx = context(request)
    page = await resolver.list_insights(
        ctx,
        limit=q["limit"],
        type=q["type"],
        importance=q["importance"],
        include_dismissed=q["include_dismissed"],
    )
    meta = await answer_meta(ctx, None)
    answer = InsightsAnswer(
        insights=[Insight.of(i) for i in page.items],
        total=page.total,
        new_since_last_visit=page.new_since_last_visit,
        meta=Meta.of(meta),
    )
    return json_response(answer, meta)


@endpoint("POST", "/api/analytics/insights/{id}/dismiss", answer=InsightAnswer, path_params=("id",))
async def dismiss_insight(request: Request) -> Response:
    """Dismiss an insight; regenerating the same fact keeps it dismissed."""
    query(request, ())
    found = await resolver.dismiss(context(request), request.path_params["id"])
    return json_response(InsightAnswer(insight=Insight.of(found)), None)


@endpoint("POST", "/api/analytics/insights/{id}/rate", answer=InsightAnswer, body=Rating, path_params=("id",))
async def rate_insight(request: Request) -> Response:
    """Say whether an insight was helpful: body `{"helpful": true}`."""
    query(request, ())
    rating: Rating = await read_model(request, Rating)
    found = await resolver.rate(context(request), request.path_params["id"], helpful=rating.helpful)
    return json_response(InsightAnswer(insight=Insight.of(found)), None)


@endpoint("POST", "/api/analytics/insights/viewed", answer=ViewedAnswer)
async def mark_insights_viewed(request: Request) -> Response:
    """Mark every insight viewed; answers how many were new."""
    query(request, ())
    return json_response(ViewedAnswer(new=await resolver.mark_viewed(context(request))), None)
