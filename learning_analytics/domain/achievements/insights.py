"""The MILESTONE insight of an unlocked achievement, linking to it on the dashboard."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date

from learning_analytics.domain.achievements.engine import Unlock
from learning_analytics.domain.achievements.model import Rarity
from learning_analytics.domain.insights.model import EXPIRY, Importance, Insight, InsightType
from learning_analytics.domain.insights.support import dashboard_url

ACHIEVEMENT_UNLOCKED = "achievement_unlocked"

_IMPORTANCE: Mapping[Rarity, Importance] = {
    Rarity.COMMON: Importance.LOW,
    Rarity.UNCOMMON: Importance.MEDIUM,
    Rarity.RARE: Importance.MEDIUM,
    Rarity.EPIC: Importance.HIGH,
    Rarity.LEGENDARY: Importance.HIGH,
}


def achievement_url(achievement_id: str) -> str:
    """A relative link opening an achievement on the dashboard: `/?view=achievements&id=<id>`."""
    return dashboard_url("achievements", id=achievement_id)


def unlock_insight_id(user_id: str, achievement_id: str) -> str:
    """The stable id of an unlock's insight, one per user and achievement (an achievement is unlocked
    at most once): "ins_" + the first 16 hex digits of sha256("user|achievement_unlocked|id")."""
    digest = hashlib.sha256(f"{user_id}|{ACHIEVEMENT_UNLOCKED}|{achievement_id}".encode()).hexdigest()
    return f"ins_{digest[:16]}"


def unlock_insight(unlock: Unlock, *, user_id: str, local_day: date) -> Insight:
    """The MILESTONE insight celebrating an unlock: generated at the unlock, expiring after the
    milestone horizon, importance by rarity (epic and legendary high, common low), the points and
    rarity in `data`; `local_day` is the learner's local day of the unlock."""
    a = unlock.achievement
    return Insight(
        id=unlock_insight_id(user_id, a.id),
        rule=ACHIEVEMENT_UNLOCKED,
        type=InsightType.MILESTONE,
        title=f"Achievement unlocked: {a.title}",
        description=f"{a.description} (+{a.points} points, {a.rarity.value})",
        importance=_IMPORTANCE[a.rarity],
        confidence=1.0,
        data={
            "achievement_id": a.id,
            "category": a.category.value,
            "rarity": a.rarity.value,
            "points": a.points,
            "unlocked_at": unlock.unlocked_at.isoformat(),
        },
        icon=a.icon,
        action_url=achievement_url(a.id),
        generated_at=unlock.unlocked_at,
        expires_at=unlock.unlocked_at + EXPIRY[InsightType.MILESTONE],
        fact_day=local_day,
        fact_key=a.id,
    )
