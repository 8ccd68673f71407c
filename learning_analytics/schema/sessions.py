"""Sessions with their exchanges and feedback (loaded per request in batches): the `sessions` query."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from ..domain import models
from ..resolvers import sessions as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import by_name


@strawberry.enum(description="What a learner did with an answer.")
class FeedbackKind(Enum):
    THUMBS_UP = "thumbs_up"
    THUMBS_DOWN = "thumbs_down"
    COPY = "copy"
    CORRECTION = "correction"
    CLARIFICATION = "clarification"


@strawberry.type
class Feedback:
    id: strawberry.ID
    kind: FeedbackKind
    rating: float | None
    created_at: datetime
    comment: str | None

    @classmethod
    def from_domain(cls, f: models.Feedback) -> Feedback:
        return cls(
            id=strawberry.ID(f.id),
            kind=by_name(f.kind, FeedbackKind),
            rating=f.rating,
            created_at=f.created_at,
            comment=f.comment,
        )


@strawberry.type(description="One question and answer inside a session, with the answer's quality scores.")
class Exchange:
    id: strawberry.ID
    occurred_at: datetime
    quality: float | None = strawberry.field(description="Composite quality score in [0, 1].")
    relevance: float | None
    helpfulness: float | None
    engagement: float | None
    clarity: float | None
    accuracy: float | None

    @strawberry.field
    async def topics(self, info: Info) -> list[str]:
        return await info.context.loaders.topics_by_exchange.load(str(self.id))

    @strawberry.field
    async def feedback(self, info: Info) -> list[Feedback]:
        items = await info.context.loaders.feedback_by_exchange.load(str(self.id))
        return [Feedback.from_domain(f) for f in items]

    @classmethod
    def from_domain(cls, e: models.Exchange) -> Exchange:
        q = e.quality
        return cls(
            id=strawberry.ID(e.id),
            occurred_at=e.occurred_at,
            quality=q.composite if q else None,
            relevance=q.relevance if q else None,
            helpfulness=q.helpfulness if q else None,
            engagement=q.engagement if q else None,
            clarity=q.clarity if q else None,
            accuracy=q.accuracy if q else None,
        )


@strawberry.type(description="A study session; its summary comes from its exchanges when it has any.")
class Session:
    id: strawberry.ID
    started_at: datetime
    ended_at: datetime | None
    duration_minutes: float | None = strawberry.field(description="ended − started, in minutes.")
    exchange_count: int
    avg_quality: float | None = strawberry.field(description="Mean composite quality of its exchanges.")

    @strawberry.field
    async def topics(self, info: Info) -> list[str]:
        return await info.context.loaders.topics_by_session.load(str(self.id))

    @strawberry.field
    async def exchanges(self, info: Info) -> list[Exchange]:
        items = await info.context.loaders.exchanges_by_session.load(str(self.id))
        return [Exchange.from_domain(e) for e in items]

    @strawberry.field
    async def feedback(self, info: Info) -> list[Feedback]:
        items = await info.context.loaders.feedback_by_session.load(str(self.id))
        return [Feedback.from_domain(f) for f in items]

    @classmethod
    def from_domain(cls, s: models.Session) -> Session:
        return cls(
            id=strawberry.ID(s.id),
            started_at=s.started_at,
            ended_at=s.ended_at,
            duration_minutes=s.duration_minutes,
            exchange_count=s.exchange_count,
            avg_quality=s.avg_quality,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class SessionEdge:
    cursor: str
    node: Session


@strawberry.type
class SessionConnection:
    edges: list[SessionEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_domain(cls, page: resolver.SessionList) -> SessionConnection:
        edges = [
            SessionEdge(cursor=c, node=Session.from_domain(s))
            for s, c in zip(page.sessions, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
            ),
            total_count=page.total,
        )


@strawberry.type
class SessionsQuery:
    @strawberry.field(
        description="The caller's sessions, newest first; `first` at most 100 (LA_LIMITS__MAX_PAGE_SIZE)."
    )
    @argument_rules
    async def sessions(
        self,
        info: Info,
        first: OrDefault[int] = 20,
        after: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> SessionConnection:
        page = await resolver.list_sessions(info.context, first=first, after=after, start=start, end=end)
        return SessionConnection.from_domain(page)
