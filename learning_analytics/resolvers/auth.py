"""Who is calling: an API key's user, or the default user in single-user mode."""

from __future__ import annotations

import ipaddress
import time
from datetime import UTC, datetime

from ..config import AuthMode, Settings
from ..domain.models import User
from ..storage import users
from .services import Services

KEY_CACHE_SECONDS = 10.0


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
    mode = services.settings.auth
    if mode is AuthMode.OFF:
        return False
    if mode is AuthMode.ON:
        return True
    cached = services.key_cache.get("__any__")
    if cached and cached[1] is True:
        return True  # once keys exist they stay required
    if cached and time.monotonic() - cached[0] < 2.0:
        return bool(cached[1])
    exist = await users.any_keys(services.db)
    services.key_cache["__any__"] = (time.monotonic(), exist)
    return exist


async def authenticate(services: Services, authorization: str | None) -> User:
    """The caller's user; raises Unauthenticated when a key is required and missing or unknown."""
    if not await keys_required(services):
        return await _default(services)
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("missing bearer token: send `Authorization: Bearer KEY`")
    key = authorization[7:].strip()
    cached = services.key_cache.get(key)
    if cached and time.monotonic() - cached[0] < KEY_CACHE_SECONDS:
        return cached[1]  # type: ignore[return-value]
    user = await users.user_for_key(services.db, key=key)
    if user is None:
        raise Unauthenticated("unknown API key")
    services.key_cache[key] = (time.monotonic(), user)
    return user


async def _default(services: Services) -> User:
    cached = services.key_cache.get("__default__")
    if cached and time.monotonic() - cached[0] < KEY_CACHE_SECONDS:
        return cached[1]  # type: ignore[return-value]
    user = await default_user(services)
    services.key_cache["__default__"] = (time.monotonic(), user)
    return user
