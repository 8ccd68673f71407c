"""GraphQL through the ASGI app: sessions with cursors, batched loaders, ingestion mutations, typed errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from conftest import StatementCounter
from support import events, exchange, feedback, gql, session

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)

PAGE = """
query Page($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id exchangeCount avgQuality topics
      exchanges { id quality topics feedback { kind } }
      feedback { id kind } } }
  }
}
"""


async def _seed(client: httpx.AsyncClient, n_sessions: int, per_session: int = 3) -> None:
    body = events()
    for s in range(n_sessions):
        sid = f"s{s:03d}"
        start = BASE + timedelta(minutes=10 * s)
        body["sessions"].append(session(sid, start, topics=[f"topic-{s % 4}"]))
        for e in range(per_session):
            eid = f"{sid}-e{e}"
            body["exchanges"].append(
                exchange(eid, sid, start + timedelta(seconds=e), 0.5 + e / 10, topics=["python"])
            )
            body["feedback"].append(feedback(f"{eid}-f", eid, start + timedelta(seconds=e + 1), "copy"))
    r = await client.post("/api/analytics/events", json=body)
    assert r.status_code == 200, r.text


async def test_sessions_page_newest_first_with_cursors(app_client: httpx.AsyncClient) -> None:
    await _seed(app_client, 7)

    seen: list[str] = []
    after = None
    while True:
        data = (await gql(app_client, PAGE, {"first": 3, "after": after}))["data"]["sessions"]
        assert data["totalCount"] == 7
        seen += [e["node"]["id"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]

    assert seen == [f"s{i:03d}" for i in reversed(range(7))]


async def test_a_session_carries_its_exchanges_feedback_and_topics(app_client: httpx.AsyncClient) -> None:
    await _seed(app_client, 1)

    node = (await gql(app_client, PAGE, {"first": 1}))["data"]["sessions"]["edges"][0]["node"]

    assert node["exchangeCount"] == 3
    assert abs(node["avgQuality"] - (0.5 + 0.6 + 0.7) / 3) < 1e-12
    assert node["topics"] == ["python", "topic-0"]
    assert [e["quality"] for e in node["exchanges"]] == [0.5, 0.6, 0.7]
    assert all(e["feedback"] == [{"kind": "COPY"}] and e["topics"] == ["python"] for e in node["exchanges"])
    assert len(node["feedback"]) == 3


async def test_fifty_sessions_with_their_children_cost_a_constant_number_of_statements(
    app_client: httpx.AsyncClient, count_statements: StatementCounter
) -> None:
    await _seed(app_client, 60, per_session=4)

    count_statements.active = True
    data = await gql(app_client, PAGE, {"first": 50})
    count_statements.active = False

    assert len(data["data"]["sessions"]["edges"]) == 50
    selects = [s for s in count_statements.statements if s.lstrip().upper().startswith("SELECT")]
    # page + count + exchanges + exchange feedback + exchange topics + session feedback + session topics
    assert len(selects) == 7, selects


async def test_first_over_one_hundred_is_a_coded_error(app_client: httpx.AsyncClient) -> None:
    body = await gql(app_client, "{ sessions(first: 101) { totalCount } }")

    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first", "reason": "out_of_range"}
    assert "100" in error["message"]


async def test_a_forged_cursor_is_a_coded_error(app_client: httpx.AsyncClient) -> None:
    body = await gql(app_client, '{ sessions(after: "!!not-a-cursor") { totalCount } }')

    assert body["errors"][0]["extensions"]["field"] == "after"


RECORD_SESSION = """
mutation($input: SessionInput!) {
  recordSession(input: $input) {
    __typename
    ... on Session { id exchangeCount avgQuality durationMinutes topics }
    ... on ValidationError { message field code }
  }
}
"""

RECORD_EXCHANGES = """
mutation($input: [ExchangeInput!]!) {
  recordExchanges(input: $input) {
    __typename
    ... on IngestSummary { accepted duplicates }
    ... on ValidationError { message field code }
  }
}
"""

RECORD_FEEDBACK = """
mutation($input: [FeedbackInput!]!) {
  recordFeedback(input: $input) {
    __typename
    ... on IngestSummary { accepted duplicates }
    ... on ValidationError { field code }
  }
}
"""


def _session_input(**over: Any) -> dict[str, Any]:
    return {
        "id": "g1",
        "startedAt": BASE.isoformat(),
        "endedAt": (BASE + timedelta(minutes=20)).isoformat(),
        "topics": ["python", "machine learning"],
        "totalExchanges": 15,
        "avgQualityScore": 0.85,
    } | over


async def test_record_session_stores_a_summary_and_is_idempotent(app_client: httpx.AsyncClient) -> None:
    first = (await gql(app_client, RECORD_SESSION, {"input": _session_input()}))["data"]["recordSession"]
    again = (await gql(app_client, RECORD_SESSION, {"input": _session_input(totalExchanges=99)}))["data"][
        "recordSession"
    ]

    expected = {
        "__typename": "Session",
        "id": "g1",
        "exchangeCount": 15,
        "avgQuality": 0.85,
        "durationMinutes": 20.0,
        "topics": ["machine learning", "python"],
    }
    assert first == expected
    assert again == expected  # the second send is a duplicate: nothing changed


async def test_record_session_returns_a_validation_error_as_data(app_client: httpx.AsyncClient) -> None:
    bad = _session_input(endedAt=(BASE - timedelta(minutes=1)).isoformat())

    result = (await gql(app_client, RECORD_SESSION, {"input": bad}))["data"]["recordSession"]

    assert result["__typename"] == "ValidationError"
    assert (result["field"], result["code"]) == ("input.endedAt", "ends_before_start")
    assert (await gql(app_client, "{ sessions { totalCount } }"))["data"]["sessions"]["totalCount"] == 0


async def test_record_exchanges_then_feedback(app_client: httpx.AsyncClient) -> None:
    await gql(
        app_client, RECORD_SESSION, {"input": _session_input(totalExchanges=None, avgQualityScore=None)}
    )
    items = [
        {
            "id": f"x{i}",
            "sessionId": "g1",
            "occurredAt": (BASE + timedelta(minutes=i)).isoformat(),
            "quality": {"composite": 0.6},
        }
        for i in range(3)
    ]

    stored = (await gql(app_client, RECORD_EXCHANGES, {"input": items}))["data"]["recordExchanges"]
    again = (await gql(app_client, RECORD_EXCHANGES, {"input": items}))["data"]["recordExchanges"]
    fb = (
        await gql(
            app_client,
            RECORD_FEEDBACK,
            {
                "input": [
                    {"id": "fb1", "exchangeId": "x1", "kind": "CORRECTION", "createdAt": BASE.isoformat()}
                ]
            },
        )
    )["data"]["recordFeedback"]

    assert stored == {"__typename": "IngestSummary", "accepted": 3, "duplicates": 0}
    assert again == {"__typename": "IngestSummary", "accepted": 0, "duplicates": 3}
    assert fb == {"__typename": "IngestSummary", "accepted": 1, "duplicates": 0}


async def test_record_exchanges_with_an_unknown_session_is_a_validation_error(
    app_client: httpx.AsyncClient,
) -> None:
    items = [
        {"id": "x1", "sessionId": "ghost", "occurredAt": BASE.isoformat(), "quality": {"composite": 2.0}}
    ]

    result = (await gql(app_client, RECORD_EXCHANGES, {"input": items}))["data"]["recordExchanges"]

    assert result["__typename"] == "ValidationError"
    assert result["field"] == "input[0].quality.composite"


async def test_feedback_for_an_unknown_exchange_is_a_validation_error(app_client: httpx.AsyncClient) -> None:
    item = {"id": "fb1", "exchangeId": "ghost", "kind": "THUMBS_UP", "createdAt": BASE.isoformat()}

    result = (await gql(app_client, RECORD_FEEDBACK, {"input": [item]}))["data"]["recordFeedback"]

    assert result == {
        "__typename": "ValidationError",
        "field": "input[0].exchangeId",
        "code": "unknown_exchange",
    }


async def test_graphiql_is_served_to_a_browser(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/graphql", headers={"accept": "text/html"})

    assert r.status_code == 200
    assert "graphiql" in r.text.lower()


async def test_mutations_over_get_are_refused(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/graphql", params={"query": "mutation { markInsightsViewed }"})

    assert r.status_code in (400, 405)


async def test_health_and_readiness(app_client: httpx.AsyncClient) -> None:
    health = await app_client.get("/healthz")
    ready = await app_client.get("/readyz")

    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
