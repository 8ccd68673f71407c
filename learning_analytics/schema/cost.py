"""The estimated cost of resolving one field of a query, before anything runs.

Every field costs 1 each time it is resolved. A field returning a list of objects resolves its
sub-selection once per item: its length is its `first`/`limit` argument (or the argument's default);
for lists without one, the size the field above it implies (a page of `sessions`, the buckets of a
`progress`, the forecast days of a `trend`), or else `cost_list_size`. The bucketed analytics
fields cost the buckets their period (or `range`) and granularity imply (`progress(period:
LAST_365_DAYS, granularity: DAY)` costs 365; ALL_TIME counts as the granularity's bucket limit)
and size the lists below them. Introspection lists count the schema's mean sizes (types, fields per type, wrappers per type reference, …).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    is_leaf_type,
)

from ..config import LimitSettings
from ..domain.periods import BucketLimits, Granularity, Period, most_buckets

PAGE_ARGUMENTS = ("first", "limit")


@dataclass(frozen=True, slots=True)
class Scope:
    """Sizes that the lists of a subtree take from a field above them."""

    page: int = 1
    buckets: int = 1
    forecast: int = 1
    introspection: bool = False


@dataclass(frozen=True, slots=True)
class FieldCost:
    own: float  # resolving the field itself
    items: float  # how many times its sub-selection is resolved (a list's length, else 1)
    scope: Scope  # the sizes its sub-selection sees


# Lists whose length the field above them decides: (type, field) → the Scope size they take.
SIZED_BY_SCOPE: dict[tuple[str, str], str] = {
    ("SessionConnection", "edges"): "page",
    ("InsightList", "insights"): "page",
    ("TopicAnalytics", "topTopics"): "page",
    ("TopicAnalytics", "trending"): "page",
    ("TopicAnalytics", "connections"): "page",
    ("KnowledgeGraph", "edges"): "page",
    ("KnowledgeGraph", "nodes"): "page",
    ("Progress", "points"): "buckets",
    ("Trend", "points"): "buckets",
    ("Trend", "anomalies"): "buckets",
    ("Trend", "forecast"): "forecast",
}


def list_of_objects(t: GraphQLOutputType) -> bool:
    """Whether a field's type is a list (at any nullability) of objects, interfaces or unions."""
    while isinstance(t, GraphQLNonNull):
        t = t.of_type
    if not isinstance(t, GraphQLList):
        return False
    item = t.of_type
    while isinstance(item, GraphQLNonNull | GraphQLList):
        item = item.of_type
    return not is_leaf_type(item)


def _name(value: Any) -> str | None:
    """An enum argument's name, from a literal or variable (its name) or a schema default (a member)."""
    if isinstance(value, Enum):
        return value.name
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else None


@lru_cache(maxsize=8)
def introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], float]:
    """The mean length of each introspection list over this schema (e.g. fields per type), so that
    `__schema { types { fields { name } } }` costs about as many fields as the schema has."""
    types = list(schema.type_map.values())
    n_types = max(1, len(types))
    fields = [
        f for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType) for f in t.fields.values()
    ]
    inputs = [f for t in types if isinstance(t, GraphQLInputObjectType) for f in t.fields.values()]
    enum_values = sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType))
    interfaces = sum(
        len(t.interfaces) for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
    )
    possible = sum(len(t.types) for t in types if isinstance(t, GraphQLUnionType))
    directives = list(schema.directives)
    # `ofType` is null past the last wrapper: its sub-selection runs (chain length − 1) times per
    # type reference, so its weight is Σ(len − 1) / Σ len over the schema's references.
    refs = (
        [f.type for f in fields]
        + [a.type for f in fields for a in f.args.values()]
        + [f.type for f in inputs]
    )
    links = [_chain_length(t) for t in refs]
    return {
        ("__Type", "ofType"): (sum(links) - len(links)) / max(1, sum(links)),
        ("__Schema", "types"): float(len(types)),
        ("__Schema", "directives"): float(len(directives)),
        ("__Type", "fields"): len(fields) / n_types,
        ("__Type", "inputFields"): len(inputs) / n_types,
        ("__Type", "enumValues"): enum_values / n_types,
        ("__Type", "interfaces"): interfaces / n_types,
        ("__Type", "possibleTypes"): possible / n_types,
        ("__Field", "args"): sum(len(f.args) for f in fields) / max(1, len(fields)),
        ("__Directive", "args"): sum(len(d.args) for d in directives) / max(1, len(directives)),
    }


def _chain_length(t: Any) -> int:
    length = 1
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t, length = t.of_type, length + 1
    return length


class CostModel:
    """Prices the fields of one schema under the configured limits."""

    def __init__(self, limits: LimitSettings) -> None:
        self.list_size = limits.cost_list_size
        self.trend_days = limits.max_trend_days
        self.buckets = BucketLimits(
            hour=limits.max_hour_buckets,
            day=limits.max_day_buckets,
            week=limits.max_week_buckets,
            month=limits.max_month_buckets,
        )

    def field(
        self,
        schema: GraphQLSchema,
        parent: str,
        name: str,
        type_: GraphQLOutputType,
        args: Mapping[str, Any],
        scope: Scope,
    ) -> FieldCost:
        """The cost of resolving `parent.name` once with these argument values, within `scope`."""
        if name in ("__schema", "__type"):
            scope = replace(scope, introspection=True)
        if parent == "Query" and name == "progress":
            buckets = self._progress_buckets(args)
            return FieldCost(own=buckets, items=1, scope=replace(scope, buckets=buckets))
        if parent == "Query" and name == "trend":
            days = self._trend_days(args)
            forecast = _count(args.get("forecastDays")) or 0
            return FieldCost(own=days, items=1, scope=replace(scope, buckets=days, forecast=forecast))
        page = next((c for a in PAGE_ARGUMENTS if (c := _count(args.get(a))) is not None), None)
        if scope.introspection and (parent, name) in (sizes := introspection_sizes(schema)):
            return FieldCost(own=1, items=sizes[(parent, name)], scope=scope)
        if not list_of_objects(type_):
            return FieldCost(own=1, items=1, scope=scope if page is None else replace(scope, page=page))
        return FieldCost(own=1, items=self._length(schema, parent, name, page, scope), scope=scope)

    def _length(self, schema: GraphQLSchema, parent: str, name: str, page: int | None, scope: Scope) -> float:
        if page is not None:
            return page
        sized = SIZED_BY_SCOPE.get((parent, name))
        if sized is not None:
            return float(getattr(scope, sized))
        return float(self.list_size)

    def _progress_buckets(self, args: Mapping[str, Any]) -> int:
        granularity = _name(args.get("granularity"))
        chosen = Granularity[granularity] if granularity and granularity in Granularity.__members__ else None
        return most_buckets(_days(args), chosen, self.buckets)

    def _trend_days(self, args: Mapping[str, Any]) -> int:
        days = _days(args)
        return self.trend_days if days is None else min(days, self.trend_days)


def _days(args: Mapping[str, Any]) -> int | None:
    """The local days a field's `range` or `period` covers; None when unknown before running (ALL_TIME,
    or a range that is not two ISO dates: it then costs as much as any period may)."""
    given = args.get("range")
    if isinstance(given, Mapping):
        try:
            start, end = date.fromisoformat(given["start"]), date.fromisoformat(given["end"])
        except (KeyError, TypeError, ValueError):
            return None
        return max(1, (end - start).days + 1)
    period = _name(args.get("period")) or Period.LAST_30_DAYS.name
    return Period[period].days if period in Period.__members__ else None
