"""Types of the overview, progress, streak and topic answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from ..domain import mastery, streaks, topics
from ..domain import progress as domain_progress
from ..domain.periods import MetricChange as DomainMetricChange
from ..resolvers import overview as overview_resolver
from ..resolvers import progress as progress_resolver
from ..resolvers import topics as topics_resolver
from .context import Info
from .enums import ChangeDirection, Granularity, MasteryLevel, Metric, Period, TrendDirection
from .shared import ChartData, Meta

if TYPE_CHECKING:
    from .goal_types import Achievement, Goal
    from .insight_types import Insight


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

    @classmethod
    def from_domain(cls, s: overview_resolver.Summary) -> Summary:
        return cls(
            total_sessions=s.total_sessions,
            total_exchanges=s.total_exchanges,
            avg_quality=s.avg_quality,
            streak_days=s.streak_days,
            unique_topics=s.unique_topics,
            total_minutes=s.total_minutes,
        )


@strawberry.type(description="A value and its change (%) against the previous period of equal length.")
class MetricChange:
    value: float
    change: float | None
    direction: ChangeDirection

    @classmethod
    def from_domain(cls, m: DomainMetricChange) -> MetricChange:
        return cls(value=m.value, change=m.change, direction=m.direction)


@strawberry.type
class OverviewTrends:
    sessions: MetricChange
    quality: MetricChange
    engagement: MetricChange = strawberry.field(description="Exchanges per session.")


@strawberry.type(description="Consecutive active local days; the local day of an event is fixed at ingest.")
class Streak:
    current: int
    longest: int
    last_active_date: date | None
    started_on: date | None
    today_complete: bool
    freezes_available: int
    frozen_days: list[date]

    @classmethod
    def from_domain(cls, s: streaks.Streak) -> Streak:
        return cls(
            current=s.current,
            longest=s.longest,
            last_active_date=s.last_active_date,
            started_on=s.started_on,
            today_complete=s.today_complete,
            freezes_available=s.freezes_available,
            frozen_days=list(s.frozen_days),
        )


@strawberry.type
class Overview:
    period: Period
    summary: Summary
    trends: OverviewTrends
    streak: Streak
    meta: Meta

    @strawberry.field(description="The newest insights that are not dismissed.")
    async def recent_insights(
        self, info: Info
    ) -> list[Annotated[Insight, strawberry.lazy(".insight_types")]]:
        from .insight_types import recent_insights

        return await recent_insights(info, limit=info.context.settings.insights.max_insights)

    @strawberry.field(description="Active goals (available once goals are tracked).")
    async def active_goals(self, info: Info) -> list[Annotated[Goal, strawberry.lazy(".goal_types")]]:
        return []

    @strawberry.field(description="Recently unlocked achievements (available once achievements are tracked).")
    async def recent_achievements(
        self, info: Info
    ) -> list[Annotated[Achievement, strawberry.lazy(".goal_types")]]:
        return []

    @classmethod
    def from_domain(cls, o: overview_resolver.OverviewAnswer) -> Overview:
        return cls(
            period=o.period,
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
class ProgressPoint:
    period_start: datetime = strawberry.field(description="The bucket's first local instant.")
    label: str
    sessions: int
    exchanges: int
    avg_quality: float | None
    minutes: float
    positive_feedback_rate: float | None
    corrections: int

    @classmethod
    def from_domain(cls, p: domain_progress.ProgressPoint) -> ProgressPoint:
        b = p.bucket
        return cls(
            period_start=p.period_start,
            label=p.label,
            sessions=b.sessions,
            exchanges=b.exchanges,
            avg_quality=b.avg_quality,
            minutes=b.minutes,
            positive_feedback_rate=b.positive_feedback_rate,
            corrections=b.corrections,
        )


@strawberry.type
class MetricStatistics:
    metric: Metric
    total: float | None
    avg: float | None
    min: float | None
    max: float | None
    direction: TrendDirection

    @classmethod
    def from_domain(cls, s: domain_progress.MetricStatistics) -> MetricStatistics:
        return cls(metric=s.metric, total=s.total, avg=s.avg, min=s.min, max=s.max, direction=s.direction)


@strawberry.type
class Progress:
    period: Period
    granularity: Granularity
    points: list[ProgressPoint]
    statistics: list[MetricStatistics]
    chart: ChartData
    meta: Meta

    @classmethod
    def from_domain(cls, p: progress_resolver.ProgressAnswer) -> Progress:
        return cls(
            period=p.period,
            granularity=p.granularity,
            points=[ProgressPoint.from_domain(x) for x in p.points],
            statistics=[MetricStatistics.from_domain(s) for s in p.statistics],
            chart=ChartData.from_domain(p.chart),
            meta=Meta.from_domain(p.meta),
        )


@strawberry.type(
    description="score = q × (1 − exp(−n / 10)), q = quality weighted by recency (half-life 30 days)."
)
class TopicMastery:
    topic: str
    score: float
    level: MasteryLevel
    total_interactions: int
    last_practiced_at: datetime | None

    @classmethod
    def from_domain(cls, m: mastery.TopicMastery) -> TopicMastery:
        return cls(
            topic=m.topic,
            score=m.score,
            level=m.level,
            total_interactions=m.total_interactions,
            last_practiced_at=m.last_practiced_at,
        )


@strawberry.type
class TopicStat:
    name: str
    sessions: int
    exchanges: int
    avg_quality: float | None

    @strawberry.field(
        description="Mastery over all time (loaded in one batch for every topic of the answer)."
    )
    async def mastery(self, info: Info) -> TopicMastery:
        found = await info.context.loaders.mastery_by_topic.load(self.name)
        if found is None:  # a topic in a period always has rollups; keep the type total anyway
            found = mastery.compute_mastery(self.name, n=0, q=None, last_practiced_at=None)
        return TopicMastery.from_domain(found)


@strawberry.type(
    description="A topic studied more in the second half of the period than in the first: topics in "
    "both halves first, by growth, then new ones (isNew), by volume."
)
class TrendingTopic:
    name: str
    growth: float = strawberry.field(description="(second half − first half) / max(first half, 1) × 100.")
    first_seen: date
    is_new: bool = strawberry.field(
        description="Absent from the first half of the period: its growth only measures its volume."
    )


@strawberry.type
class TopicConnection:
    source: str
    target: str
    strength: float = strawberry.field(
        description="Jaccard index of the two topics' session sets, in [0, 1]."
    )
    sessions: int


@strawberry.type
class TopicAnalytics:
    total_topics: int
    distribution: ChartData
    top_topics: list[TopicStat]
    trending: list[TrendingTopic]
    connections: list[TopicConnection]
    meta: Meta

    @classmethod
    def from_domain(cls, t: topics_resolver.TopicsAnswer) -> TopicAnalytics:
        return cls(
            total_topics=t.total_topics,
            distribution=ChartData.from_domain(t.distribution),
            top_topics=[
                TopicStat(name=x.name, sessions=x.sessions, exchanges=x.exchanges, avg_quality=x.avg_quality)
                for x in t.top_topics
            ],
            trending=[
                TrendingTopic(name=x.name, growth=x.growth, first_seen=x.first_seen, is_new=x.is_new)
                for x in t.trending
            ],
            connections=[_connection(c) for c in t.connections],
            meta=Meta.from_domain(t.meta),
        )


def _connection(c: topics.TopicConnection) -> TopicConnection:
    return TopicConnection(source=c.source, target=c.target, strength=c.strength, sessions=c.sessions)
