"""Users and their API keys (stored as SHA-256 hashes; a key is shown once, at creation)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from ..domain.models import ApiKey, User
from .db import Database
from .sql import insert_ignore
from .tables import keys_t, users_t

KEY_PREFIX = "la_"


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def _user(row: object) -> User:
    return User(
        id=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        timezone=row.timezone,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
    )


async def create_user(db: Database, *, user_id: str, name: str, timezone: str, now: datetime) -> User:
    async with db.write() as conn:
        await conn.execute(users_t.insert().values(id=user_id, name=name, timezone=timezone, created_at=now))
    return User(id=user_id, name=name, timezone=timezone, created_at=now)


async def ensure_user(db: Database, *, user_id: str, name: str, timezone: str, now: datetime) -> User:
    """The user with this id, created first if it does not exist (its timezone is then left as it is)."""
    async with db.write() as conn:
        await insert_ignore(
            conn, users_t, [{"id": user_id, "name": name, "timezone": timezone, "created_at": now}]
        )
    found = await get_user(db, user_id=user_id)
    assert found is not None
    return found


async def get_user(db: Database, *, user_id: str) -> User | None:
    async with db.read() as conn:
        row = (await conn.execute(select(users_t).where(users_t.c.id == user_id))).first()
    return _user(row) if row else None


async def list_users(db: Database) -> list[User]:
    async with db.read() as conn:
        rows = await conn.execute(select(users_t).order_by(users_t.c.created_at, users_t.c.id))
        return [_user(r) for r in rows]


async def set_timezone(db: Database, *, user_id: str, timezone: str) -> None:
    """Change a user's timezone; days already stored keep the local day they were ingested with."""
    async with db.write() as conn:
        await conn.execute(update(users_t).where(users_t.c.id == user_id).values(timezone=timezone))


async def create_key(db: Database, *, user_id: str, now: datetime) -> str:
    """Create an API key for the user and return it in clear; only its hash is stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    async with db.write() as conn:
        await conn.execute(
            keys_t.insert().values(
                id=secrets.token_hex(8),
                user_id=user_id,
                key_hash=hash_key(key),
                prefix=key[:10],
                created_at=now,
            )
        )
    return key


async def user_for_key(db: Database, *, key: str) -> User | None:
    return await user_for_key_hash(db, key_hash=hash_key(key))


async def user_for_key_hash(db: Database, *, key_hash: str) -> User | None:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(users_t)
                .join(keys_t, keys_t.c.user_id == users_t.c.id)
                .where(keys_t.c.key_hash == key_hash)
            )
        ).first()
    return _user(row) if row else None


def _api_key(row: object) -> ApiKey:
    return ApiKey(
        id=row.id,  # type: ignore[attr-defined]
        user_id=row.user_id,  # type: ignore[attr-defined]
        prefix=row.prefix,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
    )


_KEY_COLUMNS = (keys_t.c.id, keys_t.c.user_id, keys_t.c.prefix, keys_t.c.created_at)


async def list_keys(db: Database, *, user_id: str | None = None) -> list[ApiKey]:
    """Every key (or one user's), oldest first."""
    query = select(*_KEY_COLUMNS).order_by(keys_t.c.created_at, keys_t.c.id)
    if user_id is not None:
        query = query.where(keys_t.c.user_id == user_id)
    async with db.read() as conn:
        return [_api_key(r) for r in await conn.execute(query)]


async def find_keys(db: Database, *, ref: str) -> list[ApiKey]:
    """The keys `ref` designates: by id, by the prefix shown at listing, or by the whole key."""
    query = select(*_KEY_COLUMNS).where(
        or_(keys_t.c.id == ref, keys_t.c.prefix == ref, keys_t.c.key_hash == hash_key(ref))
    )
    async with db.read() as conn:
        return [_api_key(r) for r in await conn.execute(query.order_by(keys_t.c.created_at))]


async def delete_key(db: Database, *, key_id: str) -> str | None:
    """Delete one key; returns its hash (to forget it from caches), or None if it was gone already."""
    async with db.write() as conn:
        row = (
            await conn.execute(delete(keys_t).where(keys_t.c.id == key_id).returning(keys_t.c.key_hash))
        ).first()
    return row[0] if row else None


async def any_keys(db: Database) -> bool:
    async with db.read() as conn:
        return bool((await conn.execute(select(func.count()).select_from(keys_t))).scalar_one())


async def key_counts(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        rows = await conn.execute(select(keys_t.c.user_id, func.count()).group_by(keys_t.c.user_id))
        return {r[0]: r[1] for r in rows}
