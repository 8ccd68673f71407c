"""Export timings: the demo learner's 30-day JSON and CSV exports (seed budget 5 s), and exports of one
learner holding `--exchanges` exchanges (default 1,000,000) in every format: rows/s and peak memory.

Each large export runs in its own process (`--measure FORMAT`), which streams the export to
/dev/null and reports its time and peak RSS (VmHWM); `cli` runs `learning-analytics export --format
ndjson` itself, its peak RSS taken by wait4. Two references are measured the same way side by side:
reading the same rows by keyset pages through SQLAlchemy rows with no encoding (`--measure
sqlalchemy`, how exports read before), and reading them through the driver as exports now do, still
with no encoding (`--measure pages`). The process's RSS before the export starts is reported as
`base`. The database is reused when it already holds the history.

    .venv/bin/python bench/export.py                          # SQLite, bench/.data/export-1000000.db
    createdb -h 127.0.0.1 -U postgres la_bench   # once: the bench fills an existing database
    .venv/bin/python bench/export.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# What a measuring process imports is what it measures: the export's modules only (no numpy, scipy or
# Strawberry); loading the demo and ingestion happens in the parent.
from learning_analytics.config import Settings
from learning_analytics.domain.export import ExportFormat, ExportSection
from learning_analytics.domain.periods import Period
from learning_analytics.resolvers import export
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.runtime import Runtime, open_runtime
from learning_analytics.storage import export as export_store
from learning_analytics.storage import users

HERE = Path(__file__).parent
LEARNER = "bulk"
TOPICS = ("python", "sql", "statistics", "french", "history", "music")
SECTIONS = [ExportSection.SESSIONS, ExportSection.EXCHANGES, ExportSection.FEEDBACK]


def settings_for(url: str) -> Settings:
    s = Settings(database_url=url, scheduler=False)
    return s.model_copy(update={"export": s.export.model_copy(update={"max_records": 10_000_000})})


async def ensure_bulk(runtime: Runtime, *, exchanges: int, now: datetime) -> None:
    """One learner with `exchanges` exchanges (20 a session, a topic each, a short text) over 365 days."""
    from sqlalchemy import func, select

    from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput
    from learning_analytics.resolvers import database
    from learning_analytics.resolvers.ingest import ingest_batch
    from learning_analytics.resolvers.rollups import fold
    from learning_analytics.storage.tables import exchanges_t

    async with runtime.db.read() as conn:
        held = int(
            (await conn.execute(select(func.count()).where(exchanges_t.c.user_id == LEARNER))).scalar_one()
        )
    if held:
        print(f"reusing the stored history: {held:,} exchanges")
        return
    user = await users.create_user(runtime.db, user_id=LEARNER, name="Bulk", timezone="UTC", now=now)
    ctx = build_context(runtime, user, now=now)
    started = time.perf_counter()
    per_batch = 9_500
    for first in range(0, exchanges, per_batch):
        sessions, items = [], []
        for i in range(first, min(first + per_batch, exchanges)):
            sid = f"s{i // 20}"
            at = now - timedelta(days=364 - (i * 364) // exchanges, hours=2) + timedelta(seconds=i % 20)
            if i % 20 == 0:
                sessions.append(
                    SessionInput(
                        id=sid, started_at=at, ended_at=at + timedelta(minutes=10), topics=("python",)
                    )
                )
            items.append(
                ExchangeInput(id=f"e{i}", session_id=sid, occurred_at=at, quality=Quality(composite=(i % 97) / 97),
                              topics=(TOPICS[i % len(TOPICS)],), user_text="how does this work?", agent_text="like this.")
            )  # fmt: skip
        await ingest_batch(ctx, EventBatch(sessions=tuple(sessions), exchanges=tuple(items)))
        if first == 0:
            await database.analyze(runtime)
    await fold(runtime, now=now)
    await database.analyze(runtime)
    print(f"loaded {exchanges:,} exchanges in {time.perf_counter() - started:.1f} s")


async def demo_exports(runtime: Runtime, now: datetime) -> None:
    """The demo learner's 30-day exports, timed in process (the seed's budget: 5 s)."""
    from learning_analytics.resolvers.demo import load_demo
    from learning_analytics.resolvers.rollups import fold

    if await users.get_user(runtime.db, user_id="demo-1") is None and not any(
        u.id.startswith("demo") for u in await users.list_users(runtime.db)
    ):
        await load_demo(runtime, n_users=1, days=120, seed=42, now=now)
        await fold(runtime, now=now)
    learner = next(u for u in await users.list_users(runtime.db) if u.id != LEARNER)
    ctx = build_context(runtime, learner, now=now)
    for fmt in (ExportFormat.JSON, ExportFormat.CSV):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            prepared = await export.prepare_export(ctx, format=fmt, period=Period.LAST_30_DAYS)
            run = export.ExportRun(ctx, prepared)
            async for _chunk in run:
                pass
            times.append(time.perf_counter() - started)
        rows = sum(run.trailer.row_counts.values()) if run.trailer else 0
        print(f"demo learner, 30 days, {fmt.value}: {rows:,} records, {run.size_bytes:,} bytes, "
              f"best {min(times) * 1000:.0f} ms, median {sorted(times)[2] * 1000:.0f} ms")  # fmt: skip


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak), in MB.
    Unlike getrusage's ru_maxrss, VmHWM starts afresh at exec: a child does not inherit the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _sqlalchemy_pages(runtime: Runtime, window: export_store.ExportWindow, batch_rows: int) -> int:
    """The raw sections read as exports read them before: keyset pages of SQLAlchemy rows."""
    from sqlalchemy import select, tuple_

    from learning_analytics.storage.tables import exchanges_t, feedback_t, sessions_t

    rows = 0
    for table in (sessions_t, exchanges_t, feedback_t):
        after: tuple[Any, str] | None = None
        while True:
            lower = window.start if after is None else after[0]
            query = select(table).where(
                table.c.user_id == window.user_id, table.c.local_day >= lower, table.c.local_day <= window.end
            )
            if after is not None:
                query = query.where(tuple_(table.c.local_day, table.c.id) > tuple_(*after))
            query = query.order_by(table.c.local_day, table.c.id).limit(batch_rows)
            async with runtime.db.read() as conn:
                page = (await conn.execute(query)).mappings().all()
            rows += len(page)
            if len(page) < batch_rows:
                break
            after = (page[-1]["local_day"], page[-1]["id"])
    return rows


async def measure(url: str, what: str) -> dict[str, float]:
    base = _status_mb("VmRSS")
    async with open_runtime(settings_for(url), upgrade=False) as runtime:
        user = await users.get_user(runtime.db, user_id=LEARNER)
        assert user is not None
        ctx = build_context(runtime, user, now=datetime.now(UTC))
        batch_rows = runtime.settings.export.batch_rows
        window = export_store.ExportWindow(
            user_id=LEARNER,
            start=datetime(1970, 1, 1).date(),
            end=ctx.now.date() + timedelta(days=1),
            since=None,
            until=None,
        )
        started = time.perf_counter()
        rows = 0
        size = 0
        if what == "sqlalchemy":
            rows = await _sqlalchemy_pages(runtime, window, batch_rows)
        elif what == "pages":
            for section in SECTIONS:
                async for batch in export_store.stream_section(
                    runtime.db,
                    window=window,
                    section=section,
                    batch_rows=batch_rows,
                    sqlite_cache_kib=runtime.settings.export.sqlite_cache_kib,
                ):
                    rows += len(batch)
        else:
            prepared = await export.prepare_export(
                ctx, format=ExportFormat(what), period=Period.LAST_365_DAYS, sections=SECTIONS
            )
            run = export.ExportRun(ctx, prepared)
            async for _chunk in run:
                pass  # sent nowhere: the bench measures producing the stream
            assert run.trailer is not None
            rows, size = sum(run.trailer.row_counts.values()), run.size_bytes
        seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "bytes": size,
        "base_mb": base,
        "peak_mb": peak,
    }


# Runs a command and prints its peak RSS (KiB) as wait4 reports it. A small process of its own: a child's
# ru_maxrss also counts the address space it was forked from until it execs, so forking the command
# from this bench's large process would report the bench's size.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
out = child.stdout.read()
_, status, usage = os.wait4(child.pid, 0)
sys.stdout.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}\\n" + out.decode())
"""


def measure_cli(url: str) -> dict[str, float]:
    """`learning-analytics export --format ndjson` over the last 365 days, in its own process."""
    cli = Path(sys.executable).with_name("learning-analytics")
    env = {
        **os.environ,
        "LA_DATABASE_URL": url,
        "LA_EXPORT__MAX_RECORDS": "10000000",
        "LA_SCHEDULER": "false",
    }
    command = [str(cli), "export", "--format", "ndjson", "--period", "365d",
               "--include", "sessions,exchanges,feedback", "--user", LEARNER, "-o", os.devnull]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCHER, *command], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    first, _, out = done.stdout.partition("\n")
    code, max_kib = (int(x) for x in first.split())
    if code != 0:
        raise SystemExit(f"learning-analytics export failed: {out}")
    rows = sum(int(part.split()[0]) for part in out.split("bytes;")[1].split("\n")[0].split(","))
    size = int(out.split("wrote ")[1].split(": ")[1].split(" bytes")[0])
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "bytes": size,
            "base_mb": float("nan"), "peak_mb": max_kib / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--exchanges", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite+aiosqlite:///{HERE / '.data' / f'export-{args.exchanges}.db'}"
    if args.measure:
        print(json.dumps(asyncio.run(measure(url, args.measure))))
        return
    (HERE / ".data").mkdir(exist_ok=True)

    async def prepare() -> None:
        async with open_runtime(settings_for(url)) as runtime:
            now = datetime.now(UTC)
            await ensure_bulk(runtime, exchanges=args.exchanges, now=now)
            await demo_exports(runtime, now)

    asyncio.run(prepare())
    results = {}
    for what in ("sqlalchemy", "pages", "ndjson", "csv", "json", "cli"):
        if what == "cli":
            results[what] = measure_cli(url)
            continue
        out = subprocess.run([sys.executable, __file__, "--measure", what, "--database-url", url],
                             check=True, capture_output=True, text=True)  # fmt: skip
        results[what] = json.loads(out.stdout.strip().splitlines()[-1])
    reference, pages = results["sqlalchemy"]["rows_per_s"], results["pages"]["rows_per_s"]
    print(f"{'':10} {'rows':>10} {'s':>6} {'rows/s':>9} {'/sqlalchemy':>11} {'/pages':>7} {'MB out':>7} "
          f"{'base RSS':>9} {'peak RSS':>9}")  # fmt: skip
    for what, r in results.items():
        print(f"{what:10} {r['rows']:>10,.0f} {r['seconds']:>6.1f} {r['rows_per_s']:>9,.0f} "
              f"{r['rows_per_s'] / reference:>11.2f} {r['rows_per_s'] / pages:>7.2f} {r['bytes'] / 1e6:>7.1f} "
              f"{r['base_mb']:>8.0f}M {r['peak_mb']:>8.0f}M")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
