"""Which GraphQL requests the response cache may answer, and under which key and policy.

A document is classified once per text (an LRU of plans): it must parse within the document
limits, the executed operation must be a query whose root fields all have a kind in `ROOT_KINDS`
(never a mutation, a subscription or introspection), and its policy is the shortest of its kinds'
(the seed's CACHE_CONFIG). Its key part is the hash of the normalised document (printed from the
syntax tree, so whitespace, commas and comments do not matter).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    print_ast,
)
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request

from ..cache import CachePolicy, policy_for
from ..config import LimitSettings
from ..edge import media

# The kind of answer (a CACHE_CONFIG entry) each root query field gives; a field not listed here
# (and any introspection field) makes its document uncacheable.
ROOT_KINDS: dict[str, str] = {
    "viewer": "overview",
    "overview": "overview",
    "streak": "overview",
    "progress": "progress",
    "sessions": "progress",
    "trend": "trends",
    "qualityRadar": "progress",
    "qualityDistribution": "progress",
    "feedbackBreakdown": "progress",
    "activityHeatmap": "progress",
    "insights": "insights",
    "topics": "topics",
    "topicMastery": "topics",
    "goals": "goals",
    "goal": "goals",
    "achievements": "goals",
    "achievementStats": "goals",
    "nextAchievements": "goals",
    "goalSuggestions": "goals",
    "export": "export",
}


@dataclass(frozen=True, slots=True)
class Plan:
    document_hash: bytes
    policy: CachePolicy
    label: str  # the operation's root fields, as the metrics name it


def operation_label(fields: set[str]) -> str:
    """The root fields an operation selects, as a metric label bounded by the schema's fields."""
    named = sorted(f for f in fields if f != "__typename")
    if not named:
        return "__typename"
    return ",".join(named) if len(named) <= 3 else "multiple"


def selected_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def root_fields(document: DocumentNode, operation: OperationDefinitionNode) -> set[str]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return set(_root_fields(operation.selection_set, fragments, set()))


@dataclass(frozen=True, slots=True)
class GraphQLCall:
    """The parts of a GraphQL request that decide its answer, as the cache keys them."""

    query: str
    variables: dict[str, Any] | None
    variables_key: bytes
    operation_name: str | None


def _root_fields(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode], seen: set[str]
) -> Iterator[str]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None:
                yield "__unknown_fragment__"
            elif name not in seen:  # a cycle is the validator's to report; here it only stops
                seen.add(name)
                yield from _root_fields(fragment.selection_set, fragments, seen)


def classify(
    document: DocumentNode, operation_name: str | None, kinds: dict[str, str] = ROOT_KINDS
) -> tuple[CachePolicy, str] | None:
    """The policy and label of the operation `operation_name` (or the only one) of `document`; None
    when it is not a query, not found, asks for introspection or a field without a kind."""
    chosen = selected_operation(document, operation_name)
    if chosen is None or chosen.operation is not OperationType.QUERY:
        return None
    fields = root_fields(document, chosen)
    found: set[str] = set()
    for name in fields:
        if name == "__typename":
            continue
        kind = kinds.get(name)
        if kind is None:  # introspection (`__schema`, `__type`) or a field of no known kind
            return None
        found.add(kind)
    policy = policy_for(found)
    return None if policy is None else (policy, operation_label(fields))


class Plans:
    """Plans by (document text, operation name), least recently used dropped past `entries`
    (`LA_LIMITS__DOCUMENT_CACHE_ENTRIES`); a document longer than `max_cached_document_chars` is
    never cached."""

    def __init__(self, limits: LimitSettings) -> None:
        self.limits = limits
        self.entries = limits.document_cache_entries
        self._plans: OrderedDict[tuple[str, str | None], Plan | None] = OrderedDict()

    def plan(self, text: str, operation_name: str | None) -> Plan | None:
        k = (text, operation_name)
        try:
            found = self._plans[k]
        except KeyError:
            pass
        else:
            self._plans.move_to_end(k)
            return found
        if len(text) > self.limits.max_cached_document_chars:
            return None  # as with the parse cache: a document this long is not worth a second parse
        found = self._make(text, operation_name)
        if self.entries > 0:
            self._plans[k] = found
            while len(self._plans) > self.entries:
                self._plans.popitem(last=False)
        return found

    def _make(self, text: str, operation_name: str | None) -> Plan | None:
        limits = self.limits
        try:
            document = parse(
                text,
                max_lexical_tokens=limits.max_tokens,
                max_comments=limits.max_tokens,
                max_source_length=limits.max_query_chars,
            )
        except GraphQLError:
            return None  # the request goes on uncached, and the schema reports the error
        classified = classify(document, operation_name)
        if classified is None:
            return None
        normalised = print_ast(document).encode()
        return Plan(hashlib.blake2b(normalised, digest_size=20).digest(), *classified)


def _variables(value: object) -> tuple[dict[str, Any] | None, bytes] | None:
    if value is None:
        return None, b"{}"
    if not isinstance(value, dict):
        return None
    try:
        return value, orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # nested past orjson's depth: not cached, the schema judges them
        return None


async def graphql_call(request: Request) -> GraphQLCall | None:
    """The query, variables and operation name of a plain GET or JSON POST; None for anything else
    (a batch, a multipart upload, extensions such as persisted queries, a body that is not JSON)."""
    if request.method == "POST" and media.media_type(request.headers.get("content-type")) == media.JSON:
        body = await request.body()
    else:
        body = b""
    return call_of(request.method, request.headers, request.scope.get("query_string", b""), body)


def call_of(method: str, headers: Headers, query_string: bytes, body: bytes) -> GraphQLCall | None:
    """`graphql_call` of a request's parts, its body already read (for a POST)."""
    if method == "POST":
        content_type = headers.get("content-type") or ""
        # Strawberry reads a body as JSON only when its type says `application/json` in these very
        # letters: anything else is not answered from the cache either, so both ways agree.
        if media.media_type(content_type) != media.JSON or media.JSON not in content_type:
            return None
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(parsed, dict) or not parsed.keys() <= {"query", "variables", "operationName"}:
            return None
        query, operation_name = parsed.get("query"), parsed.get("operationName")
        variables = _variables(parsed.get("variables"))
    elif method == "GET":
        params = QueryParams(query_string)
        if "text/html" in headers.get("accept", "") or not params.keys() <= {
            "query",
            "variables",
            "operationName",
        }:
            return None
        query, operation_name = params.get("query"), params.get("operationName")
        raw = params.get("variables")
        try:
            variables = _variables(orjson.loads(raw) if raw else None)
        except orjson.JSONDecodeError:
            return None
    else:
        return None
    if not isinstance(query, str) or not (operation_name is None or isinstance(operation_name, str)):
        return None
    if variables is None:
        return None
    return GraphQLCall(query, variables[0], variables[1], operation_name)


@lru_cache(maxsize=64)
def response_type(accept: str | None) -> str:
    """The negotiated response type of an `Accept` header (a few distinct headers in practice)."""
    return media.graphql_response_type(accept)
