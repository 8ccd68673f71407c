"""`/api/analytics/quality/radar`, `/quality/distribution` and `/feedback`: quality beyond its mean
(the five dimensions against the previous period, how composite scores spread) and the feedback
breakdown, each with its Chart.js chart (radar, doughnut, bar)."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..resolvers import feedback as feedback_resolver
from ..resolvers import quality as resolver
from .endpoints import context, covering, endpoint, query
from .models import Change, Chart, Meta, Model
from .params import END, START, period_param
from .responses import json_response

PARAMS = (period_param(), START, END)


class Dimension(Model):
    dimension: str
    label: str
    current: float | None = Field(description="Mean over the period's exchanges scored on it.")
    previous: float | None
    scored_exchanges: int
    change: Change | None = Field(description="Against the previous period; null without a score now.")


class RadarAnswer(Model):
    dimensions: list[Dimension]
    chart: Chart = Field(description="A radar chart: this period and the previous one.")
    meta: Meta


class QualityBin(Model):
    label: str
    low: float
    high: float
    count: int
    share: float | None


class DistributionAnswer(Model):
    total: int = Field(description="Scored exchanges (a summary session counts its exchanges).")
    bins: list[QualityBin]
    chart: Chart = Field(description="A doughnut chart of the bins.")
    meta: Meta


class KindCount(Model):
    kind: str
    label: str
    count: int
    share: float | None


class Ratings(Model):
    count: int
    mean: float | None
    min: float | None
    max: float | None
    std: float | None


class FeedbackAnswer(Model):
    total: int
    by_kind: list[KindCount]
    positive_rate: float | None = Field(description="👍 / (👍 + 👎); null without either.")
    rating: Ratings
    chart: Chart = Field(description="A bar chart of the counts by kind.")
    meta: Meta


@endpoint("GET", "/api/analytics/quality/radar", params=PARAMS, answer=RadarAnswer, cache="progress")
async def get_quality_radar(request: Request) -> Response:
    """The five quality dimensions of the period against the previous one, as a radar chart."""
    q = query(request, PARAMS)
    ctx = context(request)
    a = await resolver.radar(ctx, **covering(ctx, q))
    answer = RadarAnswer(
        dimensions=[
            Dimension(
                dimension=d.dimension,
                label=d.label,
                current=d.current,
                previous=d.previous,
                scored_exchanges=d.scored_exchanges,
                change=None if d.change is None else Change.of(d.change),
            )
            for d in a.radar.dimensions
        ],
        chart=Chart.of(a.radar.chart),
        meta=Meta.of(a.meta),
    )
    return json_response(answer, a.meta)


@endpoint(
    "GET", "/api/analytics/quality/distribution", params=PARAMS, answer=DistributionAnswer, cache="progress"
)
async def get_quality_distribution(request: Request) -> Response:
    """How the period's composite quality scores spread over five bins, as a doughnut chart."""
    q = query(request, PARAMS)
    ctx = context(request)
    a = await resolver.distribution(ctx, **covering(ctx, q))
    d = a.distribution
    answer = DistributionAnswer(
        total=d.total,
        bins=[
            QualityBin(label=b.label, low=b.low, high=b.high, count=b.count, share=b.share) for b in d.bins
        ],
        chart=Chart.of(d.chart),
        meta=Meta.of(a.meta),
    )
    return json_response(answer, a.meta)


@endpoint("GET", "/api/analytics/feedback", params=PARAMS, answer=FeedbackAnswer, cache="progress")
async def get_feedback(request: Request) -> Response:
    """Feedback of the period by kind, the positive rate and the ratings, as a bar chart."""
    q = query(request, PARAMS)
    ctx = context(request)
    a = await feedback_resolver.breakdown(ctx, **covering(ctx, q))
    b = a.breakdown
    r = b.rating
    answer = FeedbackAnswer(
        total=b.total,
        by_kind=[KindCount(kind=k.kind, label=k.label, count=k.count, share=k.share) for k in b.by_kind],
        positive_rate=b.positive_rate,
        rating=Ratings(count=r.count, mean=r.mean, min=r.min, max=r.max, std=r.std),
        chart=Chart.of(b.chart),
        meta=Meta.of(a.meta),
    )
    return json_response(answer, a.meta)
