"""Restoring a JSON, NDJSON or CSV zip export: its checksum checked first, then its sessions, exchanges and
feedback sent again through the ingestion path (validated, exactly once by id), its goals, unlocked
achievements and insights stored as they are, then folded."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from ..domain import ingest
from ..domain.errors import InvalidInput
from ..domain.export import RAW_SECTIONS, ExportSection
from ..domain.export.restore import (
    CsvReadme,
    RawEvent,
    Verifier,
    csv_record,
    json_records,
    ndjson_records,
    parse_readme,
    to_event,
    to_goal,
    to_insight,
    to_unlock,
)
from ..domain.goals import Goal
from ..domain.models import EventBatch, ExchangeInput, FeedbackInput, SessionInput, User
from ..storage import export as export_store
from ..storage import goals as goal_store
from ..storage import users as user_store
from .context import build_context
from .ingest import ingest_batch
from .rollups import fold
from .runtime import Runtime

# Sections restored as they are; the others (days, weeks, topics) are folded again from the events.
HELD_SECTIONS = (ExportSection.GOALS, ExportSection.ACHIEVEMENTS, ExportSection.INSIGHTS)


@dataclass
class RestoreResult:
    user_id: str
    checksum: str
    accepted: int = 0
    duplicates: int = 0
    records: dict[str, int] = field(default_factory=dict)


def is_export(path: Path) -> bool:
    """Whether the file starts like an export (a zip, a JSON object with `metadata`, or an NDJSON
    metadata line) rather than a JSONL file of event batches."""
    if zipfile.is_zipfile(path):
        return True
    with path.open("rb") as fh:
        head = fh.readline(1 << 20)
    try:
        first = orjson.loads(head)
    except orjson.JSONDecodeError:
        return head.lstrip().startswith(b'{"metadata"')
    return isinstance(first, dict) and (first.get("type") == "metadata" or "metadata" in first)


def _read(
    path: Path,
) -> tuple[Mapping[str, Any], Callable[[dict[str, Any]], Iterator[tuple[ExportSection, Any]]]]:
    """The file's metadata and a reader of its records (a fresh pass each call; the trailer's fields are
    put in the dict given). NDJSON and CSV are read line by line; a JSON export is parsed whole."""
    if zipfile.is_zipfile(path):
        return _read_zip(path)
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        head = orjson.loads(first)
    except orjson.JSONDecodeError:
        head = None
    if isinstance(head, dict) and head.get("type") == "metadata":

        def ndjson(trailer: dict[str, Any]) -> Iterator[tuple[ExportSection, Any]]:
            def lines() -> Iterator[Mapping[str, Any]]:
                with path.open("rb") as fh:
                    for number, line in enumerate(fh, start=1):
                        if not line.strip():
                            continue
                        try:
                            parsed = orjson.loads(line)
                        except orjson.JSONDecodeError as e:
                            raise InvalidInput(
                                f"line {number}: {e}", field=f"line {number}", code="invalid_json"
                            ) from None
                        if not isinstance(parsed, dict):
                            raise InvalidInput(
                                f"line {number} is not an object", field=f"line {number}", code="invalid_json"
                            )
                        yield parsed

            yield from ndjson_records(lines(), trailer)

        return head, ndjson
    try:
        document = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as e:
        raise InvalidInput(f"not JSON: {e}", field="file", code="invalid_json") from None

    def whole(trailer: dict[str, Any]) -> Iterator[tuple[ExportSection, Any]]:
        found, records = json_records(document)
        trailer.update(found)
        yield from records

    metadata = document.get("metadata") if isinstance(document, dict) else None
    return metadata if isinstance(metadata, dict) else {}, whole


def _zip_members(archive: zipfile.ZipFile) -> tuple[str, CsvReadme]:
    """The root folder of a CSV export's zip and its README.txt."""
    readmes = [n for n in archive.namelist() if n.endswith("/README.txt") or n == "README.txt"]
    if len(readmes) != 1:
        raise InvalidInput(
            "not a learning-analytics CSV export (no README.txt)", field="file", code="not_an_export"
        )
    root = readmes[0].removesuffix("README.txt")
    return root, parse_readme(archive.read(readmes[0]).decode("utf-8", errors="replace"))


def _read_zip(
    path: Path,
) -> tuple[Mapping[str, Any], Callable[[dict[str, Any]], Iterator[tuple[ExportSection, Any]]]]:
    """A CSV export: the learner from README.txt; the records of the raw and held sections from their
    files, read as a stream (the derived ones are folded again from the events). README's checksum is
    the trailer's."""
    with zipfile.ZipFile(path) as archive:
        _, readme = _zip_members(archive)

    def records(trailer: dict[str, Any]) -> Iterator[tuple[ExportSection, Any]]:
        trailer.update(checksum=readme.checksum)
        with zipfile.ZipFile(path) as archive:
            root, _ = _zip_members(archive)
            names = set(archive.namelist())
            for section in (*RAW_SECTIONS, *HELD_SECTIONS):
                name = root + section.csv_name
                if name not in names:
                    continue
                with archive.open(name) as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                    for index, row in enumerate(csv.DictReader(text)):
                        yield section, csv_record(section, row, index=index)

    return {"user": dict(readme.user)}, records


def verify_zip(path: Path) -> str:
    """A CSV export's checksum, once each file's SHA-256 matches the one its README.txt lists (the
    records' own checksum is canonical JSON, which CSV text does not carry whole)."""
    with zipfile.ZipFile(path) as archive:
        root, readme = _zip_members(archive)
        for name, expected in readme.file_hashes.items():
            digest = hashlib.sha256()
            try:
                with archive.open(root + name) as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
            except KeyError:
                raise InvalidInput(
                    f"{name} is missing from the zip", field="file", code="truncated"
                ) from None
            if digest.hexdigest() != expected:
                raise InvalidInput(
                    f"{name} does not match the SHA-256 in README.txt: the file was altered",
                    field="checksum",
                    code="checksum_mismatch",
                )
    if readme.checksum is None:
        raise InvalidInput("README.txt carries no checksum", field="checksum", code="truncated")
    return readme.checksum


def _local_day_fix(
    section: ExportSection, event: RawEvent, record: Mapping[str, Any], tz: ZoneInfo
) -> export_store.LocalDayFix | None:
    """The fix needed when the record's local day and hour (fixed when it was first ingested, maybe in
    another timezone) differ from those ingestion computes now; None when they agree."""
    if isinstance(event, SessionInput):
        at = event.started_at
    elif isinstance(event, ExchangeInput):
        at = event.occurred_at
    else:
        at = event.created_at
    computed = ingest.local_time(ingest.as_utc(at), tz)
    try:
        exported = (date.fromisoformat(str(record["local_day"])), int(record["local_hour"]))
    except (KeyError, TypeError, ValueError):
        return None  # an export without local days: ingestion's are the only ones there are
    if (computed.day, computed.hour) == exported:
        return None
    return export_store.LocalDayFix(
        section=section, id=event.id, computed=(computed.day, computed.hour), exported=exported
    )


def verify(path: Path) -> str:
    """The export's checksum, recomputed from its records and compared with the one it carries (for a
    CSV zip: each file's SHA-256 compared with README.txt's)."""
    if zipfile.is_zipfile(path):
        return verify_zip(path)
    _, records = _read(path)
    verifier = Verifier()
    trailer: dict[str, Any] = {}
    for section, record in records(trailer):
        verifier.add(section, record)
    return verifier.check(trailer)


async def restore(
    runtime: Runtime,
    path: Path,
    *,
    user_id: str | None = None,
    now: Any,
    progress: Callable[[int], None] | None = None,
) -> RestoreResult:
    """Import an export into the learner it names (or `user_id`), created with the export's name and
    timezone when missing: the checksum is verified over the whole file before anything is written,
    then the raw events go through the ingestion path in batches and the rollups are folded."""
    checksum = verify(path)
    metadata, records = _read(path)
    user_meta = metadata.get("user") or {}
    uid = user_id or user_meta.get("id")
    if not isinstance(uid, str) or not uid:
        raise InvalidInput("the export names no learner: give one", field="user", code="missing")
    user: User = await user_store.ensure_user(
        runtime.db,
        user_id=uid,
        name=str(user_meta.get("name") or uid),
        timezone=str(user_meta.get("timezone") or "UTC"),
        now=now,
    )
    ctx = build_context(runtime, user, now=now)
    settings = runtime.settings
    result = RestoreResult(user_id=uid, checksum=checksum)
    max_items = settings.max_batch_items
    max_links = settings.limits.max_topic_links_per_batch
    pending: list[RawEvent] = []
    links = 0

    async def flush() -> None:
        nonlocal pending, links
        if not pending:
            return
        batch = EventBatch(
            sessions=tuple(e for e in pending if isinstance(e, SessionInput)),
            exchanges=tuple(e for e in pending if isinstance(e, ExchangeInput)),
            feedback=tuple(e for e in pending if isinstance(e, FeedbackInput)),
        )
        summary = await ingest_batch(ctx, batch)
        result.accepted += summary.accepted
        result.duplicates += summary.duplicates
        if progress is not None:
            progress(len(pending))
        pending, links = [], 0

    counters: dict[ExportSection, int] = {}
    fixes: list[export_store.LocalDayFix] = []
    tz = ZoneInfo(user.timezone)
    goals: list[Goal] = []
    unlocks: list[tuple[str, datetime]] = []
    insights: list[dict[str, Any]] = []
    for section, record in records({}):
        if section not in RAW_SECTIONS and section not in HELD_SECTIONS:
            continue
        index = counters.get(section, 0)
        counters[section] = index + 1
        # A learner's goals, unlocks and insights are few: held until the events are in.
        if section is ExportSection.GOALS:
            goals.append(to_goal(record, index=index, now=now, tz=tz))
            continue
        if section is ExportSection.ACHIEVEMENTS:
            unlocks.append(to_unlock(record, index=index))
            continue
        if section is ExportSection.INSIGHTS:
            insights.append(to_insight(record, index=index))
            continue
        event = to_event(section, record, index=index)
        fix = _local_day_fix(section, event, record, tz)
        if fix is not None:
            fixes.append(fix)
        topics = len(getattr(event, "topics", ()))
        if len(pending) + 1 > max_items or links + topics > max_links:
            await flush()
        pending.append(event)
        links += topics
    await flush()
    if fixes:
        await export_store.restore_local_days(runtime.db, user_id=uid, fixes=fixes, now=now)
    if ExportSection.GOALS in counters:
        await goal_store.restore(runtime.db, user_id=uid, goals=goals, now=now)
    await export_store.restore_held(runtime.db, user_id=uid, unlocks=unlocks, insights=insights)
    result.records = {s.value: n for s, n in counters.items()}
    await fold(runtime, now=now)
    return result
