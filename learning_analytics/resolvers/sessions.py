"""Session listing with opaque cursors, newest first."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import orjson

from ..domain.errors import InvalidInput
from ..domain.models import Session
from ..storage import sessions
from ..storage.sessions import SessionCursor
from .context import Context


@dataclass(frozen=True, slots=True)
class SessionList:
    sessions: list[Session]
    cursors: list[str]
    has_next: bool
    total: int


def encode_cursor(session: Session) -> str:
    raw = orjson.dumps([session.started_at.isoformat(), session.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> SessionCursor:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        started, sid = orjson.loads(base64.urlsafe_b64decode(padded))
        return SessionCursor(started_at=datetime.fromisoformat(started), id=str(sid))
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError) as e:
        raise InvalidInput("not a cursor this API issued", field="after", code="invalid_cursor") from e


async def list_sessions(
    ctx: Context, *, first: int, after: str | None, start: datetime | None, end: datetime | None
) -> SessionList:
    """A page of at most `limits.max_page_size` of the user's sessions (newest first) between `start`
    and `end`, and the total count."""
    most = ctx.settings.limits.max_page_size
    if not 0 <= first <= most:
        raise InvalidInput(f"first must be between 0 and {most}", field="first", code="out_of_range")
    cursor = decode_cursor(after) if after else None
    page = await sessions.page(ctx.db, user_id=ctx.user.id, first=first, after=cursor, start=start, end=end)
    total = await sessions.count(ctx.db, user_id=ctx.user.id, start=start, end=end)
    return SessionList(
        sessions=page.sessions,
        cursors=[encode_cursor(s) for s in page.sessions],
        has_next=page.has_next,
        total=total,
    )
