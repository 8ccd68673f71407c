"""The doubling-fragment document against a real server: how long its answer takes, and /healthz meanwhile.

Fragment F_i spreads F_(i−1) twice, so a document of about 40 bytes per level names 2^levels fields.
Starts `learning-analytics serve` (uvicorn, one process, a fresh SQLite file), posts the document
for each number of levels while polling /healthz every 50 ms, and prints both times.

    .venv/bin/python bench/fragment_attack.py 20 30 40
    .venv/bin/python bench/fragment_attack.py --source /path/to/another/checkout 16 18 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def doubling(levels: int) -> str:
    parts = ["fragment F0 on Query { __typename }"]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    parts.append(f"query {{ ...F{levels} }}")
    return "\n".join(parts)


def serve(source: str | None, port: int, database: str) -> subprocess.Popen[bytes]:
    """The service on 127.0.0.1:port; from `source` (a checkout) instead of the installed package if given."""
    boot = "import runpy, sys; "
    if source:  # drop the editable install's finder so that the checkout's package is imported
        boot += f"sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]; sys.path.insert(0, {source!r}); "
    boot += (
        "sys.argv[0] = 'learning-analytics'; runpy.run_module('learning_analytics.cli', run_name='__main__')"
    )
    env = {**os.environ, "LA_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "LA_SCHEDULER": "off"}
    command = [sys.executable, "-c", boot, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def attack(url: str, levels: int) -> None:
    worst = 0.0
    done = asyncio.Event()

    async def poll() -> None:
        nonlocal worst
        async with httpx.AsyncClient(base_url=url, timeout=300) as health:
            while not done.is_set():
                started = time.perf_counter()
                await health.get("/healthz")
                worst = max(worst, time.perf_counter() - started)
                await asyncio.sleep(0.05)

    poller = asyncio.create_task(poll())
    await asyncio.sleep(0.1)
    document = doubling(levels)
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": document})
        took = time.perf_counter() - started
    done.set()
    await poller
    errors = response.json().get("errors") or [{"message": "no error"}]
    print(
        f"levels={levels:3d} bytes={len(document):5d} answered in {took * 1000:8.0f} ms, "
        f"worst /healthz {worst * 1000:8.0f} ms: {errors[0]['message'][:80]}",
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("levels", type=int, nargs="+")
    parser.add_argument("--source", help="a checkout to serve instead of the installed package")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        process = serve(args.source, port, f"{scratch}/attack.db")
        try:
            async with httpx.AsyncClient(base_url=url, timeout=2) as client:
                for _ in range(300):
                    try:
                        if (await client.get("/healthz")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.2)
            for levels in args.levels:
                await attack(url, levels)
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    asyncio.run(main())
