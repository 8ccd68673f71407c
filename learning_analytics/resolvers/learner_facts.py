"""What goal evaluation, pace, suggestions and achievements read about one learner: a fixed number of
reads (day rollups, the streak, topics, mastery), whatever the number of goals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..domain.goals import GoalInputs, MetricScope, ScopeMetrics
from ..domain.mastery import MasteryLevel, TopicMastery
from ..domain.rollups import Bucket, TopicDay, merge_moments
from ..domain.streaks import Streak
from ..storage import achievements as achievement_store
from ..storage import goals as goal_store
from ..storage.rollups import topics as topic_rollups
from .calendar import user_today, user_tz
from .context import Context
from .loaders import mastery_of_topics
from .streaks import streak_of

# Minutes are sums of floats: a day of exactly `min_minutes` must not miss the bar by a rounding error.
_MINUTES_TOLERANCE = 1e-9


def _active(bucket: Bucket, min_minutes: float) -> bool:
    """An active day as the streak counts it (`rollup_reads.active_days`): activity, and at least
    `min_minutes` of study."""
    return bucket.active and bucket.minutes >= min_minutes - _MINUTES_TOLERANCE


@dataclass(frozen=True, slots=True)
class LearnerFacts:
    """One learner's data as of `today`: every day bucket (first day to today), the one `Streak` (the
    `streak` query's), each topic's first local day, each topic's mastery, and the day rows of the
    topics some goal follows."""

    today: date
    tz: ZoneInfo
    min_minutes: float
    days: Sequence[Bucket]
    streak: Streak
    topic_first_days: dict[str, date]
    mastery: dict[str, TopicMastery]
    topic_days: Sequence[TopicDay] = field(default_factory=tuple)

    def scope_metrics(self, scope: MetricScope) -> ScopeMetrics:
        """The metrics of one scope (see `domain.goals.ScopeMetrics`), from the buckets in memory."""
        start = scope.start or date.min
        end = scope.end or self.today
        if scope.topic is not None:
            rows = [t for t in self.topic_days if t.topic == scope.topic and start <= t.day <= end]
            quality = merge_moments(t.quality for t in rows)
            found = self.mastery.get(scope.topic)
            return ScopeMetrics(
                sessions=sum(t.sessions for t in rows),
                exchanges=sum(t.exchanges for t in rows),
                active_days=len({t.day for t in rows if t.sessions or t.exchanges}),
                avg_quality=quality.mean,
                mastery=found.score if found else 0.0,
            )
        days = [b for b in self.days if start <= b.day <= end]
        quality = merge_moments(b.quality for b in days)
        return ScopeMetrics(
            sessions=sum(b.sessions for b in days),
            exchanges=sum(b.exchanges for b in days),
            minutes=sum(b.minutes for b in days),
            active_days=sum(1 for b in days if self.active(b)),
            avg_quality=quality.mean,
            new_topics=sum(1 for d in self.topic_first_days.values() if start <= d <= end),
            mastered_topics=sum(1 for m in self.mastery.values() if m.level is MasteryLevel.EXPERT),
        )

    def active(self, bucket: Bucket) -> bool:
        return _active(bucket, self.min_minutes)

    def active_days(self) -> list[date]:
        return [b.day for b in self.days if self.active(b)]

    def goal_inputs(self, scopes: Iterable[MetricScope]) -> GoalInputs:
        return GoalInputs(streak=self.streak, by_scope={s: self.scope_metrics(s) for s in set(scopes)})

    def recent_scope(self, days: int, topic: str | None = None) -> MetricScope:
        """The last `days` local days, today included."""
        return MetricScope(start=self.today - timedelta(days=days - 1), end=self.today, topic=topic)


async def learner_facts(ctx: Context, *, topics: Iterable[str | None] = ()) -> LearnerFacts:
    """Read the learner's facts; `topics`: the topics goals follow (their day rows are read at once)."""
    uid = ctx.user.id
    today = user_today(ctx)
    min_minutes = ctx.settings.progress.min_minutes_per_day
    days = await goal_store.learner_days(ctx.db, user_id=uid, end=today)
    first = days[0].day if days else None
    firsts = await achievement_store.topic_first_days(ctx.db, user_id=uid)
    names = sorted(firsts)
    masteries = (
        await mastery_of_topics(ctx.db, names, user_id=uid, today=today, progress=ctx.settings.progress)
        if names
        else []
    )
    followed = sorted({t for t in topics if t is not None})
    topic_rows = (
        await topic_rollups.topic_days(ctx.db, user_id=uid, start=first, end=today, topics=followed)
        if followed and first is not None
        else []
    )
    return LearnerFacts(
        today=today,
        tz=user_tz(ctx),
        min_minutes=min_minutes,
        days=days,
        streak=await streak_of(ctx, [b.day for b in days if _active(b, min_minutes)]),
        topic_first_days=firsts,
        mastery={m.topic: m for m in masteries if m is not None},
        topic_days=topic_rows,
    )
