"""What an export holds: its format, its sections, its local date range, and the limits it must keep."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ..errors import InvalidInput
from ..periods import DateRange

# One exported record: JSON values, dates and datetimes (serialized canonically by orjson).
ExportRecord = dict[str, Any]


# Joins the items of a list of text in one value of a plain row (see `RecordBatch.joined`): a control
# character, which ingestion refuses in topics.
LIST_SEPARATOR = "\x1f"


@dataclass(frozen=True, slots=True)
class RecordBatch:
    """Records of one section as rows of values, each row in the order of `fields` (the section's
    `records.FIELDS`): no dict per record until one is needed.

    `plain` rows hold only str, int, float and None, with instants and days already as their
    canonical text (`2026-11-20T09:00:00Z`, `2026-11-20`), as the raw sections are read; the encoders
    then write them without looking at each value. The columns listed in `joined` hold a list of text
    (topics) as its items joined by `LIST_SEPARATOR`, in any order (None: no items): the record's value
    is the sorted list. Other rows may hold any JSON value, date or datetime."""

    fields: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    plain: bool = False
    joined: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[ExportRecord]:
        fields = self.fields
        out = [dict(zip(fields, row, strict=True)) for row in self.rows]
        for i in self.joined:
            name = fields[i]
            for record in out:
                record[name] = split_list(record[name])
        return out

    @classmethod
    def of(cls, fields: tuple[str, ...], records: Sequence[Mapping[str, Any]]) -> RecordBatch:
        """A batch of records given as mappings (absent fields are None)."""
        return cls(fields=fields, rows=[tuple(r.get(f) for f in fields) for r in records])


def split_list(joined: str | None) -> list[str]:
    """A joined list's items, sorted (see `RecordBatch.joined`)."""
    return [] if joined is None else sorted(joined.split(LIST_SEPARATOR))


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    NDJSON = "ndjson"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return {ExportFormat.JSON: "json", ExportFormat.CSV: "zip", ExportFormat.NDJSON: "ndjson"}[self]

    @classmethod
    def parse(cls, text: str, *, field: str = "format") -> ExportFormat:
        """The format named by `text` (case and blanks ignored); InvalidInput on `field` otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            accepted = ", ".join(f.value for f in cls)
            raise InvalidInput(
                f"format must be one of {accepted}, got {text[:40]!r}", field=field, code="invalid_format"
            ) from None


_MEDIA_TYPES = {
    ExportFormat.JSON: "application/json",
    ExportFormat.CSV: "application/zip",
    ExportFormat.NDJSON: "application/x-ndjson",
}


class ExportSection(StrEnum):
    """The sections in export order: raw events first (sessions before the exchanges that reference
    them, exchanges before their feedback), so a streamed file can be imported in one pass."""

    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    FEEDBACK = "feedback"
    DAILY = "daily"
    WEEKLY = "weekly"
    TOPICS = "topics"
    GOALS = "goals"
    ACHIEVEMENTS = "achievements"
    INSIGHTS = "insights"

    @property
    def csv_name(self) -> str:
        """The section's file in the CSV zip (the architecture's names where it gives one)."""
        return _CSV_NAMES[self]


_CSV_NAMES = {
    ExportSection.SESSIONS: "sessions.csv",
    ExportSection.EXCHANGES: "quality_scores.csv",
    ExportSection.FEEDBACK: "feedback.csv",
    ExportSection.DAILY: "daily_metrics.csv",
    ExportSection.WEEKLY: "weekly_metrics.csv",
    ExportSection.TOPICS: "topics.csv",
    ExportSection.GOALS: "goals.csv",
    ExportSection.ACHIEVEMENTS: "achievements.csv",
    ExportSection.INSIGHTS: "insights.csv",
}
RAW_SECTIONS = (ExportSection.SESSIONS, ExportSection.EXCHANGES, ExportSection.FEEDBACK)
# The REST `include` list also takes the architecture's names: `quality` (one row per exchange).
_ALIASES = {"quality": ExportSection.EXCHANGES, "quality_scores": ExportSection.EXCHANGES}


def ordered(sections: Iterable[ExportSection]) -> tuple[ExportSection, ...]:
    """The sections without repeats, in export order."""
    chosen = set(sections)
    return tuple(s for s in ExportSection if s in chosen)


def parse_sections(text: str | None, *, field: str = "include") -> tuple[ExportSection, ...]:
    """A comma-separated `include` list ("sessions,quality", "all"); absent or empty means all sections."""
    if text is None or not text.strip():
        return tuple(ExportSection)
    found: list[ExportSection] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if name == "all":
            return tuple(ExportSection)
        if name in _ALIASES:
            found.append(_ALIASES[name])
            continue
        try:
            found.append(ExportSection(name))
        except ValueError:
            accepted = ", ".join(["all", *(s.value for s in ExportSection), *_ALIASES])
            raise InvalidInput(
                f"unknown section {name[:40]!r} in {field}; known: {accepted}",
                field=field,
                code="invalid_section",
            ) from None
    return ordered(found)


@dataclass(frozen=True, slots=True)
class ExportLimits:
    """`LA_EXPORT__MAX_DAYS` and `LA_EXPORT__MAX_RECORDS` (the seed's 365 days and 10,000 records)."""

    max_days: int = 365
    max_records: int = 10_000


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """A checked request: the format, the local days, the sections in export order."""

    format: ExportFormat
    days: DateRange
    sections: tuple[ExportSection, ...]


def check_limits(
    plan: ExportPlan, row_counts: Mapping[str, int], limits: ExportLimits, *, field: str
) -> None:
    """Refuse a plan over `limits.max_days` days (InvalidInput on `field`, the period or dates given) or
    one whose sections hold more than `limits.max_records` records in all (on `include`)."""
    if plan.days.days > limits.max_days:
        raise InvalidInput(
            f"an export covers at most {limits.max_days} days (LA_EXPORT__MAX_DAYS); "
            f"{plan.days.start} .. {plan.days.end} is {plan.days.days} days: choose a shorter period",
            field=field,
            code="too_many_days",
            limit=limits.max_days,
        )
    total = sum(row_counts.values())
    if total > limits.max_records:
        raise InvalidInput(
            f"this export would hold {total} records, over the limit of {limits.max_records} "
            "(LA_EXPORT__MAX_RECORDS): choose a shorter period or fewer sections",
            field="include",
            code="too_many_records",
            limit=limits.max_records,
        )


@dataclass(frozen=True, slots=True)
class ExportHeader:
    """What is known before the first record: the metadata and the period's summary."""

    export_id: str
    generated_at: datetime
    format: ExportFormat
    user: Mapping[str, str]
    start: date
    end: date
    period_start: datetime
    period_end: datetime
    sections: tuple[ExportSection, ...]
    summary: Mapping[str, Any]

    def metadata(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "generated_at": self.generated_at,
            "format": self.format.value,
            "version": 1,
            "user": dict(self.user),
            "start": self.start,
            "end": self.end,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "sections": [s.value for s in self.sections],
        }


@dataclass(frozen=True, slots=True)
class ExportTrailer:
    """What is known after the last record: how many of each section, and their checksum."""

    row_counts: Mapping[str, int]
    checksum: str
