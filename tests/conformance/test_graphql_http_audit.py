"""GraphQL over HTTP conformance: the graphql-http package's server audits against a real uvicorn server.

`make install` installs the audit suite (npm, version pinned in package-lock.json) next to this file;
the script prints one line per audit and a JSON summary. Every audit must pass: no MUST (error),
no SHOULD (warning) and no MAY (notice) left failing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from abuse.conftest import start_server, stop_server

from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users

HERE = Path(__file__).parent
SCRIPT = HERE / "graphql_http_audit.mjs"


def _audit(url: str, authorization: str | None = None) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the graphql-http audit needs Node.js 18 or newer")
    assert (HERE / "node_modules" / "graphql-http").is_dir(), "run `make install` to install the audit suite"
    result = subprocess.run(
        [node, str(SCRIPT), url, *([authorization] if authorization else [])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    summary["report"] = result.stdout
    return summary


def test_single_user_mode_passes_every_graphql_over_http_audit(database_url: str) -> None:
    server = start_server(database_url)
    try:
        summary = _audit(server.url + "/graphql")
    finally:
        stop_server(server)

    assert (summary["warn"], summary["error"], summary["notice"]) == (0, 0, 0), summary["report"]
    assert summary["ok"] >= 61


async def test_with_api_keys_every_graphql_over_http_audit_passes_too(
    database_url: str, runtime: Runtime
) -> None:
    now = datetime.now(UTC)
    await users.create_user(runtime.db, user_id="ada", name="Ada", timezone="UTC", now=now)
    key = await users.create_key(runtime.db, user_id="ada", now=now)
    server = start_server(database_url)
    try:
        summary = _audit(server.url + "/graphql", f"Bearer {key}")
    finally:
        stop_server(server)

    assert (summary["warn"], summary["error"], summary["notice"]) == (0, 0, 0), summary["report"]
    assert summary["ok"] >= 61
