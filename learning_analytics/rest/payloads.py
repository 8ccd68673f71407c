"""The JSON shape of `POST /api/analytics/events` (snake_case), parsed with pydantic into domain values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticError

from ..domain import models
from ..domain.errors import InvalidInput


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QualityPayload(_Model):
    composite: float
    relevance: float | None = None
    helpfulness: float | None = None
    engagement: float | None = None
    clarity: float | None = None
    accuracy: float | None = None


class SessionPayload(_Model):
    id: str
    started_at: datetime
    ended_at: datetime | None = None
    topics: list[str] = []
    total_exchanges: int | None = None
    avg_quality_score: float | None = None


class ExchangePayload(_Model):
    id: str
    session_id: str
    occurred_at: datetime
    quality: QualityPayload | None = None
    topics: list[str] = []
    user_text: str | None = None
    agent_text: str | None = None


class FeedbackPayload(_Model):
    id: str
    exchange_id: str
    kind: models.FeedbackKind
    created_at: datetime
    rating: float | None = None
    comment: str | None = None


class EventsPayload(_Model):
    sessions: list[SessionPayload] = []
    exchanges: list[ExchangePayload] = []
    feedback: list[FeedbackPayload] = []


_adapter = TypeAdapter(EventsPayload)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_events(raw: Any, *, max_items: int) -> models.EventBatch:
    """The domain batch for a decoded JSON body; raises InvalidInput naming the first bad field."""
    if not isinstance(raw, dict):
        raise InvalidInput("the body must be a JSON object", field="body", code="invalid_json")
    size = sum(len(v) for k in ("sessions", "exchanges", "feedback") if isinstance(v := raw.get(k), list))
    if size > max_items:
        raise InvalidInput(
            f"a batch holds at most {max_items} items, got {size}", field="batch", code="batch_too_large"
        )
    try:
        payload = _adapter.validate_python(raw)
    except PydanticError as e:
        first = e.errors(include_url=False)[0]
        raise InvalidInput(first["msg"], field=_path(first["loc"]), code=first["type"]) from e
    return to_domain(payload)


def to_domain(p: EventsPayload) -> models.EventBatch:
    return models.EventBatch(
        sessions=tuple(
            models.SessionInput(
                id=s.id,
                started_at=s.started_at,
                ended_at=s.ended_at,
                topics=tuple(s.topics),
                total_exchanges=s.total_exchanges,
                avg_quality=s.avg_quality_score,
            )
            for s in p.sessions
        ),
        exchanges=tuple(
            models.ExchangeInput(
                id=e.id,
                session_id=e.session_id,
                occurred_at=e.occurred_at,
                quality=models.Quality(**e.quality.model_dump()) if e.quality else None,
                topics=tuple(e.topics),
                user_text=e.user_text,
                agent_text=e.agent_text,
            )
            for e in p.exchanges
        ),
        feedback=tuple(
            models.FeedbackInput(
                id=f.id,
                exchange_id=f.exchange_id,
                kind=f.kind,
                created_at=f.created_at,
                rating=f.rating,
                comment=f.comment,
            )
            for f in p.feedback
        ),
    )
