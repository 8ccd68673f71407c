"""Insights and trends on the demo learner, through GraphQL: generation, stable ids, dismiss, rate, view.

The service's clock is stopped at NOW; two days before it the learner has one very poor session
(10 exchanges at quality 0.4), an anomaly both for the trend answer and for the insight rules.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from support import events, exchange, gql, session

from learning_analytics.resolvers import insights as insight_resolvers
from learning_analytics.resolvers.auth import default_user
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import InsightRow

LIST = """query($limit: Int, $dismissed: Boolean) {
  insights(limit: $limit, includeDismissed: $dismissed) {
    total newSinceLastVisit
    insights { id rule type title description importance confidence data icon actionUrl
               generatedAt expiresAt viewedAt dismissedAt helpful }
  }
}"""


NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
POOR_SESSION = NOW - timedelta(days=2, hours=5)


def poor_session() -> dict[str, object]:
    return events(
        [session("poor", POOR_SESSION, 45)],
        [exchange(f"poor-{i}", "poor", POOR_SESSION + timedelta(minutes=i), 0.4) for i in range(10)],
    )


@pytest.fixture
async def demo_client(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    await load_demo(runtime, n_users=1, days=120, seed=42, now=NOW)
    r = await app_client.post("/api/analytics/events", json=poor_session())
    assert r.status_code == 200, r.text
    await fold_dirty(runtime.db, now=NOW)
    return app_client


async def _rows(client: httpx.AsyncClient) -> int:
    async with client.app.state.runtime.db.read() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(select(func.count()).select_from(InsightRow.__table__))).scalar_one())


async def test_the_demo_learner_improves_with_a_forecast_that_brackets_itself(
    demo_client: httpx.AsyncClient,
) -> None:
    body = await gql(
        demo_client,
        "{ trend(metric: QUALITY, period: LAST_90_DAYS, forecastDays: 7) "
        "{ direction confidence slope forecast { value lowerBound upperBound } "
        "points { date value } anomalies { date value expected zScore } } }",
    )
    t = body["data"]["trend"]

    assert t["direction"] == "IMPROVING"
    assert t["confidence"] > 0.3
    assert t["slope"] > 0
    assert len(t["forecast"]) == 7
    assert all(f["lowerBound"] < f["value"] < f["upperBound"] for f in t["forecast"])
    poor_day = POOR_SESSION.date()
    (anomaly,) = [a for a in t["anomalies"] if a["date"] == str(poor_day)]
    # Recomputed from the answer's own daily values: the 28 calendar days before the poor day.
    values = {date.fromisoformat(p["date"]): p["value"] for p in t["points"]}
    window = [values[poor_day - timedelta(days=k)] for k in range(1, 29)]
    window = [v for v in window if v is not None]
    mean, sd = statistics.fmean(window), statistics.stdev(window)
    assert anomaly["value"] == pytest.approx(values[poor_day])
    assert anomaly["expected"] == pytest.approx(mean, rel=1e-9)
    assert anomaly["zScore"] == pytest.approx((values[poor_day] - mean) / sd, rel=1e-9)
    assert anomaly["zScore"] < -2


async def test_the_demo_learner_gets_at_least_five_distinct_rules(demo_client: httpx.AsyncClient) -> None:
    body = await gql(demo_client, LIST, {"limit": 20})
    page = body["data"]["insights"]

    rules = {i["rule"] for i in page["insights"]}
    assert len(rules) >= 5, rules
    (anomaly,) = [i for i in page["insights"] if i["rule"] == "quality_anomaly"]
    assert anomaly["title"] == "Unusually Low Quality"
    assert anomaly["data"]["date"] == str(POOR_SESSION.date())
    assert anomaly["data"]["z_score"] < -2
    assert page["total"] >= len(page["insights"])
    assert page["newSinceLastVisit"] == page["total"]
    for i in page["insights"]:
        assert i["id"].startswith("ins_")
        assert i["description"] and i["data"]
        assert 0 <= i["confidence"] <= 1
    importance = [("HIGH", "MEDIUM", "LOW").index(i["importance"]) for i in page["insights"]]
    assert importance == sorted(importance)


async def test_regenerating_on_unchanged_data_adds_no_rows(demo_client: httpx.AsyncClient) -> None:
    first = await gql(demo_client, LIST, {"limit": 50})
    rows = await _rows(demo_client)
    runtime = demo_client.app.state.runtime  # type: ignore[attr-defined]

    new = await insight_resolvers.regenerate(build_context(runtime, await default_user(runtime)))

    again = await gql(demo_client, LIST, {"limit": 50})
    assert new == 0
    assert await _rows(demo_client) == rows
    assert [i["id"] for i in again["data"]["insights"]["insights"]] == [
        i["id"] for i in first["data"]["insights"]["insights"]
    ]


async def test_a_dismissed_insight_stays_dismissed_after_regeneration(demo_client: httpx.AsyncClient) -> None:
    target = (await gql(demo_client, LIST, {"limit": 5}))["data"]["insights"]["insights"][0]["id"]

    dismissed = await gql(
        demo_client,
        "mutation($id: ID!) { dismissInsight(id: $id) { __typename ... on Insight { id dismissedAt } } }",
        {"id": target},
    )
    runtime = demo_client.app.state.runtime  # type: ignore[attr-defined]
    await insight_resolvers.regenerate(build_context(runtime, await default_user(runtime)))
    visible = await gql(demo_client, LIST, {"limit": 50})
    everything = await gql(demo_client, LIST, {"limit": 50, "dismissed": True})

    assert dismissed["data"]["dismissInsight"]["dismissedAt"] is not None
    assert target not in [i["id"] for i in visible["data"]["insights"]["insights"]]
    again = [i for i in everything["data"]["insights"]["insights"] if i["id"] == target]
    assert again and again[0]["dismissedAt"] is not None


async def test_rating_and_marking_viewed(demo_client: httpx.AsyncClient) -> None:
    page = (await gql(demo_client, LIST, {"limit": 5}))["data"]["insights"]
    target = page["insights"][0]["id"]

    rated = await gql(
        demo_client,
        "mutation($id: ID!) { rateInsight(id: $id, helpful: true) { ... on Insight { helpful } } }",
        {"id": target},
    )
    viewed = await gql(demo_client, "mutation { markInsightsViewed }")
    after = (await gql(demo_client, LIST, {"limit": 5}))["data"]["insights"]

    assert rated["data"]["rateInsight"] == {"helpful": True}
    assert viewed["data"]["markInsightsViewed"] == page["total"]
    assert after["newSinceLastVisit"] == 0
    assert all(i["viewedAt"] for i in after["insights"])


async def test_an_unknown_insight_is_a_not_found_error(demo_client: httpx.AsyncClient) -> None:
    body = await gql(
        demo_client,
        'mutation { dismissInsight(id: "ins_nope") { __typename ... on NotFoundError { id message } } }',
    )

    assert body["data"]["dismissInsight"] == {
        "__typename": "NotFoundError",
        "id": "ins_nope",
        "message": "no insight 'ins_nope'",
    }


async def test_the_overview_lists_recent_insights(demo_client: httpx.AsyncClient) -> None:
    body = await gql(
        demo_client,
        "{ overview { recentInsights { id rule } summary { totalSessions } streak { current } } }",
    )

    o = body["data"]["overview"]
    assert 1 <= len(o["recentInsights"]) <= 10
    assert o["summary"]["totalSessions"] > 20
    assert o["streak"]["current"] >= 1
