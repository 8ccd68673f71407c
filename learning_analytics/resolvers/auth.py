"""Who is calling: an API key's user, or the default user in single-user mode."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

from ..config import AuthMode, Settings
from ..domain.errors import InvalidInput, NotFound
from ..domain.models import ApiKey, User
from ..storage import users
from .services import Services


class Unauthenticated(Exception):
    """The request carries no valid key while keys are required."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_refusal(settings: Settings, *, host: str, keys_exist: bool) -> str | None:
    """Why serving on `host` must be refused, or None: without keys only a loopback address is allowed
    (unless LA_AUTH=off says so, or LA_AUTH=on, under which every request needs a key anyway)."""
    if settings.auth is not AuthMode.AUTO or keys_exist or is_loopback(host):
        return None
    return (
        f"refusing to listen on {host} without API keys: anyone who can reach it would read and write "
        "the default user's data. Create a key with `learning-analytics users create NAME`, bind to "
        "127.0.0.1, or set LA_AUTH=off to serve without authentication on purpose."
    )


async def default_user(services: Services) -> User:
    s = services.settings
    return await users.ensure_user(
        services.db,
        user_id=users.DEFAULT_USER_ID,
        name="Default learner",
        timezone=s.default_timezone,
        now=datetime.now(UTC),
    )


async def keys_required(services: Services) -> bool:
    """Whether requests need a key: LA_AUTH=on always, off never, auto once any key exists (and from
    then on for the life of the process, even if every key is revoked later)."""
    mode = services.settings.auth
    if mode is AuthMode.OFF:
        return False
    if mode is AuthMode.ON:
        return True
    known = services.key_cache.keys_exist()
    if known is not None:
        return known
    exist = await users.any_keys(services.db)
    services.key_cache.remember_keys_exist(exist)
    return exist


async def authenticate(services: Services, authorization: str | None) -> User:
    """The caller's user; raises Unauthenticated when a key is required and missing or unknown."""
    if not await keys_required(services):
        return await single_user(services)
    return await user_for_authorization(services, authorization)


async def user_for_authorization(services: Services, authorization: str | None) -> User:
    """The user of the bearer key in an `Authorization` header; raises Unauthenticated."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("missing bearer token: send `Authorization: Bearer KEY`")
    key_hash = users.hash_key(authorization[7:].strip())
    cached = services.key_cache.user_for(key_hash)
    if cached is not None:
        return cached
    user = await users.user_for_key_hash(services.db, key_hash=key_hash)
    if user is None:
        raise Unauthenticated("unknown API key")
    services.key_cache.remember(key_hash, user)
    return user


async def single_user(services: Services) -> User:
    """The default user that every request acts as while no key is required."""
    cached = services.key_cache.default_user()
    if cached is not None:
        return cached
    user = await default_user(services)
    services.key_cache.remember_default_user(user)
    return user


async def list_keys(services: Services, *, user_id: str | None = None) -> list[ApiKey]:
    """The stored keys (or one user's), oldest first, as prefixes: a key is shown only at creation."""
    return await users.list_keys(services.db, user_id=user_id)


async def revoke_key(services: Services, *, ref: str) -> ApiKey:
    """Delete the key that `ref` (its id, its prefix or the key itself) designates. It stops working at
    once in this process and, through the key cache's expiry, within LA_KEY_CACHE_SECONDS elsewhere."""
    found = await users.find_keys(services.db, ref=ref)
    if not found:
        raise NotFound(f"no API key with id or prefix {ref!r}", id=ref)
    if len(found) > 1:
        ids = ", ".join(k.id for k in found)
        raise InvalidInput(
            f"{ref!r} matches {len(found)} keys ({ids}): revoke one by its id", field="key", code="ambiguous"
        )
    key = found[0]
    key_hash = await users.delete_key(services.db, key_id=key.id)
    if key_hash is not None:
        services.key_cache.forget(key_hash)
    return key
