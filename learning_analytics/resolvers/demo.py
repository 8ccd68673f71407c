"""Loading the deterministic demo history through the ordinary ingestion path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .. import demo
from ..domain.models import User
from ..storage import maintenance, sessions, users
from .auth import default_user
from .context import build_context
from .ingest import ingest_batch
from .services import Services


@dataclass(frozen=True, slots=True)
class DemoLoad:
    users: int
    sessions: int
    exchanges: int
    feedback: int
    duplicates: int


async def demo_user_record(services: Services, index: int, spec: demo.DemoUser, *, now: datetime) -> User:
    """The first demo learner is the default user, so single-user mode shows the demo at once."""
    if index == 0:
        user = await default_user(services)
        await users.set_timezone(services.db, user_id=user.id, timezone=spec.timezone)
        return User(id=user.id, name=user.name, timezone=spec.timezone, created_at=user.created_at)
    return await users.ensure_user(
        services.db, user_id=f"demo-{spec.key}", name=spec.name, timezone=spec.timezone, now=now
    )


async def load_demo(
    services: Services,
    *,
    n_users: int,
    days: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> DemoLoad:
    """Generate and ingest `days` days of history for `n_users` learners; `progress` gets exchanges done."""
    totals = [0, 0, 0, 0]
    specs = demo.demo_users(n_users, seed=seed)
    for index, spec in enumerate(specs):
        user = await demo_user_record(services, index, spec, now=now)
        ctx = build_context(services, user, now=now)
        for batch in demo.generate_history(spec, days=days, seed=seed, now=now):
            summary = await ingest_batch(ctx, batch)
            totals[0] += summary.sessions.accepted
            totals[1] += summary.exchanges.accepted
            totals[2] += summary.feedback.accepted
            totals[3] += summary.duplicates
            if progress:
                progress(len(batch.exchanges))
        if index == 0:
            await maintenance.analyze(services.db)  # plan the rest of the load on real statistics
    await maintenance.analyze(services.db)
    return DemoLoad(
        users=len(specs), sessions=totals[0], exchanges=totals[1], feedback=totals[2], duplicates=totals[3]
    )


async def is_empty(services: Services) -> bool:
    user = await default_user(services)
    return await sessions.count(services.db, user_id=user.id) == 0
