"""The REST analytics routes on a small hand-made dataset: the seed's shapes, the OpenAPI document,
numbers worked out by hand, and the same numbers as the GraphQL answer to the same question.

The service's clock is set to NOW, so "today" and the periods are fixed whatever the wall clock says.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from rest_support import NOW, QUALITY, TODAY, assert_matches, at, dataset, get, openapi
from scipy import stats
from support import client_for, gql

from learning_analytics.config import Settings
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users
from learning_analytics.storage.rollups.fold import fold_dirty


@pytest.fixture
async def loaded(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    r = await app_client.post("/api/analytics/events", json=dataset())
    assert r.status_code == 200, r.text
    await fold_dirty(runtime.db, now=NOW)
    return app_client


@pytest.fixture
async def demo(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """120 days of the demo learner: enough history for the insight rules to find something."""
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    await load_demo(runtime, n_users=1, days=120, seed=42, now=NOW)
    await fold_dirty(runtime.db, now=NOW)
    return app_client


def assert_meta(meta: dict[str, Any], period: str | None) -> None:
    assert meta == {
        "period": period,
        "generated_at": meta["generated_at"],
        "cached": False,
        "data_through": meta["data_through"],
        "stale": False,
    }
    assert datetime.fromisoformat(meta["generated_at"]) == NOW
    assert datetime.fromisoformat(meta["data_through"]) == at(1, 12, 5)  # the newest event: fA1


def graphql_chart(chart: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL chart as Chart.js gets it from REST: options that are null left out."""
    return {
        "labels": chart["labels"],
        "datasets": [{k: v for k, v in d.items() if v is not None} for d in chart["datasets"]],
    }


async def test_the_openapi_document_is_valid_openapi_3_1_and_lists_every_route(
    app_client: httpx.AsyncClient,
) -> None:
    doc = await openapi(app_client)

    validate(doc)  # raises on an invalid document
    assert doc["openapi"] == "3.1.0"
    assert {p: sorted(ops) for p, ops in doc["paths"].items()} == {
        "/api/analytics/overview": ["get"],
        "/api/analytics/progress": ["get"],
        "/api/analytics/trends": ["get"],
        "/api/analytics/insights": ["get"],
        "/api/analytics/insights/{id}/dismiss": ["post"],
        "/api/analytics/insights/{id}/rate": ["post"],
        "/api/analytics/insights/viewed": ["post"],
        "/api/analytics/topics": ["get"],
        "/api/analytics/goals": ["get", "post"],
        "/api/analytics/goals/{id}": ["delete", "get", "patch"],
        "/api/analytics/achievements": ["get"],
        "/api/analytics/quality/radar": ["get"],
        "/api/analytics/quality/distribution": ["get"],
        "/api/analytics/feedback": ["get"],
        "/api/analytics/heatmap": ["get"],
    }
    progress = doc["paths"]["/api/analytics/progress"]["get"]
    assert [p["name"] for p in progress["parameters"]] == ["period", "start", "end", "metrics", "granularity"]
    assert progress["parameters"][0]["schema"]["enum"] == ["7d", "14d", "30d", "90d", "365d", "all"]


async def test_overview_has_the_seed_shape_and_the_numbers_worked_out_by_hand(
    loaded: httpx.AsyncClient,
) -> None:
    o = await get(loaded, "/api/analytics/overview", period="7d")

    assert list(o) == [
        "summary",
        "trends",
        "streak",
        "recent_insights",
        "active_goals",
        "recent_achievements",
        "meta",
    ]
    assert o["summary"] == {
        "total_sessions": 3,
        "total_exchanges": 8,
        "avg_quality": pytest.approx(QUALITY),
        "streak_days": 3,
        "unique_topics": 3,
        "total_minutes": pytest.approx(105.0),
        "median_session_minutes": 30.0,  # B 60, A 30, D 15
    }
    # The previous 7 days hold C alone: 1 session, 1 exchange at 0.4.
    assert o["trends"]["sessions"] == {"value": 3.0, "previous": 1.0, "change": 200.0, "direction": "up"}
    assert o["trends"]["quality"] == {
        "value": pytest.approx(QUALITY),
        "previous": pytest.approx(0.4),
        "change": pytest.approx((QUALITY - 0.4) / 0.4 * 100),
        "direction": "up",
    }
    assert o["trends"]["engagement"] == {
        "value": pytest.approx(8 / 3),
        "previous": 1.0,
        "change": pytest.approx((8 / 3 - 1) * 100),
        "direction": "up",
    }
    assert o["streak"] == {
        "current": 3,
        "best": 3,
        "today_complete": False,
        "last_active_date": str(TODAY - timedelta(days=1)),
        "started_on": str(TODAY - timedelta(days=3)),
        "freezes_available": 0,
        "frozen_days": [],
    }
    # A learner's first use of goals creates the architecture's six default goals.
    assert len(o["active_goals"]) == 6
    assert_meta(o["meta"], "7d")


async def test_overview_equals_the_graphql_overview(loaded: httpx.AsyncClient) -> None:
    rest = await get(loaded, "/api/analytics/overview", period="30d")
    body = await gql(
        loaded,
        """{ overview(period: LAST_30_DAYS) {
              summary { totalSessions totalExchanges avgQuality streakDays uniqueTopics totalMinutes medianSessionMinutes }
              trends { sessions { value change direction } quality { value change direction }
                       engagement { value change direction } }
              streak { current longest } recentInsights { id } meta { period dataThrough }
              activeGoals { id progressPercent currentValue } recentAchievements { id } } }""",
    )
    g = body["data"]["overview"]

    assert rest["summary"] == {
        "total_sessions": g["summary"]["totalSessions"],
        "total_exchanges": g["summary"]["totalExchanges"],
        "avg_quality": g["summary"]["avgQuality"],
        "streak_days": g["summary"]["streakDays"],
        "unique_topics": g["summary"]["uniqueTopics"],
        "total_minutes": g["summary"]["totalMinutes"],
        "median_session_minutes": g["summary"]["medianSessionMinutes"],
    }
    words = {"UP": "up", "DOWN": "down", "FLAT": "stable"}
    for name in ("sessions", "quality", "engagement"):
        mine, theirs = rest["trends"][name], g["trends"][name]
        assert (mine["value"], mine["change"], mine["direction"]) == (
            theirs["value"],
            theirs["change"],
            words[theirs["direction"]],
        )
    assert (rest["streak"]["current"], rest["streak"]["best"]) == (
        g["streak"]["current"],
        g["streak"]["longest"],
    )
    assert [i["id"] for i in rest["recent_insights"]] == [i["id"] for i in g["recentInsights"]]
    assert rest["meta"]["period"] == g["meta"]["period"] == "30d"
    assert [(x["id"], x["progress"], x["current"]) for x in rest["active_goals"]] == [
        (x["id"], x["progressPercent"], x["currentValue"]) for x in g["activeGoals"]
    ]
    assert [x["id"] for x in rest["recent_achievements"]] == [x["id"] for x in g["recentAchievements"]]


async def test_all_time_compares_with_the_empty_days_before_the_first(loaded: httpx.AsyncClient) -> None:
    o = await get(loaded, "/api/analytics/overview", period="all")

    assert o["summary"]["total_sessions"] == 4
    # Before the first day there is nothing: 0 sessions, so no change in percent, and no quality.
    assert o["trends"]["sessions"] == {"value": 4.0, "previous": 0.0, "change": None, "direction": "up"}
    assert o["trends"]["quality"]["previous"] is None


async def test_progress_is_a_chart_js_line_chart_with_statistics_keyed_by_metric(
    loaded: httpx.AsyncClient,
) -> None:
    p = await get(loaded, "/api/analytics/progress", period="7d", metrics="sessions,quality,corrections")

    days = [TODAY - timedelta(days=6 - i) for i in range(7)]
    assert p["granularity"] == "daily"
    assert p["chart"]["labels"] == [f"{d:%b} {d.day}" for d in days]
    sessions, quality, corrections = p["chart"]["datasets"]
    assert sessions == {
        "label": "Sessions",
        "data": [0, 0, 0, 1, 1, 1, 0],
        "borderColor": "#4F46E5",
        "fill": False,
        "yAxisID": "y-sessions",
    }
    assert quality["data"] == [
        None,
        None,
        None,
        pytest.approx(0.7),
        pytest.approx(0.7),
        pytest.approx(0.75),
        None,
    ]
    assert (quality["borderColor"], quality["yAxisID"]) == ("#10B981", "y-quality")
    assert corrections["data"] == [0, 0, 0, 1, 0, 0, 0]
    assert list(p["statistics"]) == ["sessions", "quality", "corrections"]
    # Sessions [0, 0, 0, 1, 1, 1, 0]: OLS slope 3/28 > 0 and a change far past +5 % → up.
    assert p["statistics"]["sessions"] == {
        "total": 3.0,
        "avg": pytest.approx(3 / 7),
        "max": 1.0,
        "min": 0.0,
        "trend": "up",
        "direction": "improving",
    }
    assert p["statistics"]["quality"] == {
        "total": None,
        "avg": pytest.approx(QUALITY),
        "max": pytest.approx(0.75),
        "min": pytest.approx(0.7),
        "trend": "up",
        "direction": "improving",
    }
    assert p["statistics"]["corrections"]["trend"] == "stable"
    assert [pt["minutes"] for pt in p["points"]] == [0, 0, 0, 60, 15, 30, 0]
    assert_meta(p["meta"], "7d")


async def test_progress_equals_the_graphql_progress(loaded: httpx.AsyncClient) -> None:
    rest = await get(
        loaded, "/api/analytics/progress", period="90d", metrics="exchanges,engagement", granularity="weekly"
    )
    body = await gql(
        loaded,
        """{ progress(period: LAST_90_DAYS, metrics: [EXCHANGES, ENGAGEMENT], granularity: WEEK) {
              granularity statistics { metric total avg min max }
              chart { labels datasets { label data borderColor backgroundColor fill yAxisID } }
              points { label sessions exchanges avgQuality } } }""",
    )
    g = body["data"]["progress"]

    assert rest["granularity"] == "weekly" and g["granularity"] == "WEEK"
    assert rest["chart"] == graphql_chart(g["chart"])
    assert {m: {k: s[k] for k in ("total", "avg", "min", "max")} for m, s in rest["statistics"].items()} == {
        s["metric"].lower(): {k: s[k] for k in ("total", "avg", "min", "max")} for s in g["statistics"]
    }
    assert [(p["label"], p["sessions"], p["exchanges"], p["avg_quality"]) for p in rest["points"]] == [
        (p["label"], p["sessions"], p["exchanges"], p["avgQuality"]) for p in g["points"]
    ]
    assert sum(p["exchanges"] for p in rest["points"]) == 9  # 8 this week and C1


async def test_trends_fit_the_daily_series_by_least_squares(loaded: httpx.AsyncClient) -> None:
    t = await get(loaded, "/api/analytics/trends", metric="quality", period="7d", window="3")

    # Quality by day over the 7 days: missing, missing, missing, 0.7 (B), 0.7 (D), 0.75 (A), missing.
    fit = stats.linregress([3, 4, 5], [0.7, 0.7, 0.75])
    assert t["trend"]["slope"] == pytest.approx(fit.slope)
    assert t["trend"]["confidence"] == pytest.approx(fit.rvalue**2)
    # The line 30 days past the period's last day (offset 6 + 30).
    assert t["trend"]["prediction_30d"] == pytest.approx(fit.intercept + fit.slope * 36)
    assert t["trend"]["direction"] == "improving"
    daily, average = t["chart"]["datasets"][:2]
    assert (daily["label"], daily["borderColor"]) == ("Daily", "#E5E7EB")
    assert (average["label"], average["borderColor"]) == ("3-day Avg", "#4F46E5")
    assert daily["data"][:7] == [None, None, None, 0.7, 0.7, 0.75, None]
    # 3-day averages of what is present: day 4 → 0.7, day 5 → (0.7 + 0.7 + 0.75) / 3, day 6 → (0.7 + 0.75) / 2.
    assert average["data"][4:7] == [pytest.approx(0.7), pytest.approx(2.15 / 3), pytest.approx(0.725)]
    assert t["window"] == 3 and t["metric"] == "quality"
    assert_meta(t["meta"], "7d")


async def test_trends_equal_the_graphql_trend(loaded: httpx.AsyncClient) -> None:
    rest = await get(
        loaded, "/api/analytics/trends", metric="sessions", period="30d", window="7", method="holt"
    )
    body = await gql(
        loaded,
        """{ trend(metric: SESSIONS, period: LAST_30_DAYS, window: 7, method: HOLT) {
              direction slope confidence prediction30d changePercent
              points { date value rollingAvg } forecast { date value lowerBound upperBound }
              seasonality { detected pValue } anomalies { date }
              chart { labels datasets { label data borderColor backgroundColor fill yAxisID } } } }""",
    )
    g = body["data"]["trend"]

    assert rest["trend"] == {
        "direction": g["direction"].lower(),
        "slope": g["slope"],
        "confidence": g["confidence"],
        "prediction_30d": g["prediction30d"],
        "change_percent": g["changePercent"],
    }
    assert rest["chart"] == graphql_chart(g["chart"])
    assert [(p["date"], p["value"], p["rolling_avg"]) for p in rest["points"]] == [
        (p["date"], p["value"], p["rollingAvg"]) for p in g["points"]
    ]
    assert [f["value"] for f in rest["forecast"]] == [f["value"] for f in g["forecast"]]
    assert len(rest["forecast"]) == 7
    assert rest["seasonality"]["p_value"] == g["seasonality"]["pValue"]


async def test_topics_have_the_seed_shape_and_equal_the_graphql_topics(loaded: httpx.AsyncClient) -> None:
    t = await get(loaded, "/api/analytics/topics", period="30d", limit="5")
    body = await gql(
        loaded,
        """{ topics(period: LAST_30_DAYS, limit: 5) {
              totalTopics topTopics { name sessions exchanges avgQuality }
              trending { name growth firstSeen isNew } connections { source target strength sessions }
              distribution { labels datasets { label data borderColor backgroundColor fill yAxisID } } } }""",
    )
    g = body["data"]["topics"]

    assert list(t) == ["distribution", "top_topics", "trending", "knowledge_graph", "meta"]
    top = {x["name"]: x for x in t["top_topics"]}
    # python: A1, A2, B1 in sessions A and B; sql: B1, B2 in session B.
    assert top["python"] == {
        "name": "python",
        "sessions": 2,
        "quality": pytest.approx(2.0 / 3),
        "exchanges": 3,
    }
    assert top["sql"] == {"name": "sql", "sessions": 1, "quality": pytest.approx(0.7), "exchanges": 2}
    chart = t["distribution"]["chart"]
    assert chart == graphql_chart(g["distribution"])
    assert chart["datasets"][0]["backgroundColor"][:2] == ["#4F46E5", "#10B981"]
    assert "borderColor" not in chart["datasets"][0]
    assert t["top_topics"] == [
        {
            "name": x["name"],
            "sessions": x["sessions"],
            "quality": x["avgQuality"],
            "exchanges": x["exchanges"],
        }
        for x in g["topTopics"]
    ]
    assert t["trending"] == [
        {"name": x["name"], "growth": x["growth"], "first_seen": x["firstSeen"], "is_new": x["isNew"]}
        for x in g["trending"]
    ]
    graph = t["knowledge_graph"]
    assert graph["total_concepts"] == g["totalTopics"] == 3
    assert graph["strongest_connections"] == g["connections"]
    # python and sql share session B: |{B}| / |{A, B}| = 0.5.
    assert graph["strongest_connections"][0] == {
        "source": "python",
        "target": "sql",
        "strength": 0.5,
        "sessions": 1,
    }
    assert_meta(t["meta"], "30d")


async def test_insights_list_dismiss_rate_and_viewed_agree_with_graphql(demo: httpx.AsyncClient) -> None:
    loaded = demo
    doc = await openapi(loaded)
    listed = await get(loaded, "/api/analytics/insights", limit="50")
    body = await gql(
        loaded, "{ insights(limit: 50) { insights { id type importance } total newSinceLastVisit } }"
    )
    g = body["data"]["insights"]

    assert listed["total"] == g["total"] > 0
    assert [(i["id"], i["type"], i["importance"]) for i in listed["insights"]] == [
        (i["id"], i["type"].lower(), i["importance"].lower()) for i in g["insights"]
    ]
    assert listed["new_since_last_visit"] == g["newSinceLastVisit"] == listed["total"]
    assert listed["meta"]["period"] is None
    first = listed["insights"][0]["id"]

    refused = await loaded.post(f"/api/analytics/insights/{first}/rate", json={"helpful": "yes"})
    assert refused.status_code == 400 and refused.json()["error"]["parameter"] == "helpful"
    unchanged = await get(loaded, "/api/analytics/insights", limit="50")
    assert unchanged["insights"][0]["helpful"] is None

    json = {"content-type": "application/json"}
    dismissed = await loaded.post(f"/api/analytics/insights/{first}/dismiss", headers=json)
    rated = await loaded.post(f"/api/analytics/insights/{first}/rate", json={"helpful": True})
    viewed = await loaded.post("/api/analytics/insights/viewed", headers=json)

    assert dismissed.status_code == rated.status_code == viewed.status_code == 200
    assert dismissed.headers["cache-control"] == "no-store"
    assert_matches(doc, "/api/analytics/insights/{id}/dismiss", dismissed.json(), method="post")
    assert_matches(doc, "/api/analytics/insights/{id}/rate", rated.json(), method="post")
    assert_matches(doc, "/api/analytics/insights/viewed", viewed.json(), method="post")
    assert datetime.fromisoformat(dismissed.json()["insight"]["dismissed_at"]) == NOW
    assert rated.json()["insight"]["helpful"] is True
    assert viewed.json() == {"new": listed["total"]}  # every one was unviewed, the dismissed one too
    after = await gql(
        loaded,
        "{ insights(limit: 50, includeDismissed: true) { insights { id dismissedAt helpful } newSinceLastVisit } }",
    )
    mine = next(i for i in after["data"]["insights"]["insights"] if i["id"] == first)
    assert mine["helpful"] is True and mine["dismissedAt"] is not None
    assert after["data"]["insights"]["newSinceLastVisit"] == 0
    remaining = await get(loaded, "/api/analytics/insights", limit="50")
    assert first not in [i["id"] for i in remaining["insights"]]
    both = await get(loaded, "/api/analytics/insights", limit="50", include_dismissed="true")
    assert first in [i["id"] for i in both["insights"]]


async def test_insights_filter_by_type_and_importance(demo: httpx.AsyncClient) -> None:
    loaded = demo
    every = await get(loaded, "/api/analytics/insights", limit="100")
    kinds = {(i["type"], i["importance"]) for i in every["insights"]}

    for kind, importance in kinds:
        page = await get(loaded, "/api/analytics/insights", limit="100", type=kind, importance=importance)
        expected = [i["id"] for i in every["insights"] if (i["type"], i["importance"]) == (kind, importance)]
        assert [i["id"] for i in page["insights"]] == expected
        assert page["total"] == len(expected)


async def test_an_unknown_insight_is_a_404_naming_the_id(loaded: httpx.AsyncClient) -> None:
    r = await loaded.post(
        "/api/analytics/insights/nope/dismiss", headers={"content-type": "application/json"}
    )

    assert r.status_code == 404
    assert r.json()["error"]["parameter"] == "id"
    assert_matches(
        await openapi(loaded), "/api/analytics/insights/{id}/dismiss", r.json(), method="post", status="404"
    )


async def test_an_empty_account_answers_every_route_with_valid_empty_shapes(
    app_client: httpx.AsyncClient,
) -> None:
    for path in ("overview", "progress", "trends", "insights", "topics"):
        body = await get(app_client, f"/api/analytics/{path}")
        assert body["meta"]["data_through"] is None
    o = await get(app_client, "/api/analytics/overview")
    assert o["summary"]["avg_quality"] is None
    assert o["trends"]["quality"] == {"value": 0.0, "previous": None, "change": None, "direction": "stable"}
    assert date.fromisoformat((await get(app_client, "/api/analytics/trends"))["points"][-1]["date"])


async def test_each_key_reads_only_its_own_learner_and_no_key_is_a_401(
    settings: Settings, runtime: Runtime
) -> None:
    await users.create_user(runtime.db, user_id="alice", name="Alice", timezone="UTC", now=NOW)
    await users.create_user(runtime.db, user_id="bob", name="Bob", timezone="UTC", now=NOW)
    alice = await users.create_key(runtime.db, user_id="alice", now=NOW)
    bob = await users.create_key(runtime.db, user_id="bob", now=NOW)
    async with client_for(settings) as client:
        client.app.state.runtime.clock = lambda: NOW  # type: ignore[attr-defined]
        as_alice = {"Authorization": f"Bearer {alice}"}
        stored = await client.post("/api/analytics/events", json=dataset(), headers=as_alice)
        assert stored.status_code == 200
        await fold_dirty(client.app.state.runtime.db, now=NOW)  # type: ignore[attr-defined]

        anonymous = await client.get("/api/analytics/overview")
        document = await client.get("/api/analytics/openapi.json")
        mine = await client.get("/api/analytics/overview?period=7d", headers=as_alice)
        theirs = await client.get(
            "/api/analytics/overview?period=7d", headers={"Authorization": f"Bearer {bob}"}
        )

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    assert document.status_code == 200  # the document describes routes, not anyone's data
    assert mine.json()["summary"]["total_sessions"] == 3
    assert theirs.json()["summary"]["total_sessions"] == 0


async def test_an_explicit_range_answers_like_the_period_it_equals(loaded: httpx.AsyncClient) -> None:
    start, end = str(TODAY - timedelta(days=6)), str(TODAY)
    for route in ("overview", "progress", "trends", "topics"):
        by_period = await get(loaded, f"/api/analytics/{route}", period="7d")
        by_range = await get(loaded, f"/api/analytics/{route}", start=start, end=end)

        assert by_range["meta"]["period"] == f"{start}/{end}"
        assert {k: v for k, v in by_range.items() if k != "meta"} == {
            k: v for k, v in by_period.items() if k != "meta"
        }
    # 30 days ago to 4 days ago: C (10 days ago) and B (3 days ago is outside): 1 session.
    o = await get(
        loaded,
        "/api/analytics/overview",
        start=str(TODAY - timedelta(days=30)),
        end=str(TODAY - timedelta(days=4)),
    )
    assert o["summary"]["total_sessions"] == 1 and o["summary"]["median_session_minutes"] == 20.0
