"""The command line: serve, migrate, load demo data, import events and manage users and keys."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, get_settings
from .domain.errors import InvalidInput, NotFound
from .domain.export import ExportFormat, parse_sections
from .domain.folds import FoldResult
from .domain.models import ApiKey, User
from .domain.periods import Period
from .resolvers import auth, database, export, restore, rollups, users
from .resolvers import cache as response_cache
from .resolvers.context import build_context
from .resolvers.demo import is_empty, load_demo
from .resolvers.ingest import ingest_batch
from .resolvers.runtime import Runtime, open_runtime
from .wire.events import parse_events_json

app = typer.Typer(help="learning-analytics: a GraphQL analytics API for learners.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users and API keys.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
cache_app = typer.Typer(help="The response cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

console = Console()
err = Console(stderr=True)
T = TypeVar("T")


def _run(settings: Settings, work: Callable[[Runtime], Awaitable[T]], *, upgrade: bool = True) -> T:
    async def main() -> T:
        async with open_runtime(settings, upgrade=upgrade) as runtime:
            return await work(runtime)

    return asyncio.run(main())


def _demo(runtime: Runtime, *, n_users: int, days: int, seed: int) -> Awaitable[Any]:
    async def work() -> Any:
        with Progress(
            TextColumn("demo"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task("exchanges", total=None)
            result = await load_demo(
                runtime,
                n_users=n_users,
                days=days,
                seed=seed,
                now=datetime.now(UTC),
                progress=lambda n: bar.advance(task, n),
            )
        return result

    return work()


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default LA_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default LA_PORT, 8000)."),
    demo: bool = typer.Option(False, "--demo", help="Load the demo history first if the database is empty."),
    workers: int = typer.Option(
        1, min=1, help="Worker processes (each runs the app; writes still serialize)."
    ),
) -> None:
    """Serve the API (GraphQL at /graphql, REST at /api/analytics), upgrading the schema first."""
    # Loaded here, not for every command: the server, the app (Strawberry, the schema), the scheduler and
    # the metrics take a while and tens of MB to import (an export's process stays small). Not a cycle:
    # nothing the app imports imports the command line.
    import uvicorn

    from .app import create_served_app
    from .jobs import goals as goal_jobs
    from .metrics import MULTIPROCESS_DIR

    settings = get_settings()
    host = host or settings.host
    port = port or settings.port

    async def prepare(runtime: Runtime) -> str | None:
        refusal = auth.bind_refusal(settings, host=host, keys_exist=await users.keys_exist(runtime))
        if refusal is None and demo and await is_empty(runtime):
            loaded = await _demo(runtime, n_users=1, days=120, seed=42)
            now = datetime.now(UTC)
            await rollups.fold(runtime, now=now)  # answer from the first request
            await goal_jobs.evaluate(runtime, now)  # with the goals and achievements it reached
            err.print(
                f"demo: {loaded.sessions} sessions, {loaded.exchanges} exchanges, {loaded.feedback} feedback"
            )
        return refusal

    if workers > 1 and not settings.cache_url and settings.cache.enabled:
        # Each worker would hold its own in-memory cache, and one worker's ingestion or fold could
        # not invalidate what another still serves: the workers must share a Redis (or no cache).
        err.print(
            "[red]error:[/red] --workers > 1 needs a shared response cache: set LA_CACHE_URL=redis://… "
            "(or LA_CACHE__ENABLED=false)"
        )
        raise typer.Exit(2)
    refusal = _run(settings, prepare)
    if refusal:
        err.print(f"[red]error:[/red] {refusal}")
        raise typer.Exit(2)
    if workers > 1:
        # Each worker builds its app from the same environment; their metrics are summed at /metrics
        # through prometheus-client's multiprocess mode, in a fresh directory unless one is given.
        if not os.environ.get(MULTIPROCESS_DIR):
            os.environ[MULTIPROCESS_DIR] = tempfile.mkdtemp(prefix="la-metrics-")
        uvicorn.run(
            "learning_analytics.app:create_served_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=settings.log_level,
            proxy_headers=True,
        )
        return
    uvicorn.run(
        create_served_app(settings), host=host, port=port, log_level=settings.log_level, proxy_headers=True
    )


@db_app.command("analyze")
def db_analyze() -> None:
    """Refresh the planner's statistics (ANALYZE); worth it after a bulk load into a fresh database."""
    _run(get_settings(), database.analyze)
    console.print("statistics refreshed")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations up to the newest revision."""
    settings = get_settings()

    revision = _run(settings, database.schema_revision)
    console.print(f"database at revision {revision} ({settings.database_url.split('@')[-1]})")


@app.command()
def demo(
    users_: int = typer.Option(1, "--users", min=1, help="How many learners."),
    days: int = typer.Option(120, min=1, help="Days of history ending today."),
    seed: int = typer.Option(42, help="Random seed: the same seed gives the same history."),
) -> None:
    """Write a realistic, deterministic history through the ingestion path (re-running adds nothing)."""
    settings = get_settings()
    loaded = _run(settings, lambda s: _demo(s, n_users=users_, days=days, seed=seed))
    console.print(
        f"{loaded.users} users: {loaded.sessions} sessions, {loaded.exchanges} exchanges, "
        f"{loaded.feedback} feedback accepted; {loaded.duplicates} duplicates"
    )


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise typer.BadParameter(f"unknown IANA timezone {name!r}") from e
    return name


@users_app.command("create")
def users_create(
    name: str = typer.Argument(..., help="The user's display name."),
    timezone: str = typer.Option("UTC", "--timezone", "-t", callback=_check_timezone, help="IANA timezone."),
    user_id: str = typer.Option(None, "--id", help="The user id (default: derived from the name)."),
) -> None:
    """Create a user and print a new API key (shown once; only its hash is stored)."""
    settings = get_settings()
    uid = user_id or "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:64] or "user"

    async def work(runtime: Runtime) -> str:
        try:
            return await users.create_user(
                runtime, user_id=uid, name=name, timezone=timezone, now=datetime.now(UTC)
            )
        except InvalidInput as e:
            raise typer.BadParameter(e.message, param_hint="--id") from e

    key = _run(settings, work)
    console.print(f"created user [bold]{uid}[/bold] ({timezone})")
    console.print("API key (store it now, it is not shown again):")
    print(key)


@users_app.command("key")
def users_key(user_id: str = typer.Argument(..., help="The user's id.")) -> None:
    """Create another API key for an existing user."""
    settings = get_settings()

    async def work(runtime: Runtime) -> str:
        try:
            return await users.create_key(runtime, user_id=user_id, now=datetime.now(UTC))
        except NotFound as e:
            raise typer.BadParameter(e.message) from e

    print(_run(settings, work))


@users_app.command("list")
def users_list() -> None:
    """List users with their timezone and number of keys."""
    settings = get_settings()

    async def work(runtime: Runtime) -> tuple[list[User], dict[str, int]]:
        return await users.all_users(runtime), await users.key_counts(runtime)

    found, keys = _run(settings, work)
    table = Table("id", "name", "timezone", "keys", "created")
    for u in found:
        table.add_row(
            u.id, u.name, u.timezone, str(keys.get(u.id, 0)), u.created_at.isoformat() if u.created_at else ""
        )
    console.print(table)


@users_app.command("keys")
def users_keys(
    user_id: str = typer.Argument(None, help="Only this user's keys (default: everyone's)."),
) -> None:
    """List API keys by id, prefix, user and creation time (a key itself is shown only at creation)."""
    settings = get_settings()

    async def work(runtime: Runtime) -> list[ApiKey]:
        try:
            return await users.list_keys(runtime, user_id=user_id)
        except NotFound as e:
            raise typer.BadParameter(e.message) from e

    table = Table("id", "prefix", "user", "created")
    for key in _run(settings, work):
        table.add_row(key.id, key.prefix, key.user_id, key.created_at.isoformat())
    console.print(table)


@users_app.command("revoke-key")
def users_revoke_key(
    ref: str = typer.Argument(..., metavar="PREFIX_OR_ID", help="The key's id or prefix (see `users keys`)."),
) -> None:
    """Delete an API key: it stops working at once here and within LA_KEY_CACHE_SECONDS in running servers."""
    settings = get_settings()

    async def work(runtime: Runtime) -> ApiKey:
        try:
            return await users.revoke_key(runtime, ref=ref)
        except (NotFound, InvalidInput) as e:
            raise typer.BadParameter(e.message, param_hint="PREFIX_OR_ID") from e

    key = _run(settings, work)
    console.print(
        f"revoked key {key.id} ({key.prefix}…) of user {key.user_id}; running servers refuse it "
        f"within {settings.key_cache_seconds:g} s"
    )


@app.command("import")
def import_events(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="JSON lines, each an events batch; or an export (JSON, NDJSON, CSV zip).",
    ),
    user_id: str = typer.Option(auth.DEFAULT_USER_ID, "--user", help="The user the events belong to."),
) -> None:
    """Import a JSONL file of event batches (bad lines are reported and skipped, the rest are stored), or
    a JSON, NDJSON or CSV zip export (verified first; into the learner it names unless --user)."""
    settings = get_settings()
    size = file.stat().st_size
    if restore.is_export(file):
        _restore(settings, file, None if user_id == auth.DEFAULT_USER_ID else user_id)
        return

    async def work(runtime: Runtime) -> tuple[int, int, int]:
        try:
            user = (
                await auth.default_user(runtime)
                if user_id == auth.DEFAULT_USER_ID
                else await users.get_user(runtime, user_id=user_id)
            )
        except NotFound as e:
            raise typer.BadParameter(e.message, param_hint="--user") from e
        ctx = build_context(runtime, user)
        accepted = duplicates = rejected = 0
        with (
            file.open("rb") as fh,
            Progress(
                TextColumn("import"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
            ) as bar,
        ):
            task = bar.add_task("bytes", total=size)
            for number, line in enumerate(fh, start=1):
                bar.advance(task, len(line))
                if not line.strip():
                    continue
                try:
                    batch = parse_events_json(line, max_items=settings.max_batch_items)
                    summary = await ingest_batch(ctx, batch)
                except InvalidInput as e:
                    rejected += _line_items(line)
                    where = "" if e.field == "body" else f"{e.field}: "
                    err.print(f"line {number}: {where}{e.message}")
                    continue
                accepted += summary.accepted
                duplicates += summary.duplicates
        await database.analyze(runtime)
        return accepted, duplicates, rejected

    accepted, duplicates, rejected = _run(settings, work)
    console.print(f"accepted {accepted}, duplicates {duplicates}, rejected {rejected}")
    if rejected:
        raise typer.Exit(1)


def _restore(settings: Settings, file: Path, user_id: str | None) -> None:
    async def work(runtime: Runtime) -> restore.RestoreResult:
        with Progress(
            TextColumn("import"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
        ) as bar:
            task = bar.add_task("records", total=None)
            return await restore.restore(
                runtime, file, user_id=user_id, now=datetime.now(UTC), progress=lambda n: bar.advance(task, n)
            )

    try:
        result = _run(settings, work)
    except InvalidInput as e:
        err.print(f"[red]error:[/red] {e.field}: {e.message}")
        raise typer.Exit(1) from None
    records = ", ".join(f"{n} {s}" for s, n in result.records.items()) or "no raw records"
    console.print(
        f"restored {records} for {result.user_id}: accepted {result.accepted}, duplicates {result.duplicates}; "
        f"export checksum {result.checksum} verified"
    )


# glibc's `mallopt` parameter that caps the malloc arenas.
_M_ARENA_MAX = -8


def _one_malloc_arena() -> None:
    """Give the process a single malloc arena (on glibc; elsewhere nothing). An export reads pages on
    the database driver's thread and encodes them on another: with an arena each, memory freed by one
    is not reused by the other, and a million-record export peaks about 17 MB higher (and runs
    slower). Called before those threads allocate anything."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its allocator has no such setting
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 1)


def _write_export(
    settings: Settings,
    output: Path | None,
    *,
    user_id: str | None,
    format: ExportFormat,
    everything: bool,
    period: Period | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    include: str | None = None,
) -> None:
    _one_malloc_arena()

    async def work(runtime: Runtime) -> tuple[export.PreparedExport, export.ExportRun]:
        try:
            user = (
                await auth.default_user(runtime)
                if user_id in (None, auth.DEFAULT_USER_ID)
                else await users.get_user(runtime, user_id=user_id or "")
            )
        except NotFound as e:
            raise typer.BadParameter(e.message, param_hint="USER") from e
        ctx = build_context(runtime, user)
        try:
            prepared = await export.prepare_export(
                ctx,
                format=format,
                period=period,
                start=start.date() if start else None,
                end=end.date() if end else None,
                sections=parse_sections(include),
                everything=everything,
            )
        except InvalidInput as e:
            raise typer.BadParameter(e.message, param_hint=f"--{e.field}") from e
        total = sum(prepared.expected_rows.values())
        with Progress(
            TextColumn("export"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
        ) as bar:
            task = bar.add_task("records", total=total)
            run = export.ExportRun(ctx, prepared, progress=lambda n: bar.advance(task, n))
            target = output or Path(prepared.filename)
            with target.open("wb") as fh:
                async for chunk in run:
                    fh.write(chunk)
        return prepared, run

    prepared, run = _run(settings, work)
    assert run.trailer is not None
    rows = ", ".join(f"{n} {s}" for s, n in run.trailer.row_counts.items())
    console.print(f"wrote {output or prepared.filename}: {run.size_bytes} bytes; {rows}")
    console.print(run.trailer.checksum)


@app.command("export")
def export_command(
    format: str = typer.Option("json", "--format", "-f", help="json, csv (a zip) or ndjson."),
    period: str = typer.Option(None, "--period", "-p", help="7d, 14d, 30d, 90d, 365d or all (default 30d)."),
    start: datetime | None = typer.Option(None, "--start", formats=["%Y-%m-%d"], help="First local day."),
    end: datetime | None = typer.Option(None, "--end", formats=["%Y-%m-%d"], help="Last local day."),
    include: str = typer.Option(None, "--include", help="Sections, comma-separated (default all)."),
    user_id: str = typer.Option(None, "--user", help="Whose data (default: the default user)."),
    output: Path = typer.Option(
        None, "--output", "-o", help="The file (default learning_export_<date>.<ext>)."
    ),
) -> None:
    """Export a learner's data as JSON, a CSV zip or NDJSON, within LA_EXPORT__MAX_DAYS and _MAX_RECORDS."""
    try:
        fmt = ExportFormat.parse(format)
        chosen = Period.from_rest(period) if period else None
    except InvalidInput as e:
        raise typer.BadParameter(e.message, param_hint=f"--{e.field}") from e
    _write_export(
        get_settings(), output, user_id=user_id, format=fmt, everything=False, period=chosen, start=start,
        end=end, include=include,
    )  # fmt: skip


@users_app.command("export")
def users_export(
    user_id: str = typer.Argument(..., help="The user's id."),
    output: Path = typer.Option(
        None, "--output", "-o", help="The file (default learning_export_<date>.json)."
    ),
) -> None:
    """Everything held about a learner: the JSON export of every section and every day, without limits."""
    _write_export(get_settings(), output, user_id=user_id, format=ExportFormat.JSON, everything=True)


@users_app.command("delete")
def users_delete(
    user_id: str = typer.Argument(..., help="The user's id."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a learner, their keys and every raw and derived row of theirs, in one transaction."""
    if not yes:
        typer.confirm(f"delete {user_id} and all their data for good?", abort=True)

    async def work(runtime: Runtime) -> export.Deletion:
        try:
            return await export.delete_learner(runtime, user_id=user_id)
        except NotFound as e:
            raise typer.BadParameter(e.message, param_hint="USER") from e

    deletion = _run(get_settings(), work)
    removed = ", ".join(f"{table} {n}" for table, n in deletion.removed.items() if n)
    console.print(f"deleted {deletion.user_id}: {deletion.total} rows ({removed})")


def _line_items(line: bytes) -> int:
    try:
        raw = orjson.loads(line)
        return sum(len(raw.get(k) or []) for k in ("sessions", "exchanges", "feedback")) or 1
    except (orjson.JSONDecodeError, AttributeError, TypeError):
        return 1


@app.command()
def aggregate(
    rebuild: bool = typer.Option(False, "--rebuild", help="Recompute from raw rows instead of folding."),
    from_: datetime | None = typer.Option(
        None, "--from", formats=["%Y-%m-%d"], help="First local day to rebuild (default: the first)."
    ),
    to: datetime | None = typer.Option(
        None, "--to", formats=["%Y-%m-%d"], help="Last local day to rebuild (default: the last)."
    ),
    user_id: str | None = typer.Option(None, "--user", help="Rebuild this user only (default: everyone)."),
) -> None:
    """Fold the dirty buckets into the rollups; with --rebuild, recompute a range from raw rows."""
    settings = get_settings()
    if not rebuild and (from_ or to or user_id):
        raise typer.BadParameter("--from, --to and --user only go with --rebuild", param_hint="--rebuild")
    start = from_.date() if from_ else None
    end = to.date() if to else None
    if start and end and end < start:
        raise typer.BadParameter(f"--to {end} is before --from {start}", param_hint="--to")

    async def work(runtime: Runtime) -> FoldResult:
        now = datetime.now(UTC)
        if not rebuild:
            return await rollups.fold(runtime, now=now, record_idle=True)
        if user_id is not None:
            try:
                await users.get_user(runtime, user_id=user_id)
            except NotFound as e:
                raise typer.BadParameter(e.message, param_hint="--user") from e
        with Progress(
            TextColumn("rebuild"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
        ) as bar:
            task = bar.add_task("days", total=None)
            return await rollups.rebuild(
                runtime,
                now=now,
                user_id=user_id,
                start=start,
                end=end,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )

    result = _run(settings, work)
    console.print(
        f"{result.kind}: {result.marks} dirty hours over {result.days} days, "
        f"{result.buckets} rollup rows written in {result.duration_ms:.0f} ms (run {result.run_id})"
    )
    if result.failed:
        err.print(
            f"[red]error:[/red] {len(result.failed)} learner(s) could not be folded, their events stay "
            f"marked: {', '.join(result.failed)} (errors in aggregation_runs and the log)"
        )
        raise typer.Exit(1)


@cache_app.command("clear")
def cache_clear(
    user: str = typer.Option(None, "--user", help="Only this user's answers (default: every answer)."),
) -> None:
    """Drop cached answers from the shared cache (LA_CACHE_URL); the in-memory cache lives and dies
    with each server process, so there is nothing to clear from here without Redis."""
    settings = get_settings()
    if not settings.cache_url:
        err.print(
            "[red]error:[/red] LA_CACHE_URL is not set: the in-memory cache belongs to the server process "
            "(restart it to empty it)"
        )
        raise typer.Exit(2)

    async def work(runtime: Runtime) -> int:
        return await response_cache.clear(runtime, user_id=user)

    dropped = _run(settings, work, upgrade=False)
    who = f"user {user!r}" if user else "every user"
    typer.echo(f"cleared {dropped} cached answer(s) of {who}")


@app.command()
def worker() -> None:
    """Run the scheduled jobs (rollup folds, retention) without the API, until Ctrl-C or SIGTERM."""
    # Loaded here, like the server: the scheduler and the jobs' modules are not needed by other commands.
    from . import jobs
    from .jobs.fold import close_abandoned

    settings = get_settings()
    if not settings.cache_url:
        err.print(
            "[yellow]warning:[/yellow] LA_CACHE_URL is not set: the API processes' in-memory caches do not "
            "hear of this worker's folds (their answers catch up within the fold interval)"
        )

    async def work(runtime: Runtime) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await close_abandoned(runtime, datetime.now(UTC))
        async with jobs.running(runtime, enabled=True) as scheduler:
            assert scheduler is not None
            err.print(f"worker: scheduled {', '.join(scheduler.job_ids)}; Ctrl-C stops")
            await stop.wait()
        err.print("worker: stopped")

    _run(settings, work)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()
