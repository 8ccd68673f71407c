"""The Python components answer what the GraphQL API answers for the same data, on a small history
worked by hand: three days of study ending yesterday (UTC learner)."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import events, exchange, gql, session

from learning_analytics.config import Settings
from learning_analytics.domain.periods import Period
from learning_analytics.engine import (
    AchievementSystem,
    AnalyticsEngine,
    AnalyticsEngineConfig,
    DashboardService,
    GoalTracker,
    GoalType,
    InsightsEngine,
    ProgressTracker,
    SessionProgress,
    TrendAnalyzer,
)

TODAY = datetime.now(UTC).date()


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=hour, minutes=minute
    )


def history() -> dict[str, Any]:
    """s3 three days ago (30 min): 0.6 on python, 0.8 on python+sql; s2 two days ago (20 min): 0.9 on
    sql; s1 yesterday (10 min): 0.7 on python."""
    return events(
        [session("s3", at(3), 30), session("s2", at(2), 20), session("s1", at(1), 10)],
        [
            exchange("e1", "s3", at(3, minute=1), 0.6, topics=["python"]),
            exchange("e2", "s3", at(3, minute=2), 0.8, topics=["python", "sql"]),
            exchange("e3", "s2", at(2, minute=1), 0.9, topics=["sql"]),
            exchange("e4", "s1", at(1, minute=1), 0.7, topics=["python"]),
        ],
    )


@pytest.fixture
async def api(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    r = await app_client.post("/api/analytics/events", json=history())
    assert r.status_code == 200, r.text
    return app_client


@pytest.fixture
async def engine(settings: Settings, api: httpx.AsyncClient) -> AsyncIterator[AnalyticsEngine]:
    """An engine of its own on the test database (as `AnalyticsEngineConfig().db_path` would make)."""
    made = AnalyticsEngine(AnalyticsEngineConfig(settings))
    await made.refresh()
    yield made
    await made.close()


async def ask(client: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    body = await gql(client, query, variables)
    assert "errors" not in body, body
    return body["data"]


async def test_overall_progress_and_streak_are_the_overview_and_streak_queries(
    engine: AnalyticsEngine, api: httpx.AsyncClient
) -> None:
    tracker = ProgressTracker(engine=engine)

    metrics = await tracker.get_overall_progress()
    streak = await tracker.get_learning_streak()

    o = (
        await ask(
            api,
            "{ overview(period: ALL_TIME) { summary { totalSessions totalExchanges avgQuality totalMinutes "
            "uniqueTopics } streak { current longest lastActiveDate } } }",
        )
    )["overview"]
    assert (metrics.sessions_count, metrics.total_exchanges, metrics.unique_topics) == (3, 4, 2)
    assert metrics.avg_quality_score == pytest.approx((0.6 + 0.8 + 0.9 + 0.7) / 4)
    assert metrics.total_minutes == pytest.approx(60)
    assert (metrics.current_streak, metrics.longest_streak) == (3, 3)  # three days ending yesterday
    assert o["summary"] == {
        "totalSessions": metrics.sessions_count,
        "totalExchanges": metrics.total_exchanges,
        "avgQuality": pytest.approx(metrics.avg_quality_score),
        "totalMinutes": pytest.approx(metrics.total_minutes),
        "uniqueTopics": metrics.unique_topics,
    }
    assert o["streak"] == {
        "current": streak.current_streak,
        "longest": streak.longest_streak,
        "lastActiveDate": streak.last_active_date.isoformat() if streak.last_active_date else None,
    }
    assert streak.last_active_date == TODAY - timedelta(days=1)


async def test_topic_mastery_is_the_topic_mastery_query(
    engine: AnalyticsEngine, api: httpx.AsyncClient
) -> None:
    tracker = ProgressTracker(engine=engine)

    python = await tracker.get_topic_mastery("python")
    every = await tracker.get_all_topic_mastery()

    # q weighs each day by 0.5 ** (age in days / 30); score = q × (1 − exp(−n / 10))
    w3, w1 = 0.5 ** (3 / 30), 0.5 ** (1 / 30)
    q = (0.6 * w3 + 0.8 * w3 + 0.7 * w1) / (2 * w3 + w1)
    assert python.mastery_score == pytest.approx(q * (1 - math.exp(-3 / 10)))
    assert python.total_interactions == 3
    query = "query($t: String!) { topicMastery(topic: $t) { score level totalInteractions } }"
    for m in every:
        answered = (await ask(api, query, t=m.topic))["topicMastery"]
        assert answered == {
            "score": pytest.approx(m.mastery_score),
            "level": m.level.name,
            "totalInteractions": m.total_interactions,
        }
    assert [m.topic for m in every] == sorted(["python", "sql"], key=lambda t: -next(
        x.mastery_score for x in every if x.topic == t
    ))  # fmt: skip
    never = await tracker.get_topic_mastery("rust")
    assert (never.mastery_score, never.total_interactions) == (0.0, 0)
    assert (await ask(api, query, t="rust"))["topicMastery"] is None


async def test_daily_progress_and_the_quality_trend_are_the_progress_and_trend_queries(
    engine: AnalyticsEngine, api: httpx.AsyncClient
) -> None:
    tracker = ProgressTracker(engine=engine)
    analyzer = TrendAnalyzer(engine=engine)

    days = [await tracker.get_daily_progress(TODAY - timedelta(days=i)) for i in range(30)]
    trend = await analyzer.analyze_quality_trend(days)
    scores = [d.avg_quality_score for d in reversed(days)]
    forecast = await analyzer.forecast(scores, days=7, method="linear")
    rolling = await analyzer.calculate_rolling_average(scores, window=7)

    assert [d.total_exchanges for d in days[:4]] == [0, 1, 1, 2]
    assert days[3].avg_quality_score == pytest.approx(0.7)
    t = (
        await ask(
            api,
            "{ trend(metric: QUALITY, period: LAST_30_DAYS) { direction changePercent confidence "
            "points { value rollingAvg } forecast { value lowerBound upperBound } } }",
        )
    )["trend"]
    assert (trend.direction.name, trend.change_percent, trend.confidence) == (
        t["direction"],
        pytest.approx(t["changePercent"]),
        pytest.approx(t["confidence"]),
    )
    assert [p["value"] for p in t["points"]] == pytest.approx(scores)
    assert [p["rollingAvg"] for p in t["points"]] == pytest.approx(rolling)
    assert [(f["value"], f["lower_bound"], f["upper_bound"]) for f in forecast] == [
        (pytest.approx(p["value"]), pytest.approx(p["lowerBound"]), pytest.approx(p["upperBound"]))
        for p in t["forecast"]
    ]


async def test_goals_suggestions_and_achievements_are_the_api_s(
    engine: AnalyticsEngine, api: httpx.AsyncClient
) -> None:
    goals = GoalTracker(engine=engine)
    achievements = AchievementSystem(engine=engine)

    goal = await goals.create_goal("Complete 20 Sessions", GoalType.SESSIONS, 20)

    # A one-time goal counts from its creation: the sessions before it are not progress.
    assert (goal.current_value, goal.progress_percent) == (0, 0)
    await ProgressTracker(engine=engine).record_session_progress(
        SessionProgress(session_id="after", start_time=datetime.now(UTC), total_exchanges=1)
    )
    evaluated = await goals.update_all_goals()
    mine = await goals.get_goal(goal.id)

    g = (
        await ask(
            api, "query($id: ID!) { goal(id: $id) { title currentValue progressPercent status } }", id=goal.id
        )
    )["goal"]
    assert g == {"title": "Complete 20 Sessions", "currentValue": 1, "progressPercent": 5, "status": "ACTIVE"}
    assert (mine.current_value, mine.progress_percent) == (1, 5)
    assert set(evaluated) == {
        "goals_updated",
        "goals_completed",
        "milestones_completed",
        "achievements_unlocked",
    }
    suggestions = await goals.get_goal_suggestions(limit=5)
    stats = await achievements.get_achievement_stats()
    upcoming = await achievements.get_next_achievements(limit=5)
    answered = (await ask(api, "{ goalSuggestions(limit: 5) { title suggestedTarget } }"))["goalSuggestions"]
    assert [(s.title, s.suggested_target) for s in suggestions] == [
        (s["title"], s["suggestedTarget"]) for s in answered
    ]
    s = (await ask(api, "{ achievementStats { totalAchievements unlockedCount totalPoints } }"))[
        "achievementStats"
    ]
    assert (stats["total_achievements"], stats["unlocked_count"], stats["total_points"]) == (
        s["totalAchievements"],
        s["unlockedCount"],
        s["totalPoints"],
    )
    assert stats["unlocked_count"] >= 1  # the first session
    nxt = await ask(api, "{ nextAchievements(limit: 5) { achievement { id } progressPercent } }")
    assert [(a.id, p) for a, p in upcoming] == [
        (n["achievement"]["id"], pytest.approx(n["progressPercent"])) for n in nxt["nextAchievements"]
    ]


async def test_a_learner_named_by_user_id_is_created_on_first_use_and_sees_only_their_data(
    engine: AnalyticsEngine,
) -> None:
    tracker = ProgressTracker(engine=engine)

    before = await tracker.get_overall_progress(user_id="learner-b")
    recorded = await tracker.record_session_progress(
        SessionProgress(
            session_id="b1", user_id="learner-b", start_time=at(1), total_exchanges=5, avg_quality_score=0.5
        )
    )
    after = await tracker.get_overall_progress(user_id="learner-b")
    default = await tracker.get_overall_progress()

    assert (before.sessions_count, before.avg_quality_score) == (0, None)
    assert (recorded.user_id, recorded.total_exchanges, recorded.local_day) == (
        "learner-b",
        5,
        TODAY - timedelta(days=1),
    )
    assert (after.sessions_count, after.total_exchanges, after.avg_quality_score) == (1, 5, 0.5)
    assert (default.sessions_count, default.total_exchanges) == (3, 4)


async def test_beside_the_server_the_engine_shares_its_runtime_and_its_cached_answers_follow(
    api: httpx.AsyncClient,
) -> None:
    shared = AnalyticsEngine.from_runtime(api.app.state.runtime)  # type: ignore[attr-defined]
    tracker = ProgressTracker(engine=shared)
    query = "{ overview(period: ALL_TIME) { summary { totalSessions } } }"
    await shared.refresh()
    first = (await ask(api, query))["overview"]["summary"]["totalSessions"]
    cached = await api.post("/graphql", json={"query": query})
    assert cached.json()["data"]["overview"]["summary"]["totalSessions"] == first == 3

    await tracker.record_session_progress(
        SessionProgress(session_id="s0", start_time=at(0, hour=0, minute=1), total_exchanges=2)
    )

    assert (await ask(api, query))["overview"]["summary"]["totalSessions"] == 4
    dashboard = await DashboardService(tracker).get_dashboard_data(period=Period.ALL_TIME)
    assert dashboard.overview.sessions_count == 4
    insights = await InsightsEngine(engine=shared).generate_insights()
    listed = (await ask(api, "{ insights { insights { id } } }"))["insights"]["insights"]
    assert [i.id for i in insights] == [i["id"] for i in listed]


def test_separate_event_loops_each_get_their_own_connections(settings: Settings) -> None:
    # As `asyncio.run(t.initialize()); asyncio.run(t.get_overall_progress())` in a script: each run is
    # a new event loop, and the pooled connections of a closed loop cannot be used again.
    tracker = ProgressTracker(AnalyticsEngineConfig(settings))
    recorded = asyncio.run(
        tracker.record_session_progress(SessionProgress(session_id="x", start_time=at(2), total_exchanges=3))
    )
    first = asyncio.run(tracker.get_overall_progress())
    second = asyncio.run(tracker.get_learning_streak())

    assert recorded.local_day == TODAY - timedelta(days=2)
    assert (first.sessions_count, first.total_exchanges) == (1, 3)
    assert second.longest_streak == 1
    assert isinstance(second.last_active_date, date)


def test_a_config_s_db_path_is_a_sqlite_file_of_its_own(tmp_path: Path) -> None:
    config = AnalyticsEngineConfig()
    config.db_path = tmp_path / "analytics.db"
    tracker = ProgressTracker(config=config)

    asyncio.run(tracker.initialize())
    asyncio.run(
        tracker.record_session_progress(SessionProgress(session_id="p", start_time=at(1), total_exchanges=4))
    )
    metrics = asyncio.run(tracker.get_overall_progress())

    assert config.db_path.is_file()
    assert (metrics.sessions_count, metrics.total_exchanges) == (1, 4)
