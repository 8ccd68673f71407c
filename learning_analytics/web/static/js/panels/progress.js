// The progress chart: one dataset per chosen metric over the chosen period, with its statistics.
import { chartWithTable, el, fmt1, state } from "../ui.js";

const METRICS = [
  ["sessions", "Sessions"],
  ["exchanges", "Exchanges"],
  ["quality", "Quality"],
  ["duration", "Minutes"],
  ["engagement", "Exchanges / session"],
];
const chosen = new Set(["sessions", "quality"]);

export default {
  id: "progress",
  title: "Progress",
  periodic: true,
  async render(body, ctx) {
    const wanted = ctx.params.get("metric");
    if (wanted && METRICS.some(([m]) => m === wanted) && !this.seeded) chosen.add(wanted);
    this.seeded = true;
    const toggles = el(
      "fieldset",
      { class: "toolbar", "aria-label": "Metrics" },
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
    body.append(toggles);
    const metrics = METRICS.map(([m]) => m).filter((m) => chosen.has(m));
    const data = await ctx.api.get("progress", Object.assign(ctx.periodParams(), { metrics: metrics.join(",") }));
    ctx.reportMeta(data.meta);
    const chart = data.chart;
    if (!chart || !chart.labels.length) {
      body.append(state("No activity in this period.", "empty"));
      return;
    }
    const axes = {};
    const datasets = chart.datasets.map((d) => {
      const axis = d.yAxisID || "y";
      const isRate = /quality|rate/i.test(d.label);
      axes[axis] = axes[axis] || {
        type: "linear",
        position: Object.keys(axes).length ? "right" : "left",
        beginAtZero: true,
        max: isRate ? 1 : undefined,
        grid: { drawOnChartArea: !Object.keys(axes).length },
        title: { display: true, text: d.label },
      };
      return Object.assign({ tension: 0.25, pointRadius: 2, spanGaps: true, backgroundColor: d.borderColor }, d, { yAxisID: axis });
    });
    chartWithTable(body, "progress", {
      type: "line",
      ariaLabel: `Progress: ${chart.datasets.map((d) => d.label).join(", ")} by ${chart.labels.length} buckets`,
      data: { labels: chart.labels, datasets },
      options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false }, scales: axes },
    });
    const stats = data.statistics || {};
    body.append(
      el(
        "ul",
        { class: "stats" },
        (Array.isArray(stats) ? stats.map((s) => [String(s.metric).toLowerCase(), s]) : Object.entries(stats)).map(([metric, s]) =>
          el(
            "li",
            { dataset: { stat: metric } },
            `${metric}: ` +
              [s.total !== undefined && s.total !== null ? `total ${fmt1(s.total)}` : null, `avg ${fmt1(s.avg)}`, `min ${fmt1(s.min)}`, `max ${fmt1(s.max)}`, s.trend || s.direction]
                .filter(Boolean)
                .join(" · "),
          ),
        ),
      ),
    );
  },
};
