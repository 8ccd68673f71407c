"""The root Query and Mutation, assembled from per-area classes, and the schema with its guards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from ..domain import models
from ..domain.errors import DomainError, InvalidInput
from ..resolvers import ingest, sessions
from .context import Info
from .errors import NotFoundError, ValidationError, bad_argument
from .inputs import ExchangeInput, FeedbackInput, SessionInput
from .types import IngestResult, IngestSummary, RecordSessionResult, Session, SessionConnection, User


@strawberry.type
class Query:
    @strawberry.field(description="The caller.")
    def viewer(self, info: Info) -> User:
        return User.from_domain(info.context.user)

    @strawberry.field(description="The caller's sessions, newest first; `first` at most 100.")
    async def sessions(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> SessionConnection:
        try:
            page = await sessions.list_sessions(
                info.context, first=20 if first is None else first, after=after, start=start, end=end
            )
        except InvalidInput as e:
            raise bad_argument(e) from e
        return SessionConnection.from_domain(page)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record one session, as a summary or before its exchanges; idempotent by id."
    )
    async def record_session(self, info: Info, input: SessionInput) -> RecordSessionResult:
        try:
            stored = await ingest.record_session(info.context, input.to_domain())
        except InvalidInput as e:
            return ValidationError.from_domain(e)
        return Session.from_domain(stored)

    @strawberry.mutation(
        description="Record exchanges (their sessions must exist or come first); idempotent by id."
    )
    async def record_exchanges(self, info: Info, input: list[ExchangeInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(exchanges=tuple(i.to_domain() for i in input)))

    @strawberry.mutation(description="Record feedback on stored exchanges; idempotent by id.")
    async def record_feedback(self, info: Info, input: list[FeedbackInput]) -> IngestResult:
        return await _ingest(info, models.EventBatch(feedback=tuple(i.to_domain() for i in input)))


async def _ingest(info: Info, batch: models.EventBatch) -> IngestSummary | ValidationError:
    try:
        summary = await ingest.ingest_batch(info.context, batch)
    except InvalidInput as e:
        return ValidationError.from_domain(e)
    return IngestSummary.from_domain(summary)


def _should_mask(error: GraphQLError) -> bool:
    """Hide internals: only errors we raised on purpose, or GraphQL's own, reach the client."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The schema with parse/validation caches and guards against abusive queries."""
    extensions: list[Any] = [
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=5000),
        lambda: MaskErrors(should_mask_error=_should_mask),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[NotFoundError],
        config=StrawberryConfig(auto_camel_case=True),
        extensions=extensions,
    )


schema = build_schema()
