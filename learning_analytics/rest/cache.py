"""The response cache for REST GET routes: `@cached_route("overview")` answers stored bytes with an
ETag, and 304 when the client's `If-None-Match` names it.

The key is the caller, the route, the sorted query parameters, and the caller's timezone and local
day; the policy is the seed's CACHE_CONFIG entry of the route's kind. Only a 200 answer is kept,
for at most as long as the use case allows (`Context.keep_for`, through `request.state.context`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache, wraps
from zoneinfo import ZoneInfo

from starlette.background import BackgroundTask
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from .. import metrics
from ..cache import CacheLookup, CachePolicy, Entry, Freshness
from ..cache.core import cache_key
from ..domain.models import User
from ..edge.hits import Asked, Finder, Hit
from ..resolvers.runtime import Runtime

Endpoint = Callable[[Request], Awaitable[Response]]


def route_key(user: User, route: str, query_string: bytes, *, today: str) -> bytes:
    """The key of a GET: user, route, and the query parameters in sorted order (so `a=1&b=2` and
    `b=2&a=1` share an answer)."""
    return cache_key(b"rest", route, user.id, user.timezone, today, _sorted_query(query_string))


def _sorted_query(query_string: bytes) -> str:
    """The decoded parameters of a query string, sorted and joined. The few distinct short query
    strings a dashboard sends are parsed once (memoised only up to 512 bytes, so the memo stays
    small whatever clients send)."""
    if len(query_string) > 512:
        return _sort_query(query_string)
    return _sort_short_query(query_string)


def _sort_query(query_string: bytes) -> str:
    # The pairs' repr: a `&` or `=` inside a decoded value cannot make two parameter lists alike.
    return repr(sorted(QueryParams(query_string).multi_items()))


_sort_short_query = lru_cache(maxsize=1024)(_sort_query)


def _cacheable(runtime: Runtime, policy: CachePolicy | None, user: User | None, query_string: bytes) -> bool:
    """Whether a GET may be answered from (and stored in) the cache: cache on, a policy with a TTL, a
    caller, and a query string within the length the route accepts (a longer one is its 400, not a
    lookup)."""
    return (
        runtime.cache.enabled
        and policy is not None
        and policy.ttl_seconds > 0
        and user is not None
        and len(query_string) <= runtime.settings.limits.max_query_string_chars
    )


def _key(runtime: Runtime, user: User, route: str, query_string: bytes) -> bytes:
    today = runtime.clock().astimezone(ZoneInfo(user.timezone)).date().isoformat()
    return route_key(user, route, query_string, today=today)


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def _hit_headers(entry: Entry, *, now: float, stale: bool) -> dict[str, str]:
    return {
        "etag": entry.etag,
        "cache-control": "private, no-cache",
        "age": str(max(0, int(now - entry.created))),
        "x-cache": "STALE" if stale else "HIT",
    }


def _served(lookup: CacheLookup, request: Request, now: float) -> Response:
    entry = lookup.entry
    assert entry is not None
    stale = lookup.freshness is Freshness.STALE
    headers = _hit_headers(entry, now=now, stale=stale)
    if _etag_matches(request.headers.get("if-none-match"), entry.etag):
        return Response(status_code=304, headers=headers)
    return Response(entry.served_body(stale=stale), headers={**headers, "content-type": entry.content_type})


async def _compute_and_store(
    endpoint: Endpoint, request: Request, runtime: Runtime, lookup: CacheLookup, policy: CachePolicy
) -> Response:
    user: User = request.state.user
    response = await endpoint(request)
    ctx = getattr(request.state, "context", None)
    capped = policy.capped(getattr(ctx, "max_age", None))
    if response.status_code != 200 or capped is None:
        runtime.cache.release(user.id, lookup.key)
        return response
    body = bytes(response.body)
    entry = await runtime.cache.store(
        user.id,
        lookup,
        body,
        content_type=response.headers.get("content-type", "application/json"),
        policy=capped,
    )
    if entry is not None:
        response.headers["etag"] = entry.etag
        response.headers["cache-control"] = "private, no-cache"
        if _etag_matches(request.headers.get("if-none-match"), entry.etag):
            return Response(
                status_code=304, headers={"etag": entry.etag, "cache-control": "private, no-cache"}
            )
    response.headers["x-cache"] = "MISS"
    return response


def cached_route(kind: str, *, route: str | None = None) -> Callable[[Endpoint], Endpoint]:
    """Serve a GET endpoint through the response cache under the policy of `kind` (a CACHE_CONFIG key).

    The endpoint must put the request's `Context` in `request.state.context` when it builds one, so
    an answer the use case marks as short-lived (`keep_for`) is kept only that long.
    """

    def decorate(endpoint: Endpoint) -> Endpoint:
        name = route or kind

        @wraps(endpoint)
        async def serve(request: Request) -> Response:
            runtime: Runtime = request.app.state.runtime
            cache = runtime.cache
            policy = cache.policies.get(kind)
            user: User | None = getattr(request.state, "user", None)
            query_string: bytes = request.scope.get("query_string", b"")
            if policy is None or user is None or not _cacheable(runtime, policy, user, query_string):
                return await endpoint(request)
            key = _key(runtime, user, name, query_string)
            lookup = await cache.lookup(user.id, key)
            if lookup is None:
                return await endpoint(request)
            metrics.cache_lookup(lookup)
            if lookup.hit:
                response = _served(lookup, request, cache.clock())
                if lookup.refresh:
                    response.background = BackgroundTask(
                        _compute_and_store, endpoint, request, runtime, lookup, policy
                    )
                return response
            return await _compute_and_store(endpoint, request, runtime, lookup, policy)

        return serve

    return decorate


def hit_finder(kind: str, route: str) -> Finder:
    """The fast way's finder (`edge.hits`) for the GET route `route` cached under `kind`: the same key
    and the same answer as `cached_route` gives for a fresh hit, 304 included."""

    async def find(asked: Asked) -> Hit | None:
        runtime: Runtime = asked.scope["app"].state.runtime
        cache = runtime.cache
        query_string: bytes = asked.scope.get("query_string", b"")
        if not _cacheable(runtime, cache.policies.get(kind), asked.user, query_string):
            return None
        key = _key(runtime, asked.user, route, query_string)
        entry = await cache.fresh(asked.user.id, key)
        if entry is None:
            return None
        metrics.cache_hit()
        headers = [
            (k.encode(), v.encode()) for k, v in _hit_headers(entry, now=cache.clock(), stale=False).items()
        ]
        if _etag_matches(asked.headers.get("if-none-match"), entry.etag):
            return Hit(304, headers, b"", None)
        body = entry.served_body(stale=False)
        headers += [
            (b"content-type", entry.content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        return Hit(200, headers, body, entry.content_type)

    return find
