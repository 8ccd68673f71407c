// The quality trend: the daily series, its rolling average, and the forecast with its 95 % band.
import { chartWithTable, el, fmt1, fmtQuality, state } from "../ui.js";

function shortDate(iso) {
  const d = new Date(iso + "T00:00:00");
  return isNaN(d) ? iso : d.toLocaleDateString("en-US", { month: "short", day: "numeric" });
}

export default {
  id: "quality",
  title: "Quality trend",
  periodic: true,
  async render(body, ctx) {
    const data = await ctx.api.get(
      "trends",
      Object.assign(ctx.periodParams(), { metric: "quality", window: 7, forecast_days: 14 }),
    );
    ctx.reportMeta(data.meta);
    const chart = data.chart;
    if (!chart || !chart.labels.length || chart.datasets.every((d) => d.data.every((v) => v === null))) {
      body.append(state("No quality scores in this period.", "empty"));
      return;
    }
    let labels = chart.labels.slice();
    const datasets = chart.datasets.map((d) => {
      const forecast = /forecast/i.test(d.label);
      const daily = /daily/i.test(d.label);
      // The seed's "Daily" grey (#E5E7EB) vanishes on a light background: its points get a darker one.
      const colour = daily ? "#9CA3AF" : d.borderColor;
      return Object.assign({}, d, {
        borderColor: colour,
        backgroundColor: colour,
        borderDash: forecast ? [6, 4] : undefined,
        pointRadius: daily ? 2 : 0,
        borderWidth: daily ? 1 : 2,
        showLine: !daily,
        spanGaps: !daily,
        tension: 0.25,
      });
    });
    const forecast = data.forecast || [];
    if (forecast.length) {
      let offset = labels.length - forecast.length;
      if (!chart.datasets.some((d) => /forecast/i.test(d.label))) {
        offset = labels.length;
        labels = labels.concat(forecast.map((f) => shortDate(f.date)));
        for (const d of datasets) d.data = d.data.concat(forecast.map(() => null));
        const line = Array(offset).fill(null).concat(forecast.map((f) => f.value));
        datasets.push({ label: "Forecast", data: line, borderColor: "#F59E0B", borderDash: [6, 4], pointRadius: 0 });
      }
      const lower = Array(labels.length).fill(null);
      const upper = Array(labels.length).fill(null);
      forecast.forEach((f, i) => {
        lower[offset + i] = f.lower_bound;
        upper[offset + i] = f.upper_bound;
      });
      datasets.push(
        { label: "Forecast low (95 %)", data: lower, pointRadius: 0, borderWidth: 0, fill: false },
        { label: "Forecast high (95 %)", data: upper, pointRadius: 0, borderWidth: 0, fill: "-1", backgroundColor: "rgba(245, 158, 11, 0.25)" },
      );
    }
    chartWithTable(body, "quality", {
      type: "line",
      ariaLabel: "Daily quality, its rolling average and the forecast band",
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { suggestedMax: 1 } },
        plugins: { legend: { labels: { filter: (item) => !/\(95 %\)/.test(item.text) } } },
      },
    });
    const t = data.trend || {};
    body.append(
      el(
        "ul",
        { class: "stats" },
        el("li", { dataset: { stat: "direction" } }, `direction: ${t.direction ?? "—"}`),
        el("li", {}, `slope: ${t.slope === undefined ? "—" : (t.slope * 100).toFixed(2) + " pts/day"}`),
        el("li", {}, `confidence (r²): ${fmt1((t.confidence ?? null) === null ? null : t.confidence * 100)} %`),
        el("li", {}, `in 30 days: ${fmtQuality(t.prediction_30d ?? null)}`),
      ),
    );
  },
};
