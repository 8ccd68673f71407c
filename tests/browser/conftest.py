"""Fixtures of the browser suite: Debian's Chromium driven by Playwright, and real server processes.

The browser is `/usr/bin/chromium` (Debian's package; `.ci/run` installs it when it is missing):
Playwright never downloads one. Every page runs in a context that lets requests reach the server
under test and nothing else: any other request is aborted and recorded, and a test fails if there
is one. Servers are `learning-analytics serve` processes on a free port, on the backend under test
(a scratch database of its own on PostgreSQL, a file on SQLite) with the demo history or none.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from abuse.conftest import LiveServer, _free_port, stop_server
from conftest import BACKEND, create_pg_database, drop_pg_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
# Screenshots for a person to look at; never committed (see .gitignore).
ARTIFACTS = Path(os.environ.get("LA_BROWSER_ARTIFACTS", Path(__file__).parents[2] / "artifacts" / "browser"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium")
                )


def cli(database_url: str, *args: str) -> str:
    env = {**os.environ, "LA_DATABASE_URL": database_url, "LA_SCHEDULER": "off", "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


class Databases:
    """Fresh, migrated databases for this run's servers, dropped at the end on PostgreSQL."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pg_names: list[str] = []

    def new(self, name: str) -> str:
        if BACKEND == "postgres":
            pg_name = f"la_browser_{name}_{os.getpid()}"
            url = asyncio.run(create_pg_database(pg_name))
            self.pg_names.append(pg_name)
        else:
            url = f"sqlite+aiosqlite:///{self.tmp / name}.db"
        cli(url, "db", "upgrade")
        return url

    def drop(self) -> None:
        for name in self.pg_names:
            asyncio.run(drop_pg_database(name))


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("browser"))
    yield dbs
    dbs.drop()


def serve(database_url: str, *args: str) -> LiveServer:
    """`learning-analytics serve ARGS` on a free port, once `/readyz` answers (a demo load included)."""
    port = _free_port()
    env = {**os.environ, "LA_DATABASE_URL": database_url, "LA_SCHEDULER": "off", "LA_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "learning_analytics.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return LiveServer(url=url, process=process, env=env)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("server did not start within 300 s")


@pytest.fixture(scope="session")
def demo_database(databases: Databases) -> str:
    """A database that `serve --demo` filled with the demo history (one learner, 120 days, seed 42)
    and folded, as the README's run command does."""
    url = databases.new("demo")
    stop_server(serve(url, "--demo"))
    return url


@pytest.fixture(scope="session")
def demo_server(demo_database: str) -> Iterator[LiveServer]:
    server = serve(demo_database)
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def keyed_server(databases: Databases) -> Iterator[tuple[LiveServer, str]]:
    """A fresh server with one learner and an API key (keys are then required), and no data."""
    url = databases.new("keyed")
    key = cli(url, "users", "create", "Ada", "--timezone", "Europe/Paris").strip().splitlines()[-1]
    server = serve(url)
    yield server, key
    stop_server(server)


@dataclass
class Guard:
    """What a page tried that it should not have: requests to another origin, uncaught errors,
    Content Security Policy violations."""

    origin: str
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.blocked == [], f"requests outside {self.origin}: {self.blocked}"
        assert self.errors == [], self.errors


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium for one test. Playwright's sync API runs an event loop while it is open, which would
    stop any later asyncio test of the session from starting its own: it is closed after each test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, Guard]]]:
    """`open_page(server, path, width=1280, scheme="light")`: a fresh context allowed to reach only
    `server`; returns the page and its guard, which is checked when the test ends."""
    contexts: list[tuple[Any, Guard]] = []

    def open_(
        server: LiveServer, path: str = "/", *, width: int = 1280, height: int = 900, scheme: str = "light"
    ) -> tuple[Any, Guard]:
        origin = server.url
        guard = Guard(origin=origin)
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            locale="en-US",
            timezone_id="Europe/Paris",
            service_workers="block",
        )

        def only_the_server(route: Any) -> None:
            url = route.request.url
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob") or f"{parts.scheme}://{parts.netloc}" == origin:
                route.continue_()
            else:
                guard.blocked.append(url)
                route.abort()

        context.route("**/*", only_the_server)
        page = context.new_page()
        page.on("pageerror", lambda e: guard.errors.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and guard.errors.append(f"CSP: {m.text}"),
        )
        page.set_default_timeout(20_000)
        page.goto(origin + path)
        contexts.append((context, guard))
        return page, guard

    yield open_
    for context, guard in contexts:
        context.close()
        guard.check()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
