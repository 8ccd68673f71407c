"""REST quality radar, quality distribution and feedback breakdown: numbers worked out by hand, the
same as GraphQL's, and valid against the OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from rest_support import NOW, at, dataset, get
from support import events, exchange, gql, session

from learning_analytics.storage.rollups.fold import fold_dirty

CHART = "chart { labels datasets { label data borderColor backgroundColor fill yAxisID } }"


def chart_of(graphql: dict[str, Any]) -> dict[str, Any]:
    return {
        "labels": graphql["labels"],
        "datasets": [{k: v for k, v in d.items() if v is not None} for d in graphql["datasets"]],
    }


@pytest.fixture
async def loaded(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    batch = dataset()
    # Two exchanges scored on relevance (0.6 and 0.8) today, in a session of their own.
    scored = [exchange("E1", "E", at(0, 9, 1), 0.6), exchange("E2", "E", at(0, 9, 2), 0.8)]
    for item, relevance in zip(scored, (0.6, 0.8), strict=True):
        item["quality"]["relevance"] = relevance
    extra = events([session("E", at(0, 9), 10)], scored)
    for kind in ("sessions", "exchanges", "feedback"):
        batch[kind] += extra[kind]
    r = await app_client.post("/api/analytics/events", json=batch)
    assert r.status_code == 200, r.text
    await fold_dirty(runtime.db, now=NOW)
    return app_client


async def test_feedback_breakdown_by_hand_and_equal_to_graphql(loaded: httpx.AsyncClient) -> None:
    f = await get(loaded, "/api/analytics/feedback", period="7d")
    body = await gql(
        loaded,
        f"{{ feedbackBreakdown(period: LAST_7_DAYS) {{ total positiveRate byKind {{ kind count share }} "
        f"rating {{ count mean min max std }} {CHART} }} }}",
    )
    g = body["data"]["feedbackBreakdown"]

    # 👍 on A1 (rating 1), a correction on B1, 👎 on B2 (rating 0).
    assert f["total"] == 3
    assert f["positive_rate"] == 0.5
    assert f["rating"] == {"count": 2, "mean": 0.5, "min": 0.0, "max": 1.0, "std": 0.5}
    counts = {k["kind"]: k["count"] for k in f["by_kind"]}
    assert counts == {"thumbs_up": 1, "thumbs_down": 1, "copy": 0, "correction": 1, "clarification": 0}
    assert [(k["kind"], k["count"], k["share"]) for k in f["by_kind"]] == [
        (k["kind"], k["count"], k["share"]) for k in g["byKind"]
    ]
    assert f["chart"] == chart_of(g["chart"])
    assert f["positive_rate"] == g["positiveRate"] and f["rating"] == g["rating"]


async def test_quality_distribution_by_hand_and_equal_to_graphql(loaded: httpx.AsyncClient) -> None:
    d = await get(loaded, "/api/analytics/quality/distribution", period="7d")
    body = await gql(
        loaded,
        f"{{ qualityDistribution(period: LAST_7_DAYS) {{ total bins {{ label count share }} {CHART} }} }}",
    )
    g = body["data"]["qualityDistribution"]

    # A1 0.8, A2 0.7, B1 0.5, B2 0.9, D 4 × 0.7 (a summary), E1 0.6, E2 0.8: 10 scores.
    assert d["total"] == 10
    assert [b["count"] for b in d["bins"]][:3] == [0, 0, 1]  # only B1 below 0.6
    assert sum(b["count"] for b in d["bins"]) == 10
    assert [(b["label"], b["count"], b["share"]) for b in d["bins"]] == [
        (b["label"], b["count"], b["share"]) for b in g["bins"]
    ]
    assert d["chart"] == chart_of(g["chart"])


async def test_quality_radar_by_hand_and_equal_to_graphql(loaded: httpx.AsyncClient) -> None:
    r = await get(loaded, "/api/analytics/quality/radar", period="7d")
    body = await gql(
        loaded,
        f"{{ qualityRadar(period: LAST_7_DAYS) {{ dimensions {{ dimension current previous scoredExchanges }} {CHART} }} }}",
    )
    g = body["data"]["qualityRadar"]

    relevance = next(x for x in r["dimensions"] if x["dimension"] == "relevance")
    assert relevance["current"] == pytest.approx(0.7)  # (0.6 + 0.8) / 2
    assert relevance["scored_exchanges"] == 2 and relevance["previous"] is None
    assert [
        (x["dimension"], x["current"], x["previous"], x["scored_exchanges"]) for x in r["dimensions"]
    ] == [(x["dimension"], x["current"], x["previous"], x["scoredExchanges"]) for x in g["dimensions"]]
    assert r["chart"] == chart_of(g["chart"])


async def test_heatmap_by_hand_and_equal_to_graphql(loaded: httpx.AsyncClient) -> None:
    h = await get(loaded, "/api/analytics/heatmap", period="7d")
    grids = "weekStarts sessions exchanges minutes activeDays maxSessions maxMinutes"
    body = await gql(
        loaded,
        f"{{ activityHeatmap(period: LAST_7_DAYS) {{ weeks {{ {grids} }} "
        "hours { sessions exchanges minutes peakWeekday peakHour } } }",
    )
    g = body["data"]["activityHeatmap"]

    # The last 7 days are Thu 12 … Wed 18 March: B on Sunday (2 exchanges, 60 min), D on Monday (a
    # summary of 4 exchanges, 15 min), A on Tuesday (2, 30 min), E today (2, 10 min); days outside
    # the period are null.
    weeks = h["weeks"]
    assert weeks["week_starts"] == ["2026-03-09", "2026-03-16"]
    assert weeks["sessions"] == [[None, None, None, 0, 0, 0, 1], [1, 1, 1, None, None, None, None]]
    assert weeks["exchanges"] == [[None, None, None, 0, 0, 0, 2], [4, 2, 2, None, None, None, None]]
    assert weeks["minutes"] == [[None, None, None, 0, 0, 0, 60], [15, 30, 10, None, None, None, None]]
    assert (weeks["active_days"], weeks["max_sessions"], weeks["max_minutes"]) == (4, 1, 60)
    # Sessions by the weekday and local hour they started (Monday first): Sun 12, Mon 12, Tue 12, Wed 9.
    started = {(d, hour) for d, row in enumerate(h["hours"]["sessions"]) for hour, n in enumerate(row) if n}
    assert started == {(6, 12), (0, 12), (1, 12), (2, 9)}
    assert h["hours"]["minutes"][6][12] == 60 and h["hours"]["minutes"][2][9] == 10
    assert (h["hours"]["peak_weekday"], h["hours"]["peak_hour"]) == ("Mon", 12)  # D's 4 exchanges
    assert [weeks["sessions"], weeks["exchanges"], weeks["minutes"]] == [
        g["weeks"]["sessions"],
        g["weeks"]["exchanges"],
        g["weeks"]["minutes"],
    ]
    assert [h["hours"]["sessions"], h["hours"]["exchanges"], h["hours"]["peak_hour"]] == [
        g["hours"]["sessions"],
        g["hours"]["exchanges"],
        g["hours"]["peakHour"],
    ]


@pytest.mark.parametrize("route", ["quality/radar", "quality/distribution", "feedback", "heatmap"])
async def test_bad_parameters_are_400s(app_client: httpx.AsyncClient, route: str) -> None:
    for query, parameter in (("period=3d", "period"), ("start=2026-01-01", "range"), ("limit=1", "limit")):
        r = await app_client.get(f"/api/analytics/{route}?{query}")
        assert r.status_code == 400
        assert r.json()["error"]["parameter"] == parameter
