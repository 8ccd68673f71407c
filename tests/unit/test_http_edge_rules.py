"""The HTTP edge's pure rules: which media type a GraphQL client gets, and which Host names are loopback."""

from __future__ import annotations

import pytest

from learning_analytics.edge.hosts import host_allowed, split_host
from learning_analytics.edge.media import GRAPHQL_RESPONSE, JSON, graphql_response_type, is_json


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("text/html", JSON),  # nothing we can produce: the spec lets the server answer its default
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("*/*, application/json;q=0", GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
    ],
)
def test_the_graphql_response_type_follows_the_clients_preference(accept: str | None, expected: str) -> None:
    assert graphql_response_type(accept) == expected


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        ("application/graphql-response+json", False),
        (None, False),
    ],
)
def test_only_application_json_counts_as_a_json_body(content_type: str | None, expected: bool) -> None:
    assert is_json(content_type) is expected


@pytest.mark.parametrize(
    ("host", "parsed"),
    [
        ("127.0.0.1:8000", ("127.0.0.1", 8000)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::1]", ("::1", None)),
        ("LocalHost.", ("localhost", None)),
        ("[::1", None),
        ("host:port", None),
        ("host:70000", None),
        (":8000", None),
    ],
)
def test_a_host_header_splits_into_name_and_port(host: str, parsed: tuple[str, int | None] | None) -> None:
    assert split_host(host) == parsed


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("localhost:8000", [], True),
        ("127.0.0.1:8000", [], True),
        ("127.1.2.3:8000", [], True),  # all of 127.0.0.0/8 is loopback
        ("[::1]:8000", [], True),
        ("127.0.0.1:9000", [], False),  # another port than the one the request arrived on
        ("evil.example:8000", [], False),
        ("localhost.evil.example:8000", [], False),
        ("0.0.0.0:8000", [], False),
        (None, [], False),
        ("analytics.lan:8000", ["Analytics.LAN"], True),
        ("evil.example:8000", ["*"], True),
    ],
)
def test_single_user_mode_serves_loopback_names_and_configured_ones(
    host: str | None, allowed: list[str], expected: bool
) -> None:
    assert host_allowed(host, server_port=8000, allowed=allowed) is expected
