"""The insights engine: the rule catalog's insights about a learner, as the `insights` query lists them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.insights import Importance, InsightType, StoredInsight
from ..resolvers import insights
from .component import Component

__all__ = ["Importance", "Insight", "InsightType", "InsightsEngine", "learner_of"]


@dataclass(frozen=True, slots=True)
class Insight:
    """One insight as the `insights` query answers it: a stable id (same fact, same id), its type and
    `priority` (the importance: high, medium, low), what the learner is told, the confidence in [0, 1],
    the numbers behind it (`data`), and when it was generated, viewed or dismissed."""

    id: str
    type: InsightType
    rule: str
    title: str
    description: str
    priority: str
    confidence: float
    data: Mapping[str, object]
    icon: str | None
    action_url: str | None
    generated_at: datetime
    viewed_at: datetime | None
    dismissed_at: datetime | None
    helpful: bool | None

    @property
    def importance(self) -> Importance:
        return Importance(self.priority)

    @classmethod
    def of(cls, stored: StoredInsight) -> Insight:
        i = stored.insight
        return cls(
            id=i.id,
            type=i.type,
            rule=i.rule,
            title=i.title,
            description=i.description,
            priority=i.importance.value,
            confidence=i.confidence,
            data=i.data,
            icon=i.icon,
            action_url=i.action_url,
            generated_at=i.generated_at,
            viewed_at=stored.viewed_at,
            dismissed_at=stored.dismissed_at,
            helpful=stored.helpful,
        )

    def as_dict(self) -> dict[str, Any]:
        """The insight as a plain dict (the guide's recommendations are read as `rec['title']`)."""
        return {
            "id": self.id,
            "type": self.type.value,
            "rule": self.rule,
            "title": self.title,
            "description": self.description,
            "priority": self.priority,
            "confidence": self.confidence,
            "data": dict(self.data),
            "icon": self.icon,
            "action_url": self.action_url,
        }


def learner_of(user_id: str | None, values: Iterable[object]) -> str | None:
    """The learner a call is about: `user_id` when given, else that of the first value carrying one
    (the metrics, progress or mastery a tracker returned), else None (the default learner)."""
    if user_id is not None:
        return user_id
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            found = getattr(item, "user_id", None)
            if isinstance(found, str):
                return found
    return None


class InsightsEngine(Component):
    """Insights from the rule catalog (trend, anomaly, milestone, recommendation, knowledge), computed
    from the learner's stored data and kept with their viewed, dismissed and helpful state.

    The guide hands over metrics, daily progress, streak and mastery: they name the learner (the
    values a tracker returned carry their `user_id`); the rules read that learner's rollups
    themselves, so the answer is the one the `insights` query gives."""

    async def _list(
        self, user_id: str | None, *, type: InsightType | None = None, limit: int | None = None
    ) -> list[Insight]:
        ctx = await self._ctx(user_id)
        most = ctx.settings.insights.max_insights if limit is None else limit
        page = await insights.list_insights(ctx, limit=most, type=type)
        return [Insight.of(s) for s in page.items]

    async def generate_insights(
        self,
        metrics: object = None,
        daily_progress: object = None,
        streak: object = None,
        topic_mastery: object = None,
        *,
        user_id: str | None = None,
        type: InsightType | None = None,
        limit: int | None = None,
    ) -> list[Insight]:
        """The learner's current insights, best first (importance, then recency), at most `limit`
        (default `LA_INSIGHTS__MAX_INSIGHTS`, 10): regenerated when the rollups moved on."""
        learner = learner_of(user_id, [metrics, daily_progress, streak, topic_mastery])
        return await self._list(learner, type=type, limit=limit)

    async def detect_anomalies(
        self, daily_progress: object = None, user_id: str | None = None
    ) -> list[Insight]:
        """The learner's ANOMALY insights: days more than 2 standard deviations from the previous 28
        days' mean, long breaks, correction spikes."""
        return await self._list(learner_of(user_id, [daily_progress]), type=InsightType.ANOMALY)

    async def identify_milestones(self, metrics: object = None, user_id: str | None = None) -> list[Insight]:
        """The learner's MILESTONE insights: session, exchange and streak counts crossed, topics
        mastered, goals completed and achievements unlocked."""
        return await self._list(learner_of(user_id, [metrics]), type=InsightType.MILESTONE)

    async def generate_recommendations(
        self, metrics: object = None, topic_mastery: object = None, user_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The learner's RECOMMENDATION insights as dicts (`type`, `title`, `description`, `priority`,
        `confidence`, `data`, …), at most `LA_INSIGHTS__MAX_RECOMMENDATIONS` (5)."""
        found = await self._list(
            learner_of(user_id, [metrics, topic_mastery]),
            type=InsightType.RECOMMENDATION,
            limit=self.engine.settings.insights.max_recommendations,
        )
        return [i.as_dict() for i in found]

    async def dismiss_insight(self, insight_id: str, user_id: str | None = None) -> Insight:
        """Dismiss an insight for good (`dismissInsight`); NotFound for an unknown id."""
        return Insight.of(await insights.dismiss(await self._ctx(user_id), insight_id))

    async def rate_insight(self, insight_id: str, helpful: bool, user_id: str | None = None) -> Insight:
        """Record whether an insight helped (`rateInsight`); NotFound for an unknown id."""
        return Insight.of(await insights.rate(await self._ctx(user_id), insight_id, helpful=helpful))

    async def mark_insights_viewed(self, user_id: str | None = None) -> int:
        """Mark every insight viewed (`markInsightsViewed`); returns how many were not yet."""
        return await insights.mark_viewed(await self._ctx(user_id))
