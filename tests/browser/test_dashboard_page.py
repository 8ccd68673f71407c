"""The dashboard in Chromium as a person meets it: every panel settles, nothing loads from another
origin, a phone's 360 px has no horizontal scroll, dark mode follows the system, a server that
requires keys gets one asked for once and kept for the tab, and an API that stops answering shows
the error banner."""

from __future__ import annotations

from typing import Any

import pytest
from abuse.conftest import LiveServer, stop_server

from .conftest import screenshot, serve

PANELS = [
    "overview",
    "progress",
    "quality",
    "radar",
    "distribution",
    "feedback",
    "heatmap",
    "topics",
    "insights",
    "goals",
    "achievements",
    "export",
]
SETTLED = "() => document.body.dataset.ready === 'true'"


def panel_states(page: Any) -> dict[str, str]:
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('section.panel')]"
        ".map(s => [s.id, s.dataset.state]))"
    )


def test_every_panel_settles_and_nothing_leaves_the_origin(demo_server: LiveServer, open_page: Any) -> None:
    page, guard = open_page(demo_server, "/")
    page.wait_for_function(SETTLED)

    states = panel_states(page)
    assert list(states) == PANELS
    # Each panel is drawn, empty, or says its route is not on this server: never loading or broken.
    assert set(states.values()) <= {"ready", "empty", "unavailable"}, states
    assert page.locator("#banner").is_hidden()
    # Every panel is reachable from the keyboard: the skip link first, then the panel links.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the panels"
    screenshot(page, "dashboard-desktop")
    guard.check()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_phone_has_no_horizontal_scroll_in_either_scheme(
    demo_server: LiveServer, open_page: Any, scheme: str
) -> None:
    page, guard = open_page(demo_server, "/", width=360, height=740, scheme=scheme)
    page.wait_for_function(SETTLED)
    page.wait_for_timeout(300)  # charts resize to their boxes after the first frame

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Nothing sticks out, except inside a box that scrolls by itself (the panel links, wide tables).
    sticking_out = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
            for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
            }
            const r = e.getBoundingClientRect();
            return r.width > 0 && r.right > 360.5;
        }).map(e => e.tagName + '#' + e.id + '.' + e.className)"""
    )
    assert sticking_out == []
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(c) for c in background.removeprefix("rgb(").rstrip(")").split(",")[:3])
    lightness = (red + green + blue) / 3
    assert (lightness < 60) if scheme == "dark" else (lightness > 200), background
    screenshot(page, f"dashboard-phone-{scheme}")
    guard.check()


def test_a_view_link_opens_its_panel(demo_server: LiveServer, open_page: Any) -> None:
    page, guard = open_page(demo_server, "/?view=goals")
    page.wait_for_function(SETTLED)
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'goals'")
    assert "highlight" in page.get_attribute("#goals", "class")
    top = page.evaluate("document.getElementById('goals').getBoundingClientRect().top")
    assert page.evaluate("window.scrollY") > 0 and 0 <= top < 900  # scrolled into the window
    guard.check()


def test_with_keys_on_the_page_asks_once_and_keeps_the_key_for_the_tab(
    keyed_server: tuple[LiveServer, str], open_page: Any
) -> None:
    server, key = keyed_server
    page, guard = open_page(server, "/")
    dialog = page.locator("#key-dialog")
    dialog.wait_for(state="visible")
    page.fill("#key-input", "la_wrong")
    page.click("#key-form button[value=save]")
    # A refused key asks again, saying so; one prompt for all the panels.
    page.wait_for_function("() => document.getElementById('key-error').textContent.includes('refused')")
    page.fill("#key-input", key)
    page.click("#key-form button[value=save]")
    page.wait_for_function(SETTLED)

    assert dialog.is_hidden()
    assert page.evaluate("sessionStorage.getItem('la.apiKey')") == key
    assert page.locator("#banner").is_hidden()
    states = panel_states(page)
    assert set(states.values()) <= {"ready", "empty", "unavailable"}, states
    # The same tab reloaded does not ask again.
    page.reload()
    page.wait_for_function(SETTLED)
    assert dialog.is_hidden()
    guard.check()


def test_an_api_that_stops_answering_shows_the_error_banner(demo_database: str, open_page: Any) -> None:
    server = serve(demo_database)
    try:
        page, guard = open_page(server, "/")
        page.wait_for_function(SETTLED)
        assert page.locator("#banner").is_hidden()
    finally:
        stop_server(server)
    page.evaluate("document.body.dataset.ready = 'false'")
    page.check("input[name=period][value='7d']")
    page.wait_for_function(SETTLED)

    banner = page.locator("#banner")
    assert banner.is_visible()
    assert "could not be reached" in banner.inner_text()
    assert page.evaluate("document.getElementById('overview').dataset.state") == "error"
    screenshot(page, "dashboard-error")
    guard.check()
