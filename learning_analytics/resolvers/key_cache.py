"""What authentication remembers between requests, for a few seconds at most: typed, never a shared dict.

Users are cached by the SHA-256 hash of their key, so no client-chosen string can ever name an
internal entry; the two facts of single-user mode (whether keys exist, the default user) are fields
of their own. A key revoked in another process stops working here once its entry expires
(`LA_KEY_CACHE_SECONDS`, 5 s by default); one revoked in this process is forgotten at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..domain.models import User

MAX_CACHED_KEYS = 10_000
# How long "no key exists yet" is believed; "keys exist" is kept for the life of the process.
NO_KEYS_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Entry:
    user: User
    expires_at: float


@dataclass
class KeyCache:
    ttl_seconds: float
    _users: dict[str, _Entry] = field(default_factory=dict)
    _default_user: _Entry | None = None
    _keys_exist: bool = False
    _keys_checked_at: float | None = None

    def user_for(self, key_hash: str) -> User | None:
        """The user of a key seen less than `ttl_seconds` ago, or None."""
        entry = self._users.get(key_hash)
        if entry is None:
            return None
        if entry.expires_at <= time.monotonic():
            self._users.pop(key_hash, None)
            return None
        return entry.user

    def remember(self, key_hash: str, user: User) -> None:
        now = time.monotonic()
        if len(self._users) >= MAX_CACHED_KEYS:
            self._users = {h: e for h, e in self._users.items() if e.expires_at > now}
            if len(self._users) >= MAX_CACHED_KEYS:
                self._users.clear()
        self._users[key_hash] = _Entry(user, now + self.ttl_seconds)

    def forget(self, key_hash: str) -> None:
        self._users.pop(key_hash, None)

    def forget_user(self, user_id: str) -> None:
        """Forget every key of a deleted user, and the default user if it was them."""
        self._users = {h: e for h, e in self._users.items() if e.user.id != user_id}
        if self._default_user is not None and self._default_user.user.id == user_id:
            self._default_user = None

    def default_user(self) -> User | None:
        entry = self._default_user
        return entry.user if entry and entry.expires_at > time.monotonic() else None

    def remember_default_user(self, user: User) -> None:
        self._default_user = _Entry(user, time.monotonic() + self.ttl_seconds)

    def keys_exist(self) -> bool | None:
        """True once keys were seen; False if none were a moment ago; None when it must be asked again."""
        if self._keys_exist:
            return True
        checked = self._keys_checked_at
        if checked is not None and time.monotonic() - checked < NO_KEYS_SECONDS:
            return False
        return None

    def remember_keys_exist(self, exist: bool) -> None:
        self._keys_exist = self._keys_exist or exist
        self._keys_checked_at = time.monotonic()
