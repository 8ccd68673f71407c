"""The feedback of a period by kind, with its positive rate and ratings: the `feedbackBreakdown` query."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ..domain import feedback
from ..resolvers import feedback as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Period
from .ranges import DateRangeInput, DateSpan, echoed, when
from .shared import ChartData, Meta


@strawberry.type
class FeedbackKindCount:
    kind: str = strawberry.field(description="thumbs_up, thumbs_down, copy, correction or clarification.")
    label: str
    count: int
    share: float | None = strawberry.field(description="count / all feedback of the period.")


@strawberry.type(description="Ratings given with feedback: count, mean, min, max and population std.")
class RatingSummary:
    count: int
    mean: float | None
    min: float | None
    max: float | None
    std: float | None


@strawberry.type
class FeedbackBreakdown:
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan
    total: int
    by_kind: list[FeedbackKindCount]
    positive_rate: float | None = strawberry.field(
        description="Thumbs up / (thumbs up + thumbs down), as the POSITIVE_FEEDBACK_RATE metric."
    )
    rating: RatingSummary
    chart: ChartData = strawberry.field(description="A bar chart of the counts by kind.")
    meta: Meta

    @classmethod
    def from_domain(cls, a: resolver.FeedbackAnswer, argument: Period) -> FeedbackBreakdown:
        b: feedback.FeedbackBreakdown = a.breakdown
        r = b.rating
        return cls(
            period=echoed(a.period, argument),
            dates=DateSpan.from_domain(a.span),
            total=b.total,
            by_kind=[
                FeedbackKindCount(kind=k.kind, label=k.label, count=k.count, share=k.share) for k in b.by_kind
            ],
            positive_rate=b.positive_rate,
            rating=RatingSummary(count=r.count, mean=r.mean, min=r.min, max=r.max, std=r.std),
            chart=ChartData.from_domain(b.chart),
            meta=Meta.from_domain(a.meta),
        )


@strawberry.type
class FeedbackQuery:
    @strawberry.field(
        description="Feedback of the period (or the local days of `range`) by kind, its positive rate "
        "and ratings, with a bar chart."
    )
    @argument_rules
    async def feedback_breakdown(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
    ) -> FeedbackBreakdown:
        preset, dates = when(info, period, range_)
        answer = await resolver.breakdown(info.context, period=preset, dates=dates)
        return FeedbackBreakdown.from_domain(answer, period)
