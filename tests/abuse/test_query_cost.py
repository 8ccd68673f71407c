"""GraphQL document limits: depth, aliases, fields, fragments, spreads and estimated cost, measured
before execution with each fragment measured once, so that abusive documents are refused fast."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse
from support import client_for, gql

from learning_analytics.config import LimitSettings, Settings
from learning_analytics.schema.cost import CostModel
from learning_analytics.schema.document_limits import Measures, limit_errors, measure
from learning_analytics.schema.documents import CachedDocument, DocumentCache
from learning_analytics.schema.root import build_schema

from .conftest import LiveServer, watching_health

SCHEMA = build_schema()._schema
LIMITS = LimitSettings()


def measured(query: str, variables: dict[str, Any] | None = None, **limits: Any) -> Measures:
    return measure(parse(query), SCHEMA, CostModel(LimitSettings(**limits)), variables=variables)


def doubling(levels: int) -> str:
    """Fragment F_i spreads F_(i−1) twice: about 40 bytes per level, 2^levels fields once expanded."""
    parts = ["fragment F0 on Query { __typename }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    parts.append(f"query Doubling {{ ...F{levels} }}")
    return "\n".join(parts)


def errors_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The document-limit errors of a response, by measure."""
    assert body.get("data") is None, body
    found = {e["extensions"]["measure"]: e for e in body["errors"]}
    assert all(e["extensions"]["code"] == "QUERY_TOO_COMPLEX" for e in found.values()), body
    return found


# --- the measures, worked out by hand -------------------------------------------------------------


def test_a_plain_query_counts_its_fields_and_the_levels_below_the_root() -> None:
    # viewer (1, has a sub-selection) > id, name: 3 fields, depth 1, each field costs 1
    assert measured("{ viewer { id name } }") == Measures(depth=1, aliases=0, fields=3, cost=3)


def test_aliases_count_each_aliased_field() -> None:
    m = measured("{ a: viewer { id } b: viewer { me: id } __typename }")

    assert (m.aliases, m.fields, m.cost, m.depth) == (3, 5, 5, 1)


def test_a_fragment_counts_once_per_spread_and_the_document_counts_definitions_and_spreads() -> None:
    m = measured(
        "query { ...F x: viewer { ...G } ...F } fragment F on Query { v: viewer { id } } fragment G on User { id }"
    )

    # F twice (alias v + viewer + id = 2 fields each), x: viewer + G's id
    assert m == Measures(depth=1, aliases=3, fields=6, cost=6, fragments=2, fragment_spreads=3)


def test_a_page_multiplies_what_each_item_selects() -> None:
    # sessions 1 + edges 1 + 5 × (node 1 + id 1 + exchanges 1 + 10 × id 1) = 2 + 5 × 13 = 67
    m = measured("{ sessions(first: 5) { edges { node { id exchanges { id } } } } }", cost_list_size=10)

    assert (m.cost, m.fields, m.depth) == (67, 6, 4)


def test_the_page_size_comes_from_the_request_variables_else_the_variable_default_else_the_schema() -> None:
    query = "query($n: Int) { sessions(first: $n) { edges { cursor } } }"

    assert measured(query, {"n": 50}).cost == 1 + 1 + 50
    assert measured(query).cost == 1 + 1 + 20  # the argument's default, first = 20
    assert measured(query.replace("$n: Int", "$n: Int = 7")).cost == 1 + 1 + 7


def test_progress_costs_its_buckets_and_sizes_its_points() -> None:
    # 7 daily buckets + points 1 + 7 × label 1
    assert measured("{ progress(period: LAST_7_DAYS, granularity: DAY) { points { label } } }").cost == 15
    # a year of days: 365 + granularity 1
    assert measured("{ progress(period: LAST_365_DAYS, granularity: DAY) { granularity } }").cost == 366
    # ALL_TIME counts as the granularity's bucket limit (DAY: 400)
    assert measured("{ progress(period: ALL_TIME, granularity: DAY) { period } }").cost == 401
    # implicit granularity over ALL_TIME: at most the month limit (600)
    assert measured("{ progress(period: ALL_TIME) { period } }").cost == 601


def test_variables_choose_the_period_and_granularity_of_progress() -> None:
    query = "query($p: Period, $g: Granularity) { progress(period: $p, granularity: $g) { period } }"

    assert measured(query, {"p": "LAST_90_DAYS", "g": "DAY"}).cost == 91
    assert measured(query, {"p": "LAST_14_DAYS", "g": "HOUR"}).cost == 169  # 14 × 24 = 336, capped at 168


def test_trend_costs_its_days_and_sizes_points_and_forecast() -> None:
    # 90 days + points (1 + 90 × value) + forecast (1 + 5 × value)
    m = measured("{ trend(period: LAST_90_DAYS, forecastDays: 5) { points { value } forecast { value } } }")

    assert m.cost == 90 + 91 + 6
    # ALL_TIME: at most max_trend_days (730)
    assert measured("{ trend(period: ALL_TIME) { slope } }").cost == 731


def test_each_fragment_is_measured_once_so_a_doubling_document_is_measured_at_once() -> None:
    started = time.perf_counter()
    m = measured(doubling(60))
    elapsed = time.perf_counter() - started

    assert m.fields >= 2**49  # saturates at 10^15, exactly 2^60 without the ceiling
    assert (m.fragments, m.fragment_spreads, m.depth) == (61, 121, 0)
    assert measured(doubling(20)).fields == 2**20
    assert elapsed < 0.5, elapsed


def test_cycles_and_unknown_names_are_left_to_graphql_core() -> None:
    m = measured(
        "{ ...A nope { deeper { deepest } } } fragment A on Query { ...B } fragment B on Query { ...A ...C }"
    )

    assert (m.fragments, m.fragment_spreads) == (2, 4)
    assert (m.fields, m.depth) == (3, 2)  # the unknown fields still count by their shape


ORDINARY = {
    "readme": "{ sessions(first: 5) { totalCount edges { node { id exchangeCount topics "
    "exchanges { quality feedback { kind } } } } } }",
    "page of fifty": "query Page($first: Int, $after: String) { sessions(first: $first, after: $after) { "
    "totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id exchangeCount avgQuality topics "
    "exchanges { id quality topics feedback { kind } } feedback { id kind } } } } }",
    "overview": "{ overview(period: LAST_30_DAYS) { summary { totalSessions totalExchanges avgQuality "
    "streakDays uniqueTopics totalMinutes } trends { sessions { value change } quality { value change } "
    "engagement { value } } streak { current longest } recentInsights { id title } } }",
    "progress365": "{ progress(period: LAST_365_DAYS, metrics: [SESSIONS, QUALITY, EXCHANGES]) { granularity "
    "points { label sessions exchanges avgQuality } statistics { metric avg min max direction } "
    "chart { labels datasets { label data } } } }",
    "progress all time, every point field": "{ progress(period: ALL_TIME) { points { periodStart label "
    "sessions exchanges avgQuality minutes positiveFeedbackRate corrections } } }",
    "topics": "{ topics(period: LAST_30_DAYS) { totalTopics topTopics { name sessions exchanges avgQuality "
    "mastery { score level } } trending { name growth } connections { source target strength } } }",
    "trend all time": "{ trend(metric: QUALITY, period: ALL_TIME, forecastDays: 30) { direction slope "
    "points { date value rollingAvg } forecast { value lowerBound upperBound } seasonality { detected "
    "byWeekday { day value } } anomalies { date } chart { labels datasets { label data } } } }",
    "introspection": get_introspection_query(descriptions=True, input_value_deprecation=True),
}


@pytest.mark.parametrize("name", ORDINARY)
def test_ordinary_queries_are_within_every_limit(name: str) -> None:
    errors = limit_errors(parse(ORDINARY[name]), SCHEMA, LIMITS, CostModel(LIMITS), variables={"first": 50})

    assert errors == [], [e.message for e in errors]


def test_the_document_cache_is_bounded_by_entries_and_by_characters() -> None:
    cache = DocumentCache(entries=3, chars=100, max_document_chars=60)
    doc = parse("{ __typename }")

    cache.put("a" * 61, CachedDocument(doc))  # longer than any cached document may be
    for key in ("b" * 40, "c" * 40, "d" * 10):
        cache.put(key, CachedDocument(doc))
    assert cache.get("a" * 61) is None
    assert (len(cache), cache.held) == (3, 90)

    cache.get("b" * 40)  # now the most recently used
    cache.put("e" * 30, CachedDocument(doc))  # 120 characters: the least recently used (c) goes

    assert cache.get("c" * 40) is None
    assert cache.get("b" * 40) is not None
    assert (len(cache), cache.held) == (3, 80)
    cache.put("f" * 5, CachedDocument(doc))  # a fourth entry: d, now the oldest, goes
    assert cache.get("d" * 10) is None
    assert (len(cache), cache.held) == (3, 75)


# --- through the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [20, 30, 40])
async def test_a_doubling_fragment_document_is_refused_fast_and_the_server_stays_responsive(
    live_server: LiveServer, levels: int
) -> None:
    document = doubling(levels)
    assert len(document) < 2000

    async with (
        httpx.AsyncClient(base_url=live_server.url, timeout=60) as client,
        watching_health(live_server.url) as health,
    ):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": document})
        elapsed = time.perf_counter() - started

    found = errors_of(response.json())
    assert found["fields"]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "fields",
        "limit": 500,
        "value": 2**levels,
        "setting": "max_fields",
    }
    assert "LA_LIMITS__MAX_FIELDS" in found["fields"]["message"]
    assert "cost" in found
    assert elapsed < 1.0, f"refused in {elapsed:.2f} s"
    health.assert_responsive()


def _fragments(n: int) -> str:
    spreads = " ".join(f"...F{i}" for i in range(n))
    return "{ " + spreads + " } " + " ".join(f"fragment F{i} on Query {{ __typename }}" for i in range(n))


SINGLE_LIMIT_DOCUMENTS = {
    "fragments": (_fragments(51), 51, 50),
    "fragment_spreads": ("{ " + "...F " * 101 + "} fragment F on Query { __typename }", 101, 100),
    "aliases": ("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }", 31, 30),
    "fields": ("{ " + "__typename " * 501 + "}", 501, 500),
    # 1 + 1 + 100 × (node 1 + exchanges 1 + 10 × (feedback 1 + 10 × kind 1)) = 11,202
    "cost": (
        "{ sessions(first: 100) { edges { node { exchanges { feedback { kind } } } } } }",
        11_202,
        10_000,
    ),
}


@pytest.mark.parametrize("limit", SINGLE_LIMIT_DOCUMENTS)
async def test_each_limit_is_named_when_a_document_exceeds_it(
    app_client: httpx.AsyncClient, limit: str
) -> None:
    document, value, bound = SINGLE_LIMIT_DOCUMENTS[limit]

    found = errors_of(await gql(app_client, document))

    assert list(found) == [limit]
    extensions = found[limit]["extensions"]
    assert (extensions["value"], extensions["limit"]) == (value, bound)
    assert f"LA_LIMITS__{extensions['setting'].upper()}" in found[limit]["message"]


async def test_aliases_hidden_in_a_fragment_count_at_every_spread(app_client: httpx.AsyncClient) -> None:
    fragment = "fragment F on Query { " + " ".join(f"a{i}: __typename" for i in range(11)) + " }"

    within = await gql(app_client, "{ ...F ...F } " + fragment)  # 22 aliases
    beyond = errors_of(await gql(app_client, "{ ...F ...F ...F } " + fragment))  # 33 aliases

    assert within["data"]["a10"] == "Query"
    assert beyond["aliases"]["extensions"]["value"] == 33


async def test_cost_multiplies_through_aliases(app_client: httpx.AsyncClient) -> None:
    page = "sessions(first: 50) { edges { node { exchanges { feedback { kind } } } } }"  # 5,602 each
    one_year = "progress(period: LAST_365_DAYS, granularity: DAY) { granularity }"  # 366 each

    assert "errors" not in await gql(app_client, "{ a: " + page + " }")
    two_pages = errors_of(await gql(app_client, "{ a: " + page + " b: " + page + " }"))
    thirty_years = errors_of(
        await gql(app_client, "{ " + " ".join(f"p{i}: {one_year}" for i in range(30)) + " }")
    )

    assert two_pages["cost"]["extensions"]["value"] == 2 * 5_602
    assert thirty_years["cost"]["extensions"]["value"] == 30 * 366
    assert list(thirty_years) == ["cost"]  # 30 aliases are allowed; their cost is not


async def test_cost_reads_the_request_variables(app_client: httpx.AsyncClient) -> None:
    query = "query($n: Int) { sessions(first: $n) { edges { node { exchanges { feedback { kind } } } } } }"

    small = await gql(app_client, query, {"n": 10})
    large = errors_of(await gql(app_client, query, {"n": 100}))

    assert small["data"]["sessions"]["edges"] == []
    assert large["cost"]["extensions"]["value"] == 11_202


async def test_depth_is_limited_by_its_setting(settings: Settings) -> None:
    settings.limits.max_query_depth = 3
    async with client_for(settings) as client:
        shallow = await gql(client, "{ sessions { edges { node { id } } } }")  # depth 3
        deep = errors_of(await gql(client, "{ sessions { edges { node { exchanges { id } } } } }"))  # 4

    assert "errors" not in shallow
    assert deep["depth"]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "depth",
        "limit": 3,
        "value": 4,
        "setting": "max_query_depth",
    }


async def test_too_many_tokens_are_refused_by_the_parser_with_the_limit_named(
    app_client: httpx.AsyncClient,
) -> None:
    body = await gql(app_client, "{ " + "__typename " * 5001 + "}")

    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "measure": "tokens",
        "limit": 5000,
        "value": 5001,
        "setting": "max_tokens",
    }


async def test_one_introspection_passes_and_three_in_one_document_do_not(
    app_client: httpx.AsyncClient,
) -> None:
    query = get_introspection_query(descriptions=True)
    fragments = query[query.index("fragment FullType") :]
    # each costs about 4,800: the schema's types times their mean fields, arguments and wrappers
    thrice = (
        "{ " + " ".join(f"s{i}: __schema {{ types {{ ...FullType }} }}" for i in range(3)) + " } " + fragments
    )

    one = await gql(app_client, query)
    three = errors_of(await gql(app_client, thrice))

    assert len(one["data"]["__schema"]["types"]) > 50
    assert three["cost"]["extensions"]["value"] > 10_000


async def test_a_refused_document_is_refused_again_from_the_cache(app_client: httpx.AsyncClient) -> None:
    document = doubling(25)

    first = errors_of(await gql(app_client, document))
    again = errors_of(await gql(app_client, document))

    assert first == again
    assert first["fields"]["extensions"]["value"] == 2**25


@pytest.fixture
async def no_introspection(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    settings.introspection = False
    async with client_for(settings) as client:
        yield client


async def test_without_introspection_a_misspelled_name_gets_no_suggestion(
    app_client: httpx.AsyncClient, no_introspection: httpx.AsyncClient
) -> None:
    misspelled = "{ viewr { id } }"
    bad_enum = "query($p: Period) { progress(period: $p) { period } }"

    open_field = (await gql(app_client, misspelled))["errors"][0]["message"]
    closed_field = (await gql(no_introspection, misspelled))["errors"][0]["message"]
    open_enum = (await gql(app_client, bad_enum, {"p": "LAST_7_DAY"}))["errors"][0]["message"]
    closed_enum = (await gql(no_introspection, bad_enum, {"p": "LAST_7_DAY"}))["errors"][0]["message"]

    assert "Did you mean" in open_field and "Did you mean" in open_enum  # the control
    assert "viewr" in closed_field and "LAST_7_DAY" in closed_enum
    assert "Did you mean" not in closed_field + closed_enum
    assert "viewer" not in closed_field and "LAST_7_DAYS" not in closed_enum


async def test_odd_documents_and_variables_get_graphql_errors_not_failures(
    app_client: httpx.AsyncClient,
) -> None:
    unknown = await gql(app_client, "{ nope { __typename } ... on Nope { x { y } } }")
    huge = errors_of(
        await gql(app_client, "{ sessions(first: 1000000000000000000000000) { edges { cursor } } }")
    )
    odd = await gql(app_client, "query($n: Int) { sessions(first: $n) { totalCount } }", {"n": {"x": 1}})

    assert "Cannot query field 'nope'" in unknown["errors"][0]["message"]
    assert huge["cost"]["extensions"]["value"] == 10**15  # measures saturate there
    assert "at least 1,000,000,000,000,000" in huge["cost"]["message"]
    assert "Variable '$n' has invalid value" in odd["errors"][0]["message"]
