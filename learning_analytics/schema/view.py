"""The ASGI GraphQL endpoint: answers cached queries from stored bytes, else builds the typed context,
runs the schema and answers with orjson (keeping the answer when the cache may)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from .. import metrics
from ..cache import CacheLookup, Entry, Freshness, ResponseCache
from ..cache.core import cache_key
from ..config import LimitSettings
from ..domain.models import User
from ..edge.hits import Asked, Hit
from ..resolvers.context import Context, build_context
from ..resolvers.runtime import DatabaseBusy, Runtime
from .http import GraphQLOverHTTP
from .response_cache import GraphQLCall, Plan, Plans, call_of, graphql_call, response_type

SERVICE_BUSY = "SERVICE_BUSY"
# An answer served from the cache says so in `extensions.cache` (a computed answer has no such entry).
_HIT_EXTENSION = b',"extensions":{"cache":{"cached":true,"stale":false}}}'
_STALE_EXTENSION = b',"extensions":{"cache":{"cached":true,"stale":true}}}'

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Cacheable:
    """A request the cache may answer: what it asks, its plan, and what the lookup found."""

    call: GraphQLCall
    plan: Plan
    user: User
    lookup: CacheLookup
    content_type: str


def cached_answer(entry: Entry, *, now: float, stale: bool) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The stored answer as served, `cached` (and past its TTL, `stale`) set in its meta and
    extensions, with its headers."""
    # The stored body is `{"data":…}` (an answer with extensions of its own is never stored).
    body = entry.served_body(stale=stale)[:-1] + (_STALE_EXTENSION if stale else _HIT_EXTENSION)
    headers = [
        (b"content-type", entry.content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"age", str(max(0, int(now - entry.created))).encode()),
        (b"x-cache", b"STALE" if stale else b"HIT"),
    ]
    return body, headers


async def send_cached(send: Send, lookup: CacheLookup, *, now: float) -> None:
    """Send a stored answer straight to the ASGI server, since a hit must cost as little as possible."""
    entry = lookup.entry
    assert entry is not None
    body, headers = cached_answer(entry, now=now, stale=lookup.freshness is Freshness.STALE)
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _key(runtime: Runtime, user: User, call: GraphQLCall, plan: Plan, content_type: str) -> bytes:
    today = runtime.clock().astimezone(ZoneInfo(user.timezone)).date()
    return cache_key(
        b"graphql",
        content_type,
        user.id,
        user.timezone,
        today.isoformat(),
        plan.document_hash,
        call.variables_key,
        call.operation_name or "",
    )


class GraphQLApp(GraphQLOverHTTP):
    def __init__(
        self,
        schema: Any,
        *,
        graphiql: Callable[[], Response] | None,
        limits: LimitSettings | None = None,
    ) -> None:
        super().__init__(schema, graphiql=graphiql)
        self.plans = Plans(limits or LimitSettings())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        runtime: Runtime = request.app.state.runtime
        cacheable = await self._cacheable(request, runtime) if runtime.cache.enabled else None
        if cacheable is not None and cacheable.lookup.hit:
            metrics.graphql_operation(cacheable.plan.label, "cached")
            await send_cached(send, cacheable.lookup, now=runtime.cache.clock())
            if cacheable.lookup.refresh:  # after the answer is sent, as a background task would
                await self._refresh(runtime, cacheable)
            return
        request.state.cacheable = cacheable
        response = await self.respond(request)
        if cacheable is not None:
            if getattr(request.state, "cache_fill", False) and response.status_code == 200:
                ctx: Context = request.state.graphql_context
                await self._store(runtime, cacheable, bytes(response.body), ctx.max_age)
                response.headers["x-cache"] = "MISS"  # computed now, as on REST
            else:
                runtime.cache.release(cacheable.user.id, cacheable.lookup.key)
        await response(scope, receive, send)

    async def _store(
        self, runtime: Runtime, cacheable: Cacheable, body: bytes, max_age: float | None
    ) -> None:
        policy = cacheable.plan.policy.capped(max_age)
        if policy is None:
            runtime.cache.release(cacheable.user.id, cacheable.lookup.key)
            return
        await runtime.cache.store(
            cacheable.user.id, cacheable.lookup, body, content_type=cacheable.content_type, policy=policy
        )

    async def _cacheable(self, request: Request, runtime: Runtime) -> Cacheable | None:
        user: User | None = getattr(request.state, "user", None)
        if user is None:
            return None
        call = await graphql_call(request)
        if call is None:
            return None
        plan = self.plans.plan(call.query, call.operation_name)
        if plan is None:
            return None
        content_type = response_type(request.headers.get("accept"))
        key = _key(runtime, user, call, plan, content_type)
        lookup = await runtime.cache.lookup(user.id, key)
        if lookup is None:
            return None
        metrics.cache_lookup(lookup)
        return Cacheable(call, plan, user, lookup, content_type)

    async def find_hit(self, asked: Asked) -> Hit | None:
        """The fast way's finder (`edge.hits`): a fresh stored answer to this request, as `__call__`
        would serve it, or None."""
        runtime: Runtime = asked.scope["app"].state.runtime
        if not runtime.cache.enabled:
            return None
        call = call_of(asked.scope["method"], asked.headers, asked.scope.get("query_string", b""), asked.body)
        if call is None:
            return None
        plan = self.plans.plan(call.query, call.operation_name)
        if plan is None:
            return None
        content_type = response_type(asked.headers.get("accept"))
        entry = await runtime.cache.fresh(asked.user.id, _key(runtime, asked.user, call, plan, content_type))
        if entry is None:
            return None
        metrics.cache_hit()
        metrics.graphql_operation(plan.label, "cached")
        body, headers = cached_answer(entry, now=runtime.cache.clock(), stale=False)
        return Hit(200, headers, body, entry.content_type)

    async def _refresh(self, runtime: Runtime, cacheable: Cacheable) -> None:
        """Recompute a stale answer after serving it, and keep the new one (stale-while-revalidate)."""
        cache: ResponseCache = runtime.cache
        try:
            call = cacheable.call
            ctx = build_context(runtime, cacheable.user)
            result = await self.schema.execute(
                call.query,
                variable_values=call.variables,
                context_value=ctx,
                operation_name=call.operation_name,
            )
            if result.errors or result.extensions:
                cache.release(cacheable.user.id, cacheable.lookup.key)
                return
            await self._store(runtime, cacheable, self.encode_json({"data": result.data}), ctx.max_age)
        except Exception:  # a failed refresh leaves the stale answer to expire; the next miss recomputes
            log.exception("refreshing a cached GraphQL answer failed")
            cache.release(cacheable.user.id, cacheable.lookup.key)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        ctx = build_context(request.app.state.runtime, request.state.user)
        request.state.graphql_context = ctx
        return ctx

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """A busy database (no free connection, a statement past its timeout) answers HTTP 503 with
        Retry-After, its errors carrying `extensions.code = "SERVICE_BUSY"`: never a 500.

        An answer without errors (nor extensions) to a cacheable request is kept."""
        retry_after = None
        for error in result.errors or ():
            if isinstance(error.original_error, DatabaseBusy):
                retry_after = error.original_error.retry_after
                error.extensions = {"code": SERVICE_BUSY, "retryAfter": retry_after}
        response = await super().process_result(request, result)
        if retry_after is not None:
            sub_response: Response = request.state.graphql_sub_response
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(retry_after)
        cacheable = getattr(request.state, "cacheable", None)
        if cacheable is not None and not result.errors and not result.extensions and result.data is not None:
            request.state.cache_fill = True
        return response
