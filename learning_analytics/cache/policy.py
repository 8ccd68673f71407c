"""How long an answer of each kind stays fresh, then servable while it is refreshed: the seed's CACHE_CONFIG."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """`ttl_seconds`: fresh for so long; then for `stale_while_revalidate` seconds more the stored answer
    is still served (marked stale) while one refresh recomputes it; after that it is gone."""

    ttl_seconds: int
    stale_while_revalidate: int = 0

    @property
    def lifetime(self) -> int:
        return self.ttl_seconds + self.stale_while_revalidate

    def capped(self, max_age: float | None) -> CachePolicy | None:
        """This policy for an answer that must not be served past `max_age` seconds (None: no cap);
        None when the answer must not be cached at all."""
        if max_age is None:
            return self
        if max_age < 1:
            return None
        ttl = min(self.ttl_seconds, int(max_age))
        return CachePolicy(ttl, 0 if ttl < self.ttl_seconds else self.stale_while_revalidate)


# Per kind of answer, as the architecture's CACHE_CONFIG has them for `/api/analytics/<kind>`.
SEED_POLICIES: dict[str, CachePolicy] = {
    "overview": CachePolicy(300, 60),
    "progress": CachePolicy(300, 60),
    "trends": CachePolicy(600, 120),
    "insights": CachePolicy(1800, 300),
    "goals": CachePolicy(60, 30),
    "topics": CachePolicy(3600, 600),
    "export": CachePolicy(0, 0),
}


def policy_for(kinds: Iterable[str], policies: dict[str, CachePolicy] = SEED_POLICIES) -> CachePolicy | None:
    """The policy of an answer touching `kinds`: the shortest TTL and the shortest stale window among
    them; None when a kind is unknown, when there is none, or when one is never cached (TTL 0)."""
    found = [policies.get(k) for k in kinds]
    if not found or any(p is None or p.ttl_seconds <= 0 for p in found):
        return None
    chosen = [p for p in found if p is not None]
    return CachePolicy(min(p.ttl_seconds for p in chosen), min(p.stale_while_revalidate for p in chosen))
