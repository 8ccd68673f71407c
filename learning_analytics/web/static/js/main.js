// The dashboard's entry point: the period state, the key prompt, the error banner, the freshness
// line, `/?view=...` links, and one module per panel (panels/*.js) drawn into its <section>.

import { Api, ApiError, GraphQLError, Unavailable, storeKey } from "./api.js";
import { clear, destroyCharts, el, fmtDateTime, state, unavailable } from "./ui.js";
import overview from "./panels/overview.js";
import progress from "./panels/progress.js";
import quality from "./panels/quality.js";
import radar from "./panels/radar.js";
import distribution from "./panels/distribution.js";
import heatmap from "./panels/heatmap.js";
import topics from "./panels/topics.js";
import feedback from "./panels/feedback.js";
import insights from "./panels/insights.js";
import goals from "./panels/goals.js";
import achievements from "./panels/achievements.js";
import exporter from "./panels/export.js";

const PANELS = [overview, progress, quality, radar, distribution, feedback, heatmap, topics, insights, goals, achievements, exporter];
// Names a link may use for a panel (insights and achievements link to `/?view=<name>`).
const VIEW_ALIASES = { trend: "quality", trends: "quality", activity: "heatmap", dimensions: "radar", streak: "overview" };
const PERIODS = ["7d", "30d", "90d", "365d", "all"];

const params = new URLSearchParams(window.location.search);
const appState = { period: PERIODS.includes(params.get("period")) ? params.get("period") : "30d" };
const failures = new Map();
let newestData = null;
let anyStale = false;

const api = new Api({ askKey: askForKey, onKeysRequired: () => (document.getElementById("key-button").hidden = false) });

// ---- the key prompt -------------------------------------------------------------------------

function askForKey(message) {
  const dialog = document.getElementById("key-dialog");
  const input = document.getElementById("key-input");
  const error = document.getElementById("key-error");
  error.textContent = message || "";
  input.value = "";
  return new Promise((resolve) => {
    dialog.addEventListener(
      "close",
      () => resolve(dialog.returnValue === "save" && input.value.trim() ? input.value.trim() : null),
      { once: true },
    );
    dialog.showModal();
    input.focus();
  });
}

document.getElementById("key-button").addEventListener("click", async () => {
  const key = await askForKey(null);
  if (key) {
    storeKey(key);
    renderAll();
  }
});

// ---- banner and freshness -------------------------------------------------------------------

function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return "An API key is needed to read this learner's analytics.";
    if (error.status === 503) return "The server is busy; it asked to retry in a moment.";
    const id = error.requestId ? ` (request id ${error.requestId})` : "";
    return `The API answered ${error.status}: ${error.message}${id}`;
  }
  if (error instanceof GraphQLError) return `The API refused a request: ${error.message}`;
  return `The API could not be reached: ${error.message}`;
}

function showBanner() {
  const banner = document.getElementById("banner");
  if (!failures.size) {
    banner.hidden = true;
    return;
  }
  const messages = [...new Set(failures.values())];
  document.getElementById("banner-text").textContent = messages.join(" · ");
  banner.hidden = false;
}

document.getElementById("banner-retry").addEventListener("click", () => renderAll());

function reportMeta(meta) {
  if (!meta) return;
  if (meta.data_through) {
    const through = new Date(meta.data_through);
    if (!isNaN(through) && (!newestData || through > new Date(newestData))) newestData = meta.data_through;
  }
  anyStale = anyStale || Boolean(meta.stale);
  const line = document.getElementById("freshness");
  line.textContent = newestData
    ? `Data through ${fmtDateTime(newestData)}` + (anyStale ? " — newer events are still being folded in" : "")
    : "No data yet";
  line.classList.toggle("stale", anyStale);
  line.dataset.dataThrough = newestData || "";
}

function showWelcome(empty) {
  const welcome = document.getElementById("welcome");
  welcome.hidden = !empty;
  if (empty) {
    const now = new Date();
    const start = new Date(now.getTime() - 30 * 60000).toISOString().replace(/\.\d+Z$/, "Z");
    const end = now.toISOString().replace(/\.\d+Z$/, "Z");
    const body = {
      sessions: [{ id: "s1", started_at: start, ended_at: end, topics: ["python"] }],
      exchanges: [{ id: "e1", session_id: "s1", occurred_at: end, quality: { composite: 0.8 }, topics: ["python"] }],
      feedback: [{ id: "f1", exchange_id: "e1", kind: "thumbs_up", created_at: end }],
    };
    document.getElementById("welcome-example").textContent =
      `curl -X POST ${window.location.origin}/api/analytics/events \\\n` +
      `  -H 'Content-Type: application/json' -H 'Authorization: Bearer <your key, when keys are on>' \\\n` +
      `  -d '${JSON.stringify(body)}'`;
  }
}

// ---- panels ---------------------------------------------------------------------------------

function context(panel) {
  return {
    api,
    state: appState,
    params,
    reportMeta,
    setEmpty: (empty) => panel.id === "overview" && showWelcome(empty),
    rerender: (id) => renderPanel(PANELS.find((p) => p.id === id)),
    periodParams: () => ({ period: appState.period }),
  };
}

async function renderPanel(panel) {
  const section = document.getElementById(panel.id);
  const body = section.querySelector(".body");
  destroyCharts(body);
  clear(body).setAttribute("aria-busy", "true");
  section.dataset.state = "loading";
  try {
    await panel.render(body, context(panel));
    failures.delete(panel.id);
    section.dataset.state = body.querySelector("[data-state=empty]") ? "empty" : "ready";
  } catch (error) {
    destroyCharts(body);
    clear(body);
    if (error instanceof Unavailable) {
      failures.delete(panel.id);
      body.append(unavailable(panel.title));
      section.dataset.state = "unavailable";
    } else {
      console.error(panel.id, error);
      failures.set(panel.id, describe(error));
      body.append(state(`Could not load ${panel.title.toLowerCase()}.`, "error"));
      section.dataset.state = "error";
    }
  } finally {
    body.setAttribute("aria-busy", "false");
    showBanner();
  }
}

async function renderAll(onlyPeriodic) {
  if (!onlyPeriodic) {
    newestData = null;
    anyStale = false;
  }
  const chosen = PANELS.filter((p) => !onlyPeriodic || p.periodic);
  await Promise.all(chosen.map(renderPanel));
  if (!newestData) reportMeta({ data_through: null });
  document.body.dataset.ready = "true";
}

// ---- the period switcher (the progress chart also takes a custom range of its own) ----------

const form = document.getElementById("period-form");
form.querySelector(`input[name=period][value="${appState.period}"]`).checked = true;
form.addEventListener("change", (event) => {
  if (event.target.name !== "period") return;
  appState.period = event.target.value;
  renderAll(true);
});
form.addEventListener("submit", (event) => event.preventDefault());

// ---- /?view=<panel>: scroll to and highlight the panel a link names -------------------------

function openView() {
  const view = params.get("view");
  if (!view) return;
  const id = VIEW_ALIASES[view] || view;
  const section = document.getElementById(id);
  if (!section || !section.classList.contains("panel")) return;
  section.classList.add("highlight");
  section.setAttribute("tabindex", "-1");
  section.scrollIntoView({ block: "start" });
  section.focus({ preventScroll: true });
}

renderAll().then(openView);
