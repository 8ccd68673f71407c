"""The streak of consecutive active local days: the `streak` query (the overview shows it too)."""

from __future__ import annotations

from datetime import date

import strawberry

from ..domain import streaks
from ..resolvers import streaks as resolver
from .context import Info


@strawberry.type(description="Consecutive active local days; the local day of an event is fixed at ingest.")
class Streak:
    current: int
    longest: int
    last_active_date: date | None
    started_on: date | None
    today_complete: bool
    freezes_available: int
    frozen_days: list[date]

    @classmethod
    def from_domain(cls, s: streaks.Streak) -> Streak:
        return cls(
            current=s.current,
            longest=s.longest,
            last_active_date=s.last_active_date,
            started_on=s.started_on,
            today_complete=s.today_complete,
            freezes_available=s.freezes_available,
            frozen_days=list(s.frozen_days),
        )


@strawberry.type
class StreakQuery:
    @strawberry.field(description="Consecutive active local days, with the grace period.")
    async def streak(self, info: Info) -> Streak:
        return Streak.from_domain(await resolver.streak(info.context))
