"""Bounded work per answer: buckets, series and lists have limits in settings, so a learner whose
history starts in year 1 gets a fast refusal or a coarser answer, never millions of points."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from support import client_for, events, exchange, gql, session

from learning_analytics.config import Settings
from learning_analytics.resolvers.auth import DEFAULT_USER_ID
from learning_analytics.resolvers.runtime import open_database
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import rollups_t

from .conftest import LiveServer, watching_health

ANCIENT = date(1, 1, 2)


def today() -> date:
    return datetime.now(UTC).date()


async def with_ancient_history(client: httpx.AsyncClient, database_url: str) -> None:
    """A session earlier today through the API, folded; and a day in year 1 written straight into the
    day rollups (ingestion may refuse such timestamps; the reads must stay bounded regardless)."""
    now = datetime.now(UTC).replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)
    started = midnight + (now - midnight) / 2  # today, in the past, whatever the hour
    body = events([session("recent", started, None)], [exchange("recent-1", "recent", started, 0.8)])
    response = await client.post("/api/analytics/events", json=body)
    assert response.status_code == 200, response.text
    database = open_database(Settings(database_url=database_url))
    try:
        await fold_dirty(database, now=datetime.now(UTC))
        async with database.write() as conn:
            await conn.execute(
                insert(rollups_t).values(
                    user_id=DEFAULT_USER_ID,
                    granularity="day",
                    bucket_day=ANCIENT,
                    bucket_hour=0,
                    sessions=1,
                    exchanges=1,
                    quality_n=1,
                    quality_sum=0.5,
                    quality_sumsq=0.25,
                    quality_min=0.5,
                    quality_max=0.5,
                )
            )
    finally:
        await database.dispose()


async def timed(client: httpx.AsyncClient, query: str) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return response.json(), elapsed


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


async def test_daily_progress_over_a_history_from_year_one_is_refused_fast_naming_granularity(
    live_server: LiveServer, database_url: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        await with_ancient_history(client, database_url)
        async with watching_health(live_server.url) as health:
            body, elapsed = await timed(client, "{ progress(period: ALL_TIME, granularity: DAY) { period } }")

    error = body["errors"][0]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "granularity",
        "reason": "too_many_buckets",
        "limit": 400,
    }
    assert "400" in error["message"]
    assert elapsed < 1.0, f"answered in {elapsed:.2f} s"
    health.assert_responsive()


async def test_an_implicit_granularity_keeps_the_latest_months_the_limit_allows(
    live_server: LiveServer, database_url: str
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        await with_ancient_history(client, database_url)
        async with watching_health(live_server.url) as health:
            body, elapsed = await timed(
                client, "{ progress(period: ALL_TIME) { granularity points { periodStart sessions } } }"
            )

    progress = body["data"]["progress"]
    points = progress["points"]
    assert progress["granularity"] == "MONTH"
    assert len(points) == 600
    assert points[0]["periodStart"].startswith(months_before(today(), 599).isoformat())
    assert points[-1]["periodStart"].startswith(today().replace(day=1).isoformat())
    assert points[-1]["sessions"] == 1
    assert elapsed < 1.0, f"answered in {elapsed:.2f} s"
    health.assert_responsive()


async def test_a_daily_trend_over_all_time_covers_at_most_its_limit_in_days(
    live_server: LiveServer, database_url: str
) -> None:
    query = "{ trend(metric: SESSIONS, period: ALL_TIME, method: HOLT, forecastDays: 90, window: 90) { points { date value } } }"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        await with_ancient_history(client, database_url)
        async with watching_health(live_server.url) as health:
            body, elapsed = await timed(client, query)

    points = body["data"]["trend"]["points"]
    assert len(points) == 730
    assert points[0]["date"] == (today() - timedelta(days=729)).isoformat()
    assert points[-1] == {"date": today().isoformat(), "value": 1.0}
    assert elapsed < 1.0, f"answered in {elapsed:.2f} s"
    health.assert_responsive()


async def test_aliases_multiply_neither_the_refusal_nor_the_bounded_answer(
    live_server: LiveServer, database_url: str
) -> None:
    refused = (
        "{ "
        + " ".join(f"p{i}: progress(period: ALL_TIME, granularity: WEEK) {{ period }}" for i in range(15))
        + " }"
    )
    # 8 × (600 months + points 1 + 600 × sessions 1) = 9,608: within the cost limit
    bounded = (
        "{ "
        + " ".join(f"p{i}: progress(period: ALL_TIME) {{ points {{ sessions }} }}" for i in range(8))
        + " }"
    )
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        await with_ancient_history(client, database_url)
        async with watching_health(live_server.url) as health:
            no, refused_in = await timed(client, refused)
            yes, answered_in = await timed(client, bounded)

    assert no["data"] is None
    assert {(e["extensions"]["field"], e["extensions"]["limit"]) for e in no["errors"]} == {
        ("granularity", 520)
    }
    assert [len(p["points"]) for p in yes["data"].values()] == [600] * 8
    assert refused_in < 1.0, f"refused in {refused_in:.2f} s"
    assert answered_in < 2.0, f"answered in {answered_in:.2f} s"  # 8 answers of 600 points each
    health.assert_responsive()


async def test_overview_and_topics_over_a_history_from_year_one_answer(
    app_client: httpx.AsyncClient, database_url: str
) -> None:
    await with_ancient_history(app_client, database_url)

    body = await gql(
        app_client,
        "{ overview(period: ALL_TIME) { summary { totalSessions } trends { sessions { value change } } } "
        "topics(period: ALL_TIME) { totalTopics } }",
    )

    assert "errors" not in body, body
    overview = body["data"]["overview"]
    assert overview["summary"]["totalSessions"] == 2  # the ancient day and the recent session
    assert overview["trends"]["sessions"] == {"value": 2.0, "change": None}  # no period before year 1


async def test_hourly_buckets_are_limited_to_a_week(app_client: httpx.AsyncClient) -> None:
    week = await gql(app_client, "{ progress(period: LAST_7_DAYS, granularity: HOUR) { points { label } } }")
    fortnight = await gql(app_client, "{ progress(period: LAST_14_DAYS, granularity: HOUR) { period } }")

    assert len(week["data"]["progress"]["points"]) == 7 * 24
    assert fortnight["errors"][0]["extensions"]["limit"] == 168
    assert "336" in fortnight["errors"][0]["message"]  # 14 days × 24 hours


async def test_an_implicit_granularity_becomes_coarser_under_a_lower_day_limit(settings: Settings) -> None:
    settings.limits.max_day_buckets = 20
    async with client_for(settings) as client:
        implicit = await gql(client, "{ progress(period: LAST_30_DAYS) { granularity points { label } } }")
        explicit = await gql(client, "{ progress(period: LAST_30_DAYS, granularity: DAY) { period } }")

    # 30 days touch 5 or 6 ISO weeks, depending on today's weekday
    start = today() - timedelta(days=29)
    weeks = (
        (today() - timedelta(days=today().weekday())) - (start - timedelta(days=start.weekday()))
    ).days // 7 + 1
    assert implicit["data"]["progress"]["granularity"] == "WEEK"
    assert len(implicit["data"]["progress"]["points"]) == weeks
    assert explicit["errors"][0]["extensions"]["limit"] == 20


@pytest.mark.parametrize(
    ("setting", "value", "query", "field"),
    [
        ("max_page_size", 10, "{ sessions(first: 11) { totalCount } }", "first"),
        ("max_trend_window", 30, "{ trend(window: 31) { slope } }", "window"),
        ("max_forecast_days", 14, "{ trend(forecastDays: 15) { slope } }", "forecastDays"),
        ("max_topics_limit", 5, "{ topics(limit: 6) { totalTopics } }", "limit"),
        ("max_insights_limit", 5, "{ insights(limit: 6) { total } }", "limit"),
    ],
)
async def test_list_and_window_arguments_are_bounded_by_their_settings(
    settings: Settings, setting: str, value: int, query: str, field: str
) -> None:
    setattr(settings.limits, setting, value)
    async with client_for(settings) as client:
        body = await gql(client, query)
        within = await gql(client, query.replace(str(value + 1), str(value)))

    error = body["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field)
    assert str(value) in error["message"]
    assert "errors" not in within, within
