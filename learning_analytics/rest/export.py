"""`GET /api/analytics/export` (a streamed download), `GET /api/analytics/export/mine` (everything held
about the caller) and the printable reports at `/reports/weekly` and `/reports/monthly`."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from ..domain.errors import InvalidInput
from ..domain.export import ExportFormat, parse_sections
from ..domain.export.report import STYLE, ReportPeriod
from ..domain.periods import Period
from ..resolvers import export, reports
from ..resolvers.context import build_context
from .responses import invalid

_PARAMETERS = frozenset({"format", "period", "start", "end", "include"})
# The report page's only style is its inline sheet, allowed by hash; no script, nothing else loads.
REPORT_CSP = (
    f"default-src 'none'; style-src 'sha256-{base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()}'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _day(request: Request, name: str) -> date | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-11-20, got {text[:40]!r}", field=name) from None


def _download(run: export.ExportRun, prepared: export.PreparedExport) -> StreamingResponse:
    return StreamingResponse(
        run.__aiter__(),
        media_type=prepared.plan.format.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{prepared.filename}"',
            "X-Export-Id": prepared.header.export_id,
            "Cache-Control": "no-store",
        },
    )


async def get_export(request: Request) -> Response:
    """The export as a download: `format` (json, csv, ndjson), `period` (7d … 365d, all) or `start` and
    `end` (local dates), `include` (comma-separated sections, default all). 400 naming the parameter."""
    params = request.query_params
    ctx = build_context(request.app.state.runtime, request.state.user)
    try:
        unknown = sorted(set(params) - _PARAMETERS)
        if unknown:
            raise InvalidInput(
                f"unknown parameter {unknown[0][:40]!r}", field=unknown[0], code="unknown_parameter"
            )
        prepared = await export.prepare_export(
            ctx,
            format=ExportFormat.parse(params.get("format", "json")),
            period=Period.from_rest(params["period"]) if "period" in params else None,
            start=_day(request, "start"),
            end=_day(request, "end"),
            sections=parse_sections(params.get("include")),
        )
    except InvalidInput as e:
        return invalid(e)
    return _download(export.ExportRun(ctx, prepared), prepared)


async def get_my_data(request: Request) -> Response:
    """Everything held about the caller: the JSON export of every section and every day, unbounded."""
    ctx = build_context(request.app.state.runtime, request.state.user)
    prepared = await export.prepare_export(ctx, format=ExportFormat.JSON, everything=True)
    return _download(export.ExportRun(ctx, prepared), prepared)


def report_page(period: ReportPeriod) -> Callable[[Request], Awaitable[Response]]:
    """The weekly or monthly report as a printable HTML page."""

    async def get_report(request: Request) -> Response:
        ctx = build_context(request.app.state.runtime, request.state.user)
        answer = await reports.report(ctx, period=period)
        return HTMLResponse(
            answer.html, headers={"Content-Security-Policy": REPORT_CSP, "Cache-Control": "no-store"}
        )

    return get_report


routes = [
    Route("/api/analytics/export", get_export, methods=["GET"]),
    Route("/api/analytics/export/mine", get_my_data, methods=["GET"]),
    *(Route(f"/reports/{p.value}", report_page(p), methods=["GET"]) for p in ReportPeriod),
]
