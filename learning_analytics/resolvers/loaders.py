"""Per-request dataloaders: one query per kind of related object, never one per row."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiodataloader import DataLoader

from ..domain.mastery import TopicMastery
from ..domain.models import Exchange, Feedback
from ..storage import sessions
from ..storage.db import Database

MasteryBatch = Callable[[list[str]], Coroutine[Any, Any, list[TopicMastery | None]]]


@dataclass(frozen=True, slots=True)
class Loaders:
    exchanges_by_session: DataLoader[str, list[Exchange]]
    feedback_by_exchange: DataLoader[str, list[Feedback]]
    feedback_by_session: DataLoader[str, list[Feedback]]
    topics_by_session: DataLoader[str, list[str]]
    topics_by_exchange: DataLoader[str, list[str]]
    mastery_by_topic: DataLoader[str, TopicMastery | None]


def build_loaders(db: Database, user_id: str, mastery: MasteryBatch) -> Loaders:
    """Fresh loaders for one request and one user; call inside the running event loop."""
    return Loaders(
        mastery_by_topic=DataLoader(mastery),
        exchanges_by_session=DataLoader(partial(sessions.exchanges_by_session, db, user_id=user_id)),
        feedback_by_exchange=DataLoader(partial(sessions.feedback_by_exchange, db, user_id=user_id)),
        feedback_by_session=DataLoader(partial(sessions.feedback_by_session, db, user_id=user_id)),
        topics_by_session=DataLoader(partial(sessions.topics_by_session, db, user_id=user_id)),
        topics_by_exchange=DataLoader(partial(sessions.topics_by_exchange, db, user_id=user_id)),
    )
