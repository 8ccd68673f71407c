"""Deterministic demo histories: study sessions, exchanges, feedback and topics that look like a real learner."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .domain.ingest import as_utc
from .domain.models import EventBatch, ExchangeInput, FeedbackInput, FeedbackKind, Quality, SessionInput


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo learner: `key` prefixes every id generated for them, so users never collide in one database."""

    key: str
    name: str
    timezone: str


DEMO_LEARNER = DemoUser(key="learner", name="Demo Learner", timezone="Europe/Paris")

_TIMEZONES = (
    "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "America/Los_Angeles", "Europe/London",
    "Asia/Tokyo", "America/Sao_Paulo", "Africa/Lagos", "Europe/Berlin", "Pacific/Auckland", "Asia/Singapore",
    "America/Chicago", "Asia/Kathmandu", "America/St_Johns", "Africa/Nairobi", "Europe/Madrid", "Asia/Dubai",
)  # fmt: skip
_FIRST_NAMES = (
    "Amara", "Ben", "Chloé", "Diego", "Elif", "Farah", "Gabriel", "Hana", "Ivan", "Jia", "Kofi", "Lena",
    "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Yuki", "Zoe", "Liam",
)  # fmt: skip
_LAST_NAMES = (
    "Okafor", "Martin", "Dubois", "García", "Yilmaz", "Haddad", "Silva", "Sato", "Petrov", "Chen", "Mensah",
    "Weber", "Rossi", "Khan", "Nair", "Larsen", "Novak", "Cohen", "Murphy", "Kowalski", "Tanaka", "Ali",
)  # fmt: skip

# Topic clusters: topics of one cluster are studied together, which gives the co-occurrence insights.
_CLUSTERS: tuple[tuple[str, ...], ...] = (
    (
        "python",
        "machine learning",
        "neural networks",
        "linear algebra",
        "statistics",
        "probability",
        "calculus",
    ),
    ("sql", "databases", "algorithms", "data structures", "git", "docker"),
    ("spanish", "french", "german", "italian"),
    ("history", "economics", "philosophy", "music theory"),
    ("chemistry", "physics", "biology", "astronomy"),
)
# Topics that only appear in the last weeks of a history (an emerging interest), with their cluster.
_EMERGING: tuple[tuple[str, int], ...] = (
    ("rust", 1), ("kubernetes", 1), ("japanese", 2), ("quantum computing", 4), ("reinforcement learning", 0),
)  # fmt: skip

# Session windows of the local day, in minutes after midnight: (earliest start, latest start). The gaps
# between windows exceed the longest session, so sessions of one day never overlap.
_WINDOWS = ((420, 470), (600, 645), (720, 770), (870, 1005), (1110, 1290), (1385, 1425))
_LATE_NIGHT = 5
_NO_WINDOW = 1  # a quality-neutral window, for the session added when today's planned ones lie ahead
_WEEKDAY_WINDOW_WEIGHTS = (0.9, 0.15, 0.7, 0.25, 1.3, 0.25)
_WEEKEND_WINDOW_WEIGHTS = (0.3, 0.8, 0.4, 0.8, 1.0, 0.25)
# Probability of skipping a day, and cumulative weights of 1, 2 or 3 sessions on an active day (Monday first).
_SKIP = (0.08, 0.05, 0.05, 0.05, 0.09, 0.14, 0.15)
_SESSIONS_PER_DAY = (
    (0.45, 0.85, 1.0), (0.2, 0.65, 1.0), (0.2, 0.65, 1.0), (0.2, 0.65, 1.0),
    (0.5, 0.88, 1.0), (0.68, 0.95, 1.0), (0.7, 0.96, 1.0),
)  # fmt: skip

_USER_TEMPLATES = (
    "Can you explain the basics of {} again?",
    "What is the most common mistake people make with {}?",
    "Give me a short exercise on {}.",
    "How does this part of {} connect to what we did yesterday?",
    "Why does that work? I'm still unsure about {}.",
    "Quiz me on {}, please.",
    "I got this {} question wrong, can we go over it?",
    "What should I learn next in {}?",
    "Can you give me a real-world example from {}?",
    "Summarise today's {} points for me.",
)
_AGENT_TEMPLATES = (
    "Sure. In {}, start from the definition, then build one small example.",
    "Good question. The key idea in {} is to reason one step at a time.",
    "Here is a short {} exercise; try it before you read the answer.",
    "Close! Your {} answer misses one step; let's look at it together.",
    "Think of {} as a toolbox: pick the tool that fits the problem.",
    "Nice progress on {}. Now explain it back to me in your own words.",
    "A common trap in {} is skipping the check at the end. Let's add it.",
    "Let's connect this {} idea to the example from last session.",
)
_COMMENTS: dict[FeedbackKind, tuple[str, ...]] = {
    FeedbackKind.THUMBS_UP: ("Very clear, thanks!", "Great example.", "That finally clicked."),
    FeedbackKind.THUMBS_DOWN: ("Too long.", "Not what I asked.", "Too vague."),
    FeedbackKind.CORRECTION: ("Step 2 is wrong.", "That date is off.", "These two terms are mixed up."),
    FeedbackKind.CLARIFICATION: ("Can you say that more simply?", "What does that term mean?"),
    FeedbackKind.COPY: (),
}

_FEEDBACK_RATE = 0.32
_QUALITY_NOISE = 0.05
_DAY_NOISE = 0.025
_EXCEPTIONAL_BOOST = 0.2
_WEAK_TOPIC_OFFSET = -0.15
_EMERGING_OFFSET = -0.06
_DIMENSION_BIAS = (0.03, 0.0, -0.04, 0.01, 0.02)  # relevance, helpfulness, engagement, clarity, accuracy
# The learner is sharpest at the 7 o'clock session and tires through the day: a "best hour" to find.
_WINDOW_QUALITY = (0.08, 0.0, -0.02, -0.02, -0.04, -0.1)
_RISE_CENTER = 0.65


def demo_users(n: int, *, seed: int) -> list[DemoUser]:
    """The first `n` demo users: the demo learner in Paris, then named learners spread over timezones."""
    if n < 0:
        raise ValueError("n must not be negative")
    rng = random.Random(f"users:{seed}")
    names = [f"{first} {last}" for first in _FIRST_NAMES for last in _LAST_NAMES]
    rng.shuffle(names)
    users = [DEMO_LEARNER][:n]
    for i in range(1, n):
        name = names[(i - 1) % len(names)]
        users.append(
            DemoUser(key=f"user-{i + 1:03d}", name=name, timezone=_TIMEZONES[(i - 1) % len(_TIMEZONES)])
        )
    return users


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
    return _batches(_History(user, days=days, seed=seed, now=as_utc(now)), batch_exchanges)


def _batches(history: _History, limit: int) -> Iterator[EventBatch]:
    sessions: list[SessionInput] = []
    exchanges: list[ExchangeInput] = []
    feedback: list[FeedbackInput] = []
    for session, session_exchanges, session_feedback in history.sessions():
        if exchanges and len(exchanges) + len(session_exchanges) > limit:
            yield EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))
            sessions, exchanges, feedback = [], [], []
        sessions.append(session)
        exchanges.extend(session_exchanges)
        feedback.extend(session_feedback)
    if sessions:
        yield EventBatch(sessions=tuple(sessions), exchanges=tuple(exchanges), feedback=tuple(feedback))


def _unit(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else round(value, 3)


_SessionEvents = tuple[SessionInput, list[ExchangeInput], list[FeedbackInput]]


class _History:
    """One user's generated history: the learner's traits, the day plan, then sessions day by day."""

    def __init__(self, user: DemoUser, *, days: int, seed: int, now: datetime) -> None:
        self.rng = random.Random(f"history:{seed}:{user.key}")
        self.days = days
        self.now = now
        self.tz = ZoneInfo(user.timezone)
        self.prefix = f"{user.key}-s{seed}"
        self.first_day = now.astimezone(self.tz).date() - timedelta(days=days - 1)
        rng = self.rng
        # Slightly above the targets (0.62 → 0.85): the weak and emerging topics pull the realised mean down.
        self.start_quality = 0.635 + rng.gauss(0.0, 0.015)
        self.end_quality = 0.87 + rng.gauss(0.0, 0.015)
        early, night = rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)
        self.window_weights = [
            _scaled_cumulative(weights, early, night)
            for weights in (_WEEKDAY_WINDOW_WEIGHTS, _WEEKEND_WINDOW_WEIGHTS)
        ]
        self._choose_topics()
        self._plan_days()

    def _choose_topics(self) -> None:
        rng = self.rng
        # The favourite cluster leans technical, the audience of a study agent; the others come in random order.
        favourite = rng.choices(range(len(_CLUSTERS)), weights=(0.45, 0.25, 0.1, 0.1, 0.1))[0]
        others = [c for c in range(len(_CLUSTERS)) if c != favourite]
        rng.shuffle(others)
        cluster_weight = [0.0] * len(_CLUSTERS)
        for c, weight in zip([favourite, *others], (1.0, 0.6, 0.35, 0.2, 0.12), strict=True):
            cluster_weight[c] = weight
        scored = [
            (cluster_weight[c] * rng.uniform(0.5, 1.0), topic, c)
            for c, cluster in enumerate(_CLUSTERS)
            for topic in cluster
        ]
        scored.sort(reverse=True)
        chosen = scored[: rng.randint(16, 21)]
        emerging = rng.sample(_EMERGING, rng.randint(1, 2))
        self.catalogue = [topic for _, topic, _ in chosen]
        self.emerging = [topic for topic, _ in emerging]
        self.cluster_of = {topic: c for _, topic, c in chosen} | dict(emerging)
        # Zipf-like popularity by rank; an emerging topic, once it appears, grows into the new favourite.
        zipf = [1.0 / (rank + 1) ** 0.9 for rank in range(len(self.catalogue))]
        self.cum_before = _cumulative(zipf)
        self.zipf = zipf
        self.weak_topic = self.catalogue[rng.randint(1, 4)]
        self.offset = {topic: rng.gauss(0.0, 0.02) for topic in self.catalogue}
        self.offset[self.weak_topic] = _WEAK_TOPIC_OFFSET
        self.offset |= {topic: _EMERGING_OFFSET for topic in self.emerging}
        self.introduced: set[str] = set()
        self.user_texts = {t: [s.format(t) for s in _USER_TEMPLATES] for t in self.cluster_of}
        self.agent_texts = {t: [s.format(t) for s in _AGENT_TEMPLATES] for t in self.cluster_of}

    def _plan_days(self) -> None:
        """Which days are active: random skips, a long run, one or two breaks, an active recent tail."""
        rng, days = self.rng, self.days
        weekday0 = self.first_day.weekday()
        laziness = rng.uniform(0.8, 1.2)
        active = [rng.random() >= _SKIP[(weekday0 + d) % 7] * laziness for d in range(days)]
        keep: set[int] = set(range(days - min(days, rng.randint(5, 10)), days))
        if days >= 30:
            run = min(rng.randint(16, 24), days - 12)
            lo, hi = days // 4, days - run - 12
            start = rng.randint(lo, hi) if hi >= lo else days - run
            keep.update(range(start, start + run))
        self.exceptional: set[int] = set()
        if days >= 30:
            self.exceptional.add(rng.randint(int(days * 0.3), int(days * 0.5)))
            if days >= 90:
                self.exceptional.add(rng.randint(int(days * 0.6), int(days * 0.8)))
        keep |= self.exceptional
        breaks = [rng.randint(3, 5)] if days >= 45 else []
        if days >= 150:
            breaks.append(rng.randint(2, 4))
        for length in breaks:
            free = [s for s in range(2, days - length - 12) if keep.isdisjoint(range(s - 1, s + length + 1))]
            if free:
                start = rng.choice(free)
                for d in range(start, start + length):
                    active[d] = False
                keep.update((start - 1, start + length))
        for d in keep:
            active[d] = True
        self.active = active
        self.emerging_from = days - rng.randint(9, 15) if days >= 45 else days * 2 // 3

    def _trend(self, progress: float) -> float:
        """Logistic rise from `start_quality` to `end_quality` over the history, steepest past the middle
        (at `_RISE_CENTER`), so the learner is still clearly improving in the last weeks."""

        def logistic(x: float) -> float:
            return 1.0 / (1.0 + math.exp(-5.0 * (x - _RISE_CENTER)))

        low, high, s = logistic(0.0), logistic(1.0), logistic(progress)
        return self.start_quality + (self.end_quality - self.start_quality) * (s - low) / (high - low)

    def _day_starts(self, index: int, day: date) -> list[tuple[datetime, int, int]]:
        """Start instants (UTC), durations (seconds) and day windows of one active day's sessions, in order."""
        rng, weekday = self.rng, day.weekday()
        count = 1 + sum(rng.random() >= c for c in _SESSIONS_PER_DAY[weekday][:2])
        if index in self.exceptional:
            count = max(count, 2)
        cum = list(self.window_weights[weekday >= 5])
        spill_ok = index + 1 < self.days and self.active[index + 1]
        if not spill_ok or self.exceptional & {index, index + 1}:
            # A late-night session runs into the next day: that day must be active, and an exceptional
            # day keeps all of its own exchanges and none of another day's.
            cum[_LATE_NIGHT] = cum[_LATE_NIGHT - 1]
        windows: list[int] = []
        while len(windows) < count:
            pick = rng.choices(range(len(_WINDOWS)), cum_weights=cum)[0]
            if pick not in windows:
                windows.append(pick)
        starts = []
        for window in sorted(windows):
            first, last = _WINDOWS[window]
            minute = rng.randint(first, last)
            local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)
            duration = int((8 + 37 * rng.random() ** 1.4) * 60)
            starts.append((local.astimezone(UTC), duration, window))
        return starts

    def _fallback_today(self, day: date) -> list[tuple[datetime, int, int]]:
        """One session that ended shortly before `now`, so today is active when the planned ones are later."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.tz).astimezone(UTC)
        available = (self.now - midnight).total_seconds() / 60
        if available < 12:
            return []
        minutes = min(8 + 22 * self.rng.random(), available - 3)
        gap = self.rng.uniform(1, min(90.0, available - minutes - 1))
        return [(self.now - timedelta(minutes=gap + minutes), int(minutes * 60), _NO_WINDOW)]

    def sessions(self) -> Iterator[_SessionEvents]:
        number = 0
        for index in range(self.days):
            if not self.active[index]:
                continue
            day = self.first_day + timedelta(days=index)
            progress = index / max(self.days - 1, 1)
            mean = self._trend(progress) + self.rng.gauss(0.0, _DAY_NOISE)
            if index in self.exceptional:
                mean += _EXCEPTIONAL_BOOST
            limit = self.now - timedelta(seconds=60)
            starts = [s for s in self._day_starts(index, day) if s[0] + timedelta(seconds=s[1]) <= limit]
            if not starts and index == self.days - 1:
                starts = self._fallback_today(day)
            for start, duration, window in starts:
                number += 1
                session_mean = mean + _WINDOW_QUALITY[window] + self.rng.gauss(0.0, 0.015)
                yield self._session(number, start, duration, session_mean, index)

    def _emerging_weights(self, index: int) -> list[float]:
        """Cumulative topic weights once the emerging topics exist: they start at the favourite's weight
        and keep gaining, so their activity grows towards the end of the history."""
        ramp = (index - self.emerging_from + 1) / max(self.days - self.emerging_from, 1)
        return _cumulative(self.zipf + [self.zipf[0] * (1.0 + 4.0 * ramp)] * len(self.emerging))

    def _session_topics(self, index: int) -> tuple[str, ...]:
        rng = self.rng
        emerged = index >= self.emerging_from
        pool = self.catalogue + self.emerging if emerged else self.catalogue
        cum = self._emerging_weights(index) if emerged else self.cum_before
        fresh = [t for t in self.emerging if t not in self.introduced] if emerged else []
        main = fresh[0] if fresh else rng.choices(pool, cum_weights=cum)[0]
        self.introduced.add(main)
        peers = [t for t in pool if t != main and self.cluster_of[t] == self.cluster_of[main]]
        topics = [main]
        for _ in range(rng.choices((0, 1, 2), cum_weights=(0.35, 0.8, 1.0))[0]):
            other = (
                rng.choice(peers) if peers and rng.random() < 0.8 else rng.choices(pool, cum_weights=cum)[0]
            )
            if other not in topics:
                topics.append(other)
        return tuple(topics)

    def _session(
        self, number: int, start: datetime, duration: int, mean: float, index: int
    ) -> _SessionEvents:
        rng = self.rng
        rand, gauss = rng.random, rng.gauss
        session_id = f"{self.prefix}-{number:06d}"
        topics = self._session_topics(index)
        end = start + timedelta(seconds=duration)
        n = max(5, min(25, round(duration / 120 + gauss(1.5, 2.5))))
        # About 3% of sessions arrive as summaries and 3% never reported their end; a fixed stride keeps
        # both present even in short histories.
        if number % 32 == 7 and index not in self.exceptional:
            avg = _unit(mean + sum(self.offset[t] for t in topics) / len(topics) + gauss(0.0, 0.02))
            summary = SessionInput(session_id, start, end, topics, total_exchanges=n, avg_quality_score=avg)
            return summary, [], []
        session = SessionInput(session_id, start, None if number % 32 == 23 else end, topics)
        offset = self.offset
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
            c = mean + min(offset[t] for t in ex_topics) + gauss(0.0, _QUALITY_NOISE)
            b = _DIMENSION_BIAS
            quality = Quality(
                _unit(c),
                _unit(c + b[0] + gauss(0.0, 0.04)),
                _unit(c + b[1] + gauss(0.0, 0.04)),
                _unit(c + b[2] + gauss(0.0, 0.04)),
                _unit(c + b[3] + gauss(0.0, 0.04)),
                _unit(c + b[4] + gauss(0.0, 0.04)),
            )
            label = ex_topics[0]
            user_texts, agent_texts = self.user_texts[label], self.agent_texts[label]
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
            if u >= _FEEDBACK_RATE:
                continue
            # Weaker answers draw more corrections and thumbs down, so the correction rate falls as quality rises.
            correction = min(0.15, max(0.01, 0.06 + 0.35 * (0.75 - c)))
            clarification = correction + 0.04
            copy = clarification + 0.035
            thumbs_down = copy + (0.06 if c < 0.6 else 0.02)
            kind = (
                FeedbackKind.CORRECTION if u < correction
                else FeedbackKind.CLARIFICATION if u < clarification
                else FeedbackKind.COPY if u < copy
                else FeedbackKind.THUMBS_DOWN if u < thumbs_down
                else FeedbackKind.THUMBS_UP
            )  # fmt: skip
            rating = (
                1.0 if kind is FeedbackKind.THUMBS_UP else 0.0 if kind is FeedbackKind.THUMBS_DOWN else None
            )
            comments = _COMMENTS[kind]
            comment = comments[int(rand() * len(comments))] if comments and rand() < 0.2 else None
            feedback.append(
                FeedbackInput(
                    f"{self.prefix}-f-{number:06d}-{i + 1:02d}",
                    exchange_id,
                    kind,
                    at + timedelta(seconds=3 + int(rand() * 35)),
                    rating,
                    comment,
                )
            )
        return session, exchanges, feedback


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _scaled_cumulative(weights: tuple[float, ...], early: float, night: float) -> tuple[float, ...]:
    scaled = [w * early if i == 0 else w * night if i == _LATE_NIGHT else w for i, w in enumerate(weights)]
    return tuple(_cumulative(scaled))
