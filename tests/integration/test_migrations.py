"""Migration 0002 on a database holding data: values kept, counters 64-bit, schema equal to the models."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from learning_analytics.config import Settings
from learning_analytics.resolvers.runtime import open_database
from learning_analytics.storage import migrate
from learning_analytics.storage.db import Database
from learning_analytics.storage.tables import metadata
from learning_analytics.storage.types import Counter

BEYOND_INT32 = 2**31 + 7  # 2,147,483,655: INTEGER on PostgreSQL refuses it, BIGINT takes it
ROWS = [
    "INSERT INTO users (id, name, timezone, created_at) VALUES ('ada', 'Ada', 'UTC', '2026-03-01 09:00:00')",
    "INSERT INTO learning_sessions (user_id, id, started_at, local_day, local_hour, reported_exchanges, "
    "reported_avg_quality, exchange_count, quality_n, quality_sum, ingested_at) VALUES ('ada', 's1', "
    "'2026-03-02 09:00:00', '2026-03-02', 9, 12, 0.5, 0, 0, 0.0, '2026-03-02 09:00:01')",
    "INSERT INTO rollups (user_id, granularity, bucket_day, bucket_hour, sessions, exchanges, minutes_sum, "
    "quality_n, quality_sum, quality_sumsq, relevance_n, relevance_sum, relevance_sumsq, helpfulness_n, "
    "helpfulness_sum, helpfulness_sumsq, engagement_n, engagement_sum, engagement_sumsq, clarity_n, "
    "clarity_sum, clarity_sumsq, accuracy_n, accuracy_sum, accuracy_sumsq, feedback_count, thumbs_up, "
    "thumbs_down, copies, corrections, clarifications, rating_n, rating_sum, rating_sumsq) VALUES ('ada', "
    "'day', '2026-03-02', 0, 3, 2147483000, 42.5, 12, 6.0, 3.0, 1, 0.9, 0.81, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "0, 0, 0, 5, 2, 1, 0, 1, 1, 2, 1.5, 1.25)",
    "INSERT INTO topic_rollups (user_id, topic, day, exchanges, sessions, quality_n, quality_sum, "
    "quality_sumsq) VALUES ('ada', 'python', '2026-03-02', 7, 1, 7, 3.5, 1.75)",
    "INSERT INTO topic_mastery (user_id, topic, score, level, total_interactions) VALUES "
    "('ada', 'python', 0.4, 'intermediate', 7)",
    "INSERT INTO aggregation_runs (kind, user_id, started_at, finished_at, buckets_touched, duration_ms, "
    "status) VALUES ('fold', NULL, '2026-03-02 10:00:00', '2026-03-02 10:00:01', 9, 12.5, 'ok')",
]
READ_BACK = {
    "SELECT reported_exchanges, exchange_count FROM learning_sessions": (12, 0),
    "SELECT sessions, exchanges, quality_n, feedback_count, rating_n, minutes_sum FROM rollups": (
        3,
        2147483000,
        12,
        5,
        2,
        42.5,
    ),
    "SELECT exchanges, sessions, quality_n FROM topic_rollups": (7, 1, 7),
    "SELECT total_interactions FROM topic_mastery": (7,),
    "SELECT kind, buckets_touched, duration_ms, status, error FROM aggregation_runs": (
        "fold",
        9,
        12.5,
        "ok",
        None,
    ),
}


@pytest.fixture
async def empty_database(tmp_path: Path) -> AsyncIterator[Database]:
    if os.environ.get("LA_TEST_DATABASE") == "postgres":
        from conftest import create_pg_database, drop_pg_database

        name = f"la_migrate_{uuid.uuid4().hex[:8]}"
        database = open_database(Settings(database_url=await create_pg_database(name)))
        yield database
        await database.dispose()
        await drop_pg_database(name)
    else:
        database = open_database(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"))
        yield database
        await database.dispose()


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_upgrading_a_0001_database_keeps_its_values_and_widens_the_counters(
    empty_database: Database,
) -> None:
    db = empty_database
    await migrate.upgrade(db, "0001")
    async with db.write() as conn:
        for statement in ROWS:
            await conn.execute(text(statement))

    await migrate.upgrade(db)

    assert await migrate.current_revision(db) == migrate.head_revision() == "0003"
    async with db.read() as conn:
        for query, expected in READ_BACK.items():
            assert tuple((await conn.execute(text(query))).one()) == expected, query
        indexes = await conn.run_sync(lambda c: inspect(c).get_indexes("aggregation_runs"))
        assert {"ix_aggregation_runs_user_started"} <= {i["name"] for i in indexes}
        assert await conn.run_sync(_differences) == []
        if db.dialect == "postgresql":
            types = {
                (r.table_name, r.column_name): r.data_type
                for r in await conn.execute(
                    text("SELECT table_name, column_name, data_type FROM information_schema.columns")
                )
            }
            counters = [
                (t.name, c.name) for t in metadata.sorted_tables for c in t.columns if c.type is Counter
            ]
            assert len(counters) == 15 + 3 + 3 + 1 + 1  # rollups, topic rollups, sessions, mastery, runs
            assert {types[key] for key in counters} == {"bigint"}
    async with db.write() as conn:
        await conn.execute(text(f"UPDATE rollups SET exchanges = {BEYOND_INT32}"))
    async with db.read() as conn:
        assert (await conn.execute(text("SELECT exchanges FROM rollups"))).scalar_one() == BEYOND_INT32


async def test_the_goal_tables_of_0003_downgrade_to_those_of_0002_and_back(empty_database: Database) -> None:
    db = empty_database
    await migrate.upgrade(db)

    async with db.writer.connect() as conn:
        await conn.run_sync(_downgrade_to, "0002")
        await conn.commit()
    async with db.read() as conn:
        old = await conn.run_sync(lambda c: inspect(c).get_table_names())
    await migrate.upgrade(db)

    assert "achievements" in old and "goal_state" not in old
    async with db.read() as conn:
        assert await conn.run_sync(_differences) == []


def _downgrade_to(connection: Connection, revision: str) -> None:
    from alembic import command

    cfg = migrate.alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, revision)
