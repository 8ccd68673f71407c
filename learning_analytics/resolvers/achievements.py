"""Achievements: unlocking (once per learner), the catalog as the caller sees it, stats, what comes next."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.achievements import (
    BY_ID,
    AchievementCategory,
    AchievementProgress,
    AchievementStats,
    AchievementStatus,
    LearnerSnapshot,
    achievement_stats,
    achievement_statuses,
    check_achievements,
    holders_percent,
    learner_snapshot,
    next_achievements,
    progress_of,
    unlock_insight,
)
from ..domain.errors import InvalidInput
from ..domain.insights import Insight
from ..storage import achievements as store
from .context import Context
from .learner_facts import LearnerFacts, learner_facts


def snapshot(ctx: Context, facts: LearnerFacts, *, goals_completed: int) -> LearnerSnapshot:
    """The learner's snapshot (`domain.achievements.learner_snapshot`) from their facts and the goals
    they ever completed."""
    return learner_snapshot(
        daily=facts.days,
        active_days=facts.active_days(),
        recent_hourly=facts.recent_hours,
        streak=facts.streak,
        mastery_scores=[m.score for m in facts.mastery.values()],
        unique_topics=len(facts.topic_first_days),
        goals_completed=goals_completed,
        longest_session_minutes=facts.longest_session_minutes,
        mastery_threshold=ctx.settings.progress.mastery_threshold,
    )


def planned_unlocks(ctx: Context, facts: LearnerFacts, *, goals_completed: int) -> dict[str, Insight]:
    """The achievements whose criterion the learner now meets and does not hold (`check_achievements`),
    each with the MILESTONE insight that celebrates it (linking to it on the dashboard). Storing
    them is `INSERT … ON CONFLICT DO NOTHING`: of two evaluations racing, only one unlocks each, and
    only it stores the insight."""
    result = check_achievements(
        snapshot(ctx, facts, goals_completed=goals_completed), facts.unlocked, now=ctx.now
    )
    return {
        u.achievement.id: unlock_insight(u, user_id=ctx.user.id, local_day=facts.today)
        for u in result.newly_unlocked
    }


async def _snapshot_now(ctx: Context) -> tuple[LearnerSnapshot, LearnerFacts]:
    facts = await learner_facts(ctx)
    completed = await store.goals_completed(ctx.db, user_id=ctx.user.id)
    return snapshot(ctx, facts, goals_completed=completed), facts


async def list_achievements(
    ctx: Context, *, category: AchievementCategory | None = None, unlocked: bool | None = None
) -> list[AchievementStatus]:
    """The catalog as the caller sees it (one category, only the unlocked or locked ones), each with
    its progress and the share of learners holding it (`holdersPercent`, from every user)."""
    learner, facts = await _snapshot_now(ctx)
    counts, population = await store.holders(ctx.db)
    return achievement_statuses(
        learner,
        facts.unlocked,
        category=category,
        only_unlocked=unlocked,
        holders=counts,
        population=population,
    )


async def stats(ctx: Context) -> AchievementStats:
    """The guide's totals (achievements, unlocked, points) and the counts by rarity and category."""
    return achievement_stats(set(await store.unlocked(ctx.db, user_id=ctx.user.id)))


@dataclass(frozen=True, slots=True)
class NextAchievement:
    status: AchievementStatus
    progress: AchievementProgress


async def upcoming(ctx: Context, *, limit: int) -> list[NextAchievement]:
    """The `limit` locked achievements nearest completion, with their progress in percent."""
    most = ctx.settings.limits.max_next_achievements
    if not 0 <= limit <= most:
        raise InvalidInput(
            f"limit must be between 0 and {most}", field="limit", code="out_of_range", limit=most
        )
    learner, facts = await _snapshot_now(ctx)
    counts, population = await store.holders(ctx.db)
    found = next_achievements(learner, facts.unlocked, limit=limit)
    return [
        NextAchievement(AchievementStatus(a, None, p, holders_percent(counts.get(a.id, 0), population)), p)
        for a, p in found
    ]


async def recent(ctx: Context) -> list[AchievementStatus]:
    """The caller's newest unlocks (`goals.recent_achievements` of them), newest first."""
    found = await store.recent(ctx.db, user_id=ctx.user.id, limit=ctx.settings.goals.recent_achievements)
    if not found:
        return []
    counts, population = await store.holders(ctx.db)
    out: list[AchievementStatus] = []
    for achievement_id, at in found:
        a = BY_ID.get(achievement_id)
        if a is None:  # an id a later catalog dropped
            continue
        full = progress_of(a, LearnerSnapshot(), unlocked=True)
        out.append(AchievementStatus(a, at, full, holders_percent(counts.get(a.id, 0), population)))
    return out
