"""The daily insight run: regenerate every learner's insights from the rollups (seed: 01:00)."""

from __future__ import annotations

import logging
from datetime import datetime

from ..resolvers import insights
from ..resolvers.context import build_context
from ..resolvers.services import Services
from ..storage import users

log = logging.getLogger(__name__)


async def generate_all(services: Services, now: datetime) -> int:
    """Regenerate the insights of every user; returns how many new insight ids appeared."""
    new = 0
    for user in await users.list_users(services.db):
        new += await insights.regenerate(build_context(services, user, now=now))
    log.info("insights regenerated: %d new", new)
    return new
