"""Per-request dataloaders: one query per kind of related object, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TypeVar

from aiodataloader import DataLoader

from ..config import ProgressSettings
from ..domain.goals import GoalSnapshot
from ..domain.mastery import TopicMastery, compute_mastery
from ..domain.models import Exchange, Feedback
from ..storage import goals as goal_store
from ..storage import sessions
from ..storage import topics as topic_store
from ..storage.db import Database
from ..storage.topics import MasteryInputs

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Loaders:
    exchanges_by_session: DataLoader[str, list[Exchange]]
    feedback_by_exchange: DataLoader[str, list[Feedback]]
    feedback_by_session: DataLoader[str, list[Feedback]]
    topics_by_session: DataLoader[str, list[str]]
    topics_by_exchange: DataLoader[str, list[str]]
    mastery_by_topic: DataLoader[str, TopicMastery | None]
    # (goal id, limit) → the goal's newest `limit` snapshots
    goal_history: DataLoader[tuple[str, int], list[GoalSnapshot]]


async def mastery_of_topics(
    db: Database, names: Sequence[str], *, user_id: str, today: date, progress: ProgressSettings
) -> list[TopicMastery | None]:
    """Mastery of each topic (None if never seen): score = q × (1 − exp(−n/10)), q weighted by recency."""
    inputs = await topic_store.mastery_inputs(
        db, user_id=user_id, topics=names, today=today, half_life_days=progress.mastery_half_life_days
    )
    return [None if found is None else mastery_from(found, progress) for found in inputs]


def mastery_from(found: MasteryInputs, progress: ProgressSettings) -> TopicMastery:
    """A topic's mastery from its inputs: q = Σ wᵢ·qᵢ / Σ wᵢ (None without scored exchanges)."""
    q = found.weighted_quality_sum / found.weight_sum if found.weight_sum > 0 else None
    return compute_mastery(
        found.topic,
        n=found.exchanges,
        q=q,
        last_practiced_at=found.last_practiced_at,
        mastery_threshold=progress.mastery_threshold,
    )


async def goal_histories(
    db: Database, keys: Sequence[tuple[str, int]], *, user_id: str
) -> list[list[GoalSnapshot]]:
    """The history of each (goal, limit): one statement per distinct limit, whatever the goals."""
    by_limit: defaultdict[int, list[str]] = defaultdict(list)
    for goal_id, limit in keys:
        by_limit[limit].append(goal_id)
    found: dict[tuple[str, int], list[GoalSnapshot]] = {}
    for limit, ids in by_limit.items():
        histories = await goal_store.histories(db, user_id=user_id, goal_ids=ids, limit=limit)
        found.update({(i, limit): histories.get(i, []) for i in ids})
    return [found[k] for k in keys]


def _children(db: Database, kind: sessions.Children[T], user_id: str) -> DataLoader[str, list[T]]:
    return DataLoader(partial(sessions.children, db, kind, user_id=user_id))


def build_loaders(db: Database, user_id: str, *, today: date, progress: ProgressSettings) -> Loaders:
    """Fresh loaders for one request and one user (`today` on their calendar); call inside the running
    event loop."""

    return Loaders(
        exchanges_by_session=_children(db, sessions.EXCHANGES_BY_SESSION, user_id),
        feedback_by_exchange=_children(db, sessions.FEEDBACK_BY_EXCHANGE, user_id),
        feedback_by_session=_children(db, sessions.FEEDBACK_BY_SESSION, user_id),
        topics_by_session=_children(db, sessions.TOPICS_BY_SESSION, user_id),
        topics_by_exchange=_children(db, sessions.TOPICS_BY_EXCHANGE, user_id),
        mastery_by_topic=DataLoader(
            partial(mastery_of_topics, db, user_id=user_id, today=today, progress=progress)
        ),
        goal_history=DataLoader(partial(goal_histories, db, user_id=user_id)),
    )
