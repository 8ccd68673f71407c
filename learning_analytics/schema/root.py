"""The root Query and Mutation, assembled from per-area classes, and the schema with its guards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from ..domain import models
from ..domain.errors import InvalidInput, NotFound
from ..domain.insights import Importance, InsightType
from ..domain.periods import Granularity, Period
from ..domain.progress import Metric
from ..domain.trends import ForecastMethod
from ..domain.trends.analysis import DEFAULT_FORECAST_DAYS, DEFAULT_WINDOW
from ..resolvers import ingest, sessions
from ..resolvers import insights as insight_resolvers
from ..resolvers import overview as overview_resolver
from ..resolvers import progress as progress_resolver
from ..resolvers import streaks as streak_resolver
from ..resolvers import topics as topic_resolvers
from ..resolvers import trends as trend_resolver
from .arguments import given
from .context import Info
from .errors import NotFoundError, ValidationError, bad_argument
from .failures import MaskUnexpectedErrors, Schema
from .inputs import ExchangeInput, FeedbackInput, SessionInput
from .insight_types import Insight, InsightList, InsightResult
from .progress_types import Overview, Progress, Streak, TopicAnalytics, TopicMastery
from .trend_types import Trend
from .types import IngestResult, IngestSummary, RecordSessionResult, Session, SessionConnection, User


@strawberry.type
class Query:
    @strawberry.field(description="The caller.")
    def viewer(self, info: Info) -> User:
        return User.from_domain(info.context.user)

    @strawberry.field(description="The caller's sessions, newest first; `first` at most 100.")
    async def sessions(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> SessionConnection:
        try:
            page = await sessions.list_sessions(
                info.context, first=20 if first is None else first, after=after, start=start, end=end
            )
        except InvalidInput as e:
            raise bad_argument(e) from e
        return SessionConnection.from_domain(page)

    @strawberry.field(
        description="Summary of the period, its change against the previous one, and the streak."
    )
    async def overview(self, info: Info, period: Period | None = Period.LAST_30_DAYS) -> Overview:
        answer = await overview_resolver.overview(info.context, period=period or Period.LAST_30_DAYS)
        return Overview.from_domain(answer)

    @strawberry.field(
        description="Buckets over the period; granularity defaults to DAY (≤ 31 days), WEEK (≤ 180) or MONTH."
    )
    async def progress(
        self,
        info: Info,
        period: Period | None = Period.LAST_30_DAYS,
        metrics: list[Metric] | None = strawberry.UNSET,
        granularity: Granularity | None = None,
    ) -> Progress:
        chosen = (
            [Metric.SESSIONS, Metric.QUALITY] if metrics is strawberry.UNSET or metrics is None else metrics
        )
        try:
            answer = await progress_resolver.progress(
                info.context, period=period or Period.LAST_30_DAYS, metrics=chosen, granularity=granularity
            )
        except InvalidInput as e:
            raise bad_argument(e) from e
        return Progress.from_domain(answer)

    @strawberry.field(
        description="The daily series of a metric with its rolling average, OLS trend and forecast; "
        "an omitted `window` or `forecastDays` is the configured one (LA_TRENDS__SHORT_TERM_WINDOW, "
        "LA_TRENDS__FORECAST_DAYS; 7 unless set)."
    )
    async def trend(
        self,
        info: Info,
        metric: Metric | None = Metric.QUALITY,
        period: Period | None = Period.LAST_30_DAYS,
        window: int | None = DEFAULT_WINDOW,
        forecast_days: int | None = DEFAULT_FORECAST_DAYS,
        method: ForecastMethod | None = ForecastMethod.LINEAR,
    ) -> Trend:
        try:
            answer = await trend_resolver.trend(
                info.context,
                metric=metric or Metric.QUALITY,
                period=period or Period.LAST_30_DAYS,
                window=window if given(info, "window") else None,
                forecast_days=forecast_days if given(info, "forecastDays") else None,
                method=method or ForecastMethod.LINEAR,
            )
        except InvalidInput as e:
            raise bad_argument(e) from e
        return Trend.from_domain(answer)

    @strawberry.field(description="Consecutive active local days, with the grace period.")
    async def streak(self, info: Info) -> Streak:
        return Streak.from_domain(await streak_resolver.streak(info.context))

    @strawberry.field(description="Topics of the period: distribution, top topics, trending, connections.")
    async def topics(
        self, info: Info, period: Period | None = Period.LAST_30_DAYS, limit: int | None = 20
    ) -> TopicAnalytics:
        if limit is not None and not 0 <= limit <= topic_resolvers.MAX_LIMIT:
            raise bad_argument(
                InvalidInput(
                    f"limit must be between 0 and {topic_resolvers.MAX_LIMIT}",
                    field="limit",
                    code="out_of_range",
                )
            )
        answer = await topic_resolvers.topics(
            info.context, period=period or Period.LAST_30_DAYS, limit=limit or 20
        )
        return TopicAnalytics.from_domain(answer)

    @strawberry.field(description="Mastery of one topic over all time; null for a topic never seen.")
    async def topic_mastery(self, info: Info, topic: str) -> TopicMastery | None:
        found = await info.context.loaders.mastery_by_topic.load(topic.strip())
        return TopicMastery.from_domain(found) if found else None

    @strawberry.field(
        description="Current insights, best first (generated on demand when the data moved on)."
    )
    async def insights(
        self,
        info: Info,
        limit: int | None = 10,
        type: InsightType | None = None,
        importance: Importance | None = None,
        include_dismissed: bool | None = False,
    ) -> InsightList:
        try:
            page = await insight_resolvers.list_insights(
                info.context,
                limit=10 if limit is None else limit,
                type=type,
                importance=importance,
                include_dismissed=bool(include_dismissed),
            )
        except InvalidInput as e:
            raise bad_argument(e) from e
        return InsightList.from_domain(page)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record one session, as a summary or before its exchanges; idempotent by id."
    )
    async def record_session(self, info: Info, input: SessionInput) -> RecordSessionResult:
        try:
            stored = await ingest.record_session(info.context, input.to_domain())
        except InvalidInput as e:
            return ValidationError.from_domain(e)
        return Session.from_domain(stored)

    @strawberry.mutation(
        description="Record exchanges (their sessions must exist or come first); idempotent by id."
    )
    async def record_exchanges(self, info: Info, input: list[ExchangeInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(exchanges=tuple(i.to_domain() for i in input)))

    @strawberry.mutation(description="Record feedback on stored exchanges; idempotent by id.")
    async def record_feedback(self, info: Info, input: list[FeedbackInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(feedback=tuple(i.to_domain() for i in input)))

    @strawberry.mutation(description="Dismiss an insight; regenerating the same fact keeps it dismissed.")
    async def dismiss_insight(self, info: Info, id: strawberry.ID) -> InsightResult:
        try:
            return Insight.from_domain(await insight_resolvers.dismiss(info.context, str(id)))
        except NotFound as e:
            return NotFoundError.from_domain(e)

    @strawberry.mutation(description="Say whether an insight was helpful.")
    async def rate_insight(self, info: Info, id: strawberry.ID, helpful: bool) -> InsightResult:
        try:
            return Insight.from_domain(await insight_resolvers.rate(info.context, str(id), helpful=helpful))
        except NotFound as e:
            return NotFoundError.from_domain(e)

    @strawberry.mutation(description="Mark every insight viewed; returns how many were new.")
    async def mark_insights_viewed(self, info: Info) -> int:
        return await insight_resolvers.mark_viewed(info.context)


async def _ingest(info: Info, batch: models.EventBatch) -> IngestSummary | ValidationError:
    try:
        summary = await ingest.ingest_batch(info.context, batch)
    except InvalidInput as e:
        return ValidationError.from_domain(e)
    return IngestSummary.from_domain(summary)


def build_schema(*, introspection: bool = True) -> Schema:
    """The schema with parse/validation caches and guards against abusive queries."""
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=5000),
        MaskUnexpectedErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[NotFoundError],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=extensions,
    )


schema = build_schema()
