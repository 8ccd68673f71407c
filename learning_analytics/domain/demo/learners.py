"""The demo learners: the demo learner in Paris first, then named learners spread over timezones."""

from __future__ import annotations

import random
from dataclasses import dataclass


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
