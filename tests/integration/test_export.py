"""Exports on a real database: each format holds exactly the period's rows of the caller, the same
checksum whatever the format, limits refused before anything is read, the history recorded."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from export_data import NOW, history, learner, load

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.export import ExportFormat, ExportSection
from learning_analytics.domain.periods import Period
from learning_analytics.resolvers import export
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.runtime import Runtime

TODAY = date(2026, 11, 20)


async def _bytes(ctx: Any, prepared: export.PreparedExport) -> tuple[bytes, export.ExportRun]:
    run = export.ExportRun(ctx, prepared)
    out = b"".join([chunk async for chunk in run])
    return out, run


async def _setup(runtime: Runtime) -> Any:
    me = await learner(runtime, "u1")
    other = await learner(runtime, "u2")
    await load(runtime, me, history())
    await load(runtime, other, history("x"))
    return build_context(runtime, me, now=NOW)


async def test_a_json_export_of_30_days_holds_the_callers_rows_of_those_days(runtime: Runtime) -> None:
    ctx = await _setup(runtime)

    prepared = await export.prepare_export(ctx, format=ExportFormat.JSON, period=Period.LAST_30_DAYS)
    body, run = await _bytes(ctx, prepared)
    doc = orjson.loads(body)

    sections = doc["sections"]
    # Days 0, 1 and 10 ago are in the last 30 days; 40 ago is not; u2's rows never appear.
    assert [s["id"] for s in sections["sessions"]] == ["s10", "s1", "s0"]
    assert [e["id"] for e in sections["exchanges"]] == ["s10e1", "s10e2", "s1e1", "s1e2", "s0e1", "s0e2"]
    assert [f["id"] for f in sections["feedback"]] == ["s10f1", "s1f1", "s0f1"]
    session = sections["sessions"][-1]
    assert session == {
        "id": "s0", "started_at": "2026-11-20T10:00:00Z", "ended_at": "2026-11-20T10:30:00Z",
        "local_day": "2026-11-20", "local_hour": 11, "duration_minutes": 30.0, "total_exchanges": None,
        "avg_quality_score": None, "exchange_count": 2, "avg_quality": 0.75, "topics": ["python", "sql"],
    }  # fmt: skip
    assert sections["exchanges"][0]["occurred_at"] == "2026-11-10T10:01:00Z"
    assert sections["feedback"][0]["created_at"] == "2026-11-10T10:03:00Z"
    e2 = sections["exchanges"][-1]
    assert (e2["quality"], e2["accuracy"], e2["topics"]) == (0.9, 1.0, ["sql"])
    assert e2["user_text"] == 'what is a join?\nand a "view", with commas'
    # Each active day: 1 session, 2 exchanges, 30 minutes, mean quality (0.6 + 0.9) / 2, one correction.
    daily = sections["daily"]
    assert [d["day"] for d in daily] == ["2026-11-10", "2026-11-19", "2026-11-20"]
    assert {
        (d["sessions"], d["exchanges"], d["minutes"], d["avg_quality"], d["corrections"]) for d in daily
    } == {(1, 2, 30.0, 0.75, 1)}
    assert sections["topics"] == [
        {"topic": "python", "exchanges": 3, "sessions": 3, "avg_quality": 0.6, "first_day": "2026-11-10", "last_day": "2026-11-20"},
        {"topic": "sql", "exchanges": 6, "sessions": 3, "avg_quality": 0.75, "first_day": "2026-11-10", "last_day": "2026-11-20"},
    ]  # fmt: skip
    assert doc["summary"]["total_sessions"] == 3
    assert doc["summary"]["total_exchanges"] == 6
    assert doc["summary"]["total_minutes"] == 90.0
    assert doc["row_counts"] == {
        "sessions": 3, "exchanges": 6, "feedback": 3, "daily": 3, "weekly": 2, "topics": 2, "goals": 0,
        "achievements": 0, "insights": 0,
    }  # fmt: skip
    assert doc["checksum"].startswith("sha256:") and len(doc["checksum"]) == 7 + 64
    assert doc["metadata"]["start"] == "2026-10-22" and doc["metadata"]["end"] == "2026-11-20"
    assert run.size_bytes == len(body)


async def test_every_format_carries_the_same_reproducible_checksum(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    checksums = set()
    for fmt in ExportFormat:
        for _ in range(2):
            prepared = await export.prepare_export(ctx, format=fmt, period=Period.LAST_90_DAYS)
            _, run = await _bytes(ctx, prepared)
            assert run.trailer is not None
            checksums.add(run.trailer.checksum)

    assert len(checksums) == 1
    history_rows = await export.export_history(ctx)
    assert len(history_rows) == 6
    assert {h["checksum"] for h in history_rows} == checksums
    assert {h["format"] for h in history_rows} == {"json", "csv", "ndjson"}


async def test_the_csv_zip_opens_and_each_csv_parses_into_the_json_records(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    as_json = orjson.loads(
        (
            await _bytes(
                ctx, await export.prepare_export(ctx, format=ExportFormat.JSON, period=Period.LAST_90_DAYS)
            )
        )[0]
    )

    body, run = await _bytes(
        ctx, await export.prepare_export(ctx, format=ExportFormat.CSV, period=Period.LAST_90_DAYS)
    )
    archive = zipfile.ZipFile(io.BytesIO(body))

    root = f"learning_export_{NOW.date().isoformat()}/"
    names = archive.namelist()
    assert {n.removeprefix(root) for n in names} >= {
        "summary.csv", "sessions.csv", "daily_metrics.csv", "quality_scores.csv", "topics.csv", "goals.csv",
        "achievements.csv", "README.txt",
    }  # fmt: skip
    assert archive.testzip() is None
    sessions = list(csv.DictReader(io.StringIO(archive.read(root + "sessions.csv").decode())))
    assert [s["id"] for s in sessions] == [s["id"] for s in as_json["sections"]["sessions"]]
    assert sessions[0]["total_exchanges"] == "5" and sessions[0]["topics"] == '["history"]'
    quality = list(csv.DictReader(io.StringIO(archive.read(root + "quality_scores.csv").decode())))
    assert [float(q["quality"]) for q in quality] == [e["quality"] for e in as_json["sections"]["exchanges"]]
    assert quality[1]["user_text"] == 'what is a join?\nand a "view", with commas'
    readme = archive.read(root + "README.txt").decode()
    assert run.trailer is not None and run.trailer.checksum in readme
    assert as_json["checksum"] == run.trailer.checksum


async def test_ndjson_is_one_record_a_line_between_metadata_and_end(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    prepared = await export.prepare_export(
        ctx, format=ExportFormat.NDJSON, period=Period.LAST_7_DAYS, sections=[ExportSection.EXCHANGES]
    )
    body, _ = await _bytes(ctx, prepared)
    lines = [orjson.loads(line) for line in body.splitlines()]

    assert lines[0]["type"] == "metadata" and lines[0]["sections"] == ["exchanges"]
    assert lines[1]["type"] == "summary"
    assert [x["data"]["id"] for x in lines[2:-1]] == ["s1e1", "s1e2", "s0e1", "s0e2"]
    assert lines[-1]["type"] == "end" and lines[-1]["row_counts"] == {"exchanges": 4}


async def test_explicit_dates_pick_exactly_those_local_days(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    prepared = await export.prepare_export(
        ctx, format=ExportFormat.JSON, start=TODAY - timedelta(days=40), end=TODAY - timedelta(days=10),
        sections=[ExportSection.SESSIONS],
    )  # fmt: skip
    doc = orjson.loads((await _bytes(ctx, prepared))[0])

    assert [s["id"] for s in doc["sections"]["sessions"]] == ["s40", "s10"]
    assert list(doc["sections"]) == ["sessions"]


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"start": date(1970, 1, 1), "end": TODAY}, "start", "too_many_days"),
        ({"start": TODAY, "end": TODAY - timedelta(days=1)}, "end", "invalid_range"),
        ({"start": TODAY}, "end", "invalid"),
        ({"start": date(1, 1, 1), "end": TODAY}, "start", "out_of_range"),
        ({"start": TODAY, "end": date(9999, 12, 31)}, "end", "out_of_range"),
        ({"sections": []}, "include", "empty"),
    ],
)
async def test_bad_requests_are_refused_naming_the_argument(
    runtime: Runtime, kwargs: dict[str, Any], field: str, code: str
) -> None:
    ctx = await _setup(runtime)
    with pytest.raises(InvalidInput) as e:
        await export.prepare_export(ctx, format=ExportFormat.JSON, **kwargs)
    assert (e.value.field, e.value.code) == (field, code)


async def test_more_records_than_the_limit_are_refused_before_anything_is_sent(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    ctx.settings = ctx.settings.model_copy(
        update={"export": ctx.settings.export.model_copy(update={"max_records": 5})}
    )

    with pytest.raises(InvalidInput) as e:
        await export.prepare_export(ctx, format=ExportFormat.JSON, period=Period.LAST_30_DAYS)

    assert (e.value.field, e.value.code, e.value.limit) == ("include", "too_many_records", 5)
    # Sessions alone (3) fit.
    ok = await export.prepare_export(
        ctx, format=ExportFormat.JSON, period=Period.LAST_30_DAYS, sections=[ExportSection.SESSIONS]
    )
    assert ok.expected_rows == {"sessions": 3}
    assert await export.export_history(ctx) == []


async def test_all_time_longer_than_the_day_limit_is_refused_on_period(runtime: Runtime) -> None:
    ctx = await _setup(runtime)
    ctx.settings = ctx.settings.model_copy(
        update={"export": ctx.settings.export.model_copy(update={"max_days": 30})}
    )

    with pytest.raises(InvalidInput) as e:
        await export.prepare_export(ctx, format=ExportFormat.JSON, period=Period.ALL_TIME)

    assert (e.value.field, e.value.code, e.value.limit) == ("period", "too_many_days", 30)


async def test_instants_are_written_as_orjson_writes_datetimes_on_either_database(runtime: Runtime) -> None:
    """Raw rows are read with their instants turned into text by SQL: the text must be exactly what
    orjson writes for the same datetime, with microseconds only when there are some."""
    from datetime import UTC, datetime

    from learning_analytics.domain.export.checksum import canonical
    from learning_analytics.domain.models import EventBatch, ExchangeInput, SessionInput

    me = await learner(runtime, "u1")
    base = datetime(2026, 11, 19, 9, 30, 5, tzinfo=UTC)
    micros = [0, 1, 123456, 999999]
    batch = EventBatch(
        sessions=(SessionInput(id="s", started_at=base, ended_at=None),),
        exchanges=tuple(
            ExchangeInput(id=f"e{i}", session_id="s", occurred_at=base.replace(second=10 + i, microsecond=m))
            for i, m in enumerate(micros)
        ),
    )
    await load(runtime, me, batch)
    ctx = build_context(runtime, me, now=NOW)

    prepared = await export.prepare_export(
        ctx, format=ExportFormat.JSON, period=Period.LAST_7_DAYS,
        sections=[ExportSection.SESSIONS, ExportSection.EXCHANGES],
    )  # fmt: skip
    doc = orjson.loads((await _bytes(ctx, prepared))[0])

    written = [e["occurred_at"] for e in doc["sections"]["exchanges"]]
    expected = [
        canonical({"at": base.replace(second=10 + i, microsecond=m)})[7:-2].decode()
        for i, m in enumerate(micros)
    ]
    assert written == expected == [
        "2026-11-19T09:30:10Z", "2026-11-19T09:30:11.000001Z", "2026-11-19T09:30:12.123456Z",
        "2026-11-19T09:30:13.999999Z",
    ]  # fmt: skip
    session = doc["sections"]["sessions"][0]
    assert (session["started_at"], session["ended_at"], session["duration_minutes"]) == (
        "2026-11-19T09:30:05Z", None, 0.0,
    )  # fmt: skip


async def test_achievements_unlocked_in_the_period_come_with_their_catalog_entry(runtime: Runtime) -> None:
    from learning_analytics.domain.achievements import CATALOG
    from learning_analytics.storage.tables import metadata

    ctx = await _setup(runtime)
    first, second = CATALOG[0], CATALOG[1]
    unlocks = metadata.tables["achievement_unlocks"]
    async with runtime.db.write() as conn:
        await conn.execute(unlocks.insert(), [
            {"user_id": "u1", "achievement_id": first.id, "unlocked_at": NOW - timedelta(days=2)},
            {"user_id": "u1", "achievement_id": second.id, "unlocked_at": NOW - timedelta(days=60)},
            {"user_id": "u2", "achievement_id": second.id, "unlocked_at": NOW - timedelta(days=1)},
        ])  # fmt: skip

    prepared = await export.prepare_export(
        ctx, format=ExportFormat.JSON, period=Period.LAST_30_DAYS, sections=[ExportSection.ACHIEVEMENTS]
    )
    doc = orjson.loads((await _bytes(ctx, prepared))[0])

    assert doc["sections"]["achievements"] == [
        {"id": first.id, "title": first.title, "description": first.description, "category": first.category.value,
         "rarity": first.rarity.value, "points": first.points, "unlocked_at": "2026-11-18T12:00:00Z"}
    ]  # fmt: skip
