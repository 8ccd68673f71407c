"""Property: whatever JSON a client sends to ingestion, the answer is never a 5xx, and a 2xx only for valid input.

Each generated value carries whether it is valid (an oracle written from the documented rules, not
from the code under test): a batch is valid when all its values are, no id repeats within a kind
and every reference resolves. A valid batch must be answered 2xx with one count per item sent; an
invalid one 4xx (REST) or an error (GraphQL), and no table may gain a row.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from learning_analytics.storage.tables import metadata

NOW = datetime.now(UTC).replace(microsecond=0)
KINDS = ("sessions", "exchanges", "feedback")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@dataclass
class Tagged:
    """A JSON value and whether the documented rules accept it."""

    value: Any
    ok: bool


def tagged(
    valid: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any], rate: int
) -> st.SearchStrategy[Tagged]:
    """A valid value, or one time in `rate` a hostile one (each batch draws its rate, so some are clean)."""
    return st.integers(0, rate - 1).flatmap(
        lambda n: hostile.map(lambda v: Tagged(v, False)) if n == 0 else valid.map(lambda v: Tagged(v, True))
    )


# --- values -------------------------------------------------------------------------------------

NAME_CHARS = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])
TOPIC_CHARS = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Cf", "Zs", "Zl", "Zp"])
TEXT_CHARS = st.one_of(NAME_CHARS, st.sampled_from("\t\n\r"))
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
SURROGATE = st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"])
NOT_A_STRING = st.one_of(st.none(), st.booleans(), st.just([]), st.just({}))


def spoiled(valid: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid string with a forbidden character put somewhere in it."""
    return st.tuples(valid, bad, st.integers(0, 40)).map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :])


texts = st.text(TEXT_CHARS, max_size=40)
hostile_text = st.one_of(spoiled(texts, CONTROL), spoiled(texts, SURROGATE), st.integers(), st.booleans())
topic_names = st.text(TOPIC_CHARS, min_size=1, max_size=20)
valid_topic = st.one_of(
    topic_names, st.tuples(st.sampled_from(["", " ", "\u200b", "\ufeff "]), topic_names).map("".join)
)
hostile_topic = st.one_of(
    st.sampled_from(["", "   ", "\u200b", "\ufeff\u200c\u200d", "\u3000", "x" * 101]),
    spoiled(topic_names, CONTROL),
    spoiled(topic_names, SURROGATE),
    st.integers(),
    st.none(),
)


@st.composite
def topics(draw: st.DrawFn, rate: int) -> Tagged:
    names = draw(st.lists(tagged(valid_topic, hostile_topic, rate), max_size=4))
    if draw(st.integers(0, rate)) == 0:
        return Tagged([f"t{i}" for i in range(51)], False)
    return Tagged([n.value for n in names], all(n.ok for n in names))


def stamp(at: datetime, style: int) -> str:
    """An instant written as clients do: with Z, with an offset, naive (UTC), or with a space."""
    if style == 0:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:
        return at.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat()
    if style == 2:
        return at.replace(tzinfo=None).isoformat()
    return at.astimezone(timezone(timedelta(hours=-8))).isoformat(sep=" ")


past = st.integers(3600, 30 * 24 * 3600).map(lambda s: NOW - timedelta(seconds=s))
hostile_stamp_not_null = st.one_of(
    st.sampled_from(
        [
            "1969-12-31T23:59:59Z",
            "1970-01-01T09:59:59+10:00",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:00:00-12:00",
            (NOW + timedelta(days=2)).isoformat(),
            "2026-01-05",
            "2026-W02-1",
            "1700000000",
            "",
            "2026-02-30T10:00:00Z",
            "2026-01-05T10:00:00+24:00",
        ]
    ),
    st.integers(),
    st.floats(),
    st.booleans(),
)
hostile_stamp = st.one_of(hostile_stamp_not_null, st.none())

units = st.one_of(st.floats(0, 1), st.sampled_from([0, 1]))
hostile_unit = st.one_of(
    st.floats(1.0000001, 1e308),
    st.floats(max_value=-1e-9),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), "0.5", "1", True, False, [0.5], {"v": 0.5}]),
)
optional_unit = st.one_of(st.none(), units)
counts = st.integers(0, 100_000)
hostile_count = st.one_of(
    st.integers(100_001, 2**80),
    st.integers(max_value=-1),
    st.sampled_from(["5", True, 2.5, [], float("nan")]),
)
hostile_id = st.one_of(
    st.sampled_from(["", "x" * 201]),
    spoiled(st.text(NAME_CHARS, max_size=10), CONTROL),
    SURROGATE,
    NOT_A_STRING,
)


def ids(kind: str) -> st.SearchStrategy[str]:
    """Ids from a small pool, so that repeats within a batch happen; fixed across examples."""
    return st.tuples(st.integers(0, 20), st.text(NAME_CHARS, max_size=6)).map(
        lambda t: f"{kind[0]}-{t[0]}{t[1]}"
    )


# One hostile value in 4, in 30, or (almost) never: whole batches come out valid often enough.
RATES = st.sampled_from([4, 30, 1_000_000, 1_000_000])


@dataclass
class Item:
    value: Any
    ok: bool
    id: Any = None
    ref: Any = None


def build(fields: dict[str, Tagged | None], extra: bool) -> Item:
    """The item of the present fields (None = left out); an unknown key spoils it."""
    body = {k: t.value for k, t in fields.items() if t is not None}
    ok = all(t.ok for t in fields.values() if t is not None)
    if extra:
        body["colour"] = "red"
    return Item(body, ok and not extra)


def optional(draw: st.DrawFn, strategy: st.SearchStrategy[Tagged], *, nullable: bool = True) -> Tagged | None:
    """A field that may be left out or, when `nullable`, sent as null (both valid)."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return None
    if choice == 1 and nullable:
        return Tagged(None, True)
    return draw(strategy)


@st.composite
def sessions(draw: st.DrawFn, rate: int) -> Item:
    started = draw(past)
    started_at = draw(tagged(st.integers(0, 3).map(lambda style: stamp(started, style)), hostile_stamp, rate))
    ended = tagged(
        st.tuples(st.integers(0, 600), st.integers(0, 3)).map(
            lambda t: stamp(started + timedelta(seconds=t[0]), t[1])
        ),
        st.one_of(hostile_stamp_not_null, st.just(stamp(started - timedelta(seconds=1), 0))),
        rate,
    )
    sid = draw(tagged(ids("sessions"), hostile_id, rate))
    item = build(
        {
            "id": sid,
            "started_at": started_at,
            "ended_at": optional(draw, ended),
            "topics": optional(draw, topics(rate), nullable=False),
            "total_exchanges": optional(draw, tagged(counts, hostile_count, rate)),
            "avg_quality_score": optional(draw, tagged(units, hostile_unit, rate)),
        },
        extra=draw(st.integers(0, rate)) == 0,
    )
    item.id = sid.value
    return item


@st.composite
def qualities(draw: st.DrawFn, rate: int) -> Tagged:
    dims = {d: draw(tagged(optional_unit, hostile_unit, rate)) for d in ("relevance", "clarity")}
    composite = draw(tagged(units, hostile_unit, rate))
    body = {"composite": composite.value} | {d: t.value for d, t in dims.items() if t.value is not None}
    ok = composite.ok and all(t.ok for t in dims.values())
    shape = draw(st.integers(0, rate))
    if shape == 0:
        return Tagged(draw(st.sampled_from([{}, [], "good", 0.5, {"composite": 0.5, "extra": 1}])), False)
    return Tagged(body, ok)


@st.composite
def exchanges(draw: st.DrawFn, session_refs: list[str], rate: int) -> Item:
    eid = draw(tagged(ids("exchanges"), hostile_id, rate))
    ref = "ghost" if draw(st.integers(0, rate - 1)) == 0 else draw(st.sampled_from([*session_refs, "s1"]))
    item = build(
        {
            "id": eid,
            "session_id": Tagged(ref, True),
            "occurred_at": draw(
                tagged(st.tuples(past, st.integers(0, 3)).map(lambda t: stamp(*t)), hostile_stamp, rate)
            ),
            "quality": optional(draw, qualities(rate)),
            "topics": optional(draw, topics(rate), nullable=False),
            "user_text": optional(draw, tagged(texts, hostile_text, rate)),
            "agent_text": optional(
                draw, tagged(texts, st.one_of(hostile_text, st.just("x" * 100_001)), rate)
            ),
        },
        extra=draw(st.integers(0, rate)) == 0,
    )
    item.id, item.ref = eid.value, ref
    return item


@st.composite
def feedback(draw: st.DrawFn, exchange_refs: list[str], rate: int) -> Item:
    fid = draw(tagged(ids("feedback"), hostile_id, rate))
    ref = "ghost" if draw(st.integers(0, rate - 1)) == 0 else draw(st.sampled_from([*exchange_refs, "e1"]))
    kinds = ["thumbs_up", "thumbs_down", "copy", "correction", "clarification"]
    item = build(
        {
            "id": fid,
            "exchange_id": Tagged(ref, True),
            "kind": draw(
                tagged(st.sampled_from(kinds), st.sampled_from(["love", "", "thumbs up", 3, None]), rate)
            ),
            "created_at": draw(
                tagged(st.tuples(past, st.integers(0, 3)).map(lambda t: stamp(*t)), hostile_stamp, rate)
            ),
            "rating": optional(draw, tagged(units, hostile_unit, rate)),
            "comment": optional(draw, tagged(texts, st.one_of(hostile_text, st.just("y" * 10_001)), rate)),
        },
        extra=draw(st.integers(0, rate)) == 0,
    )
    item.id, item.ref = fid.value, ref
    return item


def _ids_unique(items: list[Item]) -> bool:
    seen = [i.id for i in items]
    return len(seen) == len({json.dumps(i) for i in seen})


@dataclass
class Batch:
    body: dict[str, list[Item]] = field(default_factory=dict)

    def json(self) -> dict[str, list[Any]]:
        return {kind: [i.value for i in items] for kind, items in self.body.items()}

    def size(self, kind: str) -> int:
        return len(self.body.get(kind, []))

    def ok(self, *, stored_sessions: set[str], stored_exchanges: set[str]) -> bool:
        """Every value valid, no id twice within a kind, and every reference stored or in the batch."""
        items = [i for kind in KINDS for i in self.body.get(kind, [])]
        if not all(i.ok for i in items) or not all(_ids_unique(self.body.get(k, [])) for k in KINDS):
            return False
        batch_sessions = {i.id for i in self.body.get("sessions", []) if isinstance(i.id, str)}
        batch_exchanges = {i.id for i in self.body.get("exchanges", []) if isinstance(i.id, str)}
        return all(i.ref in stored_sessions | batch_sessions for i in self.body.get("exchanges", [])) and all(
            i.ref in stored_exchanges | batch_exchanges for i in self.body.get("feedback", [])
        )


@st.composite
def batches(draw: st.DrawFn) -> Batch:
    """Sessions, exchanges pointing at them (or at `s1`, or nowhere) and feedback likewise."""
    batch = Batch()
    rate = draw(RATES)
    sessions_ = draw(st.lists(sessions(rate), max_size=3))
    session_ids = [s.id for s in sessions_ if isinstance(s.id, str)]
    exchanges_ = draw(st.lists(exchanges(session_ids, rate), max_size=4))
    exchange_ids = [e.id for e in exchanges_ if isinstance(e.id, str)]
    feedback_ = draw(st.lists(feedback(exchange_ids, rate), max_size=3))
    for kind, items in zip(KINDS, (sessions_, exchanges_, feedback_), strict=True):
        if items or draw(st.booleans()):
            batch.body[kind] = items
    return batch


# Arbitrary JSON, with the values that broke parsers elsewhere mixed in.
HOSTILE_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(2**62, 2**90),
    st.floats(),
    st.text(max_size=20),
    SURROGATE,
    CONTROL,
    st.sampled_from(["NaN", "Infinity", "1e999", "2026-01-05", "0001-01-01T00:00:00+14:00", "copy", "s1"]),
)
FIELD_NAMES = st.sampled_from(
    ["sessions", "exchanges", "feedback", "id", "session_id", "exchange_id", "started_at", "occurred_at",
     "created_at", "topics", "quality", "composite", "kind", "rating", "total_exchanges", "sessionId"]
)  # fmt: skip
any_json = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(FIELD_NAMES | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=25,
)


# --- plumbing -----------------------------------------------------------------------------------


class RowCounts:
    """Row counts of every table, through one engine for the whole test."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def now(self) -> dict[str, int]:
        tables = [t for t in metadata.sorted_tables if t.name != "users"]
        query = select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))
        async with self.engine.connect() as conn:
            return dict((await conn.execute(query)).one()._mapping)


@pytest.fixture
async def rows(database_url: str) -> AsyncIterator[RowCounts]:
    engine = create_async_engine(database_url)
    yield RowCounts(engine)
    await engine.dispose()


@pytest.fixture
async def stored(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The client, with session `s1` and exchange `e1` stored."""
    at = (NOW - timedelta(days=40)).isoformat()
    body = {
        "sessions": [{"id": "s1", "started_at": at}],
        "exchanges": [{"id": "e1", "session_id": "s1", "occurred_at": at}],
    }
    assert (await app_client.post("/api/analytics/events", json=body)).status_code == 200
    return app_client


async def _post(client: httpx.AsyncClient, url: str, payload: Any) -> httpx.Response:
    content = payload if isinstance(payload, bytes) else json.dumps(payload, allow_nan=True).encode()
    return await client.post(url, content=content, headers={"content-type": "application/json"})


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)


def _to_graphql(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[_camel(k)] = v.upper() if k == "kind" and isinstance(v, str) else _to_graphql(v)
        return out
    if isinstance(value, list):
        return [_to_graphql(v) for v in value]
    return value


def _sent_items(body: Any) -> dict[str, int]:
    if not isinstance(body, dict):
        return {}
    return {k: len(v) for k, v in body.items() if k in KINDS and isinstance(v, list)}


def _assert_counts(answer: dict[str, Any], sent: dict[str, int]) -> None:
    for kind in KINDS:
        got = answer[kind]["accepted"] + answer[kind]["duplicates"]
        assert got == sent.get(kind, 0), (kind, answer, sent)


# --- properties -----------------------------------------------------------------------------------

STORED_SESSIONS = {"s1"}
STORED_EXCHANGES = {"e1"}


@FUZZ
@given(
    batch=batches(),
    # Mostly the batch; sometimes arbitrary JSON or raw bytes instead.
    raw=st.one_of(
        st.none(),
        st.none(),
        st.none(),
        any_json,
        st.sampled_from([b"[" * 5000, b'{"sessions": [{"id": "\xff"}]}']),
    ),
)
async def test_events_never_answer_5xx_and_accept_only_valid_batches(
    stored: httpx.AsyncClient, rows: RowCounts, batch: Batch, raw: Any
) -> None:
    before = await rows.now()
    if raw is None:
        r = await _post(stored, "/api/analytics/events", batch.json())
        valid: bool | None = batch.ok(stored_sessions=STORED_SESSIONS, stored_exchanges=STORED_EXCHANGES)
        sent = {k: batch.size(k) for k in KINDS}
    else:
        r = await _post(stored, "/api/analytics/events", raw)
        valid, sent = None, _sent_items(raw)  # arbitrary JSON: no oracle, but the counts must add up

    event(f"{'arbitrary JSON' if valid is None else 'valid' if valid else 'invalid'} -> {r.status_code}")
    assert r.status_code < 500, r.text
    if valid is True:
        assert r.status_code == 200, (r.text, batch.json())
    if r.status_code == 200:
        assert valid is not False, (r.text, batch.json())
        _assert_counts(r.json(), sent)
    else:
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"]
        assert await rows.now() == before


FIELDS = {"sessions": "recordSession", "exchanges": "recordExchanges", "feedback": "recordFeedback"}
MUTATIONS = {
    "sessions": "mutation($input: SessionInput!) { recordSession(input: $input) { __typename "
    "... on ValidationError { field code } } }",
    "exchanges": "mutation($input: [ExchangeInput!]!) { recordExchanges(input: $input) { __typename "
    "... on IngestSummary { accepted duplicates } ... on ValidationError { field code } } }",
    "feedback": "mutation($input: [FeedbackInput!]!) { recordFeedback(input: $input) { __typename "
    "... on IngestSummary { accepted duplicates } ... on ValidationError { field code } } }",
}


@st.composite
def graphql_calls(draw: st.DrawFn) -> tuple[str, Any, bool | None, int]:
    """(kind, variables' `input`, valid or None when unknown, items sent)."""
    kind = draw(st.sampled_from(KINDS))
    rate = draw(RATES)
    if draw(st.integers(0, 4)) == 0:
        raw = draw(any_json)
        return kind, raw, None, len(raw) if isinstance(raw, list) else 1
    if kind == "sessions":
        item = draw(sessions(rate))
        return kind, _to_graphql(item.value), item.ok, 1
    # Only references stored before the test: what an earlier example stored may or may not be there.
    strategy = exchanges([], rate) if kind == "exchanges" else feedback([], rate)
    items = draw(st.lists(strategy, max_size=4))
    ok = all(i.ok for i in items) and _ids_unique(items) and all(i.ref in ("s1", "e1") for i in items)
    return kind, _to_graphql([i.value for i in items]), ok, len(items)


@FUZZ
@given(call=graphql_calls())
async def test_record_mutations_never_answer_5xx_and_accept_only_valid_input(
    stored: httpx.AsyncClient, rows: RowCounts, call: tuple[str, Any, bool | None, int]
) -> None:
    kind, value, valid, sent = call
    before = await rows.now()

    r = await _post(stored, "/graphql", {"query": MUTATIONS[kind], "variables": {"input": value}})

    assert r.status_code < 500, r.text
    # A body GraphQL cannot even decode (a lone surrogate escape) is a plain-text 400.
    body = r.json() if r.headers["content-type"].startswith("application/json") else {}
    result = (body.get("data") or {}).get(FIELDS[kind])
    accepted = result is not None and result["__typename"] in ("IngestSummary", "Session")
    oracle = "arbitrary JSON" if valid is None else "valid" if valid else "invalid"
    event(f"{kind} {oracle} -> {'accepted' if accepted else f'refused ({r.status_code})'}")
    if valid is True:
        assert accepted, (body, value)
    if accepted:
        assert valid is not False, (body, value)
        if result["__typename"] == "IngestSummary":
            assert result["accepted"] + result["duplicates"] == sent, (result, value)
    else:
        assert r.status_code in (200, 400), r.text
        assert await rows.now() == before
