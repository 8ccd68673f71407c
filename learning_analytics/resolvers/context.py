"""The typed context of one request, built the same way for GraphQL and REST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ..config import Settings
from ..domain.models import User
from ..storage.db import Database
from .loaders import Loaders, build_loaders
from .services import Services


@dataclass
class Context:
    settings: Settings
    db: Database
    user: User
    loaders: Loaders
    now: datetime


def build_context(services: Services, user: User, *, now: datetime | None = None) -> Context:
    return Context(
        settings=services.settings,
        db=services.db,
        user=user,
        loaders=build_loaders(services.db, user.id),
        now=now or datetime.now(UTC),
    )
