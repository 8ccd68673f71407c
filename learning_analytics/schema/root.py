"""The schema: the root Query and Mutation merged from the areas' classes, with its guards.

Each area module (sessions, overview, progress, …) holds its types and a `<Area>Query` and/or
`<Area>Mutation` class with its root fields; an area joins the API by adding its classes to the
tuples below (their order is the fields' order in the schema). Two areas may not declare the same
root field: the merge refuses it.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from ..config import LimitSettings
from .achievements import AchievementsQuery
from .activity import ActivityQuery
from .batch_limit import BatchSizeLimit
from .documents import document_guard
from .errors import NotFoundError
from .failures import MaskUnexpectedErrors, Schema
from .feedback import FeedbackQuery
from .goals import GoalsMutation, GoalsQuery
from .ingest import IngestMutation
from .insights import InsightsMutation, InsightsQuery
from .overview import OverviewQuery
from .progress import ProgressQuery
from .quality import QualityQuery
from .scalars import DATE_TIME
from .sessions import SessionsQuery
from .streaks import StreakQuery
from .topics import TopicsQuery
from .trends import TrendsQuery
from .viewer import ViewerQuery

QUERIES: tuple[type, ...] = (
    ViewerQuery,
    SessionsQuery,
    OverviewQuery,
    ProgressQuery,
    TrendsQuery,
    StreakQuery,
    TopicsQuery,
    QualityQuery,
    FeedbackQuery,
    ActivityQuery,
    InsightsQuery,
    GoalsQuery,
    AchievementsQuery,
)
MUTATIONS: tuple[type, ...] = (IngestMutation, GoalsMutation, InsightsMutation)


def _merged(name: str, areas: tuple[type, ...]) -> type:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # merge_types only warns when an area overrides another's field
        return merge_types(name, areas)


Query = _merged("Query", QUERIES)
Mutation = _merged("Mutation", MUTATIONS)


def build_schema(*, introspection: bool = True, limits: LimitSettings | None = None) -> Schema:
    """The schema with its document guard (bounded parse, limits, cached validation) and masked errors.

    With introspection off, error messages carry no "Did you mean …" suggestions either."""
    extensions: list[Any] = [
        document_guard(limits or LimitSettings(), hide_suggestions=not introspection),
        BatchSizeLimit,
        MaskUnexpectedErrors,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[NotFoundError],
        config=StrawberryConfig(auto_camel_case=True, scalar_map={datetime: DATE_TIME}),
        extensions=extensions,
    )


schema = build_schema()
