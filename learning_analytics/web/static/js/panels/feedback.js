// The feedback breakdown: how many of each kind (thumbs up/down, copy, correction, clarification).
import { chartWithTable, state } from "../ui.js";

export default {
  id: "feedback",
  title: "Feedback",
  periodic: true,
  async render(body, ctx) {
    const data = await ctx.api.get("feedback", ctx.periodParams());
    ctx.reportMeta(data.meta);
    const chart = data.chart;
    if (!chart || !chart.labels.length || chart.datasets.every((d) => d.data.every((v) => !v))) {
      body.append(state("No feedback in this period.", "empty"));
      return;
    }
    chartWithTable(body, "feedback", {
      type: "doughnut",
      small: true,
      ariaLabel: "Feedback by kind",
      data: chart,
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
    });
  },
};
