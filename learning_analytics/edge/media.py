"""Media types: which request bodies count as JSON, and which JSON flavour a GraphQL client accepts."""

from __future__ import annotations

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json` (lower case, parameters dropped)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json(content_type: str | None) -> bool:
    return media_type(content_type) == JSON


def _accepted(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media.lower(), q))
    return ranges


def graphql_response_type(accept: str | None) -> str:
    """The media type to answer a GraphQL request with, per GraphQL over HTTP.

    `application/graphql-response+json` when the client names it and prefers it at least as much as
    `application/json`; `application/json` otherwise, including a missing `Accept`, `*/*`, or only
    types we cannot produce (the spec lets a server disregard those rather than answer 406).
    """
    if not accept:
        return JSON
    ranges = _accepted(accept)
    best: tuple[float, int, int] = (0.0, -1, -1)
    chosen = JSON
    for candidate in (GRAPHQL_RESPONSE, JSON):
        kind = candidate.partition("/")[0]
        # The most specific range naming the candidate decides its quality (RFC 9110, 12.5.1).
        matches = [
            (specificity, q)
            for media, q in ranges
            for specificity, pattern in ((2, candidate), (1, f"{kind}/*"), (0, "*/*"))
            if media == pattern
        ]
        if not matches:
            continue
        specificity, q = max(matches, key=lambda m: m[0])
        # Named explicitly, the current spec's type wins a tie; through a wildcard, the legacy one does.
        preferred = int((candidate == GRAPHQL_RESPONSE) == (specificity == 2))
        if q > 0 and (q, specificity, preferred) > best:
            best, chosen = (q, specificity, preferred), candidate
    return chosen
