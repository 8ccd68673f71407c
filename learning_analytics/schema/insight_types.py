"""Insight types and their list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from ..domain.insights import InsightPage, StoredInsight
from ..resolvers import insights as resolver
from .context import Info
from .enums import Importance, InsightType
from .errors import NotFoundError


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
    def from_domain(cls, s: StoredInsight) -> Insight:
        i = s.insight
        return cls(
            id=strawberry.ID(i.id),
            type=i.type,
            title=i.title,
            description=i.description,
            importance=i.importance,
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
    def from_domain(cls, p: InsightPage) -> InsightList:
        return cls(
            insights=[Insight.from_domain(i) for i in p.items],
            total=p.total,
            new_since_last_visit=p.new_since_last_visit,
        )


InsightResult = Annotated[Insight | NotFoundError, strawberry.union("InsightResult")]


async def recent_insights(info: Info, *, limit: int) -> list[Insight]:
    page = await resolver.list_insights(info.context, limit=limit)
    return [Insight.from_domain(i) for i in page.items]
