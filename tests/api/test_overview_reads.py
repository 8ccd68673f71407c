"""An uncached overview reads everything in one statement (two for ALL_TIME), and answers exactly as
the piecewise reads do (which a retention horizon for days makes it use)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from conftest import StatementCounter
from sqlalchemy import event
from support import client_for, events, exchange, feedback, gql, session

from learning_analytics.config import CacheSettings, Settings
from learning_analytics.resolvers import rollups
from learning_analytics.storage.rollups.horizons import forget_horizons
from learning_analytics.storage.tables import horizons_t

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
TODAY = NOW.date()
OVERVIEW = """query($period: Period!) { overview(period: $period) {
    summary { totalSessions totalExchanges avgQuality streakDays uniqueTopics totalMinutes }
    trends { sessions { value change direction } quality { value change direction }
             engagement { value change direction } }
    streak { current longest lastActiveDate } meta { dataThrough stale cached } } }"""


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute), tzinfo=UTC)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app without the response cache, on three sessions this week and one the week before."""
    # The key check of the auth middleware reads the database every `key_cache_seconds`: not within a test.
    uncached = settings.model_copy(update={"cache": CacheSettings(enabled=False), "key_cache_seconds": 60})
    async with client_for(uncached) as c:
        runtime = c.app.state.runtime  # type: ignore[attr-defined]
        runtime.clock = lambda: NOW
        body = events(
            [
                session("A", at(1), 30, topics=["python"]),
                session("B", at(2), 60),
                session("C", at(3), 15, topics=["git"]),
                session("D", at(9), 20),
            ],
            [
                exchange("A1", "A", at(1, 12, 1), 0.8, topics=["python"]),
                exchange("A2", "A", at(1, 12, 2), 0.6, topics=["sql"]),
                exchange("B1", "B", at(2, 12, 1), 0.9),
                exchange("D1", "D", at(9, 12, 1), 0.5),
            ],
            [feedback("f1", "A1", at(1, 12, 5), "thumbs_up", rating=1.0)],
        )
        assert (await c.post("/api/analytics/events", json=body)).status_code == 200
        await rollups.fold(runtime, now=NOW)
        yield c


async def statements_of(client: httpx.AsyncClient, period: str) -> tuple[dict[str, Any], list[str]]:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    counter = StatementCounter()
    engine = runtime.db.reader.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    counter.active = True
    try:
        body = await gql(client, OVERVIEW, {"period": period})
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert "errors" not in body, body
    # SQLite's read transactions open with a BEGIN of their own: queries are what is counted here.
    queries = [q for q in counter.statements if q.split()[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}]
    return body["data"]["overview"], queries


async def test_an_uncached_overview_is_one_statement_and_all_time_two(client: httpx.AsyncClient) -> None:
    await gql(client, OVERVIEW, {"period": "LAST_7_DAYS"})  # the horizons are read once, then remembered

    week, week_sql = await statements_of(client, "LAST_7_DAYS")
    _, all_sql = await statements_of(client, "ALL_TIME")

    assert len(week_sql) == 1, week_sql
    assert len(all_sql) == 2, all_sql
    # By hand: this week A (30 min, 2 exchanges 0.8 and 0.6), B (60 min, 0.9), C (15 min, none);
    # the week before D (20 min, 0.5). Active days 1, 2 and 3 days ago: a streak of 3 ending yesterday.
    assert week["summary"] == {
        "totalSessions": 3,
        "totalExchanges": 3,
        "avgQuality": pytest.approx((0.8 + 0.6 + 0.9) / 3),
        "streakDays": 3,
        "uniqueTopics": 3,
        "totalMinutes": pytest.approx(105.0),
    }
    assert week["trends"]["sessions"]["change"] == pytest.approx(200.0)
    assert week["trends"]["engagement"]["value"] == pytest.approx(1.0)
    assert week["streak"] == {"current": 3, "longest": 3, "lastActiveDate": str(TODAY - timedelta(days=1))}
    assert week["meta"]["stale"] is False and week["meta"]["dataThrough"] is not None


@pytest.mark.parametrize("period", ["LAST_7_DAYS", "LAST_30_DAYS", "ALL_TIME"])
async def test_the_one_statement_answers_as_the_piecewise_reads(
    client: httpx.AsyncClient, period: str
) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    single, _ = await statements_of(client, period)
    async with runtime.db.write() as conn:  # a day horizon far back: every rollup still stored
        await conn.execute(
            horizons_t.insert().values(granularity="day", kept_from=date(2000, 1, 1), updated_at=NOW)
        )
    forget_horizons(runtime.db)

    piecewise, piecewise_sql = await statements_of(client, period)

    assert len(piecewise_sql) > 2  # the piecewise reads ran
    assert piecewise == single
