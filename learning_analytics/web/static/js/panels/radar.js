// The radar of quality dimensions (relevance, helpfulness, engagement, clarity, accuracy), this
// period against the previous one. The seed's REST shim has no such route: GraphQL's `qualityRadar`.
import { PERIOD_ENUM, chartWithTable, metaOf, state } from "../ui.js";

const QUERY = `query Radar($period: Period!) {
  qualityRadar(period: $period) {
    chart { labels datasets { label data borderColor backgroundColor } }
    dimensions { dimension label current previous scoredExchanges }
    meta { period dataThrough stale }
  }
}`;

export default {
  id: "radar",
  title: "Quality dimensions",
  periodic: true,
  async render(body, ctx) {
    const data = (await ctx.api.graphql(QUERY, { period: PERIOD_ENUM[ctx.state.period] })).qualityRadar;
    ctx.reportMeta(metaOf(data.meta));
    const chart = data.chart;
    if (!chart.labels.length || chart.datasets.every((d) => d.data.every((v) => v === null))) {
      body.append(state("No exchanges scored on the dimensions in this period.", "empty"));
      return;
    }
    const fills = ["rgba(79, 70, 229, 0.2)", "rgba(156, 163, 175, 0.15)"];
    const datasets = chart.datasets.map((d, i) =>
      Object.assign({}, d, { fill: true, backgroundColor: fills[i] || fills[1], pointRadius: 3 }),
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
