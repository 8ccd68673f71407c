"""How far a lifetime count is from its next milestone (the seed's `milestones` block of the goals answer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MilestoneProgress:
    """`next`: the smallest milestone above `current` (None past the last one); `progress`:
    current / next × 100, or 100 once every milestone is passed."""

    current: int
    next: int | None
    progress: float


def milestone_progress(current: int, milestones: Sequence[int]) -> MilestoneProgress:
    """The next milestone above `current` and the share of it reached, in percent."""
    ahead = [m for m in sorted(milestones) if m > current]
    if not ahead:
        return MilestoneProgress(current=current, next=None, progress=100.0)
    return MilestoneProgress(current=current, next=ahead[0], progress=current / ahead[0] * 100.0)
