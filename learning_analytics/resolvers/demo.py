"""Loading the deterministic demo history through the ordinary ingestion path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..domain.demo.history import generate_history
from ..domain.demo.learners import DemoUser, demo_users
from ..domain.models import User
from ..storage import maintenance, sessions, users
from .auth import default_user
from .context import build_context
from .ingest import ingest_batch
from .runtime import Runtime


@dataclass(frozen=True, slots=True)
class DemoLoad:
    users: int
    sessions: int
    exchanges: int
    feedback: int
    duplicates: int


async def demo_user_record(runtime: Runtime, index: int, spec: DemoUser, *, now: datetime) -> User:
    """The first demo learner is the default user, so single-user mode shows the demo at once."""
    if index == 0:
        user = await default_user(runtime)
        await users.set_timezone(runtime.db, user_id=user.id, timezone=spec.timezone)
        return User(id=user.id, name=user.name, timezone=spec.timezone, created_at=user.created_at)
    return await users.ensure_user(
        runtime.db, user_id=f"demo-{spec.key}", name=spec.name, timezone=spec.timezone, now=now
    )


async def load_demo(
    runtime: Runtime,
    *,
    n_users: int,
    days: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> DemoLoad:
    """Generate and ingest `days` days of history for `n_users` learners; `progress` gets exchanges done."""
    totals = [0, 0, 0, 0]
    specs = demo_users(n_users, seed=seed)
    for index, spec in enumerate(specs):
        user = await demo_user_record(runtime, index, spec, now=now)
        ctx = build_context(runtime, user, now=now)
        for batch in generate_history(spec, days=days, seed=seed, now=now):
            summary = await ingest_batch(ctx, batch)
            totals[0] += summary.sessions.accepted
            totals[1] += summary.exchanges.accepted
            totals[2] += summary.feedback.accepted
            totals[3] += summary.duplicates
            if progress:
                progress(len(batch.exchanges))
        if index == 0:
            await maintenance.analyze(runtime.db)  # plan the rest of the load on real statistics
    await maintenance.analyze(runtime.db)
    return DemoLoad(
        users=len(specs), sessions=totals[0], exchanges=totals[1], feedback=totals[2], duplicates=totals[3]
    )


async def is_empty(runtime: Runtime) -> bool:
    user = await default_user(runtime)
    return await sessions.count(runtime.db, user_id=user.id) == 0
