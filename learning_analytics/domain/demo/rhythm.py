"""When the demo learner studies: the windows of their day, which days are active, and each active
day's sessions (start, length and window)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

# Session windows of the local day, in minutes after midnight: (earliest start, latest start). The gaps
# between windows exceed the longest session, so sessions of one day never overlap.
WINDOWS = ((420, 470), (600, 645), (720, 770), (870, 1005), (1110, 1290), (1385, 1425))
LATE_NIGHT = 5
NO_WINDOW = 1  # a quality-neutral window, for the session added when today's planned ones lie ahead
_WEEKDAY_WINDOW_WEIGHTS = (0.9, 0.15, 0.7, 0.25, 1.3, 0.25)
_WEEKEND_WINDOW_WEIGHTS = (0.3, 0.8, 0.4, 0.8, 1.0, 0.25)
# Probability of skipping a day, and cumulative weights of 1, 2 or 3 sessions on an active day (Monday first).
_SKIP = (0.08, 0.05, 0.05, 0.05, 0.09, 0.14, 0.15)
_SESSIONS_PER_DAY = (
    (0.45, 0.85, 1.0), (0.2, 0.65, 1.0), (0.2, 0.65, 1.0), (0.2, 0.65, 1.0),
    (0.5, 0.88, 1.0), (0.68, 0.95, 1.0), (0.7, 0.96, 1.0),
)  # fmt: skip


class Slot(NamedTuple):
    """One session of a day: its start (UTC), its length in seconds, and the window it falls in."""

    start: datetime
    seconds: int
    window: int


def cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(frozen=True, slots=True)
class Habits:
    """The learner's liking for each window of the day, as cumulative weights: weekdays, weekends."""

    weekday: tuple[float, ...]
    weekend: tuple[float, ...]

    @classmethod
    def drawn(cls, rng: random.Random) -> Habits:
        """An early bird or not, a night owl or not: the first and last windows weigh 0.5× to 1.5×."""
        early, night = rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)

        def scaled(weights: tuple[float, ...]) -> tuple[float, ...]:
            return tuple(
                cumulative(
                    [
                        w * early if i == 0 else w * night if i == LATE_NIGHT else w
                        for i, w in enumerate(weights)
                    ]
                )
            )

        return cls(weekday=scaled(_WEEKDAY_WINDOW_WEIGHTS), weekend=scaled(_WEEKEND_WINDOW_WEIGHTS))


@dataclass(frozen=True, slots=True)
class DayPlan:
    """Which of the history's days (0 = the first) are active, and which are exceptional (more sessions,
    better answers: the day an anomaly insight finds)."""

    days: int
    active: list[bool]
    exceptional: set[int]

    @classmethod
    def drawn(cls, rng: random.Random, *, days: int, first_day: date) -> DayPlan:
        """Random skips (more at weekends), a long run, one or two breaks, an active recent tail."""
        weekday0 = first_day.weekday()
        laziness = rng.uniform(0.8, 1.2)
        active = [rng.random() >= _SKIP[(weekday0 + d) % 7] * laziness for d in range(days)]
        keep: set[int] = set(range(days - min(days, rng.randint(5, 10)), days))
        if days >= 30:
            run = min(rng.randint(16, 24), days - 12)
            lo, hi = days // 4, days - run - 12
            start = rng.randint(lo, hi) if hi >= lo else days - run
            keep.update(range(start, start + run))
        exceptional: set[int] = set()
        if days >= 30:
            exceptional.add(rng.randint(int(days * 0.3), int(days * 0.5)))
            if days >= 90:
                exceptional.add(rng.randint(int(days * 0.6), int(days * 0.8)))
        keep |= exceptional
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
        return cls(days=days, active=active, exceptional=exceptional)


def day_slots(
    rng: random.Random, *, habits: Habits, plan: DayPlan, index: int, day: date, tz: ZoneInfo
) -> list[Slot]:
    """The sessions of one active day, in order: 1 to 3 (at least 2 on an exceptional day), each in a
    window of its own drawn by the learner's habits, lasting 8 to 45 minutes."""
    weekday = day.weekday()
    count = 1 + sum(rng.random() >= c for c in _SESSIONS_PER_DAY[weekday][:2])
    if index in plan.exceptional:
        count = max(count, 2)
    cum = list(habits.weekend if weekday >= 5 else habits.weekday)
    spill_ok = index + 1 < plan.days and plan.active[index + 1]
    if not spill_ok or plan.exceptional & {index, index + 1}:
        # A late-night session runs into the next day: that day must be active, and an exceptional
        # day keeps all of its own exchanges and none of another day's.
        cum[LATE_NIGHT] = cum[LATE_NIGHT - 1]
    windows: list[int] = []
    while len(windows) < count:
        pick = rng.choices(range(len(WINDOWS)), cum_weights=cum)[0]
        if pick not in windows:
            windows.append(pick)
    slots = []
    for window in sorted(windows):
        first, last = WINDOWS[window]
        minute = rng.randint(first, last)
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
        duration = int((8 + 37 * rng.random() ** 1.4) * 60)
        slots.append(Slot(local.astimezone(UTC), duration, window))
    return slots


def slot_before_now(rng: random.Random, *, day: date, tz: ZoneInfo, now: datetime) -> list[Slot]:
    """One session that ended shortly before `now`, so today is active when the planned ones are later."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    available = (now - midnight).total_seconds() / 60
    if available < 12:
        return []
    minutes = min(8 + 22 * rng.random(), available - 3)
    gap = rng.uniform(1, min(90.0, available - minutes - 1))
    return [Slot(now - timedelta(minutes=gap + minutes), int(minutes * 60), NO_WINDOW)]
