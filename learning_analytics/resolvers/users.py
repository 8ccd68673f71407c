"""Users and their API keys as an operator manages them: create, look up, list and revoke."""

from __future__ import annotations

from datetime import datetime

from ..domain.errors import InvalidInput, NotFound
from ..domain.models import ApiKey, User
from ..storage import users as user_store
from .runtime import Runtime


async def create_user(runtime: Runtime, *, user_id: str, name: str, timezone: str, now: datetime) -> str:
    """Create a user and their first API key, returned in clear (only its hash is stored); a taken
    id is refused (InvalidInput on `id`)."""
    if await user_store.get_user(runtime.db, user_id=user_id) is not None:
        raise InvalidInput(f"a user with id {user_id!r} exists already", field="id", code="exists")
    await user_store.create_user(runtime.db, user_id=user_id, name=name, timezone=timezone, now=now)
    return await user_store.create_key(runtime.db, user_id=user_id, now=now)


async def create_key(runtime: Runtime, *, user_id: str, now: datetime) -> str:
    """Another API key for an existing user (NotFound otherwise), returned in clear."""
    await get_user(runtime, user_id=user_id)
    return await user_store.create_key(runtime.db, user_id=user_id, now=now)


async def get_user(runtime: Runtime, *, user_id: str) -> User:
    """The user with this id; NotFound if there is none."""
    user = await user_store.get_user(runtime.db, user_id=user_id)
    if user is None:
        raise NotFound(f"no user {user_id!r}", id=user_id)
    return user


async def ensure_learner(runtime: Runtime, *, user_id: str, now: datetime) -> User:
    """The user with this id, created on first use (named after its id, in the default timezone); an
    existing user is left as it is. An empty or over-long id is refused (InvalidInput on `user_id`)."""
    if not user_id or len(user_id) > runtime.settings.limits.max_id_length:
        raise InvalidInput(
            f"a user id has 1 to {runtime.settings.limits.max_id_length} characters",
            field="user_id",
            code="invalid_id",
        )
    return await user_store.ensure_user(
        runtime.db, user_id=user_id, name=user_id, timezone=runtime.settings.default_timezone, now=now
    )


async def all_users(runtime: Runtime) -> list[User]:
    """Every user, oldest first."""
    return await user_store.list_users(runtime.db)


async def key_counts(runtime: Runtime) -> dict[str, int]:
    """How many API keys each user holds (users without any are absent)."""
    return await user_store.key_counts(runtime.db)


async def keys_exist(runtime: Runtime) -> bool:
    """Whether any API key exists (read now, not from the key cache)."""
    return await user_store.any_keys(runtime.db)


async def list_keys(runtime: Runtime, *, user_id: str | None = None) -> list[ApiKey]:
    """The stored keys (or one user's: NotFound if there is no such user), oldest first, as prefixes:
    a key is shown only at creation."""
    if user_id is not None:
        await get_user(runtime, user_id=user_id)
    return await user_store.list_keys(runtime.db, user_id=user_id)


async def revoke_key(runtime: Runtime, *, ref: str) -> ApiKey:
    """Delete the key that `ref` (its id, its prefix or the key itself) designates. It stops working at
    once in this process and, through the key cache's expiry, within LA_KEY_CACHE_SECONDS elsewhere."""
    found = await user_store.find_keys(runtime.db, ref=ref)
    if not found:
        raise NotFound(f"no API key with id or prefix {ref!r}", id=ref)
    if len(found) > 1:
        ids = ", ".join(k.id for k in found)
        raise InvalidInput(
            f"{ref!r} matches {len(found)} keys ({ids}): revoke one by its id", field="key", code="ambiguous"
        )
    key = found[0]
    key_hash = await user_store.delete_key(runtime.db, key_id=key.id)
    if key_hash is not None:
        runtime.key_cache.forget(key_hash)
    return key
