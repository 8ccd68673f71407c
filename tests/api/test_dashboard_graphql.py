"""The dashboard's analytics through the real app, on a small dataset worked by hand: explicit date
ranges on every query, per-dimension quality, the radar, the quality distribution, the feedback
breakdown, the median session duration, the activity heatmaps and the knowledge graph; bad ranges.

The service's clock is stopped at NOW (a Wednesday); the learner's timezone is UTC.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from support import events, exchange, feedback, gql, session

from learning_analytics.domain.periods import Granularity
from learning_analytics.resolvers import rollups
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage.rollups import reads
from learning_analytics.storage.rollups.activity import activity_cells
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import rollups_t

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)  # Wednesday
TODAY = NOW.date()


def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute), tzinfo=UTC)


def scored(
    eid: str, sid: str, when: datetime, composite: float, topics: list[str] | None = None, **d: float
) -> Any:
    body = exchange(eid, sid, when, None)
    body["quality"] = {"composite": composite, **d}
    if topics:
        body["topics"] = topics
    return body


def dataset() -> dict[str, Any]:
    """This week (Thu 12 to Wed 18 March): A Tue 17 09:00 (30 min), D Mon 16 14:00 (a summary of 4
    exchanges at 0.7, no end), B Sun 15 09:00 (60 min), C Sun 15 20:00 (10 min); the week before:
    P Sun 8 09:00 (20 min)."""
    return events(
        [
            session("A", at(1, 9), 30, topics=["python", "sql"]),
            session("B", at(3, 9), 60, topics=["python"]),
            session("C", at(3, 20), 10, topics=["sql", "git"]),
            session("D", at(2, 14), None, topics=["git"], total_exchanges=4, avg_quality_score=0.7),
            session("P", at(10, 9), 20),
        ],
        [
            scored(
                "A1",
                "A",
                at(1, 9, 5),
                0.85,
                ["python"],
                relevance=0.9,
                helpfulness=0.8,
                engagement=0.7,
                clarity=0.6,
                accuracy=1.0,
            ),
            scored("A2", "A", at(1, 9, 20), 0.3, relevance=0.5, clarity=0.4),
            scored("B1", "B", at(3, 9, 10), 0.55, ["python"], relevance=0.7, helpfulness=0.6),
            scored("B2", "B", at(3, 9, 50), 0.2),
            scored("C1", "C", at(3, 20, 5), 0.8, ["sql"], relevance=0.6, accuracy=0.8),
            scored("P1", "P", at(10, 9, 5), 0.4, relevance=0.4, clarity=0.6),
        ],
        [
            feedback("f1", "A1", at(1, 9, 6), "thumbs_up", rating=1.0),
            feedback("f2", "A2", at(1, 9, 21), "thumbs_down", rating=0.0),
            feedback("f3", "A1", at(1, 9, 7), "copy"),
            feedback("f4", "B1", at(3, 9, 11), "correction"),
            feedback("f5", "B1", at(3, 9, 12), "thumbs_up", rating=0.5),
            feedback("f6", "C1", at(3, 20, 6), "clarification"),
            feedback("fP", "P1", at(10, 9, 6), "thumbs_down"),
        ],
    )


def runtime_of(client: httpx.AsyncClient) -> Runtime:
    return client.app.state.runtime  # type: ignore[attr-defined, no-any-return]


@pytest.fixture
async def loaded(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    runtime = runtime_of(app_client)
    runtime.clock = lambda: NOW
    r = await app_client.post("/api/analytics/events", json=dataset())
    assert r.status_code == 200, r.text
    await fold_dirty(runtime.db, now=NOW)
    return app_client


THIS_WEEK = '{start: "2026-03-12", end: "2026-03-18"}'


async def data(client: httpx.AsyncClient, query: str) -> Any:
    body = await gql(client, query)
    assert "errors" not in body, body
    return body["data"]


# ---- any date range


async def test_an_explicit_range_answers_as_the_preset_of_the_same_days(loaded: httpx.AsyncClient) -> None:
    fields = """summary { totalSessions totalExchanges avgQuality totalMinutes medianSessionMinutes }
                trends { sessions { value change direction } }"""
    got = await data(
        loaded,
        f"""{{ byRange: overview(range: {THIS_WEEK}) {{ {fields} dates {{ start end days previousStart previousEnd }}
                                                     meta {{ period }} }}
              byPeriod: overview(period: LAST_7_DAYS) {{ {fields} meta {{ period }} }} }}""",
    )
    by_range, by_period = got["byRange"], got["byPeriod"]

    assert by_range["summary"] == by_period["summary"]
    assert by_range["trends"] == by_period["trends"]
    assert by_range["summary"]["totalSessions"] == 4
    assert by_range["summary"]["totalExchanges"] == 9  # 5 scored + D's 4
    assert by_range["summary"]["totalMinutes"] == pytest.approx(100.0)
    # Durations of the sessions with an end: 10, 30, 60 → 30 (D has no end).
    assert by_range["summary"]["medianSessionMinutes"] == pytest.approx(30.0)
    assert by_range["trends"]["sessions"] == {"value": 4.0, "change": pytest.approx(300.0), "direction": "UP"}
    assert by_range["dates"] == {
        "start": "2026-03-12",
        "end": "2026-03-18",
        "days": 7,
        "previousStart": "2026-03-05",
        "previousEnd": "2026-03-11",
    }
    assert by_range["meta"]["period"] == "2026-03-12/2026-03-18"
    assert by_period["meta"]["period"] == "7d"


async def test_one_day_and_one_month_are_ranges_of_progress(loaded: httpx.AsyncClient) -> None:
    got = await data(
        loaded,
        """{ day: progress(range: {start: "2026-03-15", end: "2026-03-15"},
                           metrics: [SESSIONS, QUALITY, QUALITY_RELEVANCE]) {
               granularity points { sessions exchanges avgQuality minutes qualityRelevance qualityClarity }
               medianSessionMinutes }
             month: progress(range: {start: "2026-03-01", end: "2026-03-31"}, metrics: [SESSIONS, QUALITY_RELEVANCE]) {
               granularity dates { days } points { label }
               statistics { metric total avg min max }
               chart { type labels datasets { label data yAxisID } } } }""",
    )
    day = got["day"]
    assert day["granularity"] == "DAY"
    (point,) = day["points"]
    assert point["sessions"] == 2 and point["exchanges"] == 3
    assert point["avgQuality"] == pytest.approx((0.55 + 0.2 + 0.8) / 3)
    assert point["minutes"] == pytest.approx(70.0)
    assert point["qualityRelevance"] == pytest.approx((0.7 + 0.6) / 2)
    assert point["qualityClarity"] is None
    assert day["medianSessionMinutes"] == pytest.approx(35.0)  # 10 and 60

    month = got["month"]
    assert month["granularity"] == "DAY" and month["dates"]["days"] == 31
    assert len(month["points"]) == 31 and month["points"][0]["label"] == "Mar 1"
    sessions, relevance = month["statistics"]
    assert sessions["metric"] == "SESSIONS" and sessions["total"] == 5
    assert relevance["metric"] == "QUALITY_RELEVANCE"
    assert relevance["avg"] == pytest.approx((0.9 + 0.5 + 0.7 + 0.6 + 0.4) / 5)
    assert (relevance["min"], relevance["max"]) == (pytest.approx(0.4), pytest.approx(0.7))  # daily means
    chart = month["chart"]
    assert chart["type"] == "line"
    assert chart["datasets"][1]["label"] == "Relevance" and chart["datasets"][1]["yAxisID"] == "y-quality"
    assert chart["datasets"][1]["data"][7] == pytest.approx(0.4)  # March 8
    assert chart["datasets"][1]["data"][16] == pytest.approx(0.7)  # March 17: (0.9 + 0.5) / 2


async def test_a_trend_of_a_quality_dimension_over_a_range(loaded: httpx.AsyncClient) -> None:
    got = await data(
        loaded,
        """{ trend(metric: QUALITY_CLARITY, range: {start: "2026-03-08", end: "2026-03-18"}, window: 3) {
               metric dates { start end } points { date value } meta { period } } }""",
    )
    t = got["trend"]
    assert t["metric"] == "QUALITY_CLARITY"
    assert t["points"][0]["date"] == "2026-03-08" and len(t["points"]) == 11
    values = {p["date"]: p["value"] for p in t["points"] if p["value"] is not None}
    assert values == {"2026-03-08": pytest.approx(0.6), "2026-03-17": pytest.approx(0.5)}
    assert t["meta"]["period"] == "2026-03-08/2026-03-18"


# ---- quality


async def test_the_radar_compares_the_five_dimensions_with_the_previous_period(
    loaded: httpx.AsyncClient,
) -> None:
    got = await data(
        loaded,
        f"""{{ qualityRadar(range: {THIS_WEEK}) {{
                dimensions {{ dimension current previous scoredExchanges change {{ change direction }} }}
                chart {{ type labels datasets {{ label data }} }} }} }}""",
    )
    radar = got["qualityRadar"]
    by = {d["dimension"]: d for d in radar["dimensions"]}

    assert by["relevance"]["current"] == pytest.approx((0.9 + 0.5 + 0.7 + 0.6) / 4)
    assert by["relevance"]["previous"] == pytest.approx(0.4)
    assert by["relevance"]["scoredExchanges"] == 4
    assert by["relevance"]["change"]["change"] == pytest.approx((0.675 - 0.4) / 0.4 * 100)
    assert by["helpfulness"]["current"] == pytest.approx(0.7) and by["helpfulness"]["previous"] is None
    assert by["engagement"]["current"] == pytest.approx(0.7)
    assert by["clarity"]["current"] == pytest.approx(0.5)
    assert by["clarity"]["change"] == {"change": pytest.approx((0.5 - 0.6) / 0.6 * 100), "direction": "DOWN"}
    assert by["accuracy"]["current"] == pytest.approx(0.9)
    assert radar["chart"]["type"] == "radar"
    assert radar["chart"]["labels"] == ["Relevance", "Helpfulness", "Engagement", "Clarity", "Accuracy"]
    assert radar["chart"]["datasets"][1]["data"] == [pytest.approx(0.4), None, None, pytest.approx(0.6), None]


async def test_the_quality_distribution_counts_exchanges_per_bin(loaded: httpx.AsyncClient) -> None:
    got = await data(
        loaded,
        f"""{{ week: qualityDistribution(range: {THIS_WEEK}) {{ total bins {{ label low high count share }}
                                                             chart {{ type labels datasets {{ data }} }} }}
              before: qualityDistribution(range: {{start: "2026-03-05", end: "2026-03-11"}}) {{ total bins {{ count }} }} }}""",
    )
    week = got["week"]
    # 0.85, 0.8 → [0.8, 1]; 0.3, 0.2 → [0.2, 0.4); 0.55 → [0.4, 0.6); D: 4 at 0.7 → [0.6, 0.8)
    assert [b["count"] for b in week["bins"]] == [0, 2, 1, 4, 2]
    assert week["total"] == 9
    assert [b["share"] for b in week["bins"]] == [pytest.approx(c / 9) for c in (0, 2, 1, 4, 2)]
    assert (week["bins"][1]["low"], week["bins"][1]["high"]) == (0.2, 0.4)
    assert week["chart"]["type"] == "doughnut"
    assert week["chart"]["datasets"][0]["data"] == [0, 2, 1, 4, 2]
    assert [b["count"] for b in got["before"]["bins"]] == [0, 0, 1, 0, 0]  # P1 at 0.4


# ---- feedback


async def test_the_feedback_breakdown_by_kind_with_rate_and_ratings(loaded: httpx.AsyncClient) -> None:
    got = await data(
        loaded,
        f"""{{ feedbackBreakdown(range: {THIS_WEEK}) {{
                total byKind {{ kind count share }} positiveRate
                rating {{ count mean min max std }} chart {{ type labels datasets {{ data }} }} }} }}""",
    )
    fb = got["feedbackBreakdown"]
    assert fb["total"] == 6
    assert [(k["kind"], k["count"]) for k in fb["byKind"]] == [
        ("thumbs_up", 2),
        ("thumbs_down", 1),
        ("copy", 1),
        ("correction", 1),
        ("clarification", 1),
    ]
    assert fb["byKind"][0]["share"] == pytest.approx(2 / 6)
    assert fb["positiveRate"] == pytest.approx(2 / 3)
    assert fb["rating"] == {
        "count": 3,
        "mean": pytest.approx(0.5),
        "min": 0.0,
        "max": 1.0,
        "std": pytest.approx(math.sqrt((0.25 + 0.25 + 0.0) / 3)),
    }
    assert fb["chart"]["type"] == "bar"
    assert fb["chart"]["datasets"][0]["data"] == [2, 1, 1, 1, 1]


# ---- heatmap


HEATMAP = """weeks { weekStarts weekdays sessions exchanges minutes activeDays maxSessions maxMinutes }
             hours { sessions exchanges minutes peakWeekday peakHour }"""


async def test_the_heatmap_by_week_and_weekday_and_by_weekday_and_hour(loaded: httpx.AsyncClient) -> None:
    got = await data(
        loaded, f'{{ activityHeatmap(range: {{start: "2026-03-09", end: "2026-03-18"}}) {{ {HEATMAP} }} }}'
    )
    weeks, hours = got["activityHeatmap"]["weeks"], got["activityHeatmap"]["hours"]

    assert weeks["weekStarts"] == ["2026-03-09", "2026-03-16"]
    assert weeks["weekdays"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert weeks["sessions"] == [[0, 0, 0, 0, 0, 0, 2], [1, 1, 0, None, None, None, None]]
    assert weeks["exchanges"] == [[0, 0, 0, 0, 0, 0, 3], [4, 2, 0, None, None, None, None]]
    assert weeks["minutes"] == [[0, 0, 0, 0, 0, 0, 70], [0, 30, 0, None, None, None, None]]
    assert (weeks["activeDays"], weeks["maxSessions"], weeks["maxMinutes"]) == (3, 2, 70.0)

    cells = {
        (wd, h): (hours["sessions"][wd][h], hours["exchanges"][wd][h], hours["minutes"][wd][h])
        for wd in range(7)
        for h in range(24)
        if hours["sessions"][wd][h] or hours["exchanges"][wd][h]
    }
    assert cells == {
        (6, 9): (1, 2, 60.0),  # Sunday 09:00: B and its two exchanges
        (6, 20): (1, 1, 10.0),  # Sunday 20:00: C
        (0, 14): (1, 4, 0.0),  # Monday 14:00: D's summary of 4 exchanges, no end
        (1, 9): (1, 2, 30.0),  # Tuesday 09:00: A
    }
    assert (hours["peakWeekday"], hours["peakHour"]) == ("Mon", 14)


async def test_hours_past_the_hourly_retention_come_from_the_raw_rows(loaded: httpx.AsyncClient) -> None:
    runtime = runtime_of(loaded)
    await rollups.apply_retention(runtime, now=NOW)  # hourly rollups before 11 March are dropped
    async with runtime.db.read() as conn:
        kept = await conn.scalar(
            select(func.count())
            .select_from(rollups_t)
            .where(rollups_t.c.granularity == "hour", rollups_t.c.bucket_day < date(2026, 3, 11))
        )
    assert kept == 0

    got = await data(
        loaded, f'{{ activityHeatmap(range: {{start: "2026-03-02", end: "2026-03-18"}}) {{ {HEATMAP} }} }}'
    )
    hours = got["activityHeatmap"]["hours"]

    # Sunday 09:00 holds B (stored hourly rollup) and P (8 March, computed from raw rows).
    assert (hours["sessions"][6][9], hours["exchanges"][6][9], hours["minutes"][6][9]) == (2, 3, 80.0)
    assert got["activityHeatmap"]["weeks"]["sessions"][0] == [0, 0, 0, 0, 0, 0, 1]  # week of 2 March


# ---- topics


async def test_topics_over_a_range_with_their_distribution_and_knowledge_graph(
    loaded: httpx.AsyncClient,
) -> None:
    got = await data(
        loaded,
        f"""{{ topics(range: {THIS_WEEK}, limit: 1) {{
                totalTopics distribution {{ type labels datasets {{ data }} }}
                knowledgeGraph {{ totalConcepts totalRelationships nodes {{ name sessions exchanges }}
                                  edges {{ source target strength sessions }} }} }}
              all: topics(range: {THIS_WEEK}) {{ knowledgeGraph {{ totalRelationships nodes {{ name sessions exchanges }}
                                                edges {{ source target sessions strength }} }} }} }}""",
    )
    t = got["topics"]
    assert t["totalTopics"] == 3
    assert t["distribution"]["type"] == "bar"
    assert t["distribution"]["labels"] == ["python", "sql", "git"]  # tagged exchanges 2, 1, 0
    assert t["distribution"]["datasets"][0]["data"] == [2, 1, 0]
    graph = t["knowledgeGraph"]
    # Sessions linking topics: A python+sql, B python, C sql+git, D git → pairs (python, sql), (git, sql).
    assert (graph["totalConcepts"], graph["totalRelationships"]) == (3, 2)
    assert graph["edges"] == [
        {"source": "git", "target": "sql", "strength": pytest.approx(1 / 3), "sessions": 1}
    ]
    assert graph["nodes"] == [
        {"name": "git", "sessions": 2, "exchanges": 0},
        {"name": "sql", "sessions": 2, "exchanges": 1},
    ]
    full = got["all"]["knowledgeGraph"]
    assert full["totalRelationships"] == 2
    assert [(e["source"], e["target"]) for e in full["edges"]] == [("git", "sql"), ("python", "sql")]
    assert [n["name"] for n in full["nodes"]] == ["git", "python", "sql"]


# ---- bad ranges


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('overview(range: {start: "2026-03-18", end: "2026-03-01"}) { period }', "invalid_range"),
        (
            'progress(period: LAST_7_DAYS, range: {start: "2026-03-01", end: "2026-03-02"}) { period }',
            "period_and_range",
        ),
        ('topics(range: {start: "2000-01-01", end: "2026-03-18"}) { totalTopics }', "range_too_long"),
        ('trend(range: {start: "2024-01-01", end: "2026-03-18"}) { slope }', "range_too_long"),
        ('activityHeatmap(range: {start: "2025-01-01", end: "2026-03-18"}) { period }', "range_too_long"),
        ('qualityRadar(range: {start: "2026-03-18", end: "2026-03-17"}) { period }', "invalid_range"),
        (
            'feedbackBreakdown(period: LAST_30_DAYS, range: {start: "2026-03-01", end: "2026-03-02"}) { total }',
            "period_and_range",
        ),
        ('qualityDistribution(range: {start: "2026-03-02", end: "2026-03-01"}) { total }', "invalid_range"),
    ],
)
async def test_a_bad_range_is_a_typed_error_naming_range(
    loaded: httpx.AsyncClient, query: str, reason: str
) -> None:
    body = await gql(loaded, "{ " + query + " }")

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "range"
    assert error["extensions"]["reason"] == reason


async def test_a_range_too_long_for_its_granularity_is_refused_on_granularity(
    loaded: httpx.AsyncClient,
) -> None:
    body = await gql(
        loaded, '{ progress(range: {start: "2024-01-01", end: "2026-03-18"}, granularity: DAY) { period } }'
    )

    assert body["errors"][0]["extensions"]["field"] == "granularity"


async def test_a_range_sizes_the_estimated_cost_of_a_progress(loaded: httpx.AsyncClient) -> None:
    # Each progress costs its days of DAY buckets (and as many points): 28 years of days exceed the
    # cost limit before anything runs, 28 weeks do not.
    def aliases(start: str) -> str:
        return " ".join(
            f'p{i}: progress(range: {{start: "{start}", end: "2026-03-18"}}, granularity: DAY) {{ points {{ sessions }} }}'
            for i in range(28)
        )

    refused = await gql(loaded, "{ " + aliases("2025-03-19") + " }")
    answered = await gql(loaded, "{ " + aliases("2026-03-12") + " }")

    assert refused.get("data") is None
    assert "estimated cost" in refused["errors"][0]["message"]
    assert "errors" not in answered
    assert len(answered["data"]["p27"]["points"]) == 7


async def test_the_heatmap_cells_equal_the_full_buckets_on_both_sides_of_the_horizon(
    loaded: httpx.AsyncClient,
) -> None:
    runtime = runtime_of(loaded)
    start, end = date(2026, 3, 1), date(2026, 3, 18)

    async def both(granularity: Granularity) -> tuple[list[Any], list[Any]]:
        cells = await activity_cells(
            runtime.db, user_id="default", granularity=granularity, start=start, end=end
        )
        full = await reads.buckets(
            runtime.db, user_id="default", granularity=granularity, start=start, end=end
        )
        return (
            [(c.day, c.hour, c.sessions, c.exchanges, pytest.approx(c.minutes)) for c in cells],
            [(b.day, b.hour, b.sessions, b.exchanges, b.minutes) for b in full],
        )

    for granularity in (Granularity.DAY, Granularity.HOUR):
        cells, full = await both(granularity)
        assert cells == full and cells
    await rollups.apply_retention(runtime, now=NOW)
    cells, full = await both(Granularity.HOUR)
    assert cells == full
    assert sum(c[2] for c in cells) == 5  # every session, B–D stored and P computed from raw rows
