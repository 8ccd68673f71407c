"""The events JSON parser shared by REST and the CLI: domain values out, domain classes untouched."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from learning_analytics.domain import models
from learning_analytics.domain.errors import InvalidInput
from learning_analytics.wire.events import batch_to_json, parse_events_json

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "cls",
    [models.Quality, models.SessionInput, models.ExchangeInput, models.FeedbackInput, models.EventBatch],
)
def test_the_parser_leaves_the_domain_classes_free_of_pydantic(cls: type) -> None:
    assert [name for name in vars(cls) if name.startswith("__pydantic")] == []


def test_a_batch_written_as_json_parses_back_to_the_same_domain_values() -> None:
    batch = models.EventBatch(
        sessions=(models.SessionInput(id="s1", started_at=AT, topics=("python",), total_exchanges=3),),
        exchanges=(
            models.ExchangeInput(
                id="e1", session_id="s1", occurred_at=AT, quality=models.Quality(0.5, clarity=0.25)
            ),
        ),
        feedback=(
            models.FeedbackInput(id="f1", exchange_id="e1", kind=models.FeedbackKind.COPY, created_at=AT),
        ),
    )

    parsed = parse_events_json(orjson.dumps(batch_to_json(batch)), max_items=10)

    assert parsed == batch
    assert type(parsed.exchanges[0].quality) is models.Quality


def test_an_unknown_field_inside_an_item_is_refused_by_the_body_rules() -> None:
    body = b'{"exchanges": [{"id": "e1", "session_id": "s1", "occurred_at": "2026-03-01T09:30:00Z", "x": 1}]}'

    with pytest.raises(InvalidInput) as refused:
        parse_events_json(body, max_items=10)

    assert (refused.value.field, refused.value.code) == ("exchanges[0].x", "unknown_field")
