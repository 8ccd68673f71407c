// How the period's exchange quality spreads over five bins of 0.2: GraphQL's `qualityDistribution`.
import { PERIOD_ENUM, chartWithTable, dataTable, fmtPercent, metaOf, state } from "../ui.js";

const QUERY = `query Distribution($period: Period!) {
  qualityDistribution(period: $period) {
    total
    bins { label count share }
    chart { labels datasets { label data backgroundColor } }
    meta { period dataThrough stale }
  }
}`;

export default {
  id: "distribution",
  title: "Quality distribution",
  periodic: true,
  async render(body, ctx) {
    const data = (await ctx.api.graphql(QUERY, { period: PERIOD_ENUM[ctx.state.period] })).qualityDistribution;
    ctx.reportMeta(metaOf(data.meta));
    if (!data.total) {
      body.append(state("No scored exchanges in this period.", "empty"));
      return;
    }
    chartWithTable(
      body,
      "distribution",
      {
        type: "doughnut",
        small: true,
        ariaLabel: `Quality of ${data.total} exchanges in five bins`,
        data: data.chart,
        options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
      },
      {
        headers: ["Quality", "Exchanges", "Share"],
        rows: data.bins.map((b) => [b.label, b.count, b.share === null ? "—" : fmtPercent(b.share * 100)]),
      },
    );
  },
};
