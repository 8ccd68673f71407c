"""The outermost ASGI middleware: request id, security headers, body size, content type, JSON 500s.

Every HTTP response leaves through it, so each one carries `X-Request-ID` and the security headers,
whichever layer produced it. It refuses, before any route or authentication runs, a body larger
than `LA_MAX_BODY_BYTES` (413: at once from `Content-Length`, or as soon as a streamed body passes
the limit) and a state-changing request whose body is not declared `application/json` (415) — a
browser form or `text/plain` POST from another site can then never reach a route. An unexpected
exception is logged with its traceback and request id, and the client gets a JSON 500 quoting it.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import media, request_id
from .errors import edge_error, internal_error

log = logging.getLogger("learning_analytics.errors")

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
# An API answer is never a document to render: nothing may load from it, nothing may frame it.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# An HTML page that sets no policy of its own gets this one: its own origin only.
HTML_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


_SECURITY_RAW = [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
_CSP_RAW = {True: HTML_CSP.encode(), False: API_CSP.encode()}


def edge_headers(rid: str, content_type: str | None) -> list[tuple[bytes, bytes]]:
    """The headers this middleware adds, as raw ASGI pairs: for an answer sent before it runs
    (`edge.hits`), which must leave carrying the same ones."""
    is_html = media.media_type(content_type) == "text/html"
    return [
        (b"x-request-id", rid.encode()),
        *_SECURITY_RAW,
        (b"content-security-policy", _CSP_RAW[is_html]),
    ]


class BodyTooLarge(Exception):
    """Raised from `receive` once a streamed body passes the limit; the middleware answers 413."""


def _decorate(message: Message, rid: str) -> None:
    headers = MutableHeaders(scope=message)
    headers["x-request-id"] = rid
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if "content-security-policy" not in headers:
        is_html = media.media_type(headers.get("content-type")) == "text/html"
        headers["content-security-policy"] = HTML_CSP if is_html else API_CSP


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rid = request_id.accept_or_generate(headers.get(request_id.HEADER))
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id.bind(rid)
        started = False

        async def send_decorated(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                _decorate(message, rid)
            await send(message)

        try:
            refusal = self._refusal(scope, headers)
            if refusal is not None:
                await refusal(scope, receive, send_decorated)
                return
            await self.app(scope, self._limited(receive), send_decorated)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope)(scope, receive, send_decorated)
        except ClientDisconnect:
            pass  # the client went away mid-body: nobody to answer, and not a bug
        except Exception:
            log.exception("unexpected error in %s %s (request id %s)", scope["method"], scope["path"], rid)
            if not started:
                await internal_error(scope)(scope, receive, send_decorated)
            # Once the response has started nothing can be said to the client: the server closes it.
        finally:
            request_id.unbind(token)

    def _refusal(self, scope: Scope, headers: Headers) -> Response | None:
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            return self._too_large(scope)
        if scope["method"] in STATE_CHANGING and not media.is_json(headers.get("content-type")):
            return edge_error(
                scope,
                415,
                code="unsupported_media_type",
                message=f"send the body as JSON with `Content-Type: {media.JSON}`",
                field="Content-Type",
            )
        return None

    def _too_large(self, scope: Scope) -> Response:
        return edge_error(
            scope,
            413,
            code="body_too_large",
            message=f"the request body exceeds {self.max_body_bytes} bytes (LA_MAX_BODY_BYTES)",
            field="body",
            limit=self.max_body_bytes,
        )

    def _limited(self, receive: Receive) -> Receive:
        size = 0
        limit = self.max_body_bytes

        async def receive_limited() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise BodyTooLarge
            return message

        return receive_limited
