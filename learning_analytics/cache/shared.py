"""The Redis store: entries and generations shared by every process and replica using the same Redis.

Keys (under the prefix): `g:<user>` the user's generation, a random token replaced on invalidation;
`e:<user>:<key>` an entry, expiring with its stale window. A lookup is one MGET of both, so a hit
costs one round trip, and an invalidation by any process is seen by every other at its next lookup.
"""

from __future__ import annotations

import secrets
from typing import Any

from .entry import Entry

# The generation keys outlive every entry made under them, so an entry can never meet a reset
# generation that happens to equal its own (tokens are random, never a counter restarting at 0).
NO_GENERATION = "0"


class RedisBackend:
    shared = True

    def __init__(
        self, client: Any, *, prefix: str, generation_ttl_seconds: int, max_entry_bytes: int
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.generation_ttl_seconds = generation_ttl_seconds
        self.max_entry_bytes = max_entry_bytes

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str, generation_ttl_seconds: int, max_entry_bytes: int, timeout: float
    ) -> RedisBackend:
        import redis.asyncio as redis  # optional dependency: only with LA_CACHE_URL

        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        return cls(
            client,
            prefix=prefix,
            generation_ttl_seconds=generation_ttl_seconds,
            max_entry_bytes=max_entry_bytes,
        )

    def _gen_key(self, user_id: str) -> str:
        return f"{self.prefix}g:{user_id}"

    def _entry_key(self, user_id: str, key: bytes) -> str:
        return f"{self.prefix}e:{user_id}:{key.hex()}"

    async def get(self, user_id: str, key: bytes) -> tuple[str, Entry | None]:
        generation, raw = await self.client.mget(self._gen_key(user_id), self._entry_key(user_id, key))
        current = generation.decode() if generation is not None else NO_GENERATION
        if raw is None:
            return current, None
        entry = Entry.decode(raw)
        if entry is None or entry.generation != current:
            return current, None
        return current, entry

    async def put(self, user_id: str, key: bytes, entry: Entry) -> None:
        if entry.size > self.max_entry_bytes:
            return
        lifetime_ms = max(1, int((entry.ttl + entry.swr) * 1000))
        await self.client.set(self._entry_key(user_id, key), entry.encode(), px=lifetime_ms)

    async def bump(self, user_ids: list[str]) -> None:
        if not user_ids:
            return
        async with self.client.pipeline(transaction=False) as pipe:
            for user_id in user_ids:
                pipe.set(self._gen_key(user_id), secrets.token_hex(8), ex=self.generation_ttl_seconds)
            await pipe.execute()

    async def clear(self, user_id: str | None) -> int:
        """Every entry under the prefix (or the user's): an operator's command, so a key scan is fine."""
        pattern = f"{self.prefix}e:{'*' if user_id is None else _glob_escape(user_id) + ':*'}"
        deleted = 0
        batch: list[bytes] = []
        async for k in self.client.scan_iter(match=pattern, count=500):
            batch.append(k)
            if len(batch) >= 500:
                deleted += await self.client.delete(*batch)
                batch = []
        if batch:
            deleted += await self.client.delete(*batch)
        if user_id is not None:
            await self.bump([user_id])
        return deleted

    async def close(self) -> None:
        await self.client.aclose()


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
