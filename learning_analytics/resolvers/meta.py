"""The `meta` block of every analytics answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AnswerMeta:
    period: str | None
    generated_at: datetime
    cached: bool
    data_through: datetime | None
    stale: bool = False
