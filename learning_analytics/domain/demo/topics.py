"""What the demo learner studies: a skewed catalogue of topic clusters with one weak topic, emerging
topics late in the history, and the texts of their exchanges."""

from __future__ import annotations

import random

from .rhythm import cumulative

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
# How much worse than the day's level the learner does on a topic: the weak one, and new ones.
_WEAK_TOPIC_OFFSET = -0.15
_EMERGING_OFFSET = -0.06

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


class TopicModel:
    """One learner's topics: a catalogue of 16 to 21 drawn from clusters around a favourite, with
    Zipf-like popularity; 1 or 2 emerging topics; a per-topic quality offset (one weak topic)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
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
        self.cum_before = cumulative(zipf)
        self.zipf = zipf
        self.weak_topic = self.catalogue[rng.randint(1, 4)]
        self.offset = {topic: rng.gauss(0.0, 0.02) for topic in self.catalogue}
        self.offset[self.weak_topic] = _WEAK_TOPIC_OFFSET
        self.offset |= {topic: _EMERGING_OFFSET for topic in self.emerging}
        self.introduced: set[str] = set()
        self.user_texts = {t: [s.format(t) for s in _USER_TEMPLATES] for t in self.cluster_of}
        self.agent_texts = {t: [s.format(t) for s in _AGENT_TEMPLATES] for t in self.cluster_of}
        self.days = 0
        self.emerging_from = 0

    def schedule_emerging(self, days: int) -> None:
        """From which day of a `days`-day history the emerging topics exist: the last 9 to 15 days."""
        self.days = days
        self.emerging_from = days - self.rng.randint(9, 15) if days >= 45 else days * 2 // 3

    def _emerging_weights(self, index: int) -> list[float]:
        """Cumulative topic weights once the emerging topics exist: they start at the favourite's weight
        and keep gaining, so their activity grows towards the end of the history."""
        ramp = (index - self.emerging_from + 1) / max(self.days - self.emerging_from, 1)
        return cumulative(self.zipf + [self.zipf[0] * (1.0 + 4.0 * ramp)] * len(self.emerging))

    def session_topics(self, index: int) -> tuple[str, ...]:
        """A session's topics on day `index`: a main one (each emerging topic first as soon as it
        exists), then up to two more, mostly from the main topic's cluster."""
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
