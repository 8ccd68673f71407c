"""Insights: the `insights` query, and dismissing, rating and marking them viewed."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from ..domain import insights as domain
from ..domain.errors import NotFound
from ..resolvers import insights as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import by_name
from .errors import NotFoundError


@strawberry.enum
class InsightType(Enum):
    TREND = "trend"
    ANOMALY = "anomaly"
    MILESTONE = "milestone"
    RECOMMENDATION = "recommendation"
    KNOWLEDGE = "knowledge"


@strawberry.enum
class Importance(Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@strawberry.type(
    description="A fact about the learner's data, with the numbers and thresholds behind it in `data`."
)
class Insight:
    id: strawberry.ID = strawberry.field(description="Stable: the same fact on the same day has the same id.")
    type: InsightType
    title: str
    description: str
    importance: Importance
    confidence: float
    rule: str = strawberry.field(description="The id of the rule that made it.")
    data: JSON | None
    icon: str | None
    action_url: str | None
    generated_at: datetime
    expires_at: datetime | None
    viewed_at: datetime | None
    dismissed_at: datetime | None
    helpful: bool | None

    @classmethod
    def from_domain(cls, s: domain.StoredInsight) -> Insight:
        i = s.insight
        return cls(
            id=strawberry.ID(i.id),
            type=by_name(i.type, InsightType),
            title=i.title,
            description=i.description,
            importance=by_name(i.importance, Importance),
            confidence=i.confidence,
            rule=i.rule,
            data=cast(JSON, dict(i.data)),
            icon=i.icon,
            action_url=i.action_url,
            generated_at=i.generated_at,
            expires_at=i.expires_at,
            viewed_at=s.viewed_at,
            dismissed_at=s.dismissed_at,
            helpful=s.helpful,
        )


@strawberry.type
class InsightList:
    insights: list[Insight]
    total: int
    new_since_last_visit: int = strawberry.field(
        description="Insights never viewed (see markInsightsViewed)."
    )

    @classmethod
    def from_domain(cls, p: domain.InsightPage) -> InsightList:
        return cls(
            insights=[Insight.from_domain(i) for i in p.items],
            total=p.total,
            new_since_last_visit=p.new_since_last_visit,
        )


InsightResult = Annotated[Insight | NotFoundError, strawberry.union("InsightResult")]


async def recent_insights(info: Info, *, limit: int) -> list[Insight]:
    """The newest insights that are not dismissed, for answers that show a few (the overview)."""
    page = await resolver.list_insights(info.context, limit=limit)
    return [Insight.from_domain(i) for i in page.items]


@strawberry.type
class InsightsQuery:
    @strawberry.field(
        description="Current insights, best first (generated on demand when the data moved on)."
    )
    @argument_rules
    async def insights(
        self,
        info: Info,
        limit: OrDefault[int] = 10,
        type: InsightType | None = None,
        importance: Importance | None = None,
        include_dismissed: OrDefault[bool] = False,
    ) -> InsightList:
        page = await resolver.list_insights(
            info.context,
            limit=limit,
            type=by_name(type, domain.InsightType),
            importance=by_name(importance, domain.Importance),
            include_dismissed=include_dismissed,
        )
        return InsightList.from_domain(page)


@strawberry.type
class InsightsMutation:
    @strawberry.mutation(description="Dismiss an insight; regenerating the same fact keeps it dismissed.")
    async def dismiss_insight(self, info: Info, id: strawberry.ID) -> InsightResult:
        try:
            return Insight.from_domain(await resolver.dismiss(info.context, str(id)))
        except NotFound as e:
            return NotFoundError.from_domain(e)

    @strawberry.mutation(description="Say whether an insight was helpful.")
    async def rate_insight(self, info: Info, id: strawberry.ID, helpful: bool) -> InsightResult:
        try:
            return Insight.from_domain(await resolver.rate(info.context, str(id), helpful=helpful))
        except NotFound as e:
            return NotFoundError.from_domain(e)

    @strawberry.mutation(description="Mark every insight viewed; returns how many were new.")
    async def mark_insights_viewed(self, info: Info) -> int:
        return await resolver.mark_viewed(info.context)
