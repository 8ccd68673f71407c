"""Unlocking achievements, their progress, what comes next, the stats, and how rare each one really is."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from learning_analytics.domain.achievements.catalog import CATALOG
from learning_analytics.domain.achievements.model import (
    Achievement,
    AchievementCategory,
    AchievementProgress,
    LearnerSnapshot,
    Rarity,
)

_RARITY_ORDER = {r: i for i, r in enumerate(Rarity)}


@dataclass(frozen=True, slots=True)
class Unlock:
    """An achievement a learner earned, and when."""

    achievement: Achievement
    unlocked_at: datetime


@dataclass(frozen=True, slots=True)
class UnlockResult:
    """What one check unlocked (catalog order) and the points it earned (the guide's `check_achievements`)."""

    newly_unlocked: tuple[Unlock, ...]
    total_points_earned: int


def check_achievements(
    snapshot: LearnerSnapshot,
    unlocked: Collection[str],
    *,
    now: datetime,
    catalog: Sequence[Achievement] = CATALOG,
) -> UnlockResult:
    """The achievements whose criterion the snapshot meets and that are not in `unlocked` (ids), each
    unlocked at `now`. Idempotent: with the returned ids added to `unlocked`, a second check on the
    same snapshot unlocks nothing; an unlock is never taken back."""
    new = tuple(Unlock(a, now) for a in catalog if a.id not in unlocked and a.criterion.met(snapshot))
    return UnlockResult(newly_unlocked=new, total_points_earned=sum(u.achievement.points for u in new))


def progress_of(
    achievement: Achievement, snapshot: LearnerSnapshot, *, unlocked: bool = False
) -> AchievementProgress:
    """The criterion's progress on the snapshot; an unlocked achievement stays at 100 % (its facts may
    have moved, e.g. the hourly window)."""
    progress = achievement.criterion.progress(snapshot)
    if unlocked and progress.percent < 100.0:
        return AchievementProgress(current=progress.target, target=progress.target, percent=100.0)
    return progress


def holders_percent(holders: int, population: int) -> float | None:
    """The share of learners who hold an achievement: 100 × holders / population; None when there is
    no learner yet. `holders` lies in [0, population]."""
    if holders < 0 or population < 0 or holders > population:
        raise ValueError(f"holders must lie in [0, population], got {holders} of {population}")
    if population == 0:
        return None
    return 100.0 * holders / population


@dataclass(frozen=True, slots=True)
class AchievementStatus:
    """An achievement as one learner sees it: unlocked or not (and when), progress, how many hold it."""

    achievement: Achievement
    unlocked_at: datetime | None
    progress: AchievementProgress
    holders_percent: float | None

    @property
    def unlocked(self) -> bool:
        return self.unlocked_at is not None


def achievement_statuses(
    snapshot: LearnerSnapshot,
    unlocked: Mapping[str, datetime],
    *,
    category: AchievementCategory | None = None,
    only_unlocked: bool | None = None,
    holders: Mapping[str, int] | None = None,
    population: int = 0,
    catalog: Sequence[Achievement] = CATALOG,
) -> list[AchievementStatus]:
    """The catalog (in its order) for one learner, optionally one `category` and only the unlocked
    (True) or locked (False) ones; `holders` counts the learners holding each id among `population`."""
    out: list[AchievementStatus] = []
    for a in catalog:
        at = unlocked.get(a.id)
        if category is not None and a.category is not category:
            continue
        if only_unlocked is not None and (at is not None) != only_unlocked:
            continue
        share = None if holders is None else holders_percent(holders.get(a.id, 0), population)
        out.append(AchievementStatus(a, at, progress_of(a, snapshot, unlocked=at is not None), share))
    return out


def next_achievements(
    snapshot: LearnerSnapshot,
    unlocked: Collection[str],
    *,
    limit: int = 5,
    catalog: Sequence[Achievement] = CATALOG,
) -> list[tuple[Achievement, AchievementProgress]]:
    """The `limit` locked achievements nearest completion: by percent, highest first; then the
    commoner (fewer points) first; then catalog order."""
    if limit <= 0:
        return []
    locked = [(a, a.criterion.progress(snapshot)) for a in catalog if a.id not in unlocked]
    order = {a.id: i for i, a in enumerate(catalog)}
    locked.sort(key=lambda item: (-item[1].percent, _RARITY_ORDER[item[0].rarity], order[item[0].id]))
    return locked[:limit]


@dataclass(frozen=True, slots=True)
class CountBy:
    """Per rarity or category (`key`, lowercase): achievements unlocked (`count`) out of `total`."""

    key: str
    count: int
    total: int


@dataclass(frozen=True, slots=True)
class AchievementStats:
    """The guide's totals — achievements in the catalog, unlocked, points earned — with the points
    available, completion in percent (unlocked / total × 100), and counts by rarity and category
    (every rarity and category listed, in enum order)."""

    total_achievements: int
    unlocked_count: int
    total_points: int
    available_points: int
    completion_percent: float
    by_rarity: tuple[CountBy, ...]
    by_category: tuple[CountBy, ...]


def achievement_stats(
    unlocked: Collection[str], *, catalog: Sequence[Achievement] = CATALOG
) -> AchievementStats:
    """The stats of a learner holding the `unlocked` ids (ids not in the catalog are ignored)."""
    held = [a for a in catalog if a.id in unlocked]
    total = len(catalog)
    return AchievementStats(
        total_achievements=total,
        unlocked_count=len(held),
        total_points=sum(a.points for a in held),
        available_points=sum(a.points for a in catalog),
        completion_percent=100.0 * len(held) / total if total else 0.0,
        by_rarity=tuple(
            CountBy(r.value, sum(1 for a in held if a.rarity is r), sum(1 for a in catalog if a.rarity is r))
            for r in Rarity
        ),
        by_category=tuple(
            CountBy(
                c.value, sum(1 for a in held if a.category is c), sum(1 for a in catalog if a.category is c)
            )
            for c in AchievementCategory
        ),
    )
