"""Invalidation of cached answers: the use cases that change what a learner's answers say call these.

The seed's triggers: ingestion (sessions, exchanges, feedback), a fold that moved the learner's
rollups, goal changes, and new or changed insights. Each moves the learner's generation, so every
answer cached for them so far is never served again (in every process sharing the cache).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..storage.evaluations import PassWritten
from .context import Context
from .runtime import Runtime


async def changed(ctx: Context) -> None:
    """The caller's data changed: their cached answers are out of date."""
    await ctx.cache.invalidate([ctx.user.id])


async def users_changed(runtime: Runtime, user_ids: Iterable[str]) -> None:
    """These learners' data changed (e.g. a fold moved their rollups)."""
    await runtime.cache.invalidate(list(user_ids))


async def evaluated(ctx: Context, written: PassWritten) -> None:
    """A goal and achievement pass wrote these learners' goals or unlocks: their answers changed."""
    moved = {u for u, ids in written.goals.items() if ids} | {u for u, ids in written.unlocks.items() if ids}
    await ctx.cache.invalidate(moved)


async def clear(runtime: Runtime, *, user_id: str | None = None) -> int:
    """Drop every cached answer, or one user's; returns how many entries were dropped."""
    return await runtime.cache.clear(user_id)
