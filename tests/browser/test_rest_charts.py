"""The REST answers' charts drawn by the real Chart.js in headless Chromium, unchanged:
`new Chart(ctx, {type, data: answer.chart})` builds every dataset on its own axis, with the
answer's colours and one point per label, and skips exactly the missing values."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from learning_analytics.resolvers.demo import load_demo
from learning_analytics.storage.rollups.fold import fold_dirty

pytestmark = pytest.mark.browser

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
CHART_JS = Path(__file__).parents[1] / "conformance" / "node_modules" / "chart.js" / "dist" / "chart.umd.js"
ROUTES = [
    ("line", "/api/analytics/trends?metric=quality&period=30d&window=7", "chart"),
    ("line", "/api/analytics/progress?period=30d&metrics=sessions,quality", "chart"),
    ("bar", "/api/analytics/progress?period=90d&metrics=exchanges,duration&granularity=weekly", "chart"),
    ("doughnut", "/api/analytics/topics?period=30d", "distribution.chart"),
]

PAGE = """<!doctype html><html><body><canvas id="c" width="600" height="300"></canvas><pre id="out"></pre>
<script src="chart.umd.js"></script>
<script>
const answer = __ANSWER__;
const out = document.getElementById("out");
try {
  const chart = new Chart(document.getElementById("c"),
                          {type: "__TYPE__", data: __DATA__, options: {animation: false, responsive: false}});
  out.textContent = JSON.stringify({
    scales: Object.keys(chart.scales),
    datasets: chart.data.datasets.map((d, i) => {
      const meta = chart.getDatasetMeta(i);
      return {
        axis: meta.yAxisID === undefined ? null : meta.yAxisID,
        elements: meta.data.length,
        drawn: meta.data.filter(p => !p.skip).length,
        line: meta.dataset ? meta.dataset.options.borderColor : null,
        slices: meta.data.map(p => p.options.backgroundColor),
      };
    }),
  });
} catch (e) { out.textContent = JSON.stringify({error: String(e)}); }
</script></body></html>"""


def draw(tmp_path: Path, kind: str, answer: dict[str, Any], where: str) -> dict[str, Any]:
    """Draw `answer`'s chart (at the dotted path `where`) in Chromium; what Chart.js built, as JSON."""
    shutil.copyfile(CHART_JS, tmp_path / "chart.umd.js")
    page = tmp_path / "page.html"
    page.write_text(
        PAGE.replace("__ANSWER__", json.dumps(answer))
        .replace("__TYPE__", kind)
        .replace("__DATA__", f"answer.{where}")
    )
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r'<pre id="out">(.*)</pre>', result.stdout, re.S)
    assert found and found.group(1), result.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture
async def demo(app_client: httpx.AsyncClient) -> httpx.AsyncClient:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Chromium is not installed")
    assert CHART_JS.is_file(), "run `make install` to install Chart.js for the tests"
    runtime = app_client.app.state.runtime  # type: ignore[attr-defined]
    runtime.clock = lambda: NOW
    await load_demo(runtime, n_users=1, days=120, seed=42, now=NOW)
    await fold_dirty(runtime.db, now=NOW)
    return app_client


@pytest.mark.parametrize(("kind", "url", "where"), ROUTES)
async def test_chart_js_draws_the_answer_unchanged(
    demo: httpx.AsyncClient, tmp_path: Path, kind: str, url: str, where: str
) -> None:
    r = await demo.get(url)
    assert r.status_code == 200, r.text
    answer = r.json()
    chart = answer
    for key in where.split("."):
        chart = chart[key]

    drawn = draw(tmp_path, kind, answer, where)

    assert "error" not in drawn, drawn
    assert len(drawn["datasets"]) == len(chart["datasets"]) > 0
    for built, dataset in zip(drawn["datasets"], chart["datasets"], strict=True):
        assert built["elements"] == len(chart["labels"]) == len(dataset["data"])
        if kind == "doughnut":
            assert built["slices"] == dataset["backgroundColor"]
            continue
        assert built["drawn"] == sum(v is not None for v in dataset["data"])
        assert built["axis"] == dataset.get("yAxisID", "y")
        assert built["axis"] in drawn["scales"]
        if kind == "line":
            assert built["line"] == dataset["borderColor"]
