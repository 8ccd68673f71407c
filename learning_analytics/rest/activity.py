"""`/api/analytics/heatmap`: the guide's activity heatmap — sessions, exchanges and minutes per local
day as ISO weeks × weekdays, and per weekday × local hour of day — as matrices of numbers a
dashboard colours itself (Chart.js has no heatmap type)."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain.periods import Period
from ..resolvers import activity as resolver
from .endpoints import context, covering, endpoint, query
from .models import Meta, Model
from .params import END, START, period_param
from .responses import json_response

PARAMS = (period_param("90d"), START, END)


class WeekHeatmap(Model):
    week_starts: list[date] = Field(description="The Monday of each row (ISO weeks touching the period).")
    weekdays: list[str]
    sessions: list[list[int | None]] = Field(description="Null for days outside the period.")
    exchanges: list[list[int | None]]
    minutes: list[list[float | None]]
    active_days: int
    max_sessions: int
    max_minutes: float


class HourHeatmap(Model):
    weekdays: list[str]
    hours: list[int]
    sessions: list[list[int]] = Field(description="Sessions started, by weekday (rows) and local hour.")
    exchanges: list[list[int]]
    minutes: list[list[float]]
    peak_weekday: str | None = Field(description="The busiest cell by exchanges, then sessions.")
    peak_hour: int | None


class HeatmapAnswer(Model):
    weeks: WeekHeatmap
    hours: HourHeatmap
    meta: Meta


@endpoint("GET", "/api/analytics/heatmap", params=PARAMS, answer=HeatmapAnswer, cache="progress")
async def get_heatmap(request: Request) -> Response:
    """Activity as weeks × weekdays and weekday × hour of day (default the last 90 days; at most
    LA_LIMITS__MAX_HEATMAP_DAYS days)."""
    q = query(request, PARAMS)
    ctx = context(request)
    a = await resolver.heatmap(ctx, **covering(ctx, q, default=Period.LAST_90_DAYS))
    w, h = a.weeks, a.hours
    answer = HeatmapAnswer(
        weeks=WeekHeatmap(**w.fields()),
        hours=HourHeatmap(**h.fields()),
        meta=Meta.of(a.meta),
    )
    return json_response(answer, a.meta)
