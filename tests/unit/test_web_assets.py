"""The files the dashboard and GraphiQL load: all inside the package, vendored files as recorded, and
no page or module pointing at another origin."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from learning_analytics import web

STATIC = Path(web.STATIC_DIR)
PAGES = Path(web.__file__).parent
# A URL to another origin in something a browser would fetch: src/href attributes, CSS url(),
# JS import specifiers and fetch targets.
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//|from\s+["'](?:https?:)?//|import\(\s*["'](?:https?:)?//|fetch\(\s*["'](?:https?:)?//"""
)


def test_vendored_files_match_their_recorded_checksums() -> None:
    sums = (STATIC / "vendor" / "SHA256SUMS").read_text().splitlines()
    recorded = {line.split()[1].removeprefix("./"): line.split()[0] for line in sums}
    present = {
        str(p.relative_to(STATIC / "vendor")) for p in (STATIC / "vendor").rglob("*") if p.is_file()
    } - {"SHA256SUMS"}
    assert set(recorded) == present
    for name, digest in recorded.items():
        assert hashlib.sha256((STATIC / "vendor" / name).read_bytes()).hexdigest() == digest, name
    # Every vendored package ships its licence beside its files.
    for folder in ("chartjs", "graphiql", "react"):
        assert any(n.startswith(f"{folder}/LICENSE") for n in recorded), folder


def test_pages_and_own_modules_reference_no_other_origin() -> None:
    own = [PAGES / "dashboard.html", PAGES / "graphiql.html", *STATIC.glob("*.css"), *STATIC.glob("*.js")]
    own += list((STATIC / "js").rglob("*.js"))
    assert len(own) > 12
    for path in own:
        assert not EXTERNAL.search(path.read_text()), path


def test_every_file_a_page_or_module_names_exists() -> None:
    for page in ("dashboard.html", "graphiql.html"):
        html = (PAGES / page).read_text()
        for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
            assert (STATIC / url.removeprefix("/static/")).is_file(), (page, url)
    for module in (STATIC / "js").rglob("*.js"):
        for spec in re.findall(r'^import .* from "(\.[^"]+)";', module.read_text(), re.MULTILINE):
            assert (module.parent / spec).resolve().is_file(), (module, spec)


def test_vendored_versions_are_the_ones_the_script_pins() -> None:
    script = (Path(__file__).parents[2] / "scripts" / "vendor_web.sh").read_text()
    pins = dict(re.findall(r"^(CHARTJS|GRAPHIQL|REACT)=([0-9.]+)", script, re.MULTILINE))
    notes = (STATIC / "VENDORED.md").read_text()
    assert f"| `chart.js` | {pins['CHARTJS']} |" in notes
    assert f"| `graphiql` | {pins['GRAPHIQL']} |" in notes
    assert f"| `react` | {pins['REACT']} |" in notes
    chart = (STATIC / "vendor" / "chartjs" / "chart.umd.min.js").read_text()
    assert f"Chart.js v{pins['CHARTJS']}" in chart[:300]
