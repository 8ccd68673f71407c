"""Per-request dataloaders: one query per kind of related object, never one per row."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from aiodataloader import DataLoader

from ..domain.models import Exchange, Feedback
from ..storage import sessions
from ..storage.db import Database


@dataclass(frozen=True, slots=True)
class Loaders:
    exchanges_by_session: DataLoader[str, list[Exchange]]
    feedback_by_exchange: DataLoader[str, list[Feedback]]
    feedback_by_session: DataLoader[str, list[Feedback]]
    topics_by_session: DataLoader[str, list[str]]
    topics_by_exchange: DataLoader[str, list[str]]


def build_loaders(db: Database, user_id: str) -> Loaders:
    """Fresh loaders for one request and one user; call inside the running event loop."""
    return Loaders(
        exchanges_by_session=DataLoader(partial(sessions.exchanges_by_session, db, user_id=user_id)),
        feedback_by_exchange=DataLoader(partial(sessions.feedback_by_exchange, db, user_id=user_id)),
        feedback_by_session=DataLoader(partial(sessions.feedback_by_session, db, user_id=user_id)),
        topics_by_session=DataLoader(partial(sessions.topics_by_session, db, user_id=user_id)),
        topics_by_exchange=DataLoader(partial(sessions.topics_by_exchange, db, user_id=user_id)),
    )
