// The radar of quality dimensions (relevance, helpfulness, engagement, clarity, accuracy) against
// the previous period.
import { chartWithTable, state } from "../ui.js";

export default {
  id: "radar",
  title: "Quality dimensions",
  periodic: true,
  async render(body, ctx) {
    const data = await ctx.api.get("quality/dimensions", ctx.periodParams());
    ctx.reportMeta(data.meta);
    const chart = data.chart;
    if (!chart || !chart.labels.length || chart.datasets.every((d) => d.data.every((v) => v === null))) {
      body.append(state("No scored exchanges in this period.", "empty"));
      return;
    }
    const datasets = chart.datasets.map((d, i) =>
      Object.assign({ fill: true, backgroundColor: i ? "rgba(156,163,175,.15)" : "rgba(79,70,229,.2)" }, d, {
        backgroundColor: i ? "rgba(156,163,175,.15)" : "rgba(79,70,229,.2)",
      }),
    );
    chartWithTable(body, "radar", {
      type: "radar",
      small: true,
      ariaLabel: "Quality by dimension, this period and the previous one",
      data: { labels: chart.labels, datasets },
      options: { responsive: true, maintainAspectRatio: false, scales: { r: { suggestedMin: 0, suggestedMax: 1 } } },
    });
  },
};
