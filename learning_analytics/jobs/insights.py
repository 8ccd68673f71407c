"""The daily insight run: regenerate every learner's insights from the rollups (seed: 01:00)."""

from __future__ import annotations

import logging
from datetime import datetime

from ..resolvers import insights, users
from ..resolvers.context import build_context
from ..resolvers.runtime import Runtime

log = logging.getLogger(__name__)


async def generate_all(runtime: Runtime, now: datetime) -> int:
    """Regenerate the insights of every user; returns how many new insight ids appeared."""
    new = 0
    for user in await users.all_users(runtime):
        new += await insights.regenerate(build_context(runtime, user, now=now))
    log.info("insights regenerated: %d new", new)
    return new
