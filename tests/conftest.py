"""Fixtures: every test that touches storage runs on a real database, SQLite or PostgreSQL.

`LA_TEST_DATABASE=sqlite` (default) gives each test a fresh SQLite file copied from a migrated
template; `LA_TEST_DATABASE=postgres` migrates one scratch database on the local server
(`LA_TEST_POSTGRES_URL`, default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres as admin)
and truncates its tables before each test.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from support import client_for

from learning_analytics.config import Settings
from learning_analytics.resolvers.runtime import Runtime, open_database
from learning_analytics.storage import migrate
from learning_analytics.storage.tables import metadata

BACKEND = os.environ.get("LA_TEST_DATABASE", "sqlite")
PG_ADMIN = os.environ.get("LA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def pg_url(database: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + database


async def create_pg_database(name: str) -> str:
    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return pg_url(name)


async def drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(PG_ADMIN))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _migrate(url: str) -> None:
    database = open_database(Settings(database_url=url))
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()


def pytest_report_header(config: pytest.Config) -> str:
    return f"learning-analytics test database: {BACKEND}"


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for the whole run: a template SQLite file, or a scratch PostgreSQL database."""
    if BACKEND == "postgres":
        name = f"la_test_{os.getpid()}"
        url = asyncio.run(create_pg_database(name))
        asyncio.run(_migrate(url))
        yield url
        asyncio.run(drop_pg_database(name))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_migrate(url))
        yield str(path)


async def _truncate(url: str) -> None:
    """Empty every table, children first. DELETE on tables this small takes a few milliseconds where
    TRUNCATE, which replaces every table's files, takes about half a second per test."""
    statements = "; ".join(f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables))
    conn = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        await conn.execute(f"BEGIN; {statements}; COMMIT")
    finally:
        await conn.close()


@pytest.fixture
async def database_url(database_template: str, tmp_path: Path) -> str:
    if BACKEND == "postgres":
        await _truncate(database_template)
        return database_template
    path = tmp_path / "test.db"
    shutil.copyfile(database_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, scheduler=False)


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[Runtime]:
    database = open_database(settings)
    try:
        yield Runtime(settings=settings, db=database)
    finally:
        await database.dispose()


class StatementCounter:
    """Counts SQL statements sent to the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.active:
            self.statements.append(statement)


@pytest.fixture
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the real ASGI app, with its lifespan running."""
    async with client_for(settings) as client:
        yield client


@pytest.fixture
def count_statements(app_client: httpx.AsyncClient) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    engines = {runtime.db.reader.sync_engine, runtime.db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    yield counter
    for engine in engines:
        event.remove(engine, "before_cursor_execute", counter)
