"""Exports, reports and the caller's data rights: the `export` and `report` queries, and the
`exportMyData` and `deleteMyData` mutations."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON

from ..domain import export as domain
from ..domain import periods
from ..domain.errors import InvalidInput
from ..domain.export import report as report_domain
from ..resolvers import export as resolver
from ..resolvers import reports
from .achievements import Achievement, AchievementCategory, Rarity
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Period, by_name
from .errors import ValidationError
from .goals import Goal
from .insights import Insight
from .overview import Summary


@strawberry.enum
class ExportFormat(Enum):
    JSON = "json"
    CSV = "csv"
    NDJSON = "ndjson"


@strawberry.enum
class ExportSection(Enum):
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    FEEDBACK = "feedback"
    DAILY = "daily"
    WEEKLY = "weekly"
    TOPICS = "topics"
    GOALS = "goals"
    ACHIEVEMENTS = "achievements"
    INSIGHTS = "insights"


@strawberry.enum
class ReportPeriod(Enum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@strawberry.type(description="A finished export: what it holds, its checksum, and where to download it.")
class Export:
    id: strawberry.ID
    format: ExportFormat
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    checksum: str = strawberry.field(description="sha256:<hex> over the records, the same for the same data.")
    row_counts: JSON
    size_bytes: int
    download_url: str = strawberry.field(description="GET it with the same key to download the file.")
    data: JSON | None = strawberry.field(
        description="The JSON export itself, for a JSON export up to LA_EXPORT__INLINE_MAX_BYTES."
    )

    @classmethod
    def from_domain(cls, o: resolver.ExportOutcome) -> Export:
        header = o.prepared.header
        return cls(
            id=strawberry.ID(header.export_id),
            format=by_name(header.format, ExportFormat),
            period_start=header.period_start,
            period_end=header.period_end,
            generated_at=header.generated_at,
            checksum=o.trailer.checksum,
            row_counts=cast(JSON, dict(o.trailer.row_counts)),
            size_bytes=o.size_bytes,
            download_url=o.prepared.download_url,
            data=cast(JSON, o.data),
        )


def _achievement(record: dict[str, Any]) -> Achievement:
    def enum(kind: type[Enum], value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            return next(iter(kind))  # pragma: no cover - the catalog's values are the enums'

    return Achievement(
        id=strawberry.ID(record["id"]),
        title=record["title"],
        description=record["description"],
        category=enum(AchievementCategory, record["category"]),
        rarity=enum(Rarity, record["rarity"]),
        points=record["points"],
        icon=None,
        unlocked=True,
        unlocked_at=record["unlocked_at"],
        progress_percent=100.0,
        holders_percent=None,
    )


@strawberry.type(description="A weekly or monthly progress report, as data, Markdown and printable HTML.")
class Report:
    period: ReportPeriod
    period_start: date
    period_end: date
    summary: Summary
    highlights: list[str]
    insights: list[Insight]
    goals: list[Goal] = strawberry.field(description="The active goals, with their current progress.")
    achievements: list[Achievement]
    markdown: str
    html: str

    @classmethod
    def from_domain(cls, r: reports.ReportAnswer) -> Report:
        return cls(
            period=by_name(r.period, ReportPeriod),
            period_start=r.days.start,
            period_end=r.days.end,
            summary=Summary.from_domain(r.summary),
            highlights=r.highlights,
            insights=[Insight.from_domain(i) for i in r.insights],
            goals=[Goal.from_domain(v) for v in r.goals],
            achievements=[_achievement(a) for a in r.achievements],
            markdown=r.markdown,
            html=r.html,
        )


@strawberry.type(description="What deleteMyData removed: rows per table.")
class DataDeleted:
    user_id: strawberry.ID
    removed: JSON
    total: int


DeleteMyDataResult = Annotated[DataDeleted | ValidationError, strawberry.union("DeleteMyDataResult")]


@strawberry.type
class ExportQuery:
    @strawberry.field(
        description="Produce an export of the caller's data (recorded in the export history): its metadata, "
        "a download URL, and the data inline for a small JSON export. At most LA_EXPORT__MAX_DAYS days and "
        "LA_EXPORT__MAX_RECORDS records."
    )
    @argument_rules
    async def export(
        self,
        info: Info,
        format: OrDefault[ExportFormat] = ExportFormat.JSON,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        start: date | None = None,
        end: date | None = None,
        include: list[ExportSection] | None = None,
    ) -> Export:
        ctx = info.context
        prepared = await resolver.prepare_export(
            ctx,
            format=by_name(format, domain.ExportFormat),
            period=by_name(period, periods.Period),
            start=start,
            end=end,
            sections=None if include is None else [by_name(s, domain.ExportSection) for s in include],
        )
        return Export.from_domain(await resolver.run_export(ctx, prepared))

    @strawberry.field(description="The progress report of the last 7 (WEEKLY) or 30 (MONTHLY) days.")
    @argument_rules
    async def report(self, info: Info, period: OrDefault[ReportPeriod] = ReportPeriod.WEEKLY) -> Report:
        answer = await reports.report(info.context, period=by_name(period, report_domain.ReportPeriod))
        return Report.from_domain(answer)


@strawberry.type
class ExportMutation:
    @strawberry.mutation(
        description="Everything held about the caller as one JSON export (every section, every day, no "
        "limits); download it from `downloadUrl`. Recorded in the export history."
    )
    async def export_my_data(self, info: Info) -> Export:
        ctx = info.context
        prepared = await resolver.prepare_export(ctx, format=domain.ExportFormat.JSON, everything=True)
        return Export.from_domain(await resolver.run_export(ctx, prepared))

    @strawberry.mutation(
        description="Delete the caller, their keys and every row of their data, at once and for good. "
        'Requires confirm: "DELETE".'
    )
    async def delete_my_data(self, info: Info, confirm: str) -> DeleteMyDataResult:
        try:
            deletion = await resolver.delete_my_data(info.context, confirm=confirm)
        except InvalidInput as e:
            return ValidationError.from_domain(e)
        return DataDeleted(
            user_id=strawberry.ID(deletion.user_id),
            removed=cast(JSON, deletion.removed),
            total=deletion.total,
        )
