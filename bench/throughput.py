"""Throughput of cached and uncached answers against the ceiling of a plain Starlette JSON route.

In one run, with one load tool (wrk, from Debian: `apt-get install -y wrk`), each target on its
own uvicorn process (one worker, uvloop + httptools) on this machine:
  - ceiling:       a Starlette route answering a small JSON object (no middleware, no database);
  - graphql:       POST /graphql `overview(period: LAST_30_DAYS)`, cached (the default) and uncached
                   (LA_CACHE__ENABLED=false), on the demo history (one learner, 120 days, folded);
  - rest:          GET /api/analytics/overview?period=30d, cached and uncached, when the route exists.
Prints req/s, p50 and p99 latency and the ratio of req/s to the ceiling.

    .venv/bin/python bench/throughput.py [--seconds 8] [--connections 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from learning_analytics.config import Settings
from learning_analytics.resolvers import rollups
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import open_runtime

OVERVIEW = (
    "{ overview(period: LAST_30_DAYS) { summary { totalSessions totalExchanges avgQuality streakDays "
    "uniqueTopics totalMinutes } trends { sessions { value change } quality { value change } engagement "
    "{ value } } streak { current longest } meta { cached generatedAt } } }"
)
CEILING_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

async def hello(request):
    return JSONResponse({"status": "ok", "answer": 42})

app = Starlette(routes=[Route("/hello", hello)])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def wrk(
    url: str, *, seconds: int, connections: int, script: Path | None = None
) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) of one wrk run (one thread)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"non-2xx answers from {url}:\n{out}")

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rps, pct("50"), pct("99")


def serve(args: list[str], env: dict[str, str], port: int, probe: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(f"http://127.0.0.1:{port}{probe}", proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


async def prepare(database_url: str) -> None:
    settings = Settings(database_url=database_url, scheduler=False)
    async with open_runtime(settings) as runtime:
        now = datetime.now(UTC)
        await load_demo(runtime, n_users=1, days=120, seed=42, now=now)
        await rollups.fold(runtime, now=now)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="each target measured once a round")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="la-throughput-"))
    database_url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    asyncio.run(prepare(database_url))
    (work / "ceiling_app.py").write_text(CEILING_APP)
    post = work / "graphql.lua"
    body = '{"query": "' + OVERVIEW.replace('"', '\\"') + '"}'
    post.write_text(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[{body}]]\n'
    )
    env = {**os.environ, "LA_DATABASE_URL": database_url, "LA_SCHEDULER": "off", "LA_LOG_LEVEL": "warning"}
    run = {"seconds": args.seconds, "connections": args.connections}

    # Every server runs for the whole measurement (each idle while another is measured), and each round
    # measures every target once, so the machine's drifting load falls on all of them alike.
    procs: list[subprocess.Popen[bytes]] = []
    targets: list[tuple[str, str, Path | None]] = []
    try:
        port = free_port()
        uvicorn = [sys.executable, "-m", "uvicorn", "--app-dir", str(work), "--port", str(port)]
        procs.append(serve([*uvicorn, "--log-level", "warning", "ceiling_app:app"], env, port, "/hello"))
        targets.append(("ceiling: Starlette JSON route", f"http://127.0.0.1:{port}/hello", None))
        for label, extra in (("cached", {}), ("uncached", {"LA_CACHE__ENABLED": "false"})):
            port = free_port()
            cli = [sys.executable, "-m", "learning_analytics.cli", "serve", "--port", str(port)]
            procs.append(serve(cli, {**env, **extra}, port, "/healthz"))
            base = f"http://127.0.0.1:{port}"
            httpx.post(f"{base}/graphql", json={"query": OVERVIEW}, timeout=30).raise_for_status()
            httpx.get(f"{base}/api/analytics/overview?period=30d", timeout=30).raise_for_status()
            targets.append((f"GraphQL overview, {label}", f"{base}/graphql", post))
            targets.append((f"REST overview, {label}", f"{base}/api/analytics/overview?period=30d", None))
        measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, url, script in targets:
                measured[name].append(wrk(url, script=script, **run))
        for name, url, _ in targets[1::2]:  # the GraphQL target of each application server
            base = url.rsplit("/graphql", 1)[0]
            lookups = [
                line for line in httpx.get(f"{base}/metrics", timeout=10).text.splitlines()
                if line.startswith("analytics_cache_lookups_total")
            ]  # fmt: skip
            print(f"{name.split(', ')[1]}: {'; '.join(lookups) or 'no cache lookups'}", file=sys.stderr)
    finally:
        for proc in procs:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    ceiling = median([rps for rps, _, _ in measured[targets[0][0]]])
    print(
        f"wrk -t1 -c{args.connections} -d{args.seconds}s, {args.rounds} rounds (medians), "
        f"one uvicorn worker each, {os.cpu_count()} cores"
    )
    print(f"{'target':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'of ceiling':>11}")
    for name, _, _ in targets:
        runs = measured[name]
        rps = median([r for r, _, _ in runs])
        p50 = median([p for _, p, _ in runs])
        p99 = median([p for _, _, p in runs])
        print(f"{name:34} {rps:9.0f} {p50:8.2f} {p99:8.2f} {rps / ceiling:10.1%}")


if __name__ == "__main__":
    main()
