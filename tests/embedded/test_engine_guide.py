"""The guide is the test: every Python example of the implementation guide runs, in order, against a
fresh database holding the demo history, with only `app.analytics` renamed to
`learning_analytics.engine`; what each prints is compared with the GraphQL API's answers for the same
data, asked right after the block ran.

A reader supplies the few names a block takes without defining them (`quality_scores`, `goal_id`, the
Phase 5 objects); the Phase 5 integration blocks import `app.learning…`, the learning agent's own
modules, which this project does not have: they run against the small stand-ins below.
"""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from guide_examples import Block, adapted, guide_path, python_blocks, run_block
from support import client_for, gql

from learning_analytics import engine as engine_package
from learning_analytics.config import Settings
from learning_analytics.resolvers import users
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import Runtime

LEARNER = "user-456"  # the guide's learner, created by its first block that names it

pytestmark = pytest.mark.skipif(
    not guide_path().is_file(),
    reason=f"the implementation guide is not at {guide_path()} (set LA_GUIDE_PATH to its file)",
)


# ---- Phase 5 stand-ins: the learning agent's feedback store and quality scorer, as the guide uses them


@dataclass
class StoredFeedback:
    rating: float | None


class FeedbackStore:
    """Stand-in for `app.learning.feedback_store.feedback_store`: three ratings, one missing."""

    async def get_recent_feedback(self, session_id: str) -> list[StoredFeedback]:
        return [StoredFeedback(0.8), StoredFeedback(None), StoredFeedback(0.9)]


@dataclass
class QualityResult:
    composite: float
    relevance: float
    helpfulness: float
    engagement: float
    clarity: float
    accuracy: float


class QualityScorer:
    """Stand-in for `app.learning.quality_scorer.quality_scorer`: fixed scores."""

    async def score_response(self, query: str, response: str, context: object) -> QualityResult:
        return QualityResult(0.82, 0.9, 0.8, 0.7, 0.85, 0.84)


def phase5_modules(monkeypatch: pytest.MonkeyPatch) -> None:
    app = types.ModuleType("app")
    learning = types.ModuleType("app.learning")
    feedback = types.ModuleType("app.learning.feedback_store")
    scorer = types.ModuleType("app.learning.quality_scorer")
    feedback.feedback_store = FeedbackStore()  # type: ignore[attr-defined]
    scorer.quality_scorer = QualityScorer()  # type: ignore[attr-defined]
    for name, module in [
        ("app", app),
        ("app.learning", learning),
        ("app.learning.feedback_store", feedback),
        ("app.learning.quality_scorer", scorer),
    ]:
        monkeypatch.setitem(sys.modules, name, module)


# What a reader supplies before a block, keyed by the block's heading.
SUPPLIED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    # "the quality scores" of the daily progress fetched above, one per day, oldest first
    "Forecasting": lambda ns: {
        "quality_scores": [d.avg_quality_score for d in sorted(ns["daily_progress"], key=lambda d: d.date)]
    },
    "Connecting Feedback to Progress": lambda ns: {"session_id": "phase5-session"},
    "Quality Score Integration": lambda ns: {
        "query": "What is a closure?",
        "response": "A function with the variables it captured.",
        "context": {},
    },
    "2. Goals Not Completing": lambda ns: {"goal_id": ns["goal"].id},
}


# ---- the GraphQL side


class Api:
    def __init__(self, client: httpx.AsyncClient, keys: dict[str, str]) -> None:
        self.client = client
        self.keys = keys

    async def __call__(self, query: str, user: str = "default", **variables: Any) -> Any:
        body = await gql(self.client, query, variables, authorization=f"Bearer {self.keys[user]}")
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture
async def guide_world(
    runtime: Runtime, settings: Settings, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Api]:
    """The demo history in a fresh database, the engine's default database set to it, and the API on
    the same database (its response cache off: the engine writes through another runtime)."""
    await load_demo(runtime, n_users=1, days=120, seed=42, now=datetime.now(UTC))
    now = datetime.now(UTC)
    await users.ensure_learner(runtime, user_id=LEARNER, now=now)
    keys = {
        "default": await users.create_key(runtime, user_id="default", now=now),
        LEARNER: await users.create_key(runtime, user_id=LEARNER, now=now),
    }
    monkeypatch.setenv("LA_DATABASE_URL", database_url)
    monkeypatch.setenv("LA_SCHEDULER", "off")
    shared = engine_package.configure()
    phase5_modules(monkeypatch)
    uncached = settings.model_copy(update={"cache": settings.cache.model_copy(update={"enabled": False})})
    async with client_for(uncached) as client:
        yield Api(client, keys)
    await shared.close()
    engine_package.configure()


def lines(printed: str) -> list[str]:
    return printed.splitlines()


def today_range(days: int) -> dict[str, str]:
    # The demo learner lives in Europe/Paris; the engine and the API both use their local today.
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    return {"start": (today - timedelta(days=days - 1)).isoformat(), "end": today.isoformat()}


Check = Callable[[dict[str, Any], str, Api], Awaitable[None]]
CHECKS: dict[str, Check] = {}


def check(heading: str) -> Callable[[Check], Check]:
    def register(f: Check) -> Check:
        CHECKS[heading] = f
        return f

    return register


@check("Basic Initialization")
async def _components(ns: dict[str, Any], printed: str, api: Api) -> None:
    for name in ("progress_tracker", "insights_engine", "trend_analyzer", "dashboard_service"):
        assert ns[name].engine is engine_package.default_engine()
    assert ns["dashboard_service"].engine is ns["progress_tracker"].engine


@check("With Custom Configuration")
async def _custom(ns: dict[str, Any], printed: str, api: Api) -> None:
    tracker = ns["progress_tracker"]
    assert tracker.engine is not engine_package.default_engine()
    assert tracker.engine.settings.cache.enabled is True
    assert tracker.config.cache_ttl_seconds == 300


@check("Recording Session Progress")
async def _recorded(ns: dict[str, Any], printed: str, api: Api) -> None:
    result = ns["result"]
    assert (result.session_id, result.user_id, result.total_exchanges) == ("session-123", LEARNER, 15)
    found = await api("{ sessions(first: 5) { edges { node { id exchangeCount avgQuality } } } }", LEARNER)
    (node,) = [e["node"] for e in found["sessions"]["edges"]]
    assert node == {"id": "session-123", "exchangeCount": 15, "avgQuality": pytest.approx(0.85)}


OVERVIEW = """query($period: Period) { overview(period: $period) {
  summary { totalSessions totalExchanges avgQuality uniqueTopics totalMinutes }
  streak { current longest lastActiveDate } activeGoals { id } recentAchievements { id } } }"""


@check("Getting Overall Progress")
async def _overall(ns: dict[str, Any], printed: str, api: Api) -> None:
    s = (await api(OVERVIEW, period="ALL_TIME"))["overview"]
    assert lines(printed) == [
        f"Sessions: {s['summary']['totalSessions']}",
        f"Total Exchanges: {s['summary']['totalExchanges']}",
        f"Average Quality: {s['summary']['avgQuality']:.2%}",
        f"Current Streak: {s['streak']['current']} days",
    ]
    assert s["summary"]["totalSessions"] > 100  # the demo history, not an empty database
    mine = (await api(OVERVIEW, LEARNER, period="ALL_TIME"))["overview"]["summary"]
    user_metrics = ns["user_metrics"]
    assert (user_metrics.sessions_count, user_metrics.total_exchanges) == (1, 15)
    assert (mine["totalSessions"], mine["totalExchanges"]) == (1, 15)
    assert user_metrics.avg_quality_score == pytest.approx(mine["avgQuality"])


@check("Streak Management")
async def _streak(ns: dict[str, Any], printed: str, api: Api) -> None:
    s = (await api("{ streak { current longest lastActiveDate } }", LEARNER))["streak"]
    assert s["current"] == 1  # the session recorded today
    assert lines(printed) == [
        f"Current Streak: {s['current']} days",
        f"Longest Streak: {s['longest']} days",
        f"Last Active: {s['lastActiveDate']}",
    ]


@check("Topic Mastery")
async def _mastery(ns: dict[str, Any], printed: str, api: Api) -> None:
    query = "query($t: String!) { topicMastery(topic: $t) { topic score level totalInteractions } }"
    m = (await api(query, LEARNER, t="python"))["topicMastery"]
    if m is None:  # the API answers null for a topic never practised; the engine a zero mastery
        expected = ["Topic: python", f"Mastery Score: {0:.2%}", "Level: novice", "Total Interactions: 0"]
    else:
        expected = [
            f"Topic: {m['topic']}",
            f"Mastery Score: {m['score']:.2%}",
            f"Level: {m['level'].lower()}",
            f"Total Interactions: {m['totalInteractions']}",
        ]
    assert lines(printed) == expected
    for found in ns["all_mastery"]:
        answered = (await api(query, LEARNER, t=found.topic))["topicMastery"]
        assert found.mastery_score == pytest.approx(answered["score"])


PROGRESS = """query($r: DateRange, $g: Granularity) { progress(range: $r, granularity: $g,
  metrics: [SESSIONS, EXCHANGES, QUALITY, DURATION]) { points { sessions exchanges avgQuality minutes } } }"""


@check("Aggregated Progress")
async def _aggregated(ns: dict[str, Any], printed: str, api: Api) -> None:
    today = date.today()
    day = {"start": today.isoformat(), "end": today.isoformat()}
    (p,) = (await api(PROGRESS, LEARNER, r=day, g="DAY"))["progress"]["points"]
    daily = ns["daily"]
    assert (daily.sessions_count, daily.total_exchanges) == (p["sessions"], p["exchanges"]) == (1, 15)
    monday = ns["monday"]
    week = {"start": monday.isoformat(), "end": (monday + timedelta(days=6)).isoformat()}
    (w,) = (await api(PROGRESS, LEARNER, r=week, g="WEEK"))["progress"]["points"]
    assert (ns["weekly"].sessions_count, ns["weekly"].total_exchanges) == (w["sessions"], w["exchanges"])
    monthly = ns["monthly"]  # November 2024: before any event
    assert (monthly.start, monthly.sessions_count, monthly.avg_quality_score) == (date(2024, 11, 1), 0, None)


INSIGHTS = """query($type: InsightType, $limit: Int) { insights(type: $type, limit: $limit) {
  insights { title description importance confidence type } } }"""


async def insights_of(api: Api, type: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    return (await api(INSIGHTS, type=type, limit=limit))["insights"]["insights"]  # type: ignore[no-any-return]


@check("Generating Insights")
async def _insights(ns: dict[str, Any], printed: str, api: Api) -> None:
    found = await insights_of(api)
    assert found, "the demo history yields insights"
    expected: list[str] = []
    for i in found:
        expected += [
            f"[{i['importance'].lower()}] {i['title']}",
            f"  {i['description']}",
            f"  Confidence: {i['confidence']:.2%}",
        ]
    assert lines(printed) == expected
    assert len(ns["daily_progress"]) == 30


@check("Anomaly Detection")
async def _anomalies(ns: dict[str, Any], printed: str, api: Api) -> None:
    expected: list[str] = []
    for i in await insights_of(api, "ANOMALY"):
        expected += [f"Anomaly: {i['title']}", f"  {i['description']}"]
    assert lines(printed) == expected


@check("Milestone Identification")
async def _milestones(ns: dict[str, Any], printed: str, api: Api) -> None:
    found = await insights_of(api, "MILESTONE")
    assert found
    assert lines(printed) == [f"Milestone: {i['title']}" for i in found]


@check("Recommendations")
async def _recommendations(ns: dict[str, Any], printed: str, api: Api) -> None:
    found = await insights_of(api, "RECOMMENDATION", limit=5)
    assert found
    assert lines(printed) == [f"[recommendation] {i['title']}: {i['description']}" for i in found]


TREND = """query($r: DateRange, $metric: Metric) { trend(metric: $metric, range: $r) {
  direction changePercent confidence points { date value rollingAvg }
  forecast { value lowerBound upperBound }
  seasonality { detected bestDay { day } worstDay { day } } } }"""


async def quality_trend(api: Api, ns: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `trend` of quality over the days of the guide's `daily_progress` (the machine's last 30
    days, as the guide counts them), or over the learner's last 30 local days."""
    r = today_range(30)
    if ns is not None:
        days = [d.date for d in ns["daily_progress"]]
        r = {"start": min(days).isoformat(), "end": max(days).isoformat()}
    return (await api(TREND, r=r, metric="QUALITY"))["trend"]  # type: ignore[no-any-return]


@check("Quality Trend Analysis")
async def _trend(ns: dict[str, Any], printed: str, api: Api) -> None:
    t = await quality_trend(api, ns)
    assert lines(printed) == [
        f"Direction: {t['direction'].lower()}",
        f"Change: {t['changePercent']:.1f}%",
        f"Confidence: {t['confidence']:.2%}",
    ]


@check("Rolling Averages")
async def _rolling(ns: dict[str, Any], printed: str, api: Api) -> None:
    data = [0.7, 0.72, 0.75, 0.73, 0.78, 0.80, 0.82]
    # by hand: the first two points average what there is, then three at a time
    expected = [0.7, 0.71, (0.7 + 0.72 + 0.75) / 3, 0.7333333, (0.75 + 0.73 + 0.78) / 3, 0.77, 0.8]
    assert ns["rolling"] == pytest.approx(expected)
    assert data == ns["data"]


@check("Seasonality Detection")
async def _seasonality(ns: dict[str, Any], printed: str, api: Api) -> None:
    s = (await quality_trend(api, ns))["seasonality"]
    assert ns["seasonality"]["detected"] is s["detected"]
    expected = (
        [f"Best day: {s['bestDay']['day']}", f"Worst day: {s['worstDay']['day']}"] if s["detected"] else []
    )
    assert lines(printed) == expected


@check("Forecasting")
async def _forecast(ns: dict[str, Any], printed: str, api: Api) -> None:
    f = (await quality_trend(api, ns))["forecast"]
    assert len(f) == 7
    assert lines(printed) == [
        f"Day {i}: {p['value']:.2f} ({p['lowerBound']:.2f} - {p['upperBound']:.2f})"
        for i, p in enumerate(f, 1)
    ]


@check("Complete Dashboard Data")
async def _dashboard(ns: dict[str, Any], printed: str, api: Api) -> None:
    o = (await api(OVERVIEW, LEARNER, period="LAST_30_DAYS"))["overview"]
    active = (await api("{ goals(status: ACTIVE) { id } }", LEARNER))["goals"]
    assert lines(printed) == [
        f"Sessions: {o['summary']['totalSessions']}",
        f"Streak: {o['streak']['current']}",
        f"Active Goals: {min(len(active), 5)}",
        f"Achievements: {len(o['recentAchievements'])}",
    ]
    assert o["summary"]["totalSessions"] == 1


CHART = """query($r: DateRange, $m: [Metric!]) { progress(range: $r, metrics: $m, granularity: DAY) {
  chart { labels datasets { label data } } } }"""


@check("Chart Data")
async def _charts(ns: dict[str, Any], printed: str, api: Api) -> None:
    def shape(chart: dict[str, Any]) -> dict[str, Any]:
        return {"labels": chart["labels"], "datasets": [(d["label"], d["data"]) for d in chart["datasets"]]}

    quality = (await api(CHART, r=today_range(30), m=["QUALITY"]))["progress"]["chart"]
    assert shape(ns["quality_chart"]) == shape(quality)
    exchanges = (await api(CHART, r=today_range(30), m=["EXCHANGES"]))["progress"]["chart"]
    assert shape(ns["progress_chart"]) == shape(exchanges)
    heat = await api(
        "query($r: DateRange) { activityHeatmap(range: $r) { weeks { sessions } } }", r=today_range(84)
    )
    assert ns["heatmap"]["weeks"]["sessions"] == heat["activityHeatmap"]["weeks"]["sessions"]
    topics = (await api("{ topics { distribution { labels datasets { label data } } } }"))["topics"]
    assert shape(ns["topics"]) == shape(topics["distribution"])


@check("Trend Charts")
async def _trend_chart(ns: dict[str, Any], printed: str, api: Api) -> None:
    points = [p for p in (await quality_trend(api))["points"] if p["value"] is not None]
    assert len(points) > 15
    assert lines(printed) == [
        f"{p['date']}: {p['value']:.2f} (rolling: {p['rollingAvg']:.2f})" for p in points
    ]


GOAL = "query($id: ID!) { goal(id: $id) { title goalType targetValue deadline status currentValue } }"


@check("Creating Goals")
async def _goals(ns: dict[str, Any], printed: str, api: Api) -> None:
    g = (await api(GOAL, id=ns["goal"].id))["goal"]
    assert (g["title"], g["goalType"], g["targetValue"]) == ("Build a 7-Day Streak", "STREAK", 7)
    # the demo learner's streak is past 7 days: the goal completes as soon as it is evaluated
    assert (g["status"], g["currentValue"]) == (ns["goal"].status.name, ns["goal"].current_value)
    s = (await api(GOAL, id=ns["sessions_goal"].id))["goal"]
    assert (s["goalType"], s["targetValue"], s["currentValue"]) == (
        "SESSIONS",
        20,
        ns["sessions_goal"].current_value,
    )


@check("Updating Progress")
async def _update_all(ns: dict[str, Any], printed: str, api: Api) -> None:
    result = ns["result"]
    assert lines(printed) == [
        f"Goals updated: {result['goals_updated']}",
        f"Goals completed: {result['goals_completed']}",
        f"Milestones completed: {result['milestones_completed']}",
    ]
    # the hand-made metrics name no learner: the default learner's recorded data was evaluated
    streak = (await api("{ streak { current } }"))["streak"]["current"]
    g = (await api(GOAL, id=ns["goal"].id))["goal"]
    assert g["currentValue"] == min(streak, 7) or g["status"] == "COMPLETED"


@check("Goal Suggestions")
async def _suggestions(ns: dict[str, Any], printed: str, api: Api) -> None:
    found = await api(
        "{ goalSuggestions(limit: 5) { title difficulty goalType suggestedTarget confidence } }"
    )
    expected: list[str] = []
    for s in found["goalSuggestions"]:
        expected += [
            f"{s['title']} ({s['difficulty'].lower()})",
            f"  Type: {s['goalType'].lower()}",
            f"  Target: {s['suggestedTarget']}",
            f"  Confidence: {s['confidence']:.2%}",
        ]
    assert expected and lines(printed) == expected


@check("Checking Achievements")
async def _check(ns: dict[str, Any], printed: str, api: Api) -> None:
    result = ns["result"]
    out = lines(printed)
    assert out[:2] == [
        f"Newly unlocked: {len(result.newly_unlocked)}",
        f"Points earned: {result.total_points_earned}",
    ]
    assert out[2:] == [f"Unlocked: {a.title} ({a.rarity.value})" for a in result.newly_unlocked]
    held = (await api("{ achievements(unlocked: true) { id } }"))["achievements"]
    assert {a.id for a in result.newly_unlocked} <= {a["id"] for a in held}
    assert held, "the demo history unlocks achievements"


@check("Getting Achievements")
async def _achievements(ns: dict[str, Any], printed: str, api: Api) -> None:
    every = (await api("{ achievements { id unlocked progressPercent } }"))["achievements"]
    assert [(s.achievement.id, s.unlocked) for s in ns["all_achievements"]] == [
        (a["id"], a["unlocked"]) for a in every
    ]
    assert [s.achievement.id for s in ns["unlocked"]] == [a["id"] for a in every if a["unlocked"]]
    streaks = (await api("{ achievements(category: STREAK) { id } }"))["achievements"]
    assert [s.achievement.id for s in ns["streak_achievements"]] == [a["id"] for a in streaks]


@check("Achievement Statistics")
async def _stats(ns: dict[str, Any], printed: str, api: Api) -> None:
    s = (await api("{ achievementStats { totalAchievements unlockedCount totalPoints } }"))[
        "achievementStats"
    ]
    assert lines(printed) == [
        f"Total achievements: {s['totalAchievements']}",
        f"Unlocked: {s['unlockedCount']}",
        f"Total points: {s['totalPoints']}",
    ]


@check("Next Achievements")
async def _next(ns: dict[str, Any], printed: str, api: Api) -> None:
    found = await api("{ nextAchievements(limit: 5) { achievement { title } progressPercent } }")
    expected = [
        f"{n['achievement']['title']}: {n['progressPercent']:.1f}% complete"
        for n in found["nextAchievements"]
    ]
    assert expected and lines(printed) == expected


EXPORT = """query($include: [ExportSection!], $start: Date, $end: Date) {
  export(format: JSON, include: $include, start: $start, end: $end) { rowCounts } }"""
PROGRESS_SECTIONS = ["SESSIONS", "EXCHANGES", "FEEDBACK", "DAILY", "WEEKLY", "TOPICS"]


@check("JSON Export")
async def _json_export(ns: dict[str, Any], printed: str, api: Api) -> None:
    counts = (await api(EXPORT, include=PROGRESS_SECTIONS))["export"]["rowCounts"]
    assert ns["progress_json"].row_counts == counts
    assert counts["sessions"] > 0
    body = ns["progress_json"].json()
    assert len(body["sections"]["sessions"]) == counts["sessions"]
    r = today_range(31)
    ranged = (await api(EXPORT, include=PROGRESS_SECTIONS, start=r["start"], end=r["end"]))["export"]
    assert ns["filtered_data"].row_counts == ranged["rowCounts"]


@check("CSV Export")
async def _csv_export(ns: dict[str, Any], printed: str, api: Api) -> None:
    goals = (await api("{ goals { id } }"))["goals"]
    files = ns["goals_csv"].csv_files()
    assert len(files["goals.csv"].strip().splitlines()) == 1 + len(goals)
    held = (await api("{ achievements(unlocked: true) { id } }"))["achievements"]
    counts = ns["achievements_csv"].row_counts
    assert counts["achievements"] <= len(held)  # those unlocked during the export's 30 days


REPORT = """query($p: ReportPeriod) { report(period: $p) { periodStart periodEnd
  summary { totalSessions totalExchanges } highlights } }"""


@check("Report Generation")
async def _report(ns: dict[str, Any], printed: str, api: Api) -> None:
    for name, period in (("report", "WEEKLY"), ("monthly_report", "MONTHLY")):
        r = (await api(REPORT, p=period))["report"]
        mine = ns[name]
        assert (mine.days.start.isoformat(), mine.days.end.isoformat()) == (r["periodStart"], r["periodEnd"])
        assert mine.summary.total_sessions == r["summary"]["totalSessions"] > 0
        assert mine.highlights == r["highlights"]
        assert mine.markdown.strip()


@check("Connecting Feedback to Progress")
async def _phase5_feedback(ns: dict[str, Any], printed: str, api: Api) -> None:
    assert ns["avg_quality"] == pytest.approx(0.85)  # (0.8 + 0.9) / 2: the rating left empty is skipped
    found = await api("{ sessions(first: 3) { edges { node { id avgQuality } } } }")
    ids = {e["node"]["id"]: e["node"]["avgQuality"] for e in found["sessions"]["edges"]}
    assert "phase5-session" in ids


@check("Quality Score Integration")
async def _phase5_quality(ns: dict[str, Any], printed: str, api: Api) -> None:
    assert ns["session"].avg_quality_score == 0.82
    assert ns["session"].quality_breakdown["accuracy"] == 0.84


def file_exists(name: str) -> bool:
    return Path(name).exists()


@check("Analytics Engine Configuration")
async def _configuration(ns: dict[str, Any], printed: str, api: Api) -> None:
    config = ns["config"]
    assert config.url == "sqlite+aiosqlite:///analytics.db"
    settings = config.to_settings()
    assert settings.progress.streak_grace_period_hours == 36
    assert settings.progress.mastery_threshold == 0.75
    assert (settings.insights.min_data_points, settings.insights.max_recommendations) == (5, 5)
    assert (settings.trends.short_term_window, settings.trends.forecast_days) == (7, 7)
    assert (settings.goals.max_active_goals, settings.export.max_records) == (10, 10_000)
    assert not file_exists("analytics.db")  # configuring opens nothing


@check("2. Goals Not Completing")
async def _completed(ns: dict[str, Any], printed: str, api: Api) -> None:
    g = (await api(GOAL, id=ns["goal_id"]))["goal"]
    assert g["status"] == "COMPLETED"


@check("3. Dashboard Data Stale")
async def _stale(ns: dict[str, Any], printed: str, api: Api) -> None:
    assert ns["data"].cached is False
    o = (await api(OVERVIEW, period="LAST_30_DAYS"))["overview"]
    assert ns["data"].overview.sessions_count == o["summary"]["totalSessions"]


@check("4. Insights Not Generating")
async def _insights_again(ns: dict[str, Any], printed: str, api: Api) -> None:
    assert [i.title for i in ns["insights"]] == [i["title"] for i in await insights_of(api)]


@check("Logging")
async def _logging(ns: dict[str, Any], printed: str, api: Api) -> None:
    assert logging.getLogger("learning_analytics.engine").level == logging.DEBUG


async def test_every_python_example_of_the_guide_runs_and_agrees_with_graphql(guide_world: Api) -> None:
    blocks = python_blocks(guide_path().read_text())
    assert len(blocks) >= 30, "the guide's examples were not found"
    namespace: dict[str, Any] = {"__name__": "guide"}
    checked: list[str] = []
    printing = 0
    silent: list[str] = []
    try:
        for block in blocks:
            namespace.update(SUPPLIED.get(block.heading, lambda ns: {})(namespace))
            printed = await run_block(adapted(block.source), namespace)
            if "print(" in block.source:
                if printed:
                    printing += 1
                else:
                    silent.append(block.heading)
            if block.heading in CHECKS:
                await CHECKS[block.heading](namespace, printed, guide_world)
                checked.append(block.heading)
    finally:
        logging.getLogger("learning_analytics.engine").setLevel(logging.NOTSET)
    assert set(checked) == set(CHECKS), set(CHECKS) - set(checked)
    # Only these may print nothing, when the API has nothing to show either (checked above): no
    # anomaly in the last days, no weekday pattern in a month of quality.
    assert set(silent) <= {"Anomaly Detection", "Seasonality Detection"}, silent
    assert printing == sum("print(" in b.source for b in blocks) - len(silent) >= 15


def test_the_blocks_are_found_with_their_headings() -> None:
    blocks = python_blocks(guide_path().read_text())
    headings = [b.heading for b in blocks]
    assert headings[0] == "Basic Initialization"
    assert "Connecting Feedback to Progress" in headings
    assert all(isinstance(b, Block) and b.source.strip() for b in blocks)
