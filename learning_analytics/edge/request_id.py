"""The id of the request being served: taken from a sane `X-Request-ID` or generated, visible to logs and errors."""

from __future__ import annotations

import itertools
import os
import re
from contextvars import ContextVar

HEADER = "x-request-id"
# Ids from proxies and clients: UUIDs, ULIDs, hex or dotted trace ids. Anything else is replaced, so a
# client cannot inject text into the logs or the response headers.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

# A generated id: this process's random prefix and a serial, unique without a system call per request.
_PREFIX = os.urandom(10).hex()
_serial = itertools.count(1)

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept_or_generate(incoming: str | None) -> str:
    """The incoming id when it is 1–128 characters of letters, digits and `._:-`; otherwise a new one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return f"{_PREFIX}{next(_serial):012x}"


def current_request_id() -> str | None:
    """The id of the request this code runs for (tasks started by the request inherit it), or None."""
    return _current.get()


def bind(request_id: str) -> object:
    """Make `request_id` current; returns a token for `unbind`."""
    return _current.set(request_id)


def unbind(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
