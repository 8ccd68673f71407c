"""The dashboard's numbers are the API's: on the demo history, each overview card shows what
`/api/analytics/overview` answers, each chart is a Chart.js instance holding the data its route
answered (read from the page's Chart.js, not from pixels), the period switcher and the custom range
change the chart to the matching answer, the data table lists the chart's numbers, and dismissing
or rating an insight goes through the API."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import httpx
from abuse.conftest import LiveServer

from .conftest import screenshot

SETTLED = "() => document.body.dataset.ready === 'true'"
CHART_DATA = """(id) => {
  const chart = Chart.getChart(document.getElementById(id + '-chart'));
  return chart ? {labels: chart.data.labels, datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data}))} : null;
}"""


def api(server: LiveServer, path: str, **params: Any) -> Any:
    response = httpx.get(server.url + "/api/analytics/" + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def one_decimal(x: float) -> str:
    """How the page prints a number with at most one decimal (Intl.NumberFormat, en-US)."""
    text = f"{Decimal(repr(x)).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN):,}"
    return text.removesuffix(".0")


def card(page: Any, key: str) -> str:
    return str(page.inner_text(f"[data-value={key}]"))


def test_overview_cards_and_charts_hold_the_apis_numbers(demo_server: LiveServer, open_page: Any) -> None:
    page, guard = open_page(demo_server, "/")
    page.wait_for_function(SETTLED)
    overview = api(demo_server, "overview", period="30d")
    s = overview["summary"]

    assert s["total_sessions"] > 0  # the demo history is there
    assert card(page, "sessions") == f"{s['total_sessions']:,}"
    assert card(page, "exchanges") == f"{s['total_exchanges']:,}"
    assert card(page, "quality") == one_decimal(s["avg_quality"] * 100) + " %"
    assert card(page, "minutes") == f"{round(s['total_minutes']):,}"
    assert card(page, "topics") == f"{s['unique_topics']:,}"
    assert card(page, "streak") == f"{overview['streak']['current']} d"
    sessions_change = overview["trends"]["sessions"]["change"]
    assert one_decimal(abs(sessions_change)) in page.inner_text("[data-card=sessions] .change")

    progress = api(demo_server, "progress", period="30d", metrics="sessions,quality")
    drawn = page.evaluate(CHART_DATA, "progress")
    assert drawn["labels"] == progress["chart"]["labels"] and len(drawn["labels"]) == 30
    assert [d["data"] for d in drawn["datasets"]] == [d["data"] for d in progress["chart"]["datasets"]]
    assert any(v for v in drawn["datasets"][0]["data"])

    trends = api(demo_server, "trends", period="30d", metric="quality", window="7", forecast_days="14")
    drawn = page.evaluate(CHART_DATA, "quality")
    by_label = {d["label"]: d["data"] for d in drawn["datasets"]}
    for dataset in trends["chart"]["datasets"]:
        assert by_label[dataset["label"]] == dataset["data"]
    # The forecast band: each forecast day's bounds, on the chart's last days.
    n = len(trends["forecast"])
    assert n == 14
    assert by_label["Forecast low (95 %)"][-n:] == [f["lower_bound"] for f in trends["forecast"]]
    assert by_label["Forecast high (95 %)"][-n:] == [f["upper_bound"] for f in trends["forecast"]]

    topics = api(demo_server, "topics", period="30d", limit="10")
    drawn = page.evaluate(CHART_DATA, "topics")
    assert drawn["labels"] == topics["distribution"]["chart"]["labels"]
    assert drawn["datasets"][0]["data"] == topics["distribution"]["chart"]["datasets"][0]["data"]

    # The activity grid: one cell per day of the period with that day's sessions.
    daily = api(demo_server, "progress", period="30d", metrics="sessions", granularity="daily")
    cells = page.evaluate(
        "() => [...document.querySelectorAll('.heatmap .cell[data-day]')].map(c => [c.dataset.day, +c.dataset.value])"
    )
    assert cells == [[p["period_start"][:10], p["sessions"]] for p in daily["points"]]

    # The freshness line is the answers' data_through.
    shown = datetime.fromisoformat(
        page.get_attribute("#freshness", "data-data-through").replace("Z", "+00:00")
    )
    assert shown == datetime.fromisoformat(overview["meta"]["data_through"].replace("Z", "+00:00"))
    screenshot(page, "dashboard-data")
    guard.check()


def test_the_demo_comes_with_the_achievements_its_history_reached(
    demo_server: LiveServer, open_page: Any
) -> None:
    """`serve --demo` evaluates goals and achievements after loading: a 120-day history has a first
    session, so that achievement is unlocked and listed as such in the panel."""
    query = "{ achievements(unlocked: true) { id } sessions(first: 1) { totalCount } }"
    data = httpx.post(demo_server.url + "/graphql", json={"query": query}).json()["data"]
    unlocked = {a["id"] for a in data["achievements"]}
    assert data["sessions"]["totalCount"] > 0 and "first_session" in unlocked

    page, guard = open_page(demo_server, "/?view=achievements")
    page.wait_for_function(SETTLED)
    assert f"{len(unlocked)} of " in page.inner_text("#achievements")
    guard.check()


def test_the_period_switcher_and_the_custom_range_change_the_chart(
    demo_server: LiveServer, open_page: Any
) -> None:
    page, guard = open_page(demo_server, "/")
    page.wait_for_function(SETTLED)
    before = page.evaluate(CHART_DATA, "progress")

    page.evaluate("document.body.dataset.ready = 'false'")
    page.click("label:has(input[name=period][value='90d'])")
    page.wait_for_function(SETTLED)
    after = page.evaluate(CHART_DATA, "progress")
    weekly = api(demo_server, "progress", period="90d", metrics="sessions,quality")
    assert after != before
    assert after["labels"] == weekly["chart"]["labels"]
    assert [d["data"] for d in after["datasets"]] == [d["data"] for d in weekly["chart"]["datasets"]]
    assert (
        card(page, "sessions")
        == f"{api(demo_server, 'overview', period='90d')['summary']['total_sessions']:,}"
    )

    # A metric toggle adds its dataset.
    page.check("#progress input[value=exchanges]")
    page.wait_for_function(
        "() => (Chart.getChart(document.getElementById('progress-chart'))?.data.datasets.length) === 3"
    )

    # A custom range: exactly its days, as GraphQL's progress(range:) answers them (on a server whose
    # schema has ranges; without, the form says so and the chart keeps the period).
    page.fill("#progress-range input[name=start]", "2026-11-01")
    page.fill("#progress-range input[name=end]", "2026-11-10")
    page.evaluate("document.body.dataset.ready = 'false'")
    page.click("#progress-range button[type=submit]")
    query = (
        '{ progress(range: {start: "2026-11-01", end: "2026-11-10"}, metrics: [SESSIONS, EXCHANGES, QUALITY])'
        " { chart { labels datasets { data } } } }"
    )
    answer = httpx.post(demo_server.url + "/graphql", json={"query": query}).json()
    if answer.get("data"):
        page.wait_for_function(
            "() => document.querySelector('#progress .body').dataset.range === '2026-11-01/2026-11-10'"
        )
        ranged = page.evaluate(CHART_DATA, "progress")
        expected = answer["data"]["progress"]["chart"]
        assert len(ranged["labels"]) == 10 and ranged["labels"] == expected["labels"]
        assert [d["data"] for d in ranged["datasets"]] == [d["data"] for d in expected["datasets"]]
    else:
        assert "Unknown argument 'range'" in str(answer["errors"])
        page.wait_for_function(
            "() => document.getElementById('progress-range-error')?.textContent.includes('not available')"
        )
        assert page.evaluate(CHART_DATA, "progress")["labels"] == weekly["chart"]["labels"]

    # A range that ends before it starts is refused next to the fields, and the chart stays.
    page.fill("#progress-range input[name=start]", "2026-11-10")
    page.fill("#progress-range input[name=end]", "2026-11-01")
    page.click("#progress-range button[type=submit]")
    assert "must not be after" in page.inner_text("#progress-range-error")

    # The data table toggle shows the chart's numbers.
    toggle = page.locator("#progress .table-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    rows = page.locator("#progress-table tbody tr")
    assert rows.count() == len(page.evaluate(CHART_DATA, "progress")["labels"]) > 0
    guard.check()


def test_dismissing_and_rating_an_insight_go_through_the_api(demo_server: LiveServer, open_page: Any) -> None:
    listed = api(demo_server, "insights", limit="10")["insights"]
    assert len(listed) >= 2
    first, second = listed[0]["id"], listed[1]["id"]
    page, guard = open_page(demo_server, "/?view=insights")
    page.wait_for_function(SETTLED)
    assert page.locator("#insights li.item").count() == len(listed)

    page.click(f"[data-insight='{second}'] button:has-text('Not helpful')")
    page.wait_for_function(
        f"() => document.querySelector(\"[data-insight='{second}'] [role=status]\").textContent.includes('rated')"
    )
    page.click(f"[data-insight='{first}'] button:has-text('Dismiss')")
    page.wait_for_function(f"() => !document.querySelector(\"[data-insight='{first}']\")")

    after = api(demo_server, "insights", limit="10")["insights"]
    assert first not in [i["id"] for i in after]
    assert next(i for i in after if i["id"] == second)["helpful"] is False
    dismissed = api(demo_server, "insights", limit="50", include_dismissed="true")["insights"]
    assert next(i for i in dismissed if i["id"] == first)["dismissed_at"] is not None
    guard.check()


def test_a_learner_without_sessions_is_shown_how_to_send_one(
    keyed_server: tuple[LiveServer, str], open_page: Any
) -> None:
    server, key = keyed_server
    page, guard = open_page(server, "/")
    page.locator("#key-dialog").wait_for(state="visible")
    page.fill("#key-input", key)
    page.click("#key-form button[value=save]")
    page.wait_for_function(SETTLED)

    welcome = page.locator("#welcome")
    assert welcome.is_visible()
    assert "No sessions yet" in welcome.inner_text()
    assert "/api/analytics/events" in page.inner_text("#welcome-example")
    assert card(page, "sessions") == "0"
    assert page.get_attribute("#overview", "data-state") == "empty"
    assert page.locator("#banner").is_hidden()
    screenshot(page, "dashboard-empty")
    guard.check()


def test_the_goal_form_creates_a_goal_and_shows_a_refusal_next_to_its_field(
    demo_server: LiveServer, open_page: Any
) -> None:
    page, guard = open_page(demo_server, "/?view=goals")
    page.wait_for_function(SETTLED)

    # A target the server refuses: its message under the target field, nothing created.
    page.fill("#goal-title", "Twelve sessions a week")
    page.fill("#goal-targetValue", "-3")
    page.select_option("#goal-goalType", "SESSIONS")
    page.select_option("#goal-frequency", "WEEKLY")
    page.click("#goal-form button[type=submit]")
    error = page.locator("#goal-targetValue-error")
    error.wait_for(state="visible")
    assert "greater than 0" in error.inner_text()
    assert page.get_attribute("#goal-targetValue", "aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "goal-targetValue"
    titles = "{ goals { title targetValue } }"
    assert "Twelve sessions a week" not in str(
        httpx.post(demo_server.url + "/graphql", json={"query": titles}).json()
    )
    screenshot(page, "dashboard-goal-error")

    # Corrected, it is created through the API and listed with its progress bar.
    page.fill("#goal-targetValue", "12")
    page.click("#goal-form button[type=submit]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#goal-list strong')].some(s => s.textContent === 'Twelve sessions a week')"
    )
    goals = httpx.post(demo_server.url + "/graphql", json={"query": titles}).json()["data"]["goals"]
    assert {"title": "Twelve sessions a week", "targetValue": 12.0} in goals
    item = page.locator("#goal-list li", has_text="Twelve sessions a week")
    assert item.locator("[role=progressbar]").count() == 1
    guard.check()


def test_the_export_buttons_download_the_periods_data(
    demo_server: LiveServer, open_page: Any, tmp_path: Any
) -> None:
    page, guard = open_page(demo_server, "/?view=export&period=7d")
    page.wait_for_function(SETTLED)
    with page.expect_download() as download:
        page.click("#export button[data-format=csv]")
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    direct = httpx.get(demo_server.url + "/api/analytics/export", params={"format": "csv", "period": "7d"})
    assert direct.status_code == 200
    # The CSV export is a zip of CSV files: the same files and the same session rows as a client
    # asking directly (a generation time may differ between the two).
    with zipfile.ZipFile(path) as saved, zipfile.ZipFile(io.BytesIO(direct.content)) as expected:
        assert saved.namelist() == expected.namelist()
        name = next(n for n in saved.namelist() if n.endswith("/sessions.csv"))
        rows = saved.read(name).decode().splitlines()
        assert len(rows) > 1 and rows == expected.read(name).decode().splitlines()
    assert "Downloaded" in page.inner_text("#export [role=status]")
    guard.check()


def test_every_chart_on_the_page_is_drawn_with_data(demo_server: LiveServer, open_page: Any) -> None:
    page, guard = open_page(demo_server, "/?period=90d")
    page.wait_for_function(SETTLED)
    charts = page.evaluate(
        """() => [...document.querySelectorAll('canvas')].map(c => {
            const chart = Chart.getChart(c);
            return [c.id, chart ? chart.data.datasets.map(d => d.data.filter(v => v !== null && v !== 0).length) : null];
        })"""
    )
    assert len(charts) >= 3
    for canvas_id, non_empty in charts:
        assert non_empty is not None, canvas_id  # a Chart.js instance drew it
        assert non_empty and max(non_empty) > 0, canvas_id  # and at least one dataset has values
    guard.check()
