"""The response cache shared by GraphQL and REST: stored answer bytes per user, invalidated per user."""

from __future__ import annotations

from .core import CacheLookup, ResponseCache, build_cache
from .entry import Entry, Freshness
from .policy import SEED_POLICIES, CachePolicy, policy_for

__all__ = [
    "SEED_POLICIES",
    "CacheLookup",
    "CachePolicy",
    "Entry",
    "Freshness",
    "ResponseCache",
    "build_cache",
    "policy_for",
]
