"""One demo learner's history as event batches: sessions day by day, their exchanges and feedback.

Every draw comes from one random stream seeded by the seed and the learner, in a fixed order, so the
same arguments always give the same batches.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..ingest_checks import as_utc
from ..models import EventBatch, ExchangeInput, FeedbackInput, SessionInput
from .feedback import FEEDBACK_RATE, feedback_kind, feedback_on
from .learners import DemoUser
from .quality import (
    DAY_NOISE,
    EXCEPTIONAL_BOOST,
    QUALITY_NOISE,
    SESSION_NOISE,
    SUMMARY_NOISE,
    WINDOW_QUALITY,
    QualityCurve,
    exchange_quality,
    unit,
)
from .rhythm import DayPlan, Habits, day_slots, slot_before_now
from .topics import TopicModel

SessionEvents = tuple[SessionInput, list[ExchangeInput], list[FeedbackInput]]


def generate_history(
    user: DemoUser, *, days: int, seed: int, now: datetime, batch_exchanges: int = 1000
) -> Iterator[EventBatch]:
    """Batches of one user's study history over the `days` local days ending on the local day of `now`.

    Sessions come in chronological order; a session, its exchanges and their feedback share a batch,
    and a batch holds at most `batch_exchanges` exchanges unless a single session has more. No event
    is later than `now`. Same arguments, same batches.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if batch_exchanges < 1:
        raise ValueError("batch_exchanges must be at least 1")
    return _batches(_History(user, days=days, seed=seed, now=as_utc(now)).sessions(), batch_exchanges)


def _batches(history: Iterator[SessionEvents], limit: int) -> Iterator[EventBatch]:
    sessions: list[SessionInput] = []
    exchanges: list[ExchangeInput] = []
    feedback: list[FeedbackInput] = []
    for session, session_exchanges, session_feedback in history:
        if exchanges and len(exchanges) + len(session_exchanges) > limit:
            yield EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))
            sessions, exchanges, feedback = [], [], []
        sessions.append(session)
        exchanges.extend(session_exchanges)
        feedback.extend(session_feedback)
    if sessions:
        yield EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))


class _History:
    """One learner's generated history: their level, habits and topics, the day plan, then sessions."""

    def __init__(self, user: DemoUser, *, days: int, seed: int, now: datetime) -> None:
        self.rng = rng = random.Random(f"history:{seed}:{user.key}")
        self.days = days
        self.now = now
        self.tz = ZoneInfo(user.timezone)
        self.prefix = f"{user.key}-s{seed}"
        self.first_day = now.astimezone(self.tz).date() - timedelta(days=days - 1)
        # The order of these draws is part of the history: changing it changes every seed's history.
        self.quality = QualityCurve.drawn(rng)
        self.habits = Habits.drawn(rng)
        self.topics = TopicModel(rng)
        self.plan = DayPlan.drawn(rng, days=days, first_day=self.first_day)
        self.topics.schedule_emerging(days)

    def sessions(self) -> Iterator[SessionEvents]:
        rng, plan = self.rng, self.plan
        number = 0
        for index in range(self.days):
            if not plan.active[index]:
                continue
            day = self.first_day + timedelta(days=index)
            progress = index / max(self.days - 1, 1)
            mean = self.quality.at(progress) + rng.gauss(0.0, DAY_NOISE)
            if index in plan.exceptional:
                mean += EXCEPTIONAL_BOOST
            limit = self.now - timedelta(seconds=60)
            slots = day_slots(rng, habits=self.habits, plan=plan, index=index, day=day, tz=self.tz)
            slots = [s for s in slots if s.start + timedelta(seconds=s.seconds) <= limit]
            if not slots and index == self.days - 1:
                slots = slot_before_now(rng, day=day, tz=self.tz, now=self.now)
            for start, duration, window in slots:
                number += 1
                session_mean = mean + WINDOW_QUALITY[window] + rng.gauss(0.0, SESSION_NOISE)
                yield self._session(number, start, duration, session_mean, index)

    def _session(self, number: int, start: datetime, duration: int, mean: float, index: int) -> SessionEvents:
        rng = self.rng
        rand, gauss = rng.random, rng.gauss
        session_id = f"{self.prefix}-{number:06d}"
        topics = self.topics.session_topics(index)
        offset = self.topics.offset
        end = start + timedelta(seconds=duration)
        n = max(5, min(25, round(duration / 120 + gauss(1.5, 2.5))))
        # About 3% of sessions arrive as summaries and 3% never reported their end; a fixed stride keeps
        # both present even in short histories.
        if number % 32 == 7 and index not in self.plan.exceptional:
            avg = unit(mean + sum(offset[t] for t in topics) / len(topics) + gauss(0.0, SUMMARY_NOISE))
            summary = SessionInput(session_id, start, end, topics, total_exchanges=n, avg_quality_score=avg)
            return summary, [], []
        session = SessionInput(session_id, start, None if number % 32 == 23 else end, topics)
        main = topics[0]
        step = duration / n
        exchanges: list[ExchangeInput] = []
        feedback: list[FeedbackInput] = []
        for i in range(n):
            at = start + timedelta(seconds=int((i + 0.15 + 0.7 * rand()) * step))
            if len(topics) == 1:
                ex_topics: tuple[str, ...] = topics
            else:
                other = topics[1 + int(rand() * (len(topics) - 1))]
                r = rand()
                ex_topics = (main,) if r < 0.45 else (other,) if r < 0.7 else (main, other)
            c = mean + min(offset[t] for t in ex_topics) + gauss(0.0, QUALITY_NOISE)
            quality = exchange_quality(rng, c)
            label = ex_topics[0]
            user_texts, agent_texts = self.topics.user_texts[label], self.topics.agent_texts[label]
            exchange_id = f"{session_id}-{i + 1:02d}"
            exchanges.append(
                ExchangeInput(
                    exchange_id,
                    session_id,
                    at,
                    quality,
                    ex_topics,
                    user_texts[int(rand() * len(user_texts))],
                    agent_texts[int(rand() * len(agent_texts))],
                )
            )
            u = rand()
            if u >= FEEDBACK_RATE:
                continue
            feedback.append(
                feedback_on(
                    rng,
                    feedback_id=f"{self.prefix}-f-{number:06d}-{i + 1:02d}",
                    exchange_id=exchange_id,
                    at=at,
                    kind=feedback_kind(u, c),
                )
            )
        return session, exchanges, feedback
