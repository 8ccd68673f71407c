"""The in-process store: a least-recently-used map bounded in bytes, and each user's generation."""

from __future__ import annotations

from collections import OrderedDict
from itertools import count

from .entry import Entry


class MemoryBackend:
    """Entries by (user, key), evicted least recently used first once they hold more than `max_bytes`.

    A user's generation is a number of this process, bumped on invalidation: entries made under an
    older one are never served again and are dropped when met (or evicted)."""

    shared = False

    def __init__(self, *, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.held = 0
        self._entries: OrderedDict[tuple[str, bytes], Entry] = OrderedDict()
        self._generations: dict[str, str] = {}
        self._counter = count(1)

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, user_id: str, key: bytes) -> tuple[str, Entry | None]:
        generation = self._generations.get(user_id, "0")
        entry = self._entries.get((user_id, key))
        if entry is None:
            return generation, None
        if entry.generation != generation:
            self._drop((user_id, key))
            return generation, None
        self._entries.move_to_end((user_id, key))
        return generation, entry

    async def put(self, user_id: str, key: bytes, entry: Entry) -> None:
        if entry.size > self.max_bytes:
            return
        self._drop((user_id, key))
        self._entries[(user_id, key)] = entry
        self.held += entry.size
        while self.held > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.held -= evicted.size

    def _drop(self, k: tuple[str, bytes]) -> None:
        old = self._entries.pop(k, None)
        if old is not None:
            self.held -= old.size

    async def bump(self, user_ids: list[str]) -> None:
        for user_id in user_ids:
            self._generations[user_id] = str(next(self._counter))

    async def clear(self, user_id: str | None) -> int:
        if user_id is not None:
            gone = [k for k in self._entries if k[0] == user_id]
            for k in gone:
                self._drop(k)
            await self.bump([user_id])
            return len(gone)
        n = len(self._entries)
        self._entries.clear()
        self.held = 0
        return n

    async def close(self) -> None:
        return None
