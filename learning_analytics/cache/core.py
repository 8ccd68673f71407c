"""The response cache: look an answer up by (user, key), store it under the user's generation, and
invalidate a user by moving their generation (never by scanning keys)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .entry import Entry, Freshness
from .memory import MemoryBackend
from .policy import SEED_POLICIES, CachePolicy
from .shared import RedisBackend

log = logging.getLogger(__name__)


class Backend(Protocol):
    shared: bool

    async def get(self, user_id: str, key: bytes) -> tuple[str, Entry | None]: ...
    async def put(self, user_id: str, key: bytes, entry: Entry) -> None: ...
    async def bump(self, user_ids: list[str]) -> None: ...
    async def clear(self, user_id: str | None) -> int: ...
    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class CacheLookup:
    """What a lookup found: the entry (None on a miss), how fresh it is, the user's generation to
    store a recomputed answer under, and whether this caller should refresh a stale entry."""

    key: bytes
    generation: str
    entry: Entry | None = None
    freshness: Freshness = Freshness.EXPIRED
    refresh: bool = False

    @property
    def hit(self) -> bool:
        return self.entry is not None and self.freshness is not Freshness.EXPIRED


@dataclass
class CacheStats:
    hits: int = 0
    stale_hits: int = 0
    misses: int = 0


def cache_key(*parts: str | bytes) -> bytes:
    """A fixed-size key of the parts (their tuple's repr is unambiguous, so no two part lists share one)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).digest()


class ResponseCache:
    """Answers by (user, key) in a backend (memory or Redis), with the seed's TTLs and stale windows.

    `clock` gives seconds since the epoch (tests inject one). A stale entry is served, and the first
    lookup that meets it (in this process) is told to refresh it; the others are served meanwhile.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        clock: Callable[[], float] = time.time,
        enabled: bool = True,
        max_entry_bytes: int = 1 << 20,
        policies: dict[str, CachePolicy] | None = None,
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.enabled = enabled
        self.max_entry_bytes = max_entry_bytes
        self.policies = policies if policies is not None else SEED_POLICIES
        self.stats = CacheStats()
        self._refreshing: set[tuple[str, bytes]] = set()

    @property
    def shared(self) -> bool:
        return self.backend.shared

    async def lookup(self, user_id: str, key: bytes) -> CacheLookup | None:
        """What the cache holds for (user, key); None when the store cannot be reached (the request
        then computes its answer and stores nothing: a slow or down Redis never fails a request)."""
        try:
            generation, entry = await self.backend.get(user_id, key)
        except Exception as e:  # any failure of the store (connection, timeout) degrades to no cache
            log.warning("response cache lookup failed: %s: %s", type(e).__name__, e)
            return None
        if entry is None:
            self.stats.misses += 1
            return CacheLookup(key, generation)
        freshness = entry.freshness(self.clock())
        if freshness is Freshness.FRESH:
            self.stats.hits += 1
            return CacheLookup(key, generation, entry, freshness)
        if freshness is Freshness.STALE:
            self.stats.stale_hits += 1
            claimed = (user_id, key) not in self._refreshing
            if claimed:
                self._refreshing.add((user_id, key))
            return CacheLookup(key, generation, entry, freshness, refresh=claimed)
        self.stats.misses += 1
        return CacheLookup(key, generation)

    async def fresh(self, user_id: str, key: bytes) -> Entry | None:
        """The entry of (user, key) when it is within its TTL, counted as a hit; otherwise None,
        counted as nothing (the caller then goes the full way, whose `lookup` counts and claims it).
        This is the cheap first look of a request that can be answered before routing."""
        try:
            _, entry = await self.backend.get(user_id, key)
        except Exception:  # as in `lookup`, which the full way runs next and which logs the failure
            return None
        if entry is None or entry.freshness(self.clock()) is not Freshness.FRESH:
            return None
        self.stats.hits += 1
        return entry

    async def store(
        self,
        user_id: str,
        lookup: CacheLookup,
        body: bytes,
        *,
        content_type: str,
        policy: CachePolicy,
    ) -> Entry | None:
        """Keep `body` as the answer of `lookup.key`, under the generation the lookup saw: an
        invalidation since then leaves it unreachable, so an answer computed from older data is never
        served after the invalidation."""
        self._refreshing.discard((user_id, lookup.key))
        if len(body) > self.max_entry_bytes:
            return None
        entry = Entry.make(
            body,
            content_type=content_type,
            created=self.clock(),
            ttl=policy.ttl_seconds,
            swr=policy.stale_while_revalidate,
            generation=lookup.generation,
        )
        try:
            await self.backend.put(user_id, lookup.key, entry)
        except Exception as e:  # as in `lookup`: the answer is served anyway, just not kept
            log.warning("response cache store failed: %s: %s", type(e).__name__, e)
            return None
        return entry

    def release(self, user_id: str, key: bytes) -> None:
        """A refresh ended without storing (the answer had errors): let a later lookup try again."""
        self._refreshing.discard((user_id, key))

    async def invalidate(self, user_ids: list[str] | tuple[str, ...] | set[str]) -> None:
        """Every answer of these users computed so far is never served again."""
        if not user_ids:
            return
        try:
            await self.backend.bump(sorted(set(user_ids)))
        except Exception as e:  # the change itself is committed; its answers age out with their TTL
            log.error(
                "response cache invalidation of %d user(s) failed: %s: %s", len(user_ids), type(e).__name__, e
            )

    async def clear(self, user_id: str | None = None) -> int:
        """Drop every entry (or the user's); returns how many were dropped."""
        return await self.backend.clear(user_id)

    async def close(self) -> None:
        await self.backend.close()

    def hit_rate(self) -> float:
        s = self.stats
        served = s.hits + s.stale_hits
        total = served + s.misses
        return served / total if total else 0.0


def build_cache(
    *,
    url: str | None,
    enabled: bool,
    max_bytes: int,
    max_entry_bytes: int,
    key_prefix: str,
    timeout_seconds: float,
    clock: Callable[[], float] = time.time,
) -> ResponseCache:
    """An in-memory cache, or a Redis one when `url` is given (`redis://…`, `rediss://…`, `unix://…`)."""
    backend: Backend
    if url:
        longest = max(p.lifetime for p in SEED_POLICIES.values())
        backend = RedisBackend.from_url(
            url,
            prefix=key_prefix,
            generation_ttl_seconds=longest + 3600,
            max_entry_bytes=max_entry_bytes,
            timeout=timeout_seconds,
        )
    else:
        backend = MemoryBackend(max_bytes=max_bytes)
    return ResponseCache(backend, clock=clock, enabled=enabled, max_entry_bytes=max_entry_bytes)
