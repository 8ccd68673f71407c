"""Exports, reports and data rights through the real ASGI app: REST downloads, GraphQL, and the CLI."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from support import events, exchange, feedback, gql, run_cli, session

from learning_analytics.config import Settings


def _history() -> dict[str, Any]:
    """Two sessions today (UTC) of 30 and 15 minutes: three exchanges of quality 0.5, 0.7 and 0.9."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return events(
        [session("s1", start, 30, topics=["python"]), session("s2", start + timedelta(minutes=35), 15)],
        [
            exchange("e1", "s1", start + timedelta(minutes=1), 0.5, topics=["python"]),
            exchange("e2", "s1", start + timedelta(minutes=2), 0.7),
            exchange("e3", "s2", start + timedelta(minutes=36), 0.9, user_text="hello, world"),
        ],
        [feedback("f1", "e1", start + timedelta(minutes=3), "thumbs_up", rating=1.0)],
    )


async def _loaded(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/analytics/events", json=_history())
    assert r.status_code == 200, r.text
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    from learning_analytics.resolvers.rollups import fold

    await fold(runtime, now=datetime.now(UTC))


async def test_a_json_download_names_its_file_and_holds_the_period(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)

    r = await app_client.get(
        "/api/analytics/export", params={"format": "json", "period": "7d", "include": "sessions,quality"}
    )

    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"].startswith('attachment; filename="learning_export_')
    doc = r.json()
    assert [s["id"] for s in doc["sections"]["sessions"]] == ["s1", "s2"]
    assert [e["quality"] for e in doc["sections"]["exchanges"]] == [0.5, 0.7, 0.9]
    assert doc["row_counts"] == {"sessions": 2, "exchanges": 3}
    assert doc["summary"]["total_minutes"] == 45.0
    assert doc["summary"]["avg_quality"] == pytest.approx((0.5 + 0.7 + 0.9) / 3)


async def test_the_csv_download_is_a_zip_of_csv_files(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)

    r = await app_client.get("/api/analytics/export", params={"format": "csv", "period": "30d"})

    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    name = next(n for n in archive.namelist() if n.endswith("/daily_metrics.csv"))
    rows = list(csv.DictReader(io.StringIO(archive.read(name).decode())))
    assert len(rows) == 1
    assert (rows[0]["sessions"], rows[0]["exchanges"], float(rows[0]["minutes"])) == ("2", "3", 45.0)
    assert float(rows[0]["avg_quality"]) == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({"period": "1000d"}, "period"),
        ({"include": "sessions,passwords"}, "include"),
        ({"start": "2026-13-01", "end": "2026-12-01"}, "start"),
        ({"start": "1970-01-01", "end": "2026-01-01"}, "start"),
        ({"start": "2026-01-01"}, "end"),
        ({"limit": "5"}, "limit"),
    ],
)
async def test_bad_parameters_get_a_400_naming_them(
    app_client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    r = await app_client.get("/api/analytics/export", params=params)

    assert r.status_code == 400, r.text
    assert r.json()["error"]["field"] == field


async def test_graphql_export_inlines_small_json_with_the_downloads_checksum(
    app_client: httpx.AsyncClient,
) -> None:
    await _loaded(app_client)
    query = """{ export(format: JSON, period: LAST_7_DAYS, include: [SESSIONS, EXCHANGES]) {
        id format checksum rowCounts sizeBytes downloadUrl data periodStart periodEnd } }"""

    answer = (await gql(app_client, query))["data"]["export"]
    download = await app_client.get(answer["downloadUrl"])

    assert answer["rowCounts"] == {"sessions": 2, "exchanges": 3}
    assert answer["data"]["checksum"] == answer["checksum"] == download.json()["checksum"]
    assert answer["sizeBytes"] == len(orjson.dumps(answer["data"])) or answer["sizeBytes"] > 0
    csv_answer = (await gql(app_client, "{ export(format: CSV) { data sizeBytes checksum } }"))["data"][
        "export"
    ]
    assert csv_answer["data"] is None and csv_answer["checksum"].startswith("sha256:")


async def test_graphql_export_over_the_day_limit_is_a_bad_user_input(app_client: httpx.AsyncClient) -> None:
    body = await gql(app_client, '{ export(start: "1990-01-01", end: "2026-01-01") { id } }')

    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "start" and error["extensions"]["limit"] == 365


async def test_the_weekly_report_counts_the_week_and_renders(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)

    body = await gql(
        app_client,
        "{ report(period: WEEKLY) { period summary { totalSessions totalExchanges totalMinutes } highlights markdown html goals { id } } }",
    )
    page = await app_client.get("/reports/weekly")

    report = body["data"]["report"]
    assert report["summary"] == {"totalSessions": 2, "totalExchanges": 3, "totalMinutes": 45.0}
    assert report["highlights"][0].startswith("You studied 2 sessions and 3 exchanges this week")
    assert "Average quality was 70%." in report["highlights"]
    assert report["markdown"].startswith("# Weekly progress report")
    active = (await gql(app_client, "{ goals(status: ACTIVE) { id } }"))["data"]["goals"]
    assert report["goals"] == active
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "You studied 2 sessions" in page.text
    assert "style-src 'sha256-" in page.headers["content-security-policy"]


async def test_delete_my_data_needs_the_word_then_removes_everything(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)
    mutation = "mutation($c: String!) { deleteMyData(confirm: $c) { __typename ... on ValidationError { field code } ... on DataDeleted { total removed } } }"

    refused = (await gql(app_client, mutation, {"c": "yes"}))["data"]["deleteMyData"]
    still = (await gql(app_client, "{ sessions { totalCount } }"))["data"]["sessions"]["totalCount"]
    done = (await gql(app_client, mutation, {"c": "DELETE"}))["data"]["deleteMyData"]
    after = (await gql(app_client, "{ sessions { totalCount } }"))["data"]["sessions"]["totalCount"]

    assert refused == {"__typename": "ValidationError", "field": "confirm", "code": "confirmation_required"}
    assert still == 2
    assert done["removed"]["learning_sessions"] == 2 and done["removed"]["exchanges"] == 3
    assert done["removed"]["feedback"] == 1 and done["removed"]["users"] == 1
    assert after == 0
    # The default learner comes back at once, empty, and can record again.
    again = await app_client.post("/api/analytics/events", json=_history())
    assert again.status_code == 200 and again.json()["accepted"] == 6


async def test_no_cached_answer_outlives_a_deletion(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)
    query = "{ overview(period: LAST_7_DAYS) { summary { totalSessions } meta { cached } } }"
    first = (await gql(app_client, query))["data"]["overview"]
    second = (await gql(app_client, query))["data"]["overview"]
    mutation = 'mutation { deleteMyData(confirm: "DELETE") { __typename } }'
    assert (await gql(app_client, mutation))["data"]["deleteMyData"]["__typename"] == "DataDeleted"
    after = (await gql(app_client, query))["data"]["overview"]

    assert first == {"summary": {"totalSessions": 2}, "meta": {"cached": False}}
    assert second == {"summary": {"totalSessions": 2}, "meta": {"cached": True}}
    assert after == {"summary": {"totalSessions": 0}, "meta": {"cached": False}}


async def test_export_my_data_holds_every_section(app_client: httpx.AsyncClient) -> None:
    await _loaded(app_client)

    answer = (await gql(app_client, "mutation { exportMyData { downloadUrl rowCounts checksum } }"))["data"][
        "exportMyData"
    ]
    download = await app_client.get(answer["downloadUrl"])

    assert set(answer["rowCounts"]) == {
        "sessions",
        "exchanges",
        "feedback",
        "daily",
        "weekly",
        "topics",
        "goals",
        "achievements",
        "insights",
    }
    assert download.json()["checksum"] == answer["checksum"]


def test_the_cli_exports_imports_and_deletes(settings: Settings, tmp_path: Any) -> None:
    import asyncio

    from support import client_for

    async def load() -> None:
        async with client_for(settings) as client:
            await _loaded(client)

    asyncio.run(load())
    out = tmp_path / "export.zip"
    exported = run_cli(settings, "export", "--format", "csv", "--period", "90d", "-o", str(out))
    assert "9/9" in exported.stderr  # the progress bar: 2 sessions, 3 exchanges, 1 feedback, day, week, topic
    assert zipfile.ZipFile(out).testzip() is None
    mine = tmp_path / "mine.ndjson"
    run_cli(settings, "export", "--format", "ndjson", "--period", "all", "-o", str(mine))
    checksum = run_cli(
        settings, "users", "export", "default", "-o", str(tmp_path / "all.json")
    ).stdout.split()[-1]
    assert checksum.startswith("sha256:")

    deleted = run_cli(settings, "users", "delete", "default", "--yes")
    assert "learning_sessions 2" in deleted.stdout and "exchanges 3" in deleted.stdout
    restored = run_cli(settings, "import", str(mine))
    assert "accepted 6" in restored.stdout

    bad = run_cli(settings, "export", "--format", "pdf", check=False)
    assert bad.returncode != 0 and "format" in bad.stderr


async def test_a_client_that_disconnects_stops_the_export(settings: Settings) -> None:
    import asyncio

    from support import client_for

    small_pages = settings.export.model_copy(
        update={"batch_rows": 50, "chunk_bytes": 1024, "max_records": 100_000}
    )
    settings = settings.model_copy(update={"export": small_pages})
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    body = events(
        [session("s", start, 60)],
        [exchange(f"e{i}", "s", start + timedelta(seconds=i), 0.5, user_text="x" * 100) for i in range(3000)],
    )
    async with client_for(settings) as client:
        assert (await client.post("/api/analytics/events", json=body)).status_code == 200
        app = client.app  # type: ignore[attr-defined]
        first_chunk = asyncio.Event()
        chunks: list[bytes] = []
        requested: list[bool] = []

        async def receive() -> dict[str, Any]:
            if not requested:
                requested.append(True)
                return {"type": "http.request", "body": b"", "more_body": False}
            await first_chunk.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                chunks.append(message["body"])
                first_chunk.set()

        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": "/api/analytics/export", "raw_path": b"/api/analytics/export",
            "query_string": b"format=ndjson&include=exchanges", "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8000")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000),
        }  # fmt: skip
        await asyncio.wait_for(app(scope, receive, send), timeout=30)

        # 3,000 exchanges of ~300 bytes make ~900 KB in 1 KiB chunks: the stream stopped long before.
        assert 1 <= len(chunks) < 100
        history = (await gql(client, "{ export(format: JSON, include: [SESSIONS]) { id } }"))["data"]
        assert history["export"]["id"]
        runtime = app.state.runtime
        from learning_analytics.resolvers import export as export_use_cases
        from learning_analytics.resolvers.auth import default_user
        from learning_analytics.resolvers.context import build_context

        ctx = build_context(runtime, await default_user(runtime))
        recorded = await export_use_cases.export_history(ctx)
        assert [h["format"] for h in recorded] == ["json"]  # the interrupted NDJSON export is not recorded
