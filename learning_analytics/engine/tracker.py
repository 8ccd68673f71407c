"""The progress tracker: sessions in; totals, streaks, mastery and period progress out, as the API answers."""

from __future__ import annotations

from datetime import date, timedelta

from ..domain.periods import DateRange, Granularity, Period
from ..domain.progress import Metric
from ..domain.ranges import day_range, month_range, week_range
from ..resolvers import ingest, overview, progress, streaks, topics
from ..resolvers.calendar import user_today
from ..resolvers.context import Context
from ..resolvers.learner_facts import learner_facts
from .component import Component
from .progress_models import (
    DailyProgress,
    LearningStreak,
    MonthlyProgress,
    PeriodProgress,
    ProgressMetrics,
    RecordedSession,
    SessionProgress,
    TopicMastery,
    WeeklyProgress,
)

_METRICS = (Metric.SESSIONS, Metric.EXCHANGES, Metric.DURATION, Metric.QUALITY)


class ProgressTracker(Component):
    """Records sessions and reads a learner's progress. Every method takes an optional `user_id`: the
    learner (created on first use); None is the default learner, as the API without keys."""

    async def record_session_progress(self, session: SessionProgress) -> RecordedSession:
        """Store the session through the ingestion path (`recordSession`: a re-sent id changes
        nothing), fold it into the rollups and evaluate the learner's goals and achievements.
        Returns the session as stored."""
        ctx = await self._ctx(session.user_id)
        stored = await ingest.record_session(ctx, session.to_input(ctx.now))
        await self.engine.refresh()
        return RecordedSession.of(stored, ctx.user.id)

    async def get_overall_progress(
        self, user_id: str | None = None, *, period: Period = Period.ALL_TIME
    ) -> ProgressMetrics:
        """The learner's totals since their first event (or over `period`): the `overview` query's
        summary — sessions, exchanges, minutes, exchange-weighted quality, topics — and streak."""
        ctx = await self._ctx(user_id)
        answer = await overview.overview(ctx, period=period, with_median=False)
        return ProgressMetrics.of(answer, ctx.user.id)

    async def get_learning_streak(self, user_id: str | None = None) -> LearningStreak:
        """The `streak` query: current and longest runs of active local days, with the grace period."""
        ctx = await self._ctx(user_id)
        return LearningStreak.of(await streaks.streak(ctx), ctx.user.id)

    async def get_topic_mastery(self, topic: str, user_id: str | None = None) -> TopicMastery:
        """The `topicMastery` query for one topic (score 0, level novice when never practised)."""
        ctx = await self._ctx(user_id)
        name = topic.strip()
        (found,) = await topics.mastery_by_topic(ctx, [name])
        return TopicMastery.of(found, name, ctx.user.id)

    async def get_all_topic_mastery(self, user_id: str | None = None) -> list[TopicMastery]:
        """The mastery of every topic the learner practised, highest score first (then by name)."""
        ctx = await self._ctx(user_id)
        facts = await learner_facts(ctx)
        found = sorted(facts.mastery.values(), key=lambda m: (-m.score, m.topic))
        return [TopicMastery.of(m, m.topic, ctx.user.id) for m in found]

    async def _bucket(self, ctx: Context, r: DateRange, granularity: Granularity) -> PeriodProgress:
        answer = await progress.progress(ctx, dates=r, metrics=_METRICS, granularity=granularity)
        return PeriodProgress.of(answer.points[0], granularity, ctx.user.id)

    async def get_daily_progress(
        self, target_date: date | None = None, user_id: str | None = None
    ) -> DailyProgress:
        """One local day of the `progress` query (default: the learner's today): sessions, exchanges,
        minutes and quality; a day without activity has zeros and no quality."""
        ctx = await self._ctx(user_id)
        return await self._bucket(ctx, day_range(target_date or user_today(ctx)), Granularity.DAY)

    async def get_weekly_progress(
        self, week_start: date | None = None, user_id: str | None = None
    ) -> WeeklyProgress:
        """The ISO week (Monday to Sunday) holding `week_start` (default: this week), one WEEK bucket."""
        ctx = await self._ctx(user_id)
        return await self._bucket(ctx, week_range(week_start or user_today(ctx)), Granularity.WEEK)

    async def get_monthly_progress(
        self, year: int | None = None, month: int | None = None, user_id: str | None = None
    ) -> MonthlyProgress:
        """The calendar month `year`-`month` (default: this month), one MONTH bucket."""
        ctx = await self._ctx(user_id)
        today = user_today(ctx)
        return await self._bucket(
            ctx, month_range(year or today.year, month or today.month), Granularity.MONTH
        )

    async def get_progress_history(self, days: int = 30, user_id: str | None = None) -> list[DailyProgress]:
        """The last `days` local days, oldest first, today included (the `progress` query by day)."""
        ctx = await self._ctx(user_id)
        today = user_today(ctx)
        r = DateRange(today - timedelta(days=days - 1), today)
        answer = await progress.progress(ctx, dates=r, metrics=_METRICS, granularity=Granularity.DAY)
        return [PeriodProgress.of(p, Granularity.DAY, ctx.user.id) for p in answer.points]
