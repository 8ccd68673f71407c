"""Out-of-range, hostile and malformed ingested values: a 400 or a typed error naming the field, nothing written.

Each case goes through the real ASGI app twice, as `POST /api/analytics/events` and as the GraphQL
mutation of its kind, after a session `s1` and an exchange `e1` are stored (so a value that slipped
through would be written, not refused for an unknown reference). `unchanged_rows` counts every
table's rows around the request.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import client_for

from abuse.conftest import unchanged_rows
from learning_analytics.config import Settings

NOW = datetime.now(UTC).replace(microsecond=0)
TWO_HOURS_AGO = (NOW - timedelta(hours=2)).isoformat()
HOUR_AGO = (NOW - timedelta(hours=1)).isoformat()

VALID: dict[str, dict[str, Any]] = {
    "sessions": {"id": "s2", "started_at": TWO_HOURS_AGO, "ended_at": HOUR_AGO, "topics": ["python"]},
    "exchanges": {
        "id": "e2",
        "session_id": "s1",
        "occurred_at": HOUR_AGO,
        "quality": {"composite": 0.5},
        "topics": ["python"],
    },
    "feedback": {"id": "f2", "exchange_id": "e1", "kind": "copy", "created_at": HOUR_AGO},
}
MUTATIONS = {
    "sessions": "mutation($input: SessionInput!) { recordSession(input: $input) { __typename "
    "... on ValidationError { field code message } } }",
    "exchanges": "mutation($input: [ExchangeInput!]!) { recordExchanges(input: $input) { __typename "
    "... on ValidationError { field code message } } }",
    "feedback": "mutation($input: [FeedbackInput!]!) { recordFeedback(input: $input) { __typename "
    "... on ValidationError { field code message } } }",
}
GRAPHQL_ERROR = "graphql_error"  # refused while GraphQL coerces the variables (type, format, 32-bit Int)


@dataclass(frozen=True)
class Case:
    """One bad value: `path` inside an item of `kind`; what REST and GraphQL answer."""

    kind: str
    path: str
    value: Any
    code: str
    at: str | None = None  # the field named, below the item, when not `path`
    rest: tuple[str, str] | None = None  # (code, field) when REST differs
    graphql: str | None = ""  # "" = same code as REST, GRAPHQL_ERROR, or None to skip GraphQL

    @property
    def id(self) -> str:
        shown = repr(self.value)
        return f"{self.kind}.{self.path}={shown[:24]}"


def _camel(path: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), path)


TIMESTAMP_VALUES: list[tuple[Any, str, str]] = [
    ("1969-12-31T23:59:59Z", "timestamp_too_early", ""),
    ("1970-01-01T09:59:59+10:00", "timestamp_too_early", ""),
    ("0001-01-01T00:00:00+14:00", "timestamp_too_early", ""),
    ("0001-01-01T00:00:00", "timestamp_too_early", ""),
    ("9999-12-31T23:00:00-12:00", "future_timestamp", ""),
    ("9999-12-31T23:59:59Z", "future_timestamp", ""),
    ((NOW + timedelta(days=1)).isoformat(), "future_timestamp", ""),  # NOW is when the module loaded
    ("2026-01-05", "invalid_datetime", GRAPHQL_ERROR),
    ("2026-W02-1", "invalid_datetime", GRAPHQL_ERROR),
    ("20260105T100000Z", "invalid_datetime", GRAPHQL_ERROR),
    ("1700000000", "invalid_datetime", GRAPHQL_ERROR),
    (1700000000, "invalid_datetime", GRAPHQL_ERROR),
    (1.7e9, "invalid_datetime", GRAPHQL_ERROR),
    ("0000-01-01T00:00:00Z", "invalid_datetime", GRAPHQL_ERROR),
    ("2026-02-30T10:00:00Z", "invalid_datetime", GRAPHQL_ERROR),
    ("2026-01-05T10:00:00+24:00", "invalid_datetime", GRAPHQL_ERROR),
    (True, "invalid_datetime", GRAPHQL_ERROR),
    ("", "invalid_datetime", GRAPHQL_ERROR),
]

# Every shape on one timestamp field; the calendar's ends and a bare date on the others.
OTHER_TIMESTAMP_VALUES = (
    "1969-12-31T23:59:59Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:00:00-12:00",
    "2026-01-05",
)
CASES = [
    *(Case("exchanges", "occurred_at", value, code, graphql=gql) for value, code, gql in TIMESTAMP_VALUES),
    *(
        Case(kind, path, value, code, graphql=gql)
        for kind, path in (("sessions", "started_at"), ("feedback", "created_at"))
        for value, code, gql in TIMESTAMP_VALUES
        if value in OTHER_TIMESTAMP_VALUES
    ),
    Case("sessions", "ended_at", "1969-12-31T23:59:59Z", "timestamp_too_early"),
    Case("sessions", "ended_at", "9999-12-31T23:00:00-12:00", "future_timestamp"),
    # counts
    Case("sessions", "total_exchanges", 100_001, "out_of_range"),
    Case("sessions", "total_exchanges", -1, "out_of_range"),
    Case("sessions", "total_exchanges", 2**31, "out_of_range", graphql=GRAPHQL_ERROR),
    Case("sessions", "total_exchanges", 2**63, "out_of_range", graphql=GRAPHQL_ERROR),
    Case("sessions", "total_exchanges", 10**40, "out_of_range", graphql=GRAPHQL_ERROR),
    Case("sessions", "total_exchanges", "5", "int_type", graphql=GRAPHQL_ERROR),
    Case("sessions", "total_exchanges", True, "int_type", graphql=GRAPHQL_ERROR),
    Case("sessions", "total_exchanges", 2.5, "int_type", graphql=GRAPHQL_ERROR),
    # scores: strict numbers in [0, 1]
    Case("sessions", "avg_quality_score", "0.5", "float_type", graphql=GRAPHQL_ERROR),
    Case("sessions", "avg_quality_score", True, "float_type", graphql=GRAPHQL_ERROR),
    Case("sessions", "avg_quality_score", 1.5, "out_of_range"),
    Case("exchanges", "quality.composite", "0.5", "float_type", graphql=GRAPHQL_ERROR),
    Case("exchanges", "quality.composite", False, "float_type", graphql=GRAPHQL_ERROR),
    Case("exchanges", "quality.composite", "NaN", "float_type", graphql=GRAPHQL_ERROR),
    Case("exchanges", "quality.composite", 1e308 * 10, "finite_number", graphql=None),
    Case("exchanges", "quality.composite", -0.01, "out_of_range"),
    Case("exchanges", "quality.composite", {"value": 0.5}, "float_type", graphql=GRAPHQL_ERROR),
    Case("exchanges", "quality.clarity", 2, "out_of_range"),
    Case(
        "exchanges",
        "quality",
        {"composite": 0.5, "clarity": [0.5]},
        "float_type",
        at="quality.clarity",
        graphql=GRAPHQL_ERROR,
    ),
    Case("feedback", "rating", "1", "float_type", graphql=GRAPHQL_ERROR),
    Case("feedback", "rating", -0.5, "out_of_range"),
    # ids
    Case("sessions", "id", "a\x00b", "invalid_character"),
    Case("exchanges", "id", "tab\there", "invalid_character"),
    Case("exchanges", "session_id", "s\x01", "invalid_character"),
    Case("feedback", "exchange_id", "e\x9f", "invalid_character"),
    Case("feedback", "id", "x" * 201, "invalid_id"),
    Case("sessions", "id", "", "invalid_id"),
    Case("sessions", "id", True, "string_type", graphql=GRAPHQL_ERROR),
    Case("exchanges", "id", "\ud800", "invalid_character", rest=("invalid_encoding", "body"), graphql=None),
    # topics
    Case("sessions", "topics", ["ok", "nul\x00"], "invalid_character", at="topics[1]"),
    Case("exchanges", "topics", ["\u200b"], "empty_topic", at="topics[0]"),
    Case("exchanges", "topics", ["python", "\ufeff \u200c\u200d"], "empty_topic", at="topics[1]"),
    Case("sessions", "topics", ["   "], "empty_topic", at="topics[0]"),
    Case("sessions", "topics", ["x" * 101], "topic_too_long", at="topics[0]"),
    Case("exchanges", "topics", [f"t{i}" for i in range(51)], "too_many_topics"),
    Case("exchanges", "topics", ["python", 3], "string_type", at="topics[1]", graphql=GRAPHQL_ERROR),
    Case("exchanges", "topics", "python", "tuple_type", graphql=None),
    # free text
    Case("exchanges", "user_text", "x" * 100_001, "too_long"),
    Case("exchanges", "agent_text", "clear screen \x1b[2J", "invalid_character"),
    Case("exchanges", "user_text", "nul \x00 byte", "invalid_character"),
    Case(
        "exchanges",
        "agent_text",
        "half \udc00 pair",
        "invalid_character",
        rest=("invalid_encoding", "body"),
        graphql=None,
    ),
    Case("feedback", "comment", "y" * 10_001, "too_long"),
    Case("feedback", "comment", "del \x7f", "invalid_character"),
    # shape
    Case("feedback", "kind", "love", "enum", graphql=GRAPHQL_ERROR),
    Case("exchanges", "colour", "red", "unknown_field", graphql=GRAPHQL_ERROR),
]


@pytest.fixture
async def stored(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The client, with session `s1` and exchange `e1` already stored."""
    body = {
        "sessions": [{"id": "s1", "started_at": TWO_HOURS_AGO}],
        "exchanges": [{"id": "e1", "session_id": "s1", "occurred_at": HOUR_AGO}],
    }
    r = await app_client.post("/api/analytics/events", json=body)
    assert r.status_code == 200, r.text
    return app_client


def _item(kind: str, path: str, value: Any) -> dict[str, Any]:
    item = json.loads(json.dumps(VALID[kind]))
    *parents, last = path.split(".")
    target = item
    for part in parents:
        target = target[part]
    target[last] = value
    return item


def _other(kind: str) -> dict[str, Any]:
    """A valid item of the kind, with another id, to stand first in the list."""
    return {**VALID[kind], "id": VALID[kind]["id"] + "x"}


def _to_graphql(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): (v.upper() if k == "kind" else _to_graphql(v)) for k, v in value.items()}
    return value


async def _post_json(client: httpx.AsyncClient, url: str, payload: Any) -> httpx.Response:
    # json.dumps escapes lone surrogates as \\udXXX, as a careless client would send them.
    content = json.dumps(payload, allow_nan=True).encode()
    return await client.post(url, content=content, headers={"content-type": "application/json"})


def _rest_check(r: httpx.Response, case: Case) -> None:
    code, field = case.rest or (case.code, f"{case.kind}[1].{case.at or case.path}")
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == (code, field), error
    assert error["message"]


def _graphql_check(r: httpx.Response, case: Case) -> None:
    assert r.status_code in (200, 400), r.text
    body = r.json()
    if case.graphql == GRAPHQL_ERROR:
        assert body.get("data") is None, body
        assert body["errors"][0]["message"]
        return
    result = next(iter(body["data"].values()))
    head = "input" if case.kind == "sessions" else "input[1]"
    expected = (f"{head}.{_camel(case.at or case.path)}", case.graphql or case.code)
    assert result["__typename"] == "ValidationError", result
    assert (result["field"], result["code"]) == expected
    assert result["message"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
async def test_the_value_is_refused_naming_its_field_over_rest_and_graphql(
    stored: httpx.AsyncClient, database_url: str, case: Case
) -> None:
    body = {case.kind: [_other(case.kind), _item(case.kind, case.path, case.value)]}
    bad = _to_graphql(_item(case.kind, case.path, case.value))
    variables = {"input": bad if case.kind == "sessions" else [_to_graphql(_other(case.kind)), bad]}

    async with unchanged_rows(database_url):
        rest = await _post_json(stored, "/api/analytics/events", body)
        if case.graphql is not None:
            graphql = await _post_json(
                stored, "/graphql", {"query": MUTATIONS[case.kind], "variables": variables}
            )

    _rest_check(rest, case)
    if case.graphql is not None:
        _graphql_check(graphql, case)


@pytest.mark.parametrize("kind", ["sessions", "exchanges", "feedback"])
async def test_an_id_twice_in_one_batch_is_refused_and_not_even_its_topics_are_stored(
    stored: httpx.AsyncClient, database_url: str, kind: str
) -> None:
    first = {**VALID[kind], "topics": ["python"]} if kind != "feedback" else VALID[kind]
    second = (
        {**first, "topics": ["a second copy's topic"]}
        if kind != "feedback"
        else {**first, "kind": "correction"}
    )
    body = {kind: [_other(kind), first, second]}

    async with unchanged_rows(database_url):
        rest = await _post_json(stored, "/api/analytics/events", body)
        if kind == "sessions":
            graphql = None  # recordSession takes one session
        else:
            items = [_to_graphql(i) for i in body[kind]]
            graphql = await _post_json(
                stored, "/graphql", {"query": MUTATIONS[kind], "variables": {"input": items}}
            )

    assert rest.status_code == 400
    assert (rest.json()["error"]["code"], rest.json()["error"]["field"]) == (
        "duplicate_in_batch",
        f"{kind}[2].id",
    )
    if graphql is not None:
        result = next(iter(graphql.json()["data"].values()))
        assert (result["field"], result["code"]) == ("input[2].id", "duplicate_in_batch")


async def test_more_topic_links_than_the_batch_limit_are_refused(
    stored: httpx.AsyncClient, database_url: str
) -> None:
    # 401 exchanges of 50 topics each: 20,050 links, over the default 20,000.
    exchanges = [
        {**VALID["exchanges"], "id": f"t{i}", "topics": [f"topic {j}" for j in range(50)]} for i in range(401)
    ]

    async with unchanged_rows(database_url):
        rest = await _post_json(stored, "/api/analytics/events", {"exchanges": exchanges})
        graphql = await _post_json(
            stored,
            "/graphql",
            {"query": MUTATIONS["exchanges"], "variables": {"input": [_to_graphql(e) for e in exchanges]}},
        )

    assert rest.status_code == 400
    assert (rest.json()["error"]["code"], rest.json()["error"]["field"]) == ("too_many_topic_links", "batch")
    result = graphql.json()["data"]["recordExchanges"]
    assert (result["field"], result["code"]) == ("input", "too_many_topic_links")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"null", "invalid_body"),
        (b"[]", "invalid_body"),
        (b"42", "invalid_body"),
        (b'"events"', "invalid_body"),
        (b"true", "invalid_body"),
        (b"", "invalid_json"),
        (b'{"sessions": [', "invalid_json"),
        (b"[" * 100_000, "invalid_json"),
        (b'{"sessions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "invalid_json"),
        (b'{"sessions": [{"id": "\xff\xfe", "started_at": "2026-01-05T10:00:00Z"}]}', "invalid_encoding"),
        (b'{"sessions": [{"id": "\xed\xa0\x80", "started_at": "2026-01-05T10:00:00Z"}]}', "invalid_encoding"),
        (b'{"sessions": [{"id": "\\ud800", "started_at": "2026-01-05T10:00:00Z"}]}', "invalid_encoding"),
        (
            b'{"sessions": [{"id": "\\udc00\\ud800", "started_at": "2026-01-05T10:00:00Z"}]}',
            "invalid_encoding",
        ),
    ],
    ids=lambda v: v[:24].decode("latin-1") if isinstance(v, bytes) else v,
)
async def test_a_body_that_is_not_a_json_object_is_a_clear_400(
    stored: httpx.AsyncClient, database_url: str, body: bytes, code: str
) -> None:
    async with unchanged_rows(database_url):
        r = await stored.post(
            "/api/analytics/events", content=body, headers={"content-type": "application/json"}
        )

    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert (error["code"], error["field"]) == (code, "body")
    if code == "invalid_encoding":
        assert "UTF-8" in error["message"] or "Unicode" in error["message"]
    assert "must be a JSON object" in error["message"] or code != "invalid_body"


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"42",
        b"[" * 100_000,
        b'{"query": "{ viewer { id } }", "variables": {"x": "\\ud800"}}',
        b"\xff{}",
    ],
    ids=["null", "number", "deep", "surrogate", "not-utf8"],
)
async def test_a_graphql_body_that_is_not_a_json_object_is_a_400(
    stored: httpx.AsyncClient, body: bytes
) -> None:
    r = await stored.post("/graphql", content=body, headers={"content-type": "application/json"})

    assert r.status_code == 400, r.text


async def test_every_value_at_its_bound_is_accepted(stored: httpx.AsyncClient) -> None:
    body = {
        "sessions": [
            {
                "id": "s" * 200,
                "started_at": "1970-01-01T00:00:00Z",
                "ended_at": "1970-01-01T10:00:00+10:00",
                "total_exchanges": 100_000,
                "avg_quality_score": 1,
                "topics": [f"\u200b{i:0>99}" for i in range(50)],
            }
        ],
        "exchanges": [
            {
                "id": "e3",
                "session_id": "s1",
                "occurred_at": (NOW - timedelta(seconds=1)).replace(tzinfo=None).isoformat(),
                "quality": {"composite": 0, "clarity": 1},
                "user_text": "é" * 100_000,
                "agent_text": "tabs\tand\r\nnewlines",
            }
        ],
        "feedback": [
            {"id": "f3", "exchange_id": "e3", "kind": "copy", "created_at": HOUR_AGO, "comment": "c" * 10_000}
        ],
    }

    r = await _post_json(stored, "/api/analytics/events", body)

    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3


async def test_graphql_accepts_an_int_where_a_float_is_expected(stored: httpx.AsyncClient) -> None:
    item = _to_graphql({**VALID["sessions"], "avg_quality_score": 1, "total_exchanges": 100_000})

    r = await _post_json(stored, "/graphql", {"query": MUTATIONS["sessions"], "variables": {"input": item}})

    assert r.json()["data"]["recordSession"] == {"__typename": "Session"}


BATCH_DOCUMENTS = {
    "variable": "mutation($input: [ExchangeInput!]!) { recordExchanges(input: $input) { __typename } }",
    "fragment": "mutation($input: [FeedbackInput!]!) { ...F } "
    "fragment F on Mutation { recordFeedback(input: $input) { __typename } }",
    "alias": "mutation($input: [FeedbackInput!]!) { first: recordFeedback(input: []) { __typename } "
    "second: recordFeedback(input: $input) { __typename } }",
}


@pytest.mark.parametrize("document", BATCH_DOCUMENTS, ids=str)
async def test_an_oversized_graphql_list_is_refused_before_its_items_are_coerced(
    settings: Settings, database_url: str, document: str
) -> None:
    # Items that would each fail coercion: the answer names the batch limit, not the first bad item,
    # so the list was counted before GraphQL looked at any item.
    items = [{"id": f"x{i}", "not a field": True} for i in range(4)]
    limited = settings.model_copy(update={"max_batch_items": 3})
    async with client_for(limited) as client, unchanged_rows(database_url):
        r = await _post_json(
            client, "/graphql", {"query": BATCH_DOCUMENTS[document], "variables": {"input": items}}
        )

    body = r.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input",
        "reason": "batch_too_large",
        "limit": 3,
    }


async def test_an_oversized_literal_list_is_refused_too(settings: Settings, database_url: str) -> None:
    item = '{{id: "f{}", exchangeId: "e1", kind: COPY, createdAt: "2026-01-05T10:00:00Z"}}'
    literal = ", ".join(item.format(i) for i in range(4))
    query = f"mutation {{ recordFeedback(input: [{literal}]) {{ __typename }} }}"
    limited = settings.model_copy(update={"max_batch_items": 3})
    async with client_for(limited) as client, unchanged_rows(database_url):
        r = await _post_json(client, "/graphql", {"query": query})

    assert r.json()["errors"][0]["extensions"]["reason"] == "batch_too_large"


async def test_a_graphql_list_at_the_limit_is_accepted(settings: Settings) -> None:
    async with client_for(settings.model_copy(update={"max_batch_items": 3})) as client:
        await _post_json(client, "/api/analytics/events", {"sessions": [VALID["sessions"]]})
        items = [_to_graphql({**VALID["exchanges"], "id": f"x{i}", "session_id": "s2"}) for i in range(3)]
        r = await _post_json(
            client, "/graphql", {"query": MUTATIONS["exchanges"], "variables": {"input": items}}
        )

    assert r.json()["data"]["recordExchanges"] == {"__typename": "IngestSummary"}


def _import(database_url: str, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LA_DATABASE_URL": database_url, "LA_SCHEDULER": "off", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", "import", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_import_refuses_hostile_lines_with_their_field_and_stores_only_the_valid_ones(
    database_url: str, tmp_path: Path
) -> None:
    good = {"sessions": [VALID["sessions"]]}
    lines = [
        json.dumps(good).encode(),
        json.dumps({"sessions": [{**VALID["sessions"], "id": "n\x00l"}]}).encode(),
        json.dumps({"sessions": [{**VALID["sessions"], "id": "s3", "started_at": "2026-01-05"}]}).encode(),
        json.dumps({"sessions": [{**VALID["sessions"], "id": "s4", "total_exchanges": 2**63}]}).encode(),
        json.dumps(
            {"sessions": [{**VALID["sessions"], "id": "s5"}, {**VALID["sessions"], "id": "s5"}]}
        ).encode(),
        b'{"sessions": [{"id": "\\ud800", "started_at": "2026-01-05T10:00:00Z"}]}',
        b'{"sessions": [{"id": "\xff", "started_at": "2026-01-05T10:00:00Z"}]}',
        b"[" * 100_000,
        b"null",
    ]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines))

    result = _import(database_url, path)

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "accepted 1, duplicates 0, rejected 9" in result.stdout
    for number, field in [
        (2, "sessions[0].id"),
        (3, "sessions[0].started_at"),
        (4, "sessions[0].total_exchanges"),
        (5, "sessions[1].id"),
    ]:
        assert f"line {number}: {field}" in result.stderr
    assert "line 7: the body is not valid UTF-8" in result.stderr
