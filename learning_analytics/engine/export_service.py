"""The export service: the `export` query's files (JSON, a CSV zip, NDJSON) and the weekly and monthly
reports, recorded in the export history as the API records them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from ..domain.errors import InvalidInput
from ..domain.export import ExportFormat, ExportSection
from ..domain.export.report import ReportPeriod
from ..domain.periods import Period
from ..resolvers import export, reports
from ..resolvers.reports import ReportAnswer
from .component import Component

__all__ = ["ExportFile", "ExportFormat", "ExportSection", "ExportService", "ReportAnswer", "ReportPeriod"]

# The sections of a progress export: the events and what the rollups and topics make of them.
PROGRESS_SECTIONS = (
    ExportSection.SESSIONS,
    ExportSection.EXCHANGES,
    ExportSection.FEEDBACK,
    ExportSection.DAILY,
    ExportSection.WEEKLY,
    ExportSection.TOPICS,
)


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One finished export: the file's bytes (JSON, a zip of one CSV per section plus README.txt, or
    NDJSON), its name and media type, the SHA-256 checksum over its records and the rows per section."""

    export_id: str
    format: ExportFormat
    filename: str
    media_type: str
    content: bytes
    checksum: str
    row_counts: dict[str, int]

    @property
    def size_bytes(self) -> int:
        return len(self.content)

    @property
    def text(self) -> str:
        """The file as text (JSON and NDJSON; a CSV export is a zip: see `csv_files`)."""
        if self.format is ExportFormat.CSV:
            raise ValueError("a CSV export is a zip of CSV files: read them with csv_files()")
        return self.content.decode()

    def json(self) -> Any:
        """A JSON export decoded: `metadata`, `summary`, `sections` (one list of records each),
        `row_counts` and `checksum`."""
        if self.format is not ExportFormat.JSON:
            raise ValueError(f"a {self.format.value} export is not one JSON document")
        return orjson.loads(self.content)

    def csv_files(self) -> dict[str, str]:
        """A CSV export's files by name (e.g. `goals.csv`, `summary.csv`, `README.txt`; the zip holds them
        in one folder named after the export), as text."""
        if self.format is not ExportFormat.CSV:
            raise ValueError(f"a {self.format.value} export is not a zip of CSV files")
        with zipfile.ZipFile(io.BytesIO(self.content)) as z:
            return {name.rsplit("/", 1)[-1]: z.read(name).decode("utf-8-sig") for name in z.namelist()}

    def __str__(self) -> str:
        if self.format is ExportFormat.CSV:
            return "\n".join(text for name, text in self.csv_files().items() if name.endswith(".csv"))
        return self.text


class ExportService(Component):
    """Exports of a learner's data. `user_id` None is the default learner."""

    def _format(self, format: ExportFormat | str) -> ExportFormat:
        name = format.value if isinstance(format, ExportFormat) else str(format).strip().lower()
        allowed = [f.lower() for f in self.config.export.supported_formats]
        if name not in allowed:
            raise InvalidInput(
                f"format {name!r} is not among the supported formats ({', '.join(allowed)})", field="format"
            )
        return ExportFormat.parse(name)

    async def export_data(
        self,
        format: ExportFormat | str = ExportFormat.JSON,
        *,
        sections: Sequence[ExportSection] | None = None,
        period: Period | None = None,
        start_date: date | None = None,
        end_date: date | None = None,
        user_id: str | None = None,
    ) -> ExportFile:
        """The `export` query's file for the chosen sections (all when None) over `period` (default
        the last 30 days) or `start_date`..`end_date` (local days), at most `LA_EXPORT__MAX_DAYS` days
        and `max_records_per_export` records (InvalidInput otherwise); recorded in the history."""
        ctx = await self._ctx(user_id)
        prepared = await export.prepare_export(
            ctx, format=self._format(format), period=period, start=start_date, end=end_date, sections=sections
        )
        run = export.ExportRun(ctx, prepared)
        content = b"".join([chunk async for chunk in run])
        assert run.trailer is not None
        return ExportFile(
            export_id=prepared.header.export_id,
            format=prepared.plan.format,
            filename=prepared.filename,
            media_type=prepared.plan.format.media_type,
            content=content,
            checksum=run.trailer.checksum,
            row_counts=dict(run.trailer.row_counts),
        )

    async def export_progress_data(
        self,
        format: ExportFormat | str = ExportFormat.JSON,
        start_date: date | None = None,
        end_date: date | None = None,
        *,
        period: Period | None = None,
        user_id: str | None = None,
    ) -> ExportFile:
        """Sessions, exchanges, feedback, daily and weekly rollups and topics (see `export_data`)."""
        return await self.export_data(
            format, sections=PROGRESS_SECTIONS, period=period, start_date=start_date, end_date=end_date,
            user_id=user_id,
        )  # fmt: skip

    async def export_goals(
        self, format: ExportFormat | str = ExportFormat.JSON, user_id: str | None = None
    ) -> ExportFile:
        """The learner's goals with their progress (the GOALS section)."""
        return await self.export_data(format, sections=[ExportSection.GOALS], user_id=user_id)

    async def export_achievements(
        self, format: ExportFormat | str = ExportFormat.JSON, user_id: str | None = None
    ) -> ExportFile:
        """The learner's unlocked achievements (the ACHIEVEMENTS section)."""
        return await self.export_data(format, sections=[ExportSection.ACHIEVEMENTS], user_id=user_id)

    async def generate_progress_report(
        self, period: ReportPeriod | str = ReportPeriod.WEEKLY, user_id: str | None = None
    ) -> ReportAnswer:
        """The `report` query: the last 7 (WEEKLY) or 30 (MONTHLY) local days against the days before
        — `summary`, `highlights`, `insights`, `achievements` unlocked, active `goals` — with the same
        report as `markdown` and a printable `html` page."""
        return await reports.report(await self._ctx(user_id), period=ReportPeriod(period))

    async def get_export_history(self, limit: int = 20, user_id: str | None = None) -> list[dict[str, Any]]:
        """The learner's latest exports, newest first (format, period, sections, size, checksum, time)."""
        return await export.export_history(await self._ctx(user_id), limit=limit)
