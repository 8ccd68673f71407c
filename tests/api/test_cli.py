"""The command line through its installed entry point, on the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from support import events, exchange, session

from learning_analytics.config import Settings
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import migrate, sessions, users


def cli(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LA_DATABASE_URL": settings.database_url, "LA_SCHEDULER": "off", "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


async def test_db_upgrade_reports_the_head_revision(settings: Settings) -> None:
    result = cli(settings, "db", "upgrade")

    assert f"revision {migrate.head_revision()} " in result.stdout


async def test_users_create_prints_a_working_key_once_and_stores_only_its_hash(
    settings: Settings, runtime: Runtime
) -> None:
    result = cli(settings, "users", "create", "Ada Lovelace", "--timezone", "Europe/London")

    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("la_")
    user = await users.user_for_key(runtime.db, key=key)
    assert user is not None and (user.id, user.timezone) == ("ada-lovelace", "Europe/London")
    listing = cli(settings, "users", "list").stdout
    assert "ada-lovelace" in listing and "Europe/London" in listing
    assert key not in listing


async def test_users_create_refuses_an_unknown_timezone(settings: Settings) -> None:
    result = cli(settings, "users", "create", "X", "--timezone", "Mars/Olympus", check=False)

    assert result.returncode != 0
    assert "Mars/Olympus" in result.stderr + result.stdout


async def test_demo_writes_a_deterministic_history_once(settings: Settings, runtime: Runtime) -> None:
    first = cli(settings, "demo", "--days", "14", "--seed", "7")
    again = cli(settings, "demo", "--days", "14", "--seed", "7")

    assert "1 users" in first.stdout
    assert " 0 sessions, 0 exchanges, 0 feedback accepted" in again.stdout
    count = await sessions.count(runtime.db, user_id="default")
    assert count > 5
    user = await users.get_user(runtime.db, user_id="default")
    assert user is not None and user.timezone == "Europe/Paris"


async def test_import_counts_accepted_duplicates_and_rejected(settings: Settings, tmp_path: Path) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    good = events([session("s1", start)], [exchange("e1", "s1", start), exchange("e2", "s1", start)])
    bad = events(exchanges=[exchange("e3", "ghost", start)])
    lines = [orjson.dumps(good), orjson.dumps(good), b"{broken", orjson.dumps(bad), b""]
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines))

    result = cli(settings, "import", str(path), check=False)

    assert result.returncode == 1
    assert "accepted 3, duplicates 3, rejected 2" in result.stdout
    assert "line 4: exchanges[0].session_id" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0"])
async def test_serve_refuses_a_public_bind_without_keys(settings: Settings, host: str) -> None:
    result = cli(settings, "serve", "--host", host, "--port", "8765", check=False)

    assert result.returncode == 2
    assert "LA_AUTH=off" in result.stderr


async def test_db_analyze_refreshes_statistics(settings: Settings, runtime: Runtime) -> None:
    cli(settings, "demo", "--days", "3")

    result = cli(settings, "db", "analyze")

    assert "statistics refreshed" in result.stdout
    async with runtime.db.read() as conn:
        if runtime.db.is_sqlite:
            stats = await conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'exchanges'")
        else:
            stats = await conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'exchanges' AND last_analyze IS NOT NULL"
            )
        assert stats.scalar_one() >= 1


async def test_a_csv_zip_exported_by_the_command_line_imports_back_without_loading_statistics(
    settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    from export_data import history, learner, load

    await load(runtime, await learner(runtime, "u1"), history())
    target = tmp_path / "backup.zip"
    env_import_times = {"PYTHONPROFILEIMPORTTIME": "1"}

    exported = cli_env(settings, env_import_times, "export", "--format", "csv", "--period", "all", "--user", "u1",
                       "-o", str(target))  # fmt: skip
    imported = cli_env(settings, env_import_times, "import", str(target), "--user", "u2")

    checksum = exported.stdout.strip().splitlines()[-1]
    assert checksum.startswith("sha256:")
    assert "4 sessions, 6 exchanges, 3 feedback for u2: accepted 13" in imported.stdout
    assert f"export checksum {checksum} verified" in " ".join(imported.stdout.split())
    # numpy, scipy and Strawberry cost about 130 MB: an export or an import does not load them.
    for result in (exported, imported):
        loaded = {
            line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "import time:" in line
        }
        assert loaded and not loaded & {"numpy", "scipy", "scipy.stats", "strawberry"}


def cli_env(settings: Settings, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LA_DATABASE_URL": settings.database_url,
        "LA_SCHEDULER": "off",
        "COLUMNS": "200",
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout
    return result
