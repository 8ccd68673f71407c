"""Overview, progress, streak, topics, mastery and trend on a small hand-made dataset, checked by hand.

The service's clock is set to NOW, so "today" and the periods are fixed whatever the wall clock says.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta

import httpx
import pytest
from rest_support import NOW, TODAY, at, dataset
from scipy import stats
from support import client_for, gql

from learning_analytics.config import Settings, TrendSettings
from learning_analytics.resolvers import rollups
from learning_analytics.storage.rollups.fold import fold_dirty


async def load(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The dataset ingested and folded with the service's clock stopped at NOW."""
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    r = await client.post("/api/analytics/events", json=dataset())
    assert r.status_code == 200, r.text
    await fold_dirty(runtime.db, now=NOW)
    return client


@pytest.fixture
async def loaded(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return await load(app_client)


async def test_overview_sums_the_period_and_compares_it_with_the_previous_one(
    loaded: httpx.AsyncClient,
) -> None:
    body = await gql(
        loaded,
        """{ overview(period: LAST_7_DAYS) {
              period summary { totalSessions totalExchanges avgQuality streakDays uniqueTopics totalMinutes }
              trends { sessions { value change direction } quality { value change direction }
                       engagement { value change direction } }
              streak { current longest todayComplete lastActiveDate startedOn }
              recentInsights { id } activeGoals { id } recentAchievements { id }
              meta { period generatedAt dataThrough stale } } }""",
    )
    o = body["data"]["overview"]

    quality = (0.8 + 0.7 + 0.5 + 0.9 + 4 * 0.7) / 8  # exchange-weighted, D counts 4 exchanges at 0.7
    assert o["summary"] == {
        "totalSessions": 3,
        "totalExchanges": 8,
        "avgQuality": pytest.approx(quality),
        "streakDays": 3,
        "uniqueTopics": 3,
        "totalMinutes": pytest.approx(105.0),
    }
    assert o["trends"]["sessions"] == {"value": 3.0, "change": pytest.approx(200.0), "direction": "UP"}
    assert o["trends"]["quality"]["change"] == pytest.approx((quality - 0.4) / 0.4 * 100)
    assert o["trends"]["engagement"]["value"] == pytest.approx(8 / 3)
    assert o["trends"]["engagement"]["change"] == pytest.approx((8 / 3 - 1) / 1 * 100)
    assert o["streak"] == {
        "current": 3,
        "longest": 3,
        "todayComplete": False,
        "lastActiveDate": str(TODAY - timedelta(days=1)),
        "startedOn": str(TODAY - timedelta(days=3)),
    }
    assert o["meta"]["period"] == "7d"
    assert datetime.fromisoformat(o["meta"]["generatedAt"]) == NOW
    assert datetime.fromisoformat(o["meta"]["dataThrough"]) == at(1, 12, 5)


async def test_progress_by_day_with_statistics_and_a_chart(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded,
        """{ progress(period: LAST_7_DAYS, metrics: [SESSIONS, QUALITY, CORRECTIONS]) {
              granularity points { periodStart label sessions exchanges avgQuality minutes corrections positiveFeedbackRate }
              statistics { metric total avg min max direction }
              chart { labels datasets { label data borderColor yAxisID } } } }""",
    )
    p = body["data"]["progress"]

    assert p["granularity"] == "DAY"
    assert [pt["sessions"] for pt in p["points"]] == [0, 0, 0, 1, 1, 1, 0]
    assert [pt["exchanges"] for pt in p["points"]] == [0, 0, 0, 2, 4, 2, 0]
    assert [pt["minutes"] for pt in p["points"]] == [0, 0, 0, 60, 15, 30, 0]
    assert p["points"][3]["avgQuality"] == pytest.approx(0.7)
    assert p["points"][3]["positiveFeedbackRate"] == 0.0
    assert p["points"][5]["positiveFeedbackRate"] == 1.0
    assert p["points"][0]["avgQuality"] is None
    assert datetime.fromisoformat(p["points"][0]["periodStart"]) == datetime.combine(
        TODAY - timedelta(days=6), time(), UTC
    )
    sessions, quality, corrections = p["statistics"]
    # Sessions [0, 0, 0, 1, 1, 1, 0] at x = 0..6: x̄ = 3, Sxx = 28, Sxy = Σ(x − 3)·y = 0 + 1 + 2 = 3,
    # slope = 3/28, ŷ(0) = 3/7 − 3·3/28 = 3/28, ŷ(6) = 21/28: change +600 % > 5 % → IMPROVING.
    assert sessions == {
        "metric": "SESSIONS",
        "total": 3.0,
        "avg": pytest.approx(3 / 7),
        "min": 0.0,
        "max": 1.0,
        "direction": "IMPROVING",
    }
    # Quality 0.7, 0.7, 0.75 at x = 3, 4, 5: slope = 0.05 / 2 = 0.025, ŷ(0) = 0.7167 − 4·0.025 = 0.6167,
    # ŷ(6) = 0.7667: change +24 % → IMPROVING.
    assert quality["direction"] == "IMPROVING"
    # Corrections [0, 0, 0, 1, 0, 0, 0]: Sxy = (3 − 3)·1 = 0, a flat line → STABLE.
    assert corrections["direction"] == "STABLE"
    assert quality["avg"] == pytest.approx((0.8 + 0.7 + 0.5 + 0.9 + 4 * 0.7) / 8)
    assert (quality["min"], quality["max"], quality["total"]) == (
        pytest.approx(0.7),
        pytest.approx(0.75),
        None,
    )
    assert corrections["total"] == 1.0
    labels = [d["label"] for d in p["chart"]["datasets"]]
    assert labels == ["Sessions", "Quality", "Corrections"]
    assert p["chart"]["datasets"][0]["borderColor"] == "#4F46E5"
    assert p["chart"]["datasets"][0]["yAxisID"] == "y-sessions"
    assert p["chart"]["datasets"][1]["borderColor"] == "#10B981"
    assert p["chart"]["datasets"][0]["data"] == [0, 0, 0, 1, 1, 1, 0]
    assert len(p["chart"]["labels"]) == 7


async def test_progress_picks_weeks_for_ninety_days_and_they_add_up(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded, "{ progress(period: LAST_90_DAYS) { granularity points { sessions exchanges } } }"
    )
    p = body["data"]["progress"]

    assert p["granularity"] == "WEEK"
    assert sum(pt["sessions"] for pt in p["points"]) == 4
    assert sum(pt["exchanges"] for pt in p["points"]) == 9


async def test_hour_granularity_is_refused_beyond_seven_days(loaded: httpx.AsyncClient) -> None:
    body = await gql(loaded, "{ progress(period: LAST_30_DAYS, granularity: HOUR) { granularity } }")

    assert body["errors"][0]["extensions"]["field"] == "granularity"


async def test_topics_rank_connect_and_trend(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded,
        """{ topics(period: LAST_7_DAYS) {
              totalTopics distribution { labels datasets { data backgroundColor } }
              topTopics { name sessions exchanges avgQuality mastery { score level totalInteractions } }
              trending { name growth firstSeen isNew }
              connections { source target strength sessions } } }""",
    )
    t = body["data"]["topics"]

    assert t["totalTopics"] == 3
    assert [(x["name"], x["sessions"], x["exchanges"]) for x in t["topTopics"]] == [
        ("python", 2, 3),
        ("sql", 1, 2),
        ("git", 1, 0),
    ]
    assert t["topTopics"][0]["avgQuality"] == pytest.approx((0.8 + 0.7 + 0.5) / 3)
    assert t["distribution"]["labels"] == ["python", "sql", "git"]
    assert t["distribution"]["datasets"][0]["data"] == [3, 2, 0]
    assert t["distribution"]["datasets"][0]["backgroundColor"][:2] == ["#4F46E5", "#10B981"]
    # python is in sessions A and B, sql in B: Jaccard = 1 shared / 2 holding either = 0.5
    assert t["connections"] == [{"source": "python", "target": "sql", "strength": 0.5, "sessions": 1}]
    # halves: days 6..4 ago and 2..0 ago (the middle day, when B happened, belongs to neither);
    # python has 0 exchanges in the first and 2 in the second: new, growth (2 − 0) / max(0, 1) × 100
    assert t["trending"] == [
        {"name": "python", "growth": 200.0, "firstSeen": str(TODAY - timedelta(days=3)), "isNew": True}
    ]


async def test_topic_mastery_follows_the_formula(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded,
        '{ python: topicMastery(topic: "python") { score level totalInteractions lastPracticedAt } '
        'none: topicMastery(topic: "cooking") { score } }',
    )

    w1, w3 = 0.5 ** (1 / 30), 0.5 ** (3 / 30)
    q = (w1 * (0.8 + 0.7) + w3 * 0.5) / (2 * w1 + w3)
    m = body["data"]["python"]
    assert m["score"] == pytest.approx(q * (1 - math.exp(-3 / 10)), rel=1e-9)
    assert m["level"] == "NOVICE"
    assert m["totalInteractions"] == 3
    assert datetime.fromisoformat(m["lastPracticedAt"]) == at(1, 12, 2)
    assert body["data"]["none"] is None


async def test_trend_of_quality_matches_scipy(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded,
        """{ trend(metric: QUALITY, period: LAST_7_DAYS, window: 3, forecastDays: 4) {
              window points { date value rollingAvg } direction slope changePercent confidence prediction30d
              forecast { date value lowerBound upperBound } seasonality { detected byWeekday { day value } }
              chart { labels datasets { label borderColor data } } } }""",
    )
    t = body["data"]["trend"]

    xs, ys = [3, 4, 5], [0.7, 0.7, 0.75]
    fit = stats.linregress(xs, ys)
    assert [p["value"] for p in t["points"]] == [
        None,
        None,
        None,
        pytest.approx(0.7),
        pytest.approx(0.7),
        pytest.approx(0.75),
        None,
    ]
    assert t["slope"] == pytest.approx(fit.slope, rel=1e-9)
    assert t["confidence"] == pytest.approx(fit.rvalue**2, rel=1e-9)
    fitted_first, fitted_last = fit.intercept, fit.intercept + 6 * fit.slope
    assert t["changePercent"] == pytest.approx(
        (fitted_last - fitted_first) / abs(fitted_first) * 100, rel=1e-9
    )
    assert t["prediction30d"] == pytest.approx(fit.intercept + (6 + 30) * fit.slope, rel=1e-9)
    assert t["points"][4]["rollingAvg"] == pytest.approx(0.7)  # the window of 3 holds days 2..4: two values
    assert t["points"][5]["rollingAvg"] == pytest.approx((0.7 + 0.7 + 0.75) / 3)
    assert [f["date"] for f in t["forecast"]] == [str(TODAY + timedelta(days=i)) for i in range(1, 5)]
    assert all(f["lowerBound"] <= f["value"] <= f["upperBound"] for f in t["forecast"])
    assert [d["label"] for d in t["chart"]["datasets"]] == ["Daily", "3-day Avg", "Forecast"]
    assert [d["borderColor"] for d in t["chart"]["datasets"][:2]] == ["#E5E7EB", "#4F46E5"]
    assert len(t["chart"]["labels"]) == 7 + 4
    assert t["seasonality"]["detected"] is False


async def test_trend_arguments_are_checked(loaded: httpx.AsyncClient) -> None:
    body = await gql(loaded, "{ trend(window: 0) { slope } }")

    assert body["errors"][0]["extensions"]["field"] == "window"


async def test_arguments_given_as_null_take_the_defaults_the_schema_shows(loaded: httpx.AsyncClient) -> None:
    body = await gql(
        loaded,
        """{ nulls: overview(period: null) { period summary { totalSessions } }
             omitted: overview { period summary { totalSessions } }
             progress(period: null, metrics: null) { period statistics { metric } }
             trend(metric: null, period: null, method: null) { metric period forecast { value } }
             topics(period: null, limit: null) { topTopics { name } }
             sessions(first: null) { totalCount edges { node { id } } } }""",
    )

    data = body["data"]
    assert data["nulls"] == data["omitted"] == {"period": "LAST_30_DAYS", "summary": {"totalSessions": 4}}
    assert data["progress"]["period"] == "LAST_30_DAYS"
    assert [s["metric"] for s in data["progress"]["statistics"]] == ["SESSIONS", "QUALITY"]
    assert (data["trend"]["metric"], data["trend"]["period"]) == ("QUALITY", "LAST_30_DAYS")
    assert len(data["trend"]["forecast"]) == 7
    assert {t["name"] for t in data["topics"]["topTopics"]} == {"python", "sql", "git"}
    assert data["sessions"]["totalCount"] == 4
    assert sorted(e["node"]["id"] for e in data["sessions"]["edges"]) == ["A", "B", "C", "D"]


async def test_data_only_shows_after_the_fold(app_client: httpx.AsyncClient) -> None:
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    await app_client.post("/api/analytics/events", json=dataset())

    before = await gql(app_client, "{ overview(period: LAST_7_DAYS) { summary { totalSessions } } }")
    await rollups.fold(runtime, now=NOW)  # the fold as the service runs it: it invalidates the cache
    after = await gql(app_client, "{ overview(period: LAST_7_DAYS) { summary { totalSessions } } }")

    assert before["data"]["overview"]["summary"]["totalSessions"] == 0
    assert after["data"]["overview"]["summary"]["totalSessions"] == 3


async def test_the_periods_follow_the_runtime_clock(loaded: httpx.AsyncClient) -> None:
    runtime = loaded.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW + timedelta(days=7)  # a week later: A, B and D are in the previous week

    body = await gql(
        loaded,
        "{ overview(period: LAST_7_DAYS) { summary { totalSessions } trends { sessions { value change } } "
        "meta { generatedAt } } }",
    )

    o = body["data"]["overview"]
    assert o["summary"]["totalSessions"] == 0
    assert o["trends"]["sessions"]["change"] == pytest.approx(-100.0)
    assert datetime.fromisoformat(o["meta"]["generatedAt"]) == NOW + timedelta(days=7)


TREND = """query($window: Int, $forecastDays: Int) {
  trend(period: LAST_7_DAYS, window: $window, forecastDays: $forecastDays) {
    window forecast { date } chart { datasets { label } } } }"""


async def test_an_omitted_window_and_horizon_are_the_configured_ones(settings: Settings) -> None:
    configured = settings.model_copy(update={"trends": TrendSettings(short_term_window=3, forecast_days=2)})
    async with client_for(configured) as client:
        await load(client)

        omitted = (await gql(client, TREND))["data"]["trend"]
        literal = await gql(client, "{ trend(period: LAST_7_DAYS, window: 7) { window forecast { date } } }")
        given = (await gql(client, TREND, {"window": 7, "forecastDays": 7}))["data"]["trend"]

    assert omitted["window"] == 3
    assert [f["date"] for f in omitted["forecast"]] == [
        str(TODAY + timedelta(days=1)),
        str(TODAY + timedelta(days=2)),
    ]
    assert omitted["chart"]["datasets"][1]["label"] == "3-day Avg"
    assert literal["data"]["trend"]["window"] == 7
    assert len(literal["data"]["trend"]["forecast"]) == 2  # forecastDays omitted: the configured 2
    assert (given["window"], len(given["forecast"])) == (7, 7)


async def test_the_schema_still_shows_the_contract_defaults(app_client: httpx.AsyncClient) -> None:
    body = await gql(app_client, '{ __type(name: "Query") { fields { name args { name defaultValue } } } }')

    trend = next(f for f in body["data"]["__type"]["fields"] if f["name"] == "trend")
    defaults = {a["name"]: a["defaultValue"] for a in trend["args"]}
    assert (defaults["window"], defaults["forecastDays"]) == ("7", "7")
