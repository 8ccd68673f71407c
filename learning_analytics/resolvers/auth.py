"""Who is calling: an API key's user, or the default user in single-user mode."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

from ..config import AuthMode, Settings
from ..domain.models import User
from ..storage import users
from .runtime import Runtime

# The user every request acts as in single-user mode (and the owner of the demo history).
DEFAULT_USER_ID = "default"


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


async def default_user(runtime: Runtime) -> User:
    """The default user, created (in the default timezone) the first time it is asked for."""
    s = runtime.settings
    return await users.ensure_user(
        runtime.db,
        user_id=DEFAULT_USER_ID,
        name="Default learner",
        timezone=s.default_timezone,
        now=datetime.now(UTC),
    )


async def keys_required(runtime: Runtime) -> bool:
    """Whether requests need a key: LA_AUTH=on always, off never, auto once any key exists (and from
    then on for the life of the process, even if every key is revoked later)."""
    mode = runtime.settings.auth
    if mode is AuthMode.OFF:
        return False
    if mode is AuthMode.ON:
        return True
    known = runtime.key_cache.keys_exist()
    if known is not None:
        return known
    exist = await users.any_keys(runtime.db)
    runtime.key_cache.remember_keys_exist(exist)
    return exist


async def authenticate(runtime: Runtime, authorization: str | None) -> User:
    """The caller's user; raises Unauthenticated when a key is required and missing or unknown."""
    if not await keys_required(runtime):
        return await single_user(runtime)
    return await user_for_authorization(runtime, authorization)


async def user_for_authorization(runtime: Runtime, authorization: str | None) -> User:
    """The user of the bearer key in an `Authorization` header; raises Unauthenticated."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("missing bearer token: send `Authorization: Bearer KEY`")
    key_hash = users.hash_key(authorization[7:].strip())
    cached = runtime.key_cache.user_for(key_hash)
    if cached is not None:
        return cached
    user = await users.user_for_key_hash(runtime.db, key_hash=key_hash)
    if user is None:
        raise Unauthenticated("unknown API key")
    runtime.key_cache.remember(key_hash, user)
    return user


async def single_user(runtime: Runtime) -> User:
    """The default user that every request acts as while no key is required."""
    cached = runtime.key_cache.default_user()
    if cached is not None:
        return cached
    user = await default_user(runtime)
    runtime.key_cache.remember_default_user(user)
    return user
