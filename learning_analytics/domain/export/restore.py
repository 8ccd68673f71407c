"""Reading an export back: its records from a JSON document, NDJSON lines or the CSV files of a zip
(with its README.txt), the raw events they describe (for the ingestion path), and the check that the
file's checksum matches its records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from ..errors import InvalidInput
from ..goals import DEFAULT_ICON, Comparison, Goal, GoalFrequency, GoalStatus, GoalType, TargetMetric
from ..goals.periods import goal_period, local_today
from ..ingest_checks import parse_date_time
from ..models import ExchangeInput, FeedbackInput, FeedbackKind, Quality, SessionInput
from .checksum import Checksum, canonical
from .model import ExportSection

RawEvent = SessionInput | ExchangeInput | FeedbackInput
_QUALITY = ("relevance", "helpfulness", "engagement", "clarity", "accuracy")


def _section(name: Any, *, where: str) -> ExportSection:
    try:
        return ExportSection(name)
    except ValueError:
        raise InvalidInput(
            f"unknown section {str(name)[:40]!r}", field=where, code="invalid_section"
        ) from None


def json_records(
    document: Any,
) -> tuple[Mapping[str, Any], Iterator[tuple[ExportSection, Mapping[str, Any]]]]:
    """The trailer (`row_counts`, `checksum`) and the records of a JSON export, in file order."""
    if not isinstance(document, dict) or not isinstance(document.get("sections"), dict):
        raise InvalidInput(
            "not a learning-analytics JSON export (no `sections`)", field="file", code="not_an_export"
        )

    def records() -> Iterator[tuple[ExportSection, Mapping[str, Any]]]:
        for name, items in document["sections"].items():
            section = _section(name, where=f"sections.{name}")
            if not isinstance(items, list):
                raise InvalidInput(
                    f"section {name} is not a list", field=f"sections.{name}", code="not_an_export"
                )
            for record in items:
                yield section, record

    return {"row_counts": document.get("row_counts"), "checksum": document.get("checksum")}, records()


def ndjson_records(
    lines: Iterable[Mapping[str, Any]], trailer: dict[str, Any]
) -> Iterator[tuple[ExportSection, Mapping[str, Any]]]:
    """The records of an NDJSON export's parsed lines; the `end` line's fields are put in `trailer`."""
    for number, line in enumerate(lines, start=1):
        kind = line.get("type")
        if kind == "record":
            yield _section(line.get("section"), where=f"line {number}.section"), line.get("data") or {}
        elif kind == "end":
            trailer.update(row_counts=line.get("row_counts"), checksum=line.get("checksum"))
        elif kind not in ("metadata", "summary"):
            raise InvalidInput(
                f"line {number} is not part of an export", field=f"line {number}", code="not_an_export"
            )


@dataclass(frozen=True, slots=True)
class CsvReadme:
    """What README.txt of a CSV zip says: the learner, the export's checksum and each file's SHA-256."""

    user: Mapping[str, str]
    checksum: str | None
    file_hashes: Mapping[str, str]


def parse_readme(text: str) -> CsvReadme:
    """README.txt of a CSV zip (as `encoders.readme_text` writes it), read back."""
    user: dict[str, str] = {}
    checksum: str | None = None
    hashes: dict[str, str] = {}
    in_hashes = False
    for line in text.splitlines():
        if line.startswith("SHA-256 of each file:"):
            in_hashes = True
        elif in_hashes and line.startswith("  ") and ": " in line:
            name, digest = line.strip().split(": ", 1)
            hashes[name] = digest
        elif line.startswith("learner:"):
            learner = line.removeprefix("learner:").strip()
            uid, _, tz = learner.rpartition(" (")
            user.update(id=uid, timezone=tz.rstrip(")"))
        elif line.startswith("name:"):
            user["name"] = line.removeprefix("name:").strip()
        elif line.startswith("checksum:"):
            checksum = line.removeprefix("checksum:").strip()
    if not user.get("id") or not hashes:
        raise InvalidInput(
            "not a learning-analytics CSV export (README.txt names no learner or files)",
            field="file",
            code="not_an_export",
        )
    return CsvReadme(user=user, checksum=checksum, file_hashes=hashes)


# How a CSV cell reads back (see `encoders.csv_cell`): an empty cell is None.
_CSV_INTEGERS = {"local_hour", "total_exchanges", "exchange_count", "points"}
_CSV_FLOATS = {
    "duration_minutes", "avg_quality_score", "avg_quality", "quality", "relevance", "helpfulness",
    "engagement", "clarity", "accuracy", "rating", "target_value", "confidence",
}  # fmt: skip
_CSV_JSON = {"topics", "data"}
_CSV_BOOLEANS = {"true": True, "false": False}


def csv_record(section: ExportSection, row: Mapping[str, str], *, index: int) -> dict[str, Any]:
    """A CSV row as its record: numbers and booleans parsed, lists and objects from their JSON text,
    an empty cell None (an empty text and a missing one read alike)."""
    record: dict[str, Any] = {}
    for name, cell in row.items():
        if cell == "" or cell is None:
            record[name] = None
            continue
        try:
            if name in _CSV_INTEGERS:
                record[name] = int(cell)
            elif name in _CSV_FLOATS:
                record[name] = float(cell)
            elif name in _CSV_JSON:
                record[name] = orjson.loads(cell)
            elif name == "helpful":
                record[name] = _CSV_BOOLEANS[cell]
            else:
                record[name] = cell
        except (ValueError, KeyError):
            raise InvalidInput(
                f"{name} {cell[:40]!r} does not read as a value",
                field=f"{section.value}[{index}].{name}",
                code="invalid_type",
            ) from None
    return record


class Verifier:
    """Recomputes an export's checksum and row counts from its records, to compare with its trailer."""

    def __init__(self) -> None:
        self._checksum = Checksum()
        self.row_counts: dict[str, int] = {}

    def add(self, section: ExportSection, record: Mapping[str, Any]) -> None:
        self._checksum.add(section, canonical(dict(record)))
        self.row_counts[section.value] = self.row_counts.get(section.value, 0) + 1

    def check(self, trailer: Mapping[str, Any]) -> str:
        """The checksum; InvalidInput when the file's trailer is missing or says otherwise."""
        digest = self._checksum.hexdigest()
        if trailer.get("checksum") is None:
            raise InvalidInput(
                "the export has no checksum: it was cut short", field="checksum", code="truncated"
            )
        if trailer["checksum"] != digest:
            raise InvalidInput(
                f"the export's records give {digest}, not the {trailer['checksum']} it carries: the file was altered",
                field="checksum",
                code="checksum_mismatch",
            )
        return digest


def _instant(record: Mapping[str, Any], name: str, where: str) -> datetime:
    value = record.get(name)
    if not isinstance(value, str):
        raise InvalidInput(
            f"{name} must be an ISO 8601 date-time", field=f"{where}.{name}", code="invalid_datetime"
        )
    try:
        return parse_date_time(value)
    except ValueError as e:
        raise InvalidInput(str(e), field=f"{where}.{name}", code="invalid_datetime") from None


def _text(record: Mapping[str, Any], name: str, where: str, *, required: bool = False) -> Any:
    value = record.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", field=f"{where}.{name}", code="invalid_type")
    return value


def _topics(record: Mapping[str, Any], where: str) -> tuple[str, ...]:
    value = record.get("topics") or []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise InvalidInput("topics must be a list of strings", field=f"{where}.topics", code="invalid_type")
    return tuple(value)


def to_event(section: ExportSection, record: Mapping[str, Any], *, index: int) -> RawEvent:
    """The raw event a record of SESSIONS, EXCHANGES or FEEDBACK describes, as the client first sent it
    (values are checked again by the ingestion path)."""
    where = f"{section.value}[{index}]"
    if not isinstance(record, Mapping):
        raise InvalidInput("a record is a JSON object", field=where, code="invalid_type")
    if section is ExportSection.SESSIONS:
        return SessionInput(
            id=_text(record, "id", where, required=True),
            started_at=_instant(record, "started_at", where),
            ended_at=_instant(record, "ended_at", where) if record.get("ended_at") is not None else None,
            topics=_topics(record, where),
            total_exchanges=record.get("total_exchanges"),
            avg_quality_score=record.get("avg_quality_score"),
        )
    if section is ExportSection.EXCHANGES:
        composite = record.get("quality")
        quality = (
            None
            if composite is None
            else Quality(composite=composite, **{name: record.get(name) for name in _QUALITY})
        )
        return ExchangeInput(
            id=_text(record, "id", where, required=True),
            session_id=_text(record, "session_id", where, required=True),
            occurred_at=_instant(record, "occurred_at", where),
            quality=quality,
            topics=_topics(record, where),
            user_text=_text(record, "user_text", where),
            agent_text=_text(record, "agent_text", where),
        )
    if section is ExportSection.FEEDBACK:
        try:
            kind = FeedbackKind(str(record.get("kind")))
        except ValueError:
            raise InvalidInput("unknown feedback kind", field=f"{where}.kind", code="enum") from None
        return FeedbackInput(
            id=_text(record, "id", where, required=True),
            exchange_id=_text(record, "exchange_id", where, required=True),
            kind=kind,
            created_at=_instant(record, "created_at", where),
            rating=record.get("rating"),
            comment=_text(record, "comment", where),
        )
    raise InvalidInput(f"{section.value} records are derived, not raw events", field=where, code="derived")


# ---- the sections held as they are (goals, unlocked achievements, insights), restored by value


def _optional_instant(record: Mapping[str, Any], name: str, where: str) -> datetime | None:
    return None if record.get(name) is None else _instant(record, name, where)


def _choice(kind: type[Any], record: Mapping[str, Any], name: str, where: str) -> Any:
    try:
        return kind(str(record.get(name)))
    except ValueError:
        raise InvalidInput(
            f"unknown {name} {str(record.get(name))[:40]!r}", field=f"{where}.{name}", code="enum"
        ) from None


def to_goal(record: Mapping[str, Any], *, index: int, now: datetime, tz: ZoneInfo) -> Goal:
    """A GOALS record as the goal it describes, in the period it measures today (its progress is
    measured again by the next evaluation)."""
    where = f"goals[{index}]"
    if not isinstance(record, Mapping):
        raise InvalidInput("a record is a JSON object", field=where, code="invalid_type")
    created_at = _instant(record, "created_at", where)
    frequency = _choice(GoalFrequency, record, "frequency", where)
    goal_type = _choice(GoalType, record, "goal_type", where)
    try:
        deadline = None if record.get("deadline") is None else date.fromisoformat(str(record["deadline"]))
        target = float(record["target_value"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            "deadline or target_value does not read", field=where, code="invalid_type"
        ) from None
    return Goal(
        id=_text(record, "id", where, required=True),
        title=_text(record, "title", where, required=True),
        goal_type=goal_type,
        target_metric=_choice(TargetMetric, record, "target_metric", where),
        target_value=target,
        comparison=_choice(Comparison, record, "comparison", where),
        frequency=frequency,
        created_at=created_at,
        period=goal_period(
            frequency,
            day=local_today(now, tz),
            created_on=local_today(created_at, tz),
            deadline=deadline,
            tz=tz,
        ),
        status=_choice(GoalStatus, record, "status", where),
        description=_text(record, "description", where),
        deadline=deadline,
        topic=_text(record, "topic", where),
        icon=DEFAULT_ICON[goal_type],
        completed_at=_optional_instant(record, "completed_at", where),
    )


def to_unlock(record: Mapping[str, Any], *, index: int) -> tuple[str, datetime]:
    """An ACHIEVEMENTS record as the unlock it describes: the achievement's id and when."""
    where = f"achievements[{index}]"
    return _text(record, "id", where, required=True), _instant(record, "unlocked_at", where)


def to_insight(record: Mapping[str, Any], *, index: int) -> dict[str, Any]:
    """An INSIGHTS record as the stored insight's values (what the record does not hold — its icon,
    link and expiry — is left empty)."""
    where = f"insights[{index}]"
    data = record.get("data")
    confidence = record.get("confidence")
    helpful = record.get("helpful")
    if (
        not isinstance(data, dict)
        or not isinstance(confidence, int | float)
        or not isinstance(helpful, bool | None)
    ):
        raise InvalidInput("data, confidence or helpful has the wrong type", field=where, code="invalid_type")
    return {
        "id": _text(record, "id", where, required=True),
        **{
            name: _text(record, name, where, required=True)
            for name in ("rule", "type", "title", "description", "importance")
        },
        "confidence": float(confidence),
        "data": data,
        "generated_at": _instant(record, "generated_at", where),
        "viewed_at": _optional_instant(record, "viewed_at", where),
        "dismissed_at": _optional_instant(record, "dismissed_at", where),
        "helpful": helpful,
    }
