"""Learning streaks: current and longest runs of active local days, with the grace period and freezes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FREEZE_EARNED_EVERY = 7
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Streak:
    """A learner's streak as of `today`: run lengths count active days only, never frozen days."""

    current: int
    longest: int
    last_active_date: date | None
    started_on: date | None
    today_complete: bool
    freezes_available: int
    frozen_days: tuple[date, ...]


EMPTY_STREAK = Streak(
    current=0,
    longest=0,
    last_active_date=None,
    started_on=None,
    today_complete=False,
    freezes_available=0,
    frozen_days=(),
)


def compute_streak(
    active_days: Sequence[date],
    *,
    today: date,
    now: datetime,
    last_activity_at: datetime | None,
    grace: timedelta,
    freezes_max: int = 0,
) -> Streak:
    """The streak of a learner from their active local days (any order, duplicates allowed).

    Runs: the days are walked in ascending order; a day following the previous active day
    extends the run. `longest` = max run length ever; `current` = length of the last run when
    it is still alive, else 0. The last run is alive when its last day L satisfies any of:

    - L >= today - 1 (it ends today, or yesterday and today has no activity yet);
    - L == today - 2 and a freeze is held: the missed yesterday is frozen (see below);
    - now - last_activity_at < grace (a late-night session keeps the run until the grace ends).

    The grace period only keeps the last run *current*; it never bridges a missed calendar day.
    Once a later day is active, a missed day between them breaks the run unless a freeze covers it.

    Freezes (disabled when `freezes_max` == 0): every `FREEZE_EARNED_EVERY` (7) active days of a
    run (its 7th, 14th, … active day) earn one freeze, held up to `freezes_max`; an earning at
    the cap is lost. A single missed day between two active days is bridged by spending a held
    freeze: the day goes into `frozen_days` and the run goes on, but a frozen day adds nothing to
    the run's length (a run of 7 days, a frozen day, then 3 days has length 10), because the
    streak counts days of study, not calendar days. A gap of 2 or more missed days breaks the
    run whatever is held. Held freezes survive a broken run. A missed yesterday (L == today - 2)
    is frozen as soon as today starts, because yesterday is over: the same freeze the walk
    would spend once today becomes active, so the result does not change when it does; it is
    spent even when the grace period alone would keep the run.
    Days after `today` (a later timezone at ingest) count as active days, never as missed ones.
    """
    if freezes_max < 0:
        raise ValueError(f"freezes_max must be >= 0, got {freezes_max}")
    unique_days = set(active_days)
    days = sorted(unique_days)
    if not days:
        return EMPTY_STREAK

    held = 0
    frozen: list[date] = []
    run_length = 0
    run_start = days[0]
    longest = 0
    previous: date | None = None
    for day in days:
        if previous is not None:
            missed = (day - previous).days - 1
            if missed == 1 and held > 0:
                held -= 1
                frozen.append(previous + _ONE_DAY)
            elif missed > 0:
                run_length = 0
        if run_length == 0:
            run_start = day
        run_length += 1
        if freezes_max > 0 and run_length % FREEZE_EARNED_EVERY == 0 and held < freezes_max:
            held += 1
        longest = max(longest, run_length)
        previous = day

    last_day = days[-1]
    missed_since_last = (today - last_day).days - 1
    if missed_since_last <= 0:
        alive = True
    elif missed_since_last == 1 and held > 0:
        held -= 1
        frozen.append(today - _ONE_DAY)
        alive = True
    else:
        alive = last_activity_at is not None and now - last_activity_at < grace

    current = run_length if alive else 0
    return Streak(
        current=current,
        longest=longest,
        last_active_date=last_day,
        started_on=run_start if current > 0 else None,
        today_complete=today in unique_days,
        freezes_available=held,
        frozen_days=tuple(frozen),
    )
