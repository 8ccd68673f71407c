"""The feedback of a period by kind, with its positive rate and ratings, as a bar chart."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.feedback import FeedbackBreakdown, feedback_breakdown
from ..domain.periods import DateRange, Period
from ..domain.ranges import Span
from ..storage.rollups import reads as rollup_reads
from .calendar import answer_meta, span_of
from .context import Context
from .meta import AnswerMeta


@dataclass(frozen=True, slots=True)
class FeedbackAnswer:
    period: Period | None  # None for an explicit range
    span: Span
    breakdown: FeedbackBreakdown
    meta: AnswerMeta


async def breakdown(
    ctx: Context, *, period: Period = Period.LAST_30_DAYS, dates: DateRange | None = None
) -> FeedbackAnswer:
    """Feedback of the period (or the local `dates`, by the day it was given) per kind, the positive
    rate 👍 / (👍 + 👎), the ratings' count, mean, min, max and std; one read of the day rollups."""
    span = await span_of(ctx, dates or period)
    totals = await rollup_reads.day_totals(ctx.db, user_id=ctx.user.id, start=span.start, end=span.end)
    return FeedbackAnswer(
        period=span.period, span=span, breakdown=feedback_breakdown(totals), meta=await answer_meta(ctx, span)
    )
