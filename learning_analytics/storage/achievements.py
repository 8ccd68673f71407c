"""The achievements learners hold (unlocked once each by `evaluations.save_pass`), and how many hold each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from .db import Database
from .sql import chunks
from .tables import goals_t, unlocks_t, users_t


async def unlocked(db: Database, *, user_id: str) -> dict[str, datetime]:
    """The achievements the user holds, with the time each was unlocked."""
    u = unlocks_t
    async with db.read() as conn:
        rows = await conn.execute(select(u.c.achievement_id, u.c.unlocked_at).where(u.c.user_id == user_id))
        return {r.achievement_id: r.unlocked_at for r in rows}


async def unlocked_of(db: Database, *, user_ids: Sequence[str]) -> dict[str, dict[str, datetime]]:
    """The achievements each user holds, with their unlock times: one statement for many users."""
    u = unlocks_t
    found: defaultdict[str, dict[str, datetime]] = defaultdict(dict)
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            rows = await conn.execute(
                select(u.c.user_id, u.c.achievement_id, u.c.unlocked_at).where(u.c.user_id.in_(part))
            )
            for r in rows:
                found[r.user_id][r.achievement_id] = r.unlocked_at
    return {uid: found.get(uid, {}) for uid in user_ids}


async def recent(db: Database, *, user_id: str, limit: int) -> list[tuple[str, datetime]]:
    """The user's newest unlocks, newest first."""
    u = unlocks_t
    async with db.read() as conn:
        rows = await conn.execute(
            select(u.c.achievement_id, u.c.unlocked_at)
            .where(u.c.user_id == user_id)
            .order_by(u.c.unlocked_at.desc(), u.c.achievement_id)
            .limit(limit)
        )
        return [(r.achievement_id, r.unlocked_at) for r in rows]


async def holders(db: Database) -> tuple[dict[str, int], int]:
    """How many learners hold each achievement, and how many learners there are (every user)."""
    u = unlocks_t
    async with db.read() as conn:
        rows = await conn.execute(select(u.c.achievement_id, func.count()).group_by(u.c.achievement_id))
        counts = {r[0]: int(r[1]) for r in rows}
        population = int(await conn.scalar(select(func.count()).select_from(users_t)) or 0)
    # Unlocks of a user deleted since no longer count among the population.
    return {k: min(v, population) for k, v in counts.items()}, population


async def goals_completed(db: Database, *, user_id: str) -> int:
    """How many of the user's goals were ever completed (`completed_at` set once, never cleared)."""
    g = goals_t
    async with db.read() as conn:
        value = await conn.scalar(
            select(func.count()).where(g.c.user_id == user_id, g.c.completed_at.is_not(None))
        )
    return int(value or 0)
