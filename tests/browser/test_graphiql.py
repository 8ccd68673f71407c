"""GraphiQL in Chromium with no network beyond the server: it loads from the vendored files, shows
the schema's descriptions, offers the saved examples, and runs a query typed into its editor."""

from __future__ import annotations

import json
from typing import Any

import httpx
from abuse.conftest import LiveServer

from .conftest import screenshot


def test_graphiql_loads_offline_and_runs_a_query_from_its_editor(
    demo_server: LiveServer, open_page: Any
) -> None:
    page, guard = open_page(demo_server, "/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-tab", timeout=30_000)

    # The saved examples are the default tabs, and the headers editor shows an Authorization header.
    tabs = page.locator(".graphiql-tab").all_inner_texts()
    assert [t.strip() for t in tabs] == ["Overview", "Progress", "QualityTrend", "CreateGoal"]
    editors = page.evaluate(
        "() => [...document.querySelectorAll('.graphiql-editor .CodeMirror')].map(e => e.CodeMirror.getValue())"
    )
    assert any('"Authorization": "Bearer' in text for text in editors), editors

    # The documentation explorer is open and shows the schema's own descriptions.
    docs = page.locator(".graphiql-doc-explorer")
    docs.locator("a", has_text="Query").first.click()
    fields = httpx.post(
        demo_server.url + "/graphql",
        json={"query": '{ __type(name: "Query") { fields { name description } } }'},
    ).json()["data"]["__type"]["fields"]
    streak_doc = next(f["description"] for f in fields if f["name"] == "streak")
    assert streak_doc
    page.wait_for_function(
        "(text) => document.querySelector('.graphiql-doc-explorer').innerText.includes(text)",
        arg=streak_doc.split("\n")[0][:40],
    )

    # Type a query into the editor, run it, and read the result pane.
    page.locator(".graphiql-tab-add").click()  # a new tab: no operation name left from an example
    # Under load the new tab may take a moment to open and be selected: edit only once it is.
    page.wait_for_function(
        "() => { const tabs = document.querySelectorAll('.graphiql-tab');"
        " return tabs.length === 5 && tabs[4].classList.contains('graphiql-tab-active'); }"
    )
    query = "{ streak { current longest } viewer { id } }"
    value = "() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()"
    editor = page.locator(".graphiql-query-editor .CodeMirror").first
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    # The whole text in one input event, as a paste would: typing key by key races the completion
    # list, whose timing depends on the machine's load. The editor then holds exactly the query (no
    # second operation that would turn the run button into a menu of operations).
    page.keyboard.insert_text(query)
    page.wait_for_function(f"(q) => ({value})().trim() === q", arg=query)
    page.keyboard.press("Escape")  # close a completion list the paste may have opened
    # GraphiQL parses the editor's text after a pause (100 ms, longer under load) and only then
    # forgets the operation name of the tab it came from: run once it has parsed this query.
    page.wait_for_function(
        "() => { const cm = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;"
        " return cm.operations && cm.operations.length === 1 && cm.operationName === null"
        " && cm.operations[0].selectionSet.selections.some(s => s.name && s.name.value === 'viewer'); }"
    )
    # Run the operation under the cursor (Ctrl+Enter, GraphiQL's shortcut), then wait for the
    # response pane to show an answer.
    page.keyboard.press("Control+Enter")
    pane = "() => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
    try:
        page.wait_for_function(f"() => ({pane})().includes('viewer')", timeout=60_000)
    except Exception:
        screenshot(page, "graphiql-failed")
        raise AssertionError(
            f"no answer in the response pane; editor={page.evaluate(value)!r} pane={page.evaluate(pane)!r}"
        ) from None
    result = page.locator(".graphiql-response .CodeMirror")
    shown = json.loads(page.evaluate(pane))
    direct = httpx.post(
        demo_server.url + "/graphql", json={"query": "{ streak { current longest } viewer { id } }"}
    )
    # The same data; the direct request may be answered from the response cache, which says so in
    # `extensions.cache`.
    assert shown["data"] == direct.json()["data"]
    assert shown["data"]["viewer"]["id"] == "default" and result.count() == 1
    screenshot(page, "graphiql")
    guard.check()
