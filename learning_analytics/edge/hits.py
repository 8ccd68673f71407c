"""The fast way for an answer the response cache holds fresh: found and sent before the rest of the
stack (metrics, edge, authentication middleware, routing, the route) runs.

A cache hit is a lookup and a copy of stored bytes, so the layers around it would cost several times
the hit itself. This middleware sits outermost and, for the requests a finder is registered for (the
cached REST GET routes and `/graphql`), does just what those layers would have done for a hit: it
takes or makes the request id, identifies the caller exactly as the authentication middleware does,
asks the finder, and sends the stored answer with the edge's headers, counting it in the metrics.
Anything else — no finder, a caller the authentication would refuse, a miss, a stale entry (it must
be refreshed), a body past the limit or not JSON — goes the full way unchanged, with the body it
read handed on, so what the client sees never depends on which way its request took.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..domain.models import User
from ..resolvers.runtime import DatabaseBusy
from . import media, request_id
from .auth import identify
from .middleware import edge_headers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hit:
    """A stored answer to send: status, headers (raw ASGI pairs, `content-type` among them when there
    is a body) and body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    content_type: str | None


@dataclass(frozen=True, slots=True)
class Asked:
    """What a finder sees of a request: its scope, headers, caller, and body (POST only)."""

    scope: Scope
    headers: Headers
    user: User
    body: bytes


Finder = Callable[[Asked], Awaitable[Hit | None]]
# (endpoint label, status, seconds): how the metrics count a request answered here.
Observer = Callable[[str, int, float], None]


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first hands on the messages already read."""
    pending = list(messages)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


class CachedHits:
    """Outermost middleware: answers fresh cache hits for the (method, path) pairs of `finders`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        finders: Mapping[tuple[str, str], Finder],
        max_body_bytes: int,
        observe: Observer,
    ) -> None:
        self.app = app
        self.finders = dict(finders)
        self.max_body_bytes = max_body_bytes
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        finder = (
            self.finders.get((scope.get("method", ""), scope.get("path", "")))
            if scope["type"] == "http"
            else None
        )
        if finder is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self.app(scope, receive, send)  # the edge answers 413 (or the server refused it)
            return
        # The caller first: nothing of a body is read for a request the authentication refuses.
        caller = await self._caller(scope, headers)
        if caller is None:
            await self.app(scope, receive, send)
            return
        # Should the request go the full way, the authentication middleware takes the caller from here.
        scope.setdefault("state", {})["user"] = caller
        read: list[Message] = []
        body = b""
        if scope["method"] == "POST":
            found = await self._body(headers, receive, read)
            if found is None:
                await self.app(scope, _replaying(read, receive), send)
                return
            body = found
        hit = await self._find(finder, Asked(scope, headers, caller, body))
        if hit is None:
            await self.app(scope, _replaying(read, receive), send)
            return
        rid = request_id.accept_or_generate(headers.get(request_id.HEADER))
        await send(
            {
                "type": "http.response.start",
                "status": hit.status,
                "headers": [*hit.headers, *edge_headers(rid, hit.content_type)],
            }
        )
        await send({"type": "http.response.body", "body": hit.body})
        self.observe(scope["path"], hit.status, time.perf_counter() - started)

    async def _body(self, headers: Headers, receive: Receive, read: list[Message]) -> bytes | None:
        """The whole body of a JSON POST within the limit; None (with what was read kept in `read`)
        for anything the edge would refuse or the client abandoned."""
        if not media.is_json(headers.get("content-type")) or headers.get("content-length") is None:
            return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _caller(self, scope: Scope, headers: Headers) -> User | None:
        """The caller as the authentication middleware sees them; None when it would refuse the
        request or answer it anonymously (the full way then does), or cannot tell now."""
        try:
            caller = await identify(scope, headers)
        except DatabaseBusy:
            return None  # e.g. a key lookup with no free connection: the full way answers 503
        except Exception:  # the short way is only a shortcut: whatever fails here, the full way answers
            log.exception("identifying the caller early failed; the request goes the full way")
            return None
        return caller if isinstance(caller, User) else None

    async def _find(self, finder: Finder, asked: Asked) -> Hit | None:
        try:
            return await finder(asked)
        except DatabaseBusy:
            return None
        except Exception:  # as in `_caller`
            log.exception("answering a cached request early failed; it goes the full way")
            return None
