"""One stored answer: its bytes as first computed, when, for how long, under which generation of its user."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

import orjson

# The answer's own flags, as orjson writes them (no spaces): an escaped string never matches them,
# since inside a JSON string every quote is preceded by a backslash.
_UNCACHED = b'"cached":false'
_CACHED = b'"cached":true'
_FRESH = b'"stale":false'
_STALE = b'"stale":true'
# Bytes an entry costs beyond its body (keys, header, bookkeeping), for the size bound.
ENTRY_OVERHEAD = 256


class Freshness(Enum):
    FRESH = "fresh"
    STALE = "stale"  # past its TTL, within the stale-while-revalidate window: served while refreshed
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes  # as a fresh hit serves it: the answer's own `"cached":false` flags set to true
    content_type: str
    created: float  # seconds since the epoch, on the cache's clock
    ttl: int
    swr: int
    generation: str  # the user's generation the answer was computed under
    etag: str

    @classmethod
    def make(
        cls, body: bytes, *, content_type: str, created: float, ttl: int, swr: int, generation: str
    ) -> Entry:
        # Kept as a hit serves it (`cached` true), so a fresh hit copies nothing: an entry only ever
        # answers requests after the one that computed it.
        served = body.replace(_UNCACHED, _CACHED)
        digest = hashlib.blake2b(served, digest_size=12).hexdigest()
        return cls(served, content_type, created, ttl, swr, generation, f'W/"{digest}"')

    @property
    def size(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD

    def freshness(self, now: float) -> Freshness:
        age = now - self.created
        if age < self.ttl:
            return Freshness.FRESH
        if age < self.ttl + self.swr:
            return Freshness.STALE
        return Freshness.EXPIRED

    def served_body(self, *, stale: bool) -> bytes:
        """The body as served from the cache: `cached` true, and `stale` true when past the TTL."""
        return self.body.replace(_FRESH, _STALE) if stale else self.body

    def encode(self) -> bytes:
        """Header line (JSON) then the body, for a shared store."""
        header = orjson.dumps(
            {
                "ct": self.content_type,
                "t": self.created,
                "ttl": self.ttl,
                "swr": self.swr,
                "g": self.generation,
                "etag": self.etag,
            }
        )
        return header + b"\n" + self.body

    @classmethod
    def decode(cls, raw: bytes) -> Entry | None:
        """The entry of `encode`, or None for bytes that are not one (another version's layout)."""
        header, _, body = raw.partition(b"\n")
        try:
            h = orjson.loads(header)
            # (an entry stored by an earlier version holds the body as computed: serve it as a hit)
            served = body.replace(_UNCACHED, _CACHED)
            return cls(served, h["ct"], float(h["t"]), int(h["ttl"]), int(h["swr"]), str(h["g"]), h["etag"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
