"""What goal evaluation, pace, suggestions and achievements read about learners: a fixed number of
reads (day and hour rollups, topics, mastery, last activity, longest session, unlocks) for a batch of
learners, whatever the number of learners in it or of their goals. One learner is a batch of one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..domain.goals import GoalInputs, MetricScope, ScopeMetrics
from ..domain.mastery import MasteryLevel, TopicMastery
from ..domain.rollups import Bucket, TopicDay, merge_moments
from ..domain.streaks import Streak
from ..storage import achievements as achievement_store
from ..storage import learner_facts as store
from .calendar import user_today, user_tz
from .context import Context
from .loaders import mastery_from
from .streaks import streak_from

# Minutes are sums of floats: a day of exactly `min_minutes` must not miss the bar by a rounding error.
_MINUTES_TOLERANCE = 1e-9
# The late-night and early-morning achievements read the hour rollups of the last week (the hourly
# rollups' retention).
HOURLY_WINDOW_DAYS = 7


def _active(bucket: Bucket, min_minutes: float) -> bool:
    """An active day as the streak counts it (`rollup_reads.active_days`): activity, and at least
    `min_minutes` of study."""
    return bucket.active and bucket.minutes >= min_minutes - _MINUTES_TOLERANCE


@dataclass(frozen=True, slots=True)
class LearnerFacts:
    """One learner's data as of `today`: every day bucket (first day to today), the one `Streak` (the
    `streak` query's), each topic's first local day and mastery, the day rows of the topics some goal
    follows, the hour buckets of the last week, the longest session and the achievements held."""

    today: date
    tz: ZoneInfo
    min_minutes: float
    days: Sequence[Bucket]
    streak: Streak
    topic_first_days: dict[str, date]
    mastery: dict[str, TopicMastery]
    topic_days: Sequence[TopicDay] = field(default_factory=tuple)
    recent_hours: Sequence[Bucket] = field(default_factory=tuple)
    longest_session_minutes: float = 0.0
    unlocked: dict[str, datetime] = field(default_factory=dict)

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


async def facts_of(
    contexts: Sequence[Context], *, topics_by_user: Mapping[str, Iterable[str | None]] | None = None
) -> dict[str, LearnerFacts]:
    """Read the facts of a batch of learners (one context each, sharing database and settings) in a
    fixed number of statements; `topics_by_user`: the topics each one's goals follow."""
    if not contexts:
        return {}
    db, settings = contexts[0].db, contexts[0].settings
    by_user = {c.user.id: c for c in contexts}
    uids = list(by_user)
    today = {uid: user_today(c) for uid, c in by_user.items()}
    last_day = max(today.values())
    days = await store.days_of(db, user_ids=uids, end=last_day)
    hours = await store.hours_of(
        db, user_ids=uids, start=min(today.values()) - timedelta(days=HOURLY_WINDOW_DAYS - 1), end=last_day
    )
    firsts = await store.topic_first_days_of(db, user_ids=uids)
    mastery = await store.mastery_inputs_of(
        db, today_by_user=today, half_life_days=settings.progress.mastery_half_life_days
    )
    followed = {
        uid: sorted({t for t in (topics_by_user or {}).get(uid, ()) if t is not None}) for uid in uids
    }
    topic_rows = await store.topic_days_of(db, topics_by_user=followed, end=last_day)
    last = await store.last_activity_of(db, user_ids=uids)
    longest = await store.longest_session_of(db, user_ids=uids)
    unlocked = await achievement_store.unlocked_of(db, user_ids=uids)
    min_minutes = settings.progress.min_minutes_per_day
    out: dict[str, LearnerFacts] = {}
    for uid, ctx in by_user.items():
        end = today[uid]
        mine = [b for b in days[uid] if b.day <= end]
        window = end - timedelta(days=HOURLY_WINDOW_DAYS - 1)
        out[uid] = LearnerFacts(
            today=end,
            tz=user_tz(ctx),
            min_minutes=min_minutes,
            days=mine,
            streak=streak_from(ctx, [b.day for b in mine if _active(b, min_minutes)], last[uid]),
            topic_first_days=firsts[uid],
            mastery={m.topic: mastery_from(m, settings.progress) for m in mastery[uid]},
            topic_days=[t for t in topic_rows[uid] if t.day <= end],
            recent_hours=[h for h in hours[uid] if window <= h.day <= end],
            longest_session_minutes=longest[uid],
            unlocked=unlocked[uid],
        )
    return out


async def learner_facts(ctx: Context, *, topics: Iterable[str | None] = ()) -> LearnerFacts:
    """The facts of the caller (a batch of one); `topics`: the topics their goals follow."""
    return (await facts_of([ctx], topics_by_user={ctx.user.id: topics}))[ctx.user.id]
