"""The GraphQL edge's own declarations: enums twinned with the domain's, the domain left untouched,
root fields merged from the areas, and resolvers whose wrapper keeps their arguments."""

from __future__ import annotations

from enum import Enum

import pytest
import strawberry
from graphql import GraphQLEnumType

from learning_analytics.domain import insights, mastery, models, periods, progress, trends
from learning_analytics.schema import enums, root, schema
from learning_analytics.schema import insights as insight_types
from learning_analytics.schema import sessions as session_types
from learning_analytics.schema import topics as topic_types
from learning_analytics.schema import trends as trend_types

TWINS: list[tuple[type[Enum], type[Enum]]] = [
    (enums.Period, periods.Period),
    (enums.Granularity, periods.Granularity),
    (enums.ChangeDirection, periods.ChangeDirection),
    (enums.Metric, progress.Metric),
    (enums.TrendDirection, trends.TrendDirection),
    (trend_types.ForecastMethod, trends.ForecastMethod),
    (topic_types.MasteryLevel, mastery.MasteryLevel),
    (insight_types.InsightType, insights.InsightType),
    (insight_types.Importance, insights.Importance),
    (session_types.FeedbackKind, models.FeedbackKind),
]
# Enums of the contract without a domain counterpart yet (goals and achievements are not tracked).
SCHEMA_ONLY = {"GoalType", "GoalFrequency", "Comparison", "GoalStatus", "AchievementCategory", "Rarity"}


@pytest.mark.parametrize(("graphql", "domain"), TWINS, ids=[g.__name__ for g, _ in TWINS])
def test_each_graphql_enum_has_the_members_of_its_domain_twin(
    graphql: type[Enum], domain: type[Enum]
) -> None:
    assert {m.name: m.value for m in graphql} == {m.name: m.value for m in domain}
    assert all(enums.by_name(enums.by_name(m, graphql), domain) is m for m in domain)


def test_every_served_enum_is_twinned_or_known_to_have_no_domain_twin() -> None:
    served = {
        name
        for name, t in schema._schema.type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }

    assert served == {g.__name__ for g, _ in TWINS} | SCHEMA_ONLY


@pytest.mark.parametrize("domain", [d for _, d in TWINS], ids=[d.__name__ for _, d in TWINS])
def test_the_domain_enums_are_not_registered_with_strawberry(domain: type[Enum]) -> None:
    assert [name for name in vars(domain) if "strawberry" in name] == []


def test_two_areas_declaring_the_same_root_field_are_refused() -> None:
    @strawberry.type
    class One:
        @strawberry.field
        def streak(self) -> int:
            return 1

    @strawberry.type
    class Other:
        @strawberry.field
        def streak(self) -> int:
            return 2

    with pytest.raises(UserWarning, match="streak"):
        root._merged("Query", (One, Other))


@pytest.mark.parametrize(
    "field",
    [
        "sessions(first: Int = 20, after: String = null, start: DateTime = null, end: DateTime = null): "
        "SessionConnection!",
        "topics(period: Period = LAST_30_DAYS, range: DateRange = null, limit: Int = 20): TopicAnalytics!",
        "insights(limit: Int = 10, type: InsightType = null, importance: Importance = null, "
        "includeDismissed: Boolean = false): InsightList!",
        "history(limit: Int = 30): [GoalProgressSnapshot!]!",
    ],
)
def test_a_wrapped_resolver_keeps_its_arguments_and_defaults_in_the_schema(field: str) -> None:
    assert f"  {field}\n" in schema.as_str()
