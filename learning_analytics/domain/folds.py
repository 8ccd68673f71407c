"""What rollup upkeep reports: a fold or rebuild, a retention pass, and the fold's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .periods import Granularity


@dataclass(frozen=True, slots=True)
class FoldResult:
    """What one fold or rebuild did: marks folded, (user, day) pairs and rollup rows recomputed, the
    learners whose rollups it moved (`learners`), and those whose fold failed (their marks are still
    in place)."""

    kind: str
    marks: int = 0
    days: int = 0
    buckets: int = 0
    chunks: int = 0
    duration_ms: float = 0.0
    run_id: int | None = None
    failed: tuple[str, ...] = ()
    learners: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RetentionResult:
    """The horizon of each granularity after retention, and how many rollup rows it deleted."""

    kept_from: dict[Granularity, date]
    deleted: int
    run_id: int | None = None


@dataclass(frozen=True, slots=True)
class LearnerFoldState:
    """When the learner's oldest unfolded mark was made, and when a fold of theirs last failed."""

    oldest_mark: datetime | None
    last_failure: datetime | None


@dataclass(frozen=True, slots=True)
class FoldHealth:
    """Across learners: the oldest unfolded mark, and how many learners' last fold failed."""

    oldest_mark: datetime | None
    failing_learners: int
