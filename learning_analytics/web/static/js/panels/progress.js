// The progress chart: one dataset per chosen metric over the chosen period, with its statistics.
// The header's period applies (REST `/progress`); a custom range of days applies to this chart only,
// through GraphQL's `progress(range:)`, since the REST route takes named periods.
import { Unavailable } from "../api.js";
import { chartWithTable, el, fmt1, state } from "../ui.js";

const METRICS = [
  ["sessions", "Sessions"],
  ["exchanges", "Exchanges"],
  ["quality", "Quality"],
  ["duration", "Minutes"],
  ["engagement", "Exchanges / session"],
];
const chosen = new Set(["sessions", "quality"]);
let range = null; // {start, end} as YYYY-MM-DD, or null for the header's period
let seeded = false;
let rangeNote = "";

const RANGE_QUERY = `query Progress($range: DateRange!, $metrics: [Metric!]!) {
  progress(range: $range, metrics: $metrics) {
    granularity
    chart { labels datasets { label data borderColor yAxisID } }
    statistics { metric total avg min max direction }
    points { periodStart label sessions }
    meta { period generatedAt cached dataThrough stale }
  }
}`;

async function load(ctx, metrics) {
  if (range) {
    try {
      return await loadRange(ctx, metrics);
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      range = null; // this server's GraphQL has no ranges yet: back to the period
      rangeNote = "Custom ranges are not available on this server yet.";
    }
  }
  return ctx.api.get("progress", Object.assign(ctx.periodParams(), { metrics: metrics.join(",") }));
}

async function loadRange(ctx, metrics) {
  const data = await ctx.api.graphql(RANGE_QUERY, { range, metrics: metrics.map((m) => m.toUpperCase()) });
  const p = data.progress;
  return {
    chart: p.chart,
    statistics: p.statistics,
    granularity: p.granularity,
    meta: { data_through: p.meta.dataThrough, stale: p.meta.stale },
  };
}

function rangeForm(ctx) {
  const error = el("span", { class: "field-error", id: "progress-range-error", role: "alert" });
  const start = el("input", { type: "date", name: "start", value: range ? range.start : "", "aria-describedby": "progress-range-error" });
  const end = el("input", { type: "date", name: "end", value: range ? range.end : "", "aria-describedby": "progress-range-error" });
  const form = el(
    "form",
    { class: "toolbar", id: "progress-range", novalidate: true, "aria-label": "Custom range for the progress chart" },
    el("label", {}, "From ", start),
    el("label", {}, "to ", end),
    el("button", { type: "submit", class: "secondary" }, "Apply range"),
    range ? el("button", { type: "button", class: "secondary", onclick: () => ((range = null), ctx.rerender("progress")) }, "Back to the period") : null,
    error,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!start.value || !end.value) error.textContent = "Choose both dates.";
    else if (start.value > end.value) error.textContent = "The first day must not be after the last.";
    if (error.textContent) {
      (start.value ? end : start).focus();
      return;
    }
    range = { start: start.value, end: end.value };
    ctx.rerender("progress");
  });
  return form;
}

export default {
  id: "progress",
  title: "Progress",
  periodic: true,
  async render(body, ctx) {
    const wanted = ctx.params.get("metric");
    if (!seeded && wanted && METRICS.some(([m]) => m === wanted)) chosen.add(wanted);
    seeded = true;
    const toggles = el(
      "fieldset",
      { class: "toolbar" },
      el("legend", { class: "visually-hidden" }, "Metrics"),
      METRICS.map(([metric, label]) =>
        el(
          "label",
          {},
          el("input", {
            type: "checkbox",
            name: "metric",
            value: metric,
            checked: chosen.has(metric),
            onchange: (e) => {
              if (e.target.checked) chosen.add(metric);
              else if (chosen.size > 1) chosen.delete(metric);
              else e.target.checked = true; // at least one metric
              ctx.rerender("progress");
            },
          }),
          label,
        ),
      ),
    );
    body.append(toggles, rangeForm(ctx));
    const metrics = METRICS.map(([m]) => m).filter((m) => chosen.has(m));
    const data = await load(ctx, metrics);
    ctx.reportMeta(data.meta);
    if (rangeNote) {
      body.querySelector("#progress-range-error").textContent = rangeNote;
      rangeNote = "";
    }
    body.dataset.range = range ? `${range.start}/${range.end}` : ctx.state.period;
    const chart = data.chart;
    if (!chart || !chart.labels.length || chart.datasets.every((d) => d.data.every((v) => !v))) {
      body.append(state("No activity in this period.", "empty"));
      return;
    }
    const scales = {};
    const datasets = chart.datasets.map((d, i) => {
      const axis = d.yAxisID || "y";
      const isRate = /quality|rate/i.test(d.label);
      if (!scales[axis]) {
        const first = !Object.keys(scales).length;
        scales[axis] = {
          type: "linear",
          position: first ? "left" : "right",
          beginAtZero: true,
          max: isRate ? 1 : undefined,
          grid: { drawOnChartArea: first },
          title: { display: true, text: d.label },
        };
      }
      return Object.assign({ tension: 0.25, pointRadius: 2, spanGaps: true, backgroundColor: d.borderColor, order: i }, d, { yAxisID: axis });
    });
    chartWithTable(body, "progress", {
      type: "line",
      ariaLabel: `Progress: ${chart.datasets.map((d) => d.label).join(", ")} over ${chart.labels.length} ${String(data.granularity || "bucket").toLowerCase()}s`,
      data: { labels: chart.labels, datasets },
      options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false }, scales },
    });
    const stats = data.statistics || {};
    const entries = Array.isArray(stats) ? stats.map((s) => [String(s.metric).toLowerCase(), s]) : Object.entries(stats);
    body.append(
      el(
        "ul",
        { class: "stats" },
        entries.map(([metric, s]) =>
          el(
            "li",
            { dataset: { stat: metric } },
            `${metric}: ` +
              [
                s.total !== undefined && s.total !== null ? `total ${fmt1(s.total)}` : null,
                `avg ${fmt1(s.avg)}`,
                `min ${fmt1(s.min)}`,
                `max ${fmt1(s.max)}`,
                String(s.trend || s.direction || "").toLowerCase(),
              ]
                .filter(Boolean)
                .join(" · "),
          ),
        ),
      ),
    );
  },
};
