"""Weekly and monthly progress reports: the period's totals against the period before, highlights,
insights and achievements, as data, Markdown and a printable HTML page.

Goals are the caller's active goals with their progress in their current period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from ..domain.export import ExportSection
from ..domain.export.model import ExportRecord
from ..domain.export.report import ReportFacts, ReportItem, ReportPeriod, Totals, highlights, html, markdown
from ..domain.insights.stored import StoredInsight
from ..domain.periods import DateRange
from ..storage import export as export_store
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from .calendar import user_today
from .context import Context
from .export import local_midnight
from .goals import GoalView, active_goals
from .insights import list_insights
from .overview import Summary, summary_of
from .streaks import streak as load_streak


@dataclass(frozen=True, slots=True)
class ReportAnswer:
    period: ReportPeriod
    days: DateRange
    summary: Summary
    highlights: list[str]
    insights: list[StoredInsight]
    achievements: list[ExportRecord]
    goals: list[GoalView]
    markdown: str
    html: str


async def _totals(ctx: Context, days: DateRange) -> Totals:
    uid = ctx.user.id
    bucket = await rollup_reads.day_totals(ctx.db, user_id=uid, start=days.start, end=days.end)
    active = await rollup_reads.active_days(
        ctx.db, user_id=uid, min_minutes=ctx.settings.progress.min_minutes_per_day
    )
    return Totals(
        sessions=bucket.sessions,
        exchanges=bucket.exchanges,
        minutes=bucket.minutes,
        avg_quality=bucket.avg_quality,
        unique_topics=await topic_rollups.topic_count(ctx.db, user_id=uid, start=days.start, end=days.end),
        active_days=sum(1 for d in active if d in days),
    )


async def report(ctx: Context, *, period: ReportPeriod) -> ReportAnswer:
    """The report of the last 7 (WEEKLY) or 30 (MONTHLY) local days, today included, compared with the
    same number of days before them; insights are the current best `LA_EXPORT__REPORT_INSIGHTS`,
    goals the active ones with their progress, achievements those unlocked during the period."""
    today = user_today(ctx)
    days = DateRange(start=today - timedelta(days=period.days - 1), end=today)
    before = DateRange(start=days.start - timedelta(days=period.days), end=days.start - timedelta(days=1))
    current, previous = await _totals(ctx, days), await _totals(ctx, before)
    streak = await load_streak(ctx)
    top = await topic_rollups.topic_totals(
        ctx.db, user_id=ctx.user.id, start=days.start, end=days.end, limit=5
    )
    insights = (await list_insights(ctx, limit=ctx.settings.export.report_insights)).items
    tz = ZoneInfo(ctx.user.timezone)
    window = export_store.ExportWindow(
        user_id=ctx.user.id,
        start=days.start,
        end=days.end,
        since=local_midnight(days.start, tz),
        until=local_midnight(days.end + timedelta(days=1), tz),
    )
    achievements: list[ExportRecord] = []
    async for batch in export_store.stream_section(
        ctx.db, window=window, section=ExportSection.ACHIEVEMENTS, batch_rows=1000
    ):
        achievements += batch.records()
    goals = await active_goals(ctx)
    facts = ReportFacts(
        period=period,
        start=days.start,
        end=days.end,
        current=current,
        previous=previous,
        streak=streak.current,
        longest_streak=streak.longest,
        top_topics=[(t.topic, t.exchanges) for t in top],
        insights=[ReportItem(title=i.insight.title, detail=i.insight.description) for i in insights],
        goals=[],
        achievements=[
            ReportItem(title=a["title"], detail=a["description"], at=a["unlocked_at"]) for a in achievements
        ],
    )
    lines = highlights(facts)
    bucket = await rollup_reads.day_totals(ctx.db, user_id=ctx.user.id, start=days.start, end=days.end)
    return ReportAnswer(
        period=period,
        days=days,
        summary=await summary_of(ctx, bucket, streak.current, start=days.start, end=days.end),
        highlights=lines,
        insights=list(insights),
        achievements=achievements,
        goals=goals,
        markdown=markdown(facts, lines),
        html=html(facts, lines),
    )
