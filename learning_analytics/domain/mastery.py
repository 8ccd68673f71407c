"""Topic mastery: recency-weighted quality, the saturating score and its levels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

DEFAULT_MASTERY_THRESHOLD = 0.75
DEFAULT_HALF_LIFE_DAYS = 30.0
PRACTICE_SCALE = 10.0
_SECONDS_PER_DAY = 86_400.0


class MasteryLevel(StrEnum):
    NOVICE = "novice"
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


@dataclass(frozen=True, slots=True)
class TopicMastery:
    """How well a learner masters a topic: score in [0, 1], its level, and how much they practised."""

    topic: str
    score: float
    level: MasteryLevel
    total_interactions: int
    last_practiced_at: datetime | None


def level_for(score: float, *, mastery_threshold: float = DEFAULT_MASTERY_THRESHOLD) -> MasteryLevel:
    """The level of a mastery score.

    novice < 0.2 ≤ beginner < 0.4 ≤ intermediate < 0.6 ≤ advanced < mastery_threshold ≤ expert;
    the threshold is checked first, so a threshold at or below 0.6 makes every score from it expert.
    """
    if score >= mastery_threshold:
        return MasteryLevel.EXPERT
    if score < 0.2:
        return MasteryLevel.NOVICE
    if score < 0.4:
        return MasteryLevel.BEGINNER
    if score < 0.6:
        return MasteryLevel.INTERMEDIATE
    return MasteryLevel.ADVANCED


def _decay(age_days: float, half_life_days: float) -> float:
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def _check_half_life(half_life_days: float) -> None:
    if not half_life_days > 0:
        raise ValueError(f"half_life_days must be > 0, got {half_life_days}")


def recency_weighted_quality(
    observations: Sequence[tuple[datetime, float]],
    *,
    now: datetime,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> float | None:
    """The recency-weighted mean quality of (timestamp, quality) observations.

    q = Σ wᵢ·qᵢ / Σ wᵢ with wᵢ = 0.5 ** (ageᵢ / half_life_days), ageᵢ = (now − tᵢ) in days,
    clamped to 0 for timestamps after `now`. None when there are no observations.
    """
    _check_half_life(half_life_days)
    weighted_sum = 0.0
    total_weight = 0.0
    for occurred_at, quality in observations:
        age_days = (now - occurred_at).total_seconds() / _SECONDS_PER_DAY
        weight = _decay(age_days, half_life_days)
        weighted_sum += weight * quality
        total_weight += weight
    if total_weight == 0.0:
        return None
    return weighted_sum / total_weight


def recency_weighted_quality_from_days(
    days: Sequence[tuple[date, float, int]],
    *,
    today: date,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> float | None:
    """The recency-weighted mean quality from daily rollups of (local day, quality sum, quality count).

    q = Σ w_d·sum_d / Σ w_d·count_d with w_d = 0.5 ** ((today − d).days / half_life_days),
    clamped to weight 1 for days after `today`: each exchange of a day weighs as of that day.
    None when the weighted count is 0 (no scored exchanges).
    """
    _check_half_life(half_life_days)
    weighted_sum = 0.0
    weighted_count = 0.0
    for day, quality_sum, quality_count in days:
        weight = _decay(float((today - day).days), half_life_days)
        weighted_sum += weight * quality_sum
        weighted_count += weight * quality_count
    if weighted_count == 0.0:
        return None
    return weighted_sum / weighted_count


def mastery_score(n: int, q: float | None) -> float:
    """The mastery score of a topic: q × (1 − exp(−n / 10)); 0 when q is None or n ≤ 0.

    `n` is the number of exchanges on the topic, `q` their recency-weighted quality average.
    """
    if q is None or n <= 0:
        return 0.0
    return q * (1.0 - math.exp(-n / PRACTICE_SCALE))


def compute_mastery(
    topic: str,
    *,
    n: int,
    q: float | None,
    last_practiced_at: datetime | None,
    mastery_threshold: float = DEFAULT_MASTERY_THRESHOLD,
) -> TopicMastery:
    """A topic's mastery: score = mastery_score(n, q) and level = level_for(score, mastery_threshold)."""
    score = mastery_score(n, q)
    return TopicMastery(
        topic=topic,
        score=score,
        level=level_for(score, mastery_threshold=mastery_threshold),
        total_interactions=n,
        last_practiced_at=last_practiced_at,
    )
