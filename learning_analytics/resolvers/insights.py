"""Insights: built from rollups by the domain's rule catalog, stored, listed, dismissed and rated."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from ..domain.errors import InvalidInput, NotFound
from ..domain.insights import (
    Importance,
    InsightInputs,
    InsightPage,
    InsightThresholds,
    InsightType,
    LifetimeTotals,
    StoredInsight,
    TopicPair,
    TopicStat,
    generate_insights,
)
from ..domain.mastery import MasteryLevel
from ..domain.periods import DateRange, Granularity
from ..storage import insights as store
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from . import cache
from .calendar import user_today, user_tz
from .context import Context
from .progress import daily_series
from .streaks import streak as load_streak
from .topics import mastery_by_topic

# The topic pairs the knowledge rules weigh: the most frequent ones (the rules need a handful).
PAIRS_CONSIDERED = 200


def thresholds(ctx: Context) -> InsightThresholds:
    """The rules' thresholds: the `insights` settings, with the shared `anomalies` section inside."""
    return ctx.settings.insights


async def build_inputs(ctx: Context) -> InsightInputs:
    """The snapshot the rules read: daily buckets of the history window, hour-of-day buckets of the
    last 28 days, lifetime totals, the streak, every topic with its mastery, and topic pairs."""
    th = thresholds(ctx)
    uid = ctx.user.id
    today = user_today(ctx)
    first = await rollup_reads.first_day(ctx.db, user_id=uid)
    window = DateRange(today - timedelta(days=th.history_days - 1), today)
    daily = await daily_series(ctx, window)
    hour_window = DateRange(today - timedelta(days=th.typical_days - 1), today)
    hourly = await rollup_reads.buckets(
        ctx.db, user_id=uid, granularity=Granularity.HOUR, start=hour_window.start, end=hour_window.end
    )
    if first is None:
        return InsightInputs(user_id=uid, today=today, now=ctx.now, daily=daily, hourly=hourly)
    lifetime = await rollup_reads.day_totals(ctx.db, user_id=uid, start=first, end=today)
    topic_totals = await topic_rollups.topic_totals(
        ctx.db, user_id=uid, start=first, end=today, limit=ctx.settings.limits.max_topics_considered
    )
    recent = {
        t.topic: t.exchanges
        for t in await topic_rollups.topic_totals(
            ctx.db,
            user_id=uid,
            start=today - timedelta(days=th.recent_days - 1),
            end=today,
            topics=[t.topic for t in topic_totals],
        )
    }
    masteries = await mastery_by_topic(ctx, [t.topic for t in topic_totals])
    topics = [
        TopicStat(
            topic=t.topic,
            exchanges=t.exchanges,
            sessions=t.sessions,
            avg_quality=t.quality.mean,
            mastery=m.score if m else 0.0,
            level=m.level if m else MasteryLevel.NOVICE,
            first_day=t.first_day,
            last_day=t.last_day,
            recent_exchanges=recent.get(t.topic, 0),
        )
        for t, m in zip(topic_totals, masteries, strict=True)
    ]
    pairs = await topic_rollups.topic_pairs(
        ctx.db,
        user_id=uid,
        start=first,
        end=today,
        limit=PAIRS_CONSIDERED,
        max_topics=ctx.settings.limits.max_connection_topics,
    )
    return InsightInputs(
        user_id=uid,
        today=today,
        now=ctx.now,
        daily=daily,
        hourly=hourly,
        totals=LifetimeTotals(
            sessions=lifetime.sessions,
            exchanges=lifetime.exchanges,
            avg_quality=lifetime.avg_quality,
            first_day=first,
        ),
        streak=await load_streak(ctx),
        topics=topics,
        pairs=[TopicPair(a=a, b=b, sessions=n) for a, b, n in pairs],
    )


async def regenerate(ctx: Context, *, on_read: bool = False) -> int:
    """Run the rule catalog on the current rollups and store the result; returns how many ids were new.

    `on_read`: the regeneration a read asks for (`refresh_if_stale`). It leaves the cached answers
    alone: it runs only when the rollups moved on (the fold that moved them already dropped the
    learner's answers) or on a new local day (answers are cached per local day), so no cached answer
    shows the insights it replaces, and dropping them here would keep the very answer being computed
    from being stored."""
    through = await rollup_reads.data_through(ctx.db, user_id=ctx.user.id)
    inputs = await build_inputs(ctx)
    # The rule catalog is pure CPU work over a year of buckets: it runs off the event loop.
    found = await asyncio.to_thread(generate_insights, inputs, thresholds(ctx))
    new = await store.save(ctx.db, user_id=ctx.user.id, insights=found, now=ctx.now, data_through=through)
    # Regenerated insights may carry new numbers even under known ids: the answers showing them change.
    if not on_read:
        await cache.changed(ctx)
    return new


async def refresh_if_stale(ctx: Context) -> None:
    """Regenerate when rollups hold newer data than the stored insights, or on a new local day."""
    state = await store.generated_through(ctx.db, user_id=ctx.user.id)
    through = await rollup_reads.data_through(ctx.db, user_id=ctx.user.id)
    if state is not None:
        generated_at, made_from = state
        tz = user_tz(ctx)
        if made_from == through and generated_at.astimezone(tz).date() == user_today(ctx):
            return
    await regenerate(ctx, on_read=True)


async def list_insights(
    ctx: Context,
    *,
    limit: int,
    type: InsightType | None = None,
    importance: Importance | None = None,
    include_dismissed: bool = False,
) -> InsightPage:
    """Current insights, best first; generated on demand when the stored ones are older than the rollups."""
    most = ctx.settings.limits.max_insights_limit
    if not 0 <= limit <= most:
        raise InvalidInput(f"limit must be between 0 and {most}", field="limit", code="out_of_range")
    await refresh_if_stale(ctx)
    return await store.page(
        ctx.db,
        user_id=ctx.user.id,
        now=ctx.now,
        limit=limit,
        type=type,
        importance=importance,
        include_dismissed=include_dismissed,
    )


async def _set(ctx: Context, insight_id: str, **values: object) -> StoredInsight:
    found = await store.set_fields(ctx.db, user_id=ctx.user.id, insight_id=insight_id, **values)
    if found is None:
        raise NotFound(f"no insight {insight_id!r}", id=insight_id)
    await cache.changed(ctx)
    return found


async def dismiss(ctx: Context, insight_id: str) -> StoredInsight:
    """Dismiss an insight for good: regenerating the same fact keeps it dismissed."""
    return await _set(ctx, insight_id, dismissed_at=ctx.now)


async def rate(ctx: Context, insight_id: str, *, helpful: bool) -> StoredInsight:
    return await _set(ctx, insight_id, helpful=helpful)


async def mark_viewed(ctx: Context) -> int:
    marked = await store.mark_viewed(ctx.db, user_id=ctx.user.id, now=ctx.now)
    if marked:
        await cache.changed(ctx)
    return marked
