"""Data rights on a real database: export → import into an empty database → export gives the same
checksum; deleting a learner leaves no row of theirs in any table and changes nothing of another's."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from export_data import NOW, history, learner, load
from sqlalchemy import func, select

from learning_analytics.domain.errors import InvalidInput, NotFound
from learning_analytics.domain.export import ExportFormat, ExportSection
from learning_analytics.domain.periods import Period
from learning_analytics.resolvers import export, restore
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage.tables import metadata, users_t

ROUND_TRIP = [
    s
    for s in ExportSection
    if s not in (ExportSection.GOALS, ExportSection.ACHIEVEMENTS, ExportSection.INSIGHTS)
]


def _save(path: Path, body: bytes) -> None:
    path.write_bytes(body)


async def _write(
    runtime: Runtime, user_id: str, fmt: ExportFormat, path: Path, *, everything: bool = False
) -> str:
    from learning_analytics.storage import users

    user = await users.get_user(runtime.db, user_id=user_id)
    assert user is not None
    ctx = build_context(runtime, user, now=NOW)
    prepared = await export.prepare_export(
        ctx, format=fmt, period=Period.LAST_90_DAYS, sections=ROUND_TRIP, everything=everything
    )
    run = export.ExportRun(ctx, prepared)
    body = b"".join([c async for c in run])
    _save(path, body)
    assert run.trailer is not None
    return run.trailer.checksum


async def _empty(runtime: Runtime) -> None:
    """Empty every table, as a fresh database is (the catalog of achievements aside)."""
    async with runtime.db.write() as conn:
        for t in reversed(metadata.sorted_tables):
            if t.name != "achievements":
                await conn.execute(t.delete())


@pytest.mark.parametrize("fmt", [ExportFormat.JSON, ExportFormat.NDJSON, ExportFormat.CSV])
async def test_export_import_export_gives_the_same_checksum(
    runtime: Runtime, tmp_path: Path, fmt: ExportFormat
) -> None:
    await load(runtime, await learner(runtime, "u1", tz="America/New_York"), history())
    first = await _write(runtime, "u1", fmt, tmp_path / "first")
    await _empty(runtime)

    result = await restore.restore(runtime, tmp_path / "first", now=NOW)
    second = await _write(runtime, "u1", fmt, tmp_path / "second")

    assert result.records == {"sessions": 4, "exchanges": 6, "feedback": 3}
    assert result.accepted == 13 and result.checksum == first
    assert second == first
    # Importing again adds nothing (exactly once by id).
    again = await restore.restore(runtime, tmp_path / "first", now=NOW)
    assert (again.accepted, again.duplicates) == (0, 13)


def _tamper(path: Path) -> None:
    doc = orjson.loads(path.read_bytes())
    doc["sections"]["exchanges"][0]["quality"] = 0.99
    path.write_bytes(orjson.dumps(doc))


async def test_an_altered_export_is_refused_before_anything_is_written(
    runtime: Runtime, tmp_path: Path
) -> None:
    await load(runtime, await learner(runtime, "u1"), history())
    await _write(runtime, "u1", ExportFormat.JSON, tmp_path / "x.json")
    _tamper(tmp_path / "x.json")
    await _empty(runtime)

    with pytest.raises(InvalidInput) as e:
        await restore.restore(runtime, tmp_path / "x.json", now=NOW)

    assert e.value.code == "checksum_mismatch"
    async with runtime.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(users_t)) == 0


async def test_an_altered_csv_zip_is_refused_before_anything_is_written(
    runtime: Runtime, tmp_path: Path
) -> None:
    import zipfile

    await load(runtime, await learner(runtime, "u1"), history())
    await _write(runtime, "u1", ExportFormat.CSV, tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as original, zipfile.ZipFile(tmp_path / "y.zip", "w") as altered:
        for item in original.infolist():
            data = original.read(item)
            if item.filename.endswith("quality_scores.csv"):
                data = data.replace(b",0.6,", b",0.61,", 1)
            altered.writestr(item, data)
    await _empty(runtime)

    with pytest.raises(InvalidInput) as e:
        await restore.restore(runtime, tmp_path / "y.zip", now=NOW)

    assert e.value.code == "checksum_mismatch" and "quality_scores.csv" in e.value.message
    async with runtime.db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(users_t)) == 0


async def _rows(runtime: Runtime) -> dict[str, list[tuple[object, ...]]]:
    found: dict[str, list[tuple[object, ...]]] = {}
    async with runtime.db.read() as conn:
        for t in metadata.sorted_tables:
            found[t.name] = sorted(tuple(r) for r in await conn.execute(select(t)))  # type: ignore[misc]
    return found


async def test_deleting_a_learner_removes_every_row_of_theirs_and_nothing_else(runtime: Runtime) -> None:
    from learning_analytics.storage import users

    me = await learner(runtime, "u1")
    other = await learner(runtime, "u2")
    await users.create_key(runtime.db, user_id="u1", now=NOW)
    await users.create_key(runtime.db, user_id="u2", now=NOW)
    await load(runtime, me, history())
    await load(runtime, other, history())  # the same ids for another learner
    for who in (me, other):
        ctx = build_context(runtime, who, now=NOW)
        prepared = await export.prepare_export(ctx, format=ExportFormat.JSON, everything=True)
        _ = [c async for c in export.ExportRun(ctx, prepared)]
    before = await export.learner_row_counts(runtime, user_id="u1")
    others_before = {k: [r for r in v if "u2" in r] for k, v in (await _rows(runtime)).items()}

    deletion = await export.delete_learner(runtime, user_id="u1")

    after = await export.learner_row_counts(runtime, user_id="u1")
    assert set(after.values()) == {0}
    assert deletion.removed == before
    assert before["learning_sessions"] == 4 and before["exchanges"] == 6 and before["api_keys"] == 1
    assert before["export_history"] == 1 and before["rollups"] > 0 and before["users"] == 1
    rows = await _rows(runtime)
    for table, kept in rows.items():
        assert not any("u1" in r for r in kept), table
    assert {k: [r for r in v if "u2" in r] for k, v in rows.items()} == others_before
    with pytest.raises(NotFound):
        await export.delete_learner(runtime, user_id="u1")


async def test_delete_my_data_requires_the_confirmation_word(runtime: Runtime) -> None:
    me = await learner(runtime, "u1")
    await load(runtime, me, history())
    ctx = build_context(runtime, me, now=NOW)

    with pytest.raises(InvalidInput) as e:
        await export.delete_my_data(ctx, confirm="delete")

    assert (e.value.field, e.value.code) == ("confirm", "confirmation_required")
    assert (await export.learner_row_counts(runtime, user_id="u1"))["exchanges"] == 6
    deletion = await export.delete_my_data(ctx, confirm="DELETE")
    assert deletion.removed["exchanges"] == 6


async def test_days_fixed_under_an_earlier_timezone_survive_the_round_trip(
    runtime: Runtime, tmp_path: Path
) -> None:
    from learning_analytics.storage import users

    me = await learner(runtime, "u1", tz="Pacific/Kiritimati")  # UTC+14: most events fall on the next day
    await load(runtime, me, history())
    await users.set_timezone(runtime.db, user_id="u1", timezone="Pacific/Pago_Pago")  # UTC−11
    moved = await users.get_user(runtime.db, user_id="u1")
    assert moved is not None
    await load(runtime, moved, history("later-"))
    # Every day (a day past today in UTC−11 is a day of the UTC+14 events): the backup of a learner.
    first = await _write(runtime, "u1", ExportFormat.NDJSON, tmp_path / "first", everything=True)
    await _empty(runtime)

    await restore.restore(runtime, tmp_path / "first", now=NOW)
    second = await _write(runtime, "u1", ExportFormat.NDJSON, tmp_path / "second", everything=True)

    restored = await users.get_user(runtime.db, user_id="u1")
    assert restored is not None and restored.timezone == "Pacific/Pago_Pago"
    assert second == first


@pytest.mark.parametrize("fmt", [ExportFormat.JSON, ExportFormat.NDJSON, ExportFormat.CSV])
async def test_every_section_survives_export_import_export(
    runtime: Runtime, tmp_path: Path, fmt: ExportFormat
) -> None:
    """Goals, unlocked achievements and insights are restored as they are, the rest derived again: the
    backup of a learner with each of them gives the same checksum once restored into an empty database."""
    from datetime import timedelta

    from learning_analytics.domain.goals import GoalDraft, GoalType
    from learning_analytics.resolvers import evaluation, goals

    me = await learner(runtime, "u1", tz="America/New_York")
    await load(runtime, me, history())
    ctx = build_context(runtime, me, now=NOW)
    await goals.create(ctx, GoalDraft(title="Two sessions", goal_type=GoalType.SESSIONS, target_value=2))
    await evaluation.evaluate_learner(ctx)  # measures the goals, unlocks and notes what the history reached
    async with runtime.db.write() as conn:
        await conn.execute(metadata.tables["insights"].insert(), [{
            "user_id": "u1", "id": "ins-1", "rule": "trend.quality", "type": "trend", "title": "Quality is up",
            "description": "Up 10 points, \"steadily\".", "importance": "high", "confidence": 0.8765432,
            "data": {"change": 0.1, "days": [1, 2]}, "generated_at": NOW - timedelta(days=1),
            "viewed_at": NOW - timedelta(hours=3), "dismissed_at": None, "helpful": True,
        }])  # fmt: skip
    first = await _write(runtime, "u1", fmt, tmp_path / "first", everything=True)
    before = await export.learner_row_counts(runtime, user_id="u1")
    await _empty(runtime)

    result = await restore.restore(runtime, tmp_path / "first", now=NOW)
    second = await _write(runtime, "u1", fmt, tmp_path / "second", everything=True)

    after = await export.learner_row_counts(runtime, user_id="u1")
    assert before["goals"] >= 1 and before["achievement_unlocks"] >= 1 and before["insights"] >= 2
    assert {t: after[t] for t in ("goals", "achievement_unlocks", "insights")} == {
        t: before[t] for t in ("goals", "achievement_unlocks", "insights")
    }
    assert (result.records["goals"], result.records["insights"]) == (before["goals"], before["insights"])
    assert second == first
