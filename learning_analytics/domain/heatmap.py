"""The activity heatmaps: local weeks × weekdays (sessions, exchanges and minutes per day) and
weekday × hour of day (the same, summed over the period's weeks).

Series are matrices of numbers, not one object per cell: a year of days is 53 × 7 numbers per measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .periods import DateRange, week_start
from .rollups import Bucket

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS: tuple[int, ...] = tuple(range(24))


def weeks_touched(r: DateRange) -> int:
    """How many ISO weeks (Monday first) the range touches."""
    return (week_start(r.end) - week_start(r.start)).days // 7 + 1


@dataclass(frozen=True, slots=True)
class WeekGrid:
    """One row per ISO week touching the range (`week_starts`, its Monday), one column per weekday
    (Monday first). Days outside the range are None; days inside without activity are 0."""

    week_starts: tuple[date, ...]
    sessions: tuple[tuple[int | None, ...], ...]
    exchanges: tuple[tuple[int | None, ...], ...]
    minutes: tuple[tuple[float | None, ...], ...]
    active_days: int
    max_sessions: int
    max_minutes: float

    def fields(self) -> dict[str, Any]:
        """The grid as lists, with the weekday names: what every edge's answer holds."""
        return {
            "week_starts": list(self.week_starts),
            "weekdays": list(WEEKDAYS),
            "sessions": [list(row) for row in self.sessions],
            "exchanges": [list(row) for row in self.exchanges],
            "minutes": [list(row) for row in self.minutes],
            "active_days": self.active_days,
            "max_sessions": self.max_sessions,
            "max_minutes": self.max_minutes,
        }


def week_grid(days: Sequence[Bucket], r: DateRange) -> WeekGrid:
    """The weeks × weekdays grid of the range from its day buckets (days outside the range ignored)."""
    by_day = {b.day: b for b in days if b.day in r}
    first = week_start(r.start)
    starts = tuple(first + timedelta(days=7 * w) for w in range(weeks_touched(r)))
    sessions: list[tuple[int | None, ...]] = []
    exchanges: list[tuple[int | None, ...]] = []
    minutes: list[tuple[float | None, ...]] = []
    for monday in starts:
        row_s: list[int | None] = []
        row_e: list[int | None] = []
        row_m: list[float | None] = []
        for offset in range(7):
            day = monday + timedelta(days=offset)
            if day not in r:
                row_s.append(None)
                row_e.append(None)
                row_m.append(None)
                continue
            b = by_day.get(day)
            row_s.append(b.sessions if b else 0)
            row_e.append(b.exchanges if b else 0)
            row_m.append(b.minutes if b else 0.0)
        sessions.append(tuple(row_s))
        exchanges.append(tuple(row_e))
        minutes.append(tuple(row_m))
    inside = list(by_day.values())
    return WeekGrid(
        week_starts=starts,
        sessions=tuple(sessions),
        exchanges=tuple(exchanges),
        minutes=tuple(minutes),
        active_days=sum(1 for b in inside if b.active),
        max_sessions=max((b.sessions for b in inside), default=0),
        max_minutes=max((b.minutes for b in inside), default=0.0),
    )


@dataclass(frozen=True, slots=True)
class HourGrid:
    """Seven rows (Monday first) of 24 local hours: sessions started, exchanges and minutes (of the
    sessions started in that hour) summed over every such weekday and hour of the range, with the
    busiest cell by exchanges (then sessions; earliest on ties), None without activity."""

    sessions: tuple[tuple[int, ...], ...]
    exchanges: tuple[tuple[int, ...], ...]
    minutes: tuple[tuple[float, ...], ...]
    peak_weekday: str | None
    peak_hour: int | None

    def fields(self) -> dict[str, Any]:
        """The grid as lists, with the weekday names and hours: what every edge's answer holds."""
        return {
            "weekdays": list(WEEKDAYS),
            "hours": list(HOURS),
            "sessions": [list(row) for row in self.sessions],
            "exchanges": [list(row) for row in self.exchanges],
            "minutes": [list(row) for row in self.minutes],
            "peak_weekday": self.peak_weekday,
            "peak_hour": self.peak_hour,
        }


def hour_grid(hours: Sequence[Bucket], r: DateRange) -> HourGrid:
    """The weekday × hour grid from hour buckets (local day and hour; those outside the range ignored)."""
    sessions = [[0] * 24 for _ in WEEKDAYS]
    exchanges = [[0] * 24 for _ in WEEKDAYS]
    minutes = [[0.0] * 24 for _ in WEEKDAYS]
    for b in hours:
        if b.day not in r:
            continue
        wd = b.day.weekday()
        sessions[wd][b.hour] += b.sessions
        exchanges[wd][b.hour] += b.exchanges
        minutes[wd][b.hour] += b.minutes
    best: tuple[int, int] | None = None
    best_key = (0, 0)
    for wd in range(7):
        for hour in HOURS:
            key = (exchanges[wd][hour], sessions[wd][hour])
            if key > best_key:
                best, best_key = (wd, hour), key
    return HourGrid(
        sessions=tuple(tuple(row) for row in sessions),
        exchanges=tuple(tuple(row) for row in exchanges),
        minutes=tuple(tuple(row) for row in minutes),
        peak_weekday=None if best is None else WEEKDAYS[best[0]],
        peak_hour=None if best is None else best[1],
    )
