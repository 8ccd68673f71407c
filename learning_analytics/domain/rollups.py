"""Mergeable statistics of a local period: a week is an exact merge of its days, a month of its days."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .models import QUALITY_DIMENSIONS
from .periods import Granularity


def _opt_min(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _opt_max(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


@dataclass(frozen=True, slots=True)
class Moments:
    """Count, sum, sum of squares, min and max of one measure: enough for mean and stddev of any merge."""

    n: int = 0
    total: float = 0.0
    sumsq: float = 0.0
    min: float | None = None
    max: float | None = None

    def merge(self, other: Moments) -> Moments:
        return Moments(
            n=self.n + other.n,
            total=self.total + other.total,
            sumsq=self.sumsq + other.sumsq,
            min=_opt_min(self.min, other.min),
            max=_opt_max(self.max, other.max),
        )

    @property
    def mean(self) -> float | None:
        """Σx / n, or None without observations."""
        return self.total / self.n if self.n else None

    @property
    def std(self) -> float | None:
        """Population standard deviation √(Σx²/n − mean²), with rounding negatives clamped to 0."""
        if not self.n:
            return None
        mean = self.total / self.n
        return math.sqrt(max(0.0, self.sumsq / self.n - mean * mean))


@dataclass(frozen=True, slots=True)
class Bucket:
    """One rollup row as the domain sees it: what happened in one local hour, day, week or month.

    Exchanges include those of sessions sent only as a summary (`total_exchanges` at their average
    quality); minutes are session durations, counted in the bucket where the session started.
    """

    granularity: Granularity
    day: date
    hour: int = 0
    sessions: int = 0
    exchanges: int = 0
    minutes: float = 0.0
    quality: Moments = Moments()
    dimensions: Mapping[str, Moments] = field(default_factory=dict)
    feedback: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    copies: int = 0
    corrections: int = 0
    clarifications: int = 0
    rating: Moments = Moments()
    last_event_at: datetime | None = None

    def merge(
        self, other: Bucket, *, granularity: Granularity | None = None, day: date | None = None
    ) -> Bucket:
        """The sum of two buckets, labelled with `granularity`/`day` (default: this bucket's)."""
        last = self.last_event_at
        if other.last_event_at is not None and (last is None or other.last_event_at > last):
            last = other.last_event_at
        return Bucket(
            granularity=granularity or self.granularity,
            day=day or self.day,
            hour=self.hour if granularity in (None, Granularity.HOUR) else 0,
            sessions=self.sessions + other.sessions,
            exchanges=self.exchanges + other.exchanges,
            minutes=self.minutes + other.minutes,
            quality=self.quality.merge(other.quality),
            dimensions={
                d: self.dimensions.get(d, Moments()).merge(other.dimensions.get(d, Moments()))
                for d in QUALITY_DIMENSIONS
            },
            feedback=self.feedback + other.feedback,
            thumbs_up=self.thumbs_up + other.thumbs_up,
            thumbs_down=self.thumbs_down + other.thumbs_down,
            copies=self.copies + other.copies,
            corrections=self.corrections + other.corrections,
            clarifications=self.clarifications + other.clarifications,
            rating=self.rating.merge(other.rating),
            last_event_at=last,
        )

    @property
    def active(self) -> bool:
        return self.sessions > 0 or self.exchanges > 0

    @property
    def avg_quality(self) -> float | None:
        return self.quality.mean

    @property
    def engagement(self) -> float | None:
        """Exchanges per session."""
        return self.exchanges / self.sessions if self.sessions else None

    @property
    def positive_feedback_rate(self) -> float | None:
        """Thumbs up / (thumbs up + thumbs down)."""
        rated = self.thumbs_up + self.thumbs_down
        return self.thumbs_up / rated if rated else None

    @property
    def correction_rate(self) -> float | None:
        """Corrections per exchange."""
        return self.corrections / self.exchanges if self.exchanges else None


def merge_moments(moments: Iterable[Moments]) -> Moments:
    """Moments merged in one pass: counts and sums added in order, min of minimums, max of maximums."""
    n, total, sumsq = 0, 0.0, 0.0
    low: float | None = None
    high: float | None = None
    for m in moments:
        n += m.n
        total += m.total
        sumsq += m.sumsq
        low = _opt_min(low, m.min)
        high = _opt_max(high, m.max)
    return Moments(n=n, total=total, sumsq=sumsq, min=low, max=high)


def merge_buckets(buckets: Iterable[Bucket], *, granularity: Granularity, day: date) -> Bucket:
    """All `buckets` merged into one labelled (`granularity`, `day`); an empty input gives an empty bucket.

    The same sums as folding `Bucket.merge` over them, added in the same order, built once."""
    items = list(buckets)
    last: datetime | None = None
    for b in items:
        if b.last_event_at is not None and (last is None or b.last_event_at > last):
            last = b.last_event_at
    minutes = 0.0
    for b in items:
        minutes += b.minutes
    return Bucket(
        granularity=granularity,
        day=day,
        sessions=sum(b.sessions for b in items),
        exchanges=sum(b.exchanges for b in items),
        minutes=minutes,
        quality=merge_moments(b.quality for b in items),
        dimensions={
            d: merge_moments(b.dimensions.get(d, Moments()) for b in items) for d in QUALITY_DIMENSIONS
        },
        feedback=sum(b.feedback for b in items),
        thumbs_up=sum(b.thumbs_up for b in items),
        thumbs_down=sum(b.thumbs_down for b in items),
        copies=sum(b.copies for b in items),
        corrections=sum(b.corrections for b in items),
        clarifications=sum(b.clarifications for b in items),
        rating=merge_moments(b.rating for b in items),
        last_event_at=last,
    )


@dataclass(frozen=True, slots=True)
class TopicDay:
    """One topic on one local day: exchanges, sessions and the quality moments of its exchanges."""

    topic: str
    day: date
    exchanges: int
    sessions: int
    quality: Moments
    last_event_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TopicTotal:
    """One topic over a range of local days: its topic days summed, with the first and last of them."""

    topic: str
    exchanges: int
    sessions: int
    quality: Moments
    first_day: date
    last_day: date
    last_event_at: datetime | None = None


def is_stale(
    *, oldest_mark: datetime | None, last_failure: datetime | None, now: datetime, fold_interval: timedelta
) -> bool:
    """Whether a learner's rollups lag behind their events: some of their events have waited for the
    fold longer than `fold_interval` (the oldest dirty mark is older), or the fold that last tried
    them failed (a failure at or after the oldest mark, which it left in place)."""
    if oldest_mark is None:
        return False
    return now - oldest_mark > fold_interval or (last_failure is not None and last_failure >= oldest_mark)
