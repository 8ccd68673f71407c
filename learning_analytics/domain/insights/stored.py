"""A stored insight as a learner sees it: the insight with its viewed, dismissed and helpful state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learning_analytics.domain.insights.model import Insight


@dataclass(frozen=True, slots=True)
class StoredInsight:
    """An insight as stored for one learner, with when it was viewed or dismissed and whether it helped."""

    insight: Insight
    viewed_at: datetime | None
    dismissed_at: datetime | None
    helpful: bool | None


@dataclass(frozen=True, slots=True)
class InsightPage:
    """One page of a learner's insights, best first: `total` counts every match, `new_since_last_visit`
    those never viewed (and not dismissed)."""

    items: list[StoredInsight]
    total: int
    new_since_last_visit: int
