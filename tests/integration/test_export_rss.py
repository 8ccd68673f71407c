"""An export of a million exchanges, by the command line in its own process, stays under a fixed
memory bound (its peak resident set, read from the kernel) and holds every record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from learning_analytics.config import Settings
from learning_analytics.resolvers import database
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users
from learning_analytics.storage.tables import exchanges_t, sessions_t

EXCHANGES = 1_000_000
PER_SESSION = 20
PEAK_MB = 150  # the bound the streaming export is held to, whatever its size
# The command line exports the last 365 days before the real clock: the history ends yesterday.
NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)

# Runs the command line with its arguments, then prints the process's peak resident set (VmHWM,
# which starts afresh at exec: nothing of the pytest process that started it is counted).
_PEAK = """
import atexit, runpy, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KIB " + line.split()[1] + "\\n")
atexit.register(peak)
sys.argv = ["learning-analytics", *sys.argv[1:]]
runpy.run_module("learning_analytics.cli", run_name="__main__", alter_sys=True)
"""


async def _fill(runtime: Runtime) -> None:
    """`EXCHANGES` exchanges of one UTC learner, 20 a session, over the 300 days before NOW, written
    straight into the tables in large transactions (the ingestion path is not what is measured)."""
    await users.create_user(runtime.db, user_id="bulk", name="Bulk", timezone="UTC", now=NOW)
    sessions_per_day = EXCHANGES // PER_SESSION // 300 + 1
    chunk = 25_000
    for first in range(0, EXCHANGES, chunk):
        sessions, exchanges = [], []
        for i in range(first, first + chunk):
            s = i // PER_SESSION
            day = NOW.date() - timedelta(days=1 + s // sessions_per_day)
            started = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(seconds=s % 36_000)
            if i % PER_SESSION == 0:
                sessions.append(
                    {"user_id": "bulk", "id": f"s{s}", "started_at": started,
                     "ended_at": started + timedelta(minutes=10), "local_day": day, "local_hour": started.hour,
                     "exchange_count": PER_SESSION, "quality_n": 0, "quality_sum": 0.0, "ingested_at": NOW}
                )  # fmt: skip
            at = started + timedelta(seconds=i % PER_SESSION)
            exchanges.append(
                {"user_id": "bulk", "id": f"e{i}", "session_id": f"s{s}", "occurred_at": at, "local_day": day,
                 "local_hour": at.hour, "quality": (i % 97) / 97, "user_text": "how does this work?",
                 "agent_text": "like this.", "ingested_at": NOW}
            )  # fmt: skip
        async with runtime.db.write() as conn:
            if runtime.db.is_sqlite:
                await conn.execute(insert(sessions_t), sessions)
                await conn.execute(insert(exchanges_t), exchanges)
            else:  # COPY: a million rows in seconds, where INSERTs take minutes
                raw = (await conn.get_raw_connection()).driver_connection
                for table, rows in ((sessions_t, sessions), (exchanges_t, exchanges)):
                    columns = list(rows[0])
                    await raw.copy_records_to_table(
                        table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
                    )
        if first == 0:  # plan the foreign-key checks on tables that are no longer empty
            await database.analyze(runtime)
    await database.analyze(runtime)  # as `import` and `demo` do after a bulk load


_RECORD = b'{"type":"record","section":"'


def _kind(line: bytes) -> str:
    """A record line's section, or another line's type."""
    if line.startswith(_RECORD):
        return line[len(_RECORD) : line.index(b'"', len(_RECORD))].decode()
    return str(json.loads(line)["type"])


def _export(settings: Settings, fmt: str, out: Path) -> tuple[float, str]:
    """(peak MB, the command's output) of `learning-analytics export` in its own process."""
    env = {
        **os.environ,
        "LA_DATABASE_URL": settings.database_url,
        "LA_SCHEDULER": "off",
        "LA_EXPORT__MAX_RECORDS": str(2 * EXCHANGES),
        "COLUMNS": "200",
    }
    command = ["export", "--format", fmt, "--period", "365d", "--include", "sessions,exchanges",
               "--user", "bulk", "-o", str(out)]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    peak_kib = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KIB"))
    return peak_kib / 1024, done.stdout + done.stderr


async def test_an_export_of_a_million_exchanges_stays_under_its_memory_bound(
    runtime: Runtime, settings: Settings, tmp_path: Path
) -> None:
    await _fill(runtime)
    sessions = EXCHANGES // PER_SESSION

    peaks = {}
    for fmt in ("ndjson", "csv"):
        out = tmp_path / f"export.{fmt}"
        peaks[fmt], said = _export(settings, fmt, out)
        if fmt == "ndjson":
            with out.open("rb") as f:
                kinds = Counter(_kind(line) for line in f)
            # One line a record, after the metadata and summary lines, then the trailer.
            assert kinds == {
                "sessions": sessions,
                "exchanges": EXCHANGES,
                "metadata": 1,
                "summary": 1,
                "end": 1,
            }
        assert f"{sessions} sessions, {EXCHANGES} exchanges" in said, said
        out.unlink()

    assert all(peak < PEAK_MB for peak in peaks.values()), peaks
