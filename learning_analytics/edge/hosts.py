"""The Host check of single-user mode: only the loopback names (or configured ones) reach the default user.

Without keys, a browser page from any site could otherwise read and write the default user's data
through DNS rebinding: its own name resolving to 127.0.0.1 makes the browser treat the server as
same-origin. Such a request still carries the attacker's name in `Host`, so refusing every name but
the loopback ones (and those in `LA_ALLOWED_HOSTS`) closes it.
"""

from __future__ import annotations

import functools
import ipaddress

LOOPBACK_NAMES = frozenset({"localhost"})


def split_host(host: str) -> tuple[str, int | None] | None:
    """`"[::1]:8000"` -> `("::1", 8000)`, `"LocalHost."` -> `("localhost", None)`; None if malformed."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        port_text = rest[1:]
    else:
        name, _, port_text = host.partition(":")
    if not name:
        return None
    port: int | None = None
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            return None
        port = int(port_text)
    return name.rstrip("."), port


@functools.lru_cache(maxsize=256)  # asked on every request without keys, with a few distinct names
def is_loopback_name(name: str) -> bool:
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_allowed(host: str | None, *, server_port: int | None, allowed: list[str]) -> bool:
    """Whether a request whose `Host` header is `host` may act as the default user.

    The name must be a loopback one (`localhost`, `127.0.0.1`, `[::1]`, ...) or listed in `allowed`
    (`"*"` allows any); a port, when the header has one, must be the port the request arrived on.
    """
    if "*" in allowed:
        return True
    if not host:
        return False
    parsed = split_host(host)
    if parsed is None:
        return False
    name, port = parsed
    if port is not None and server_port is not None and port != server_port:
        return False
    return is_loopback_name(name) or name in {a.strip().lower().rstrip(".") for a in allowed}
