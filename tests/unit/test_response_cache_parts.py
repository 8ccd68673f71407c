"""The cache's parts without IO: policies, entries, the in-memory LRU and generations, and which
GraphQL documents the cache may answer."""

from __future__ import annotations

import pytest
from graphql import parse

from learning_analytics.cache import CachePolicy, Entry, Freshness, policy_for
from learning_analytics.cache.core import ResponseCache, cache_key
from learning_analytics.cache.entry import ENTRY_OVERHEAD
from learning_analytics.cache.memory import MemoryBackend
from learning_analytics.config import LimitSettings
from learning_analytics.schema.response_cache import Plans, classify


def test_a_document_touching_several_kinds_takes_the_shortest_ttl_and_window() -> None:
    assert policy_for(["topics", "overview"]) == CachePolicy(300, 60)
    assert policy_for(["trends", "goals"]) == CachePolicy(60, 30)
    assert policy_for(["overview", "export"]) is None  # export is never cached
    assert policy_for(["overview", "nope"]) is None
    assert policy_for([]) is None


def test_a_cap_shortens_the_ttl_and_drops_the_stale_window() -> None:
    policy = CachePolicy(300, 60)
    assert policy.capped(None) == policy
    assert policy.capped(1000) == policy
    assert policy.capped(12.7) == CachePolicy(12, 0)
    assert policy.capped(0.5) is None


def test_an_entry_is_fresh_then_stale_then_expired_and_rewrites_its_flags() -> None:
    body = b'{"meta":{"cached":false,"stale":false},"note":"\\"cached\\":false"}'
    entry = Entry.make(body, content_type="application/json", created=100.0, ttl=10, swr=5, generation="g")

    assert [entry.freshness(t) for t in (100.0, 109.9, 110.0, 114.9, 115.0)] == [
        Freshness.FRESH, Freshness.FRESH, Freshness.STALE, Freshness.STALE, Freshness.EXPIRED,
    ]  # fmt: skip
    assert entry.served_body(stale=False) == body.replace(b'"cached":false,', b'"cached":true,')
    assert entry.served_body(stale=True) == (
        b'{"meta":{"cached":true,"stale":true},"note":"\\"cached\\":false"}'  # the escaped text is kept
    )
    assert Entry.decode(entry.encode()) == entry
    assert Entry.decode(b"not an entry") is None


async def test_the_memory_store_evicts_least_recently_used_past_its_byte_bound() -> None:
    size = 100 + ENTRY_OVERHEAD
    store = MemoryBackend(max_bytes=3 * size)
    entries = {
        k: Entry.make(b"x" * 100, content_type="a", created=0, ttl=1, swr=0, generation="0") for k in "abcd"
    }
    for k in "abc":
        await store.put("u", k.encode(), entries[k])
    await store.get("u", b"a")  # a is now the most recently used
    await store.put("u", b"d", entries["d"])

    assert [(await store.get("u", k.encode()))[1] is not None for k in "abcd"] == [True, False, True, True]
    assert store.held == 3 * size


async def test_a_bumped_generation_hides_the_users_entries_only() -> None:
    cache = ResponseCache(MemoryBackend(max_bytes=1 << 20), clock=lambda: 0.0)
    key = cache_key("same document")
    for user in ("ada", "bob"):
        lookup = await cache.lookup(user, key)
        assert lookup is not None
        await cache.store(user, lookup, f"{user}".encode(), content_type="a", policy=CachePolicy(60))
    await cache.invalidate(["ada"])

    ada, bob = await cache.lookup("ada", key), await cache.lookup("bob", key)
    assert ada is not None and not ada.hit
    assert bob is not None and bob.hit and bob.entry is not None and bob.entry.body == b"bob"


@pytest.mark.parametrize(
    ("document", "operation", "expected"),
    [
        ("{ overview { period } }", None, (CachePolicy(300, 60), "overview")),
        (
            "query A { trend { slope } } query B { topics { totalTopics } }",
            "B",
            (CachePolicy(3600, 600), "topics"),
        ),
        (
            "{ ...F } fragment F on Query { trend { slope } overview { period } }",
            None,
            (CachePolicy(300, 60), "overview,trend"),
        ),
        ("{ __typename overview { period } }", None, (CachePolicy(300, 60), "overview")),
        ("mutation { markInsightsViewed }", None, None),
        ("{ __schema { queryType { name } } }", None, None),
        ('{ overview { period } __type(name: "Query") { name } }', None, None),
        ("query A { overview { period } } query B { overview { period } }", None, None),  # which one?
        ("{ somethingNew }", None, None),
    ],
)
def test_which_documents_the_cache_may_answer(
    document: str, operation: str | None, expected: tuple[CachePolicy, str] | None
) -> None:
    assert classify(parse(document), operation) == expected


def test_documents_differing_in_layout_share_one_plan_hash() -> None:
    plans = Plans(LimitSettings())
    a = plans.plan("{ overview { period } }", None)
    b = plans.plan("# comment\n{overview{\n  period}}", None)
    assert a is not None and b is not None and a.document_hash == b.document_hash
    assert plans.plan("{ overview { period", None) is None  # does not parse: not cacheable
