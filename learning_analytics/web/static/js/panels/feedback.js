// The feedback breakdown: how many of each kind (thumbs up/down, copy, correction, clarification),
// the positive rate and the ratings. The seed's REST shim has no such route: GraphQL's
// `feedbackBreakdown`.
import { PERIOD_ENUM, chartWithTable, el, fmt1, fmtPercent, metaOf, state } from "../ui.js";

const QUERY = `query Feedback($period: Period!) {
  feedbackBreakdown(period: $period) {
    total positiveRate
    byKind { kind label count share }
    rating { count mean }
    chart { labels datasets { label data backgroundColor borderColor } }
    meta { period dataThrough stale }
  }
}`;

export default {
  id: "feedback",
  title: "Feedback",
  periodic: true,
  async render(body, ctx) {
    const data = (await ctx.api.graphql(QUERY, { period: PERIOD_ENUM[ctx.state.period] })).feedbackBreakdown;
    ctx.reportMeta(metaOf(data.meta));
    if (!data.total) {
      body.append(state("No feedback in this period.", "empty"));
      return;
    }
    chartWithTable(body, "feedback", {
      type: "bar",
      small: true,
      ariaLabel: `Feedback by kind, ${data.total} in all`,
      data: data.chart,
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
    body.append(
      el(
        "ul",
        { class: "stats" },
        el("li", { dataset: { stat: "total" } }, `${data.total} in all`),
        el("li", { dataset: { stat: "positive" } }, `positive: ${data.positiveRate === null ? "—" : fmtPercent(data.positiveRate * 100)}`),
        data.rating.count ? el("li", {}, `ratings: ${data.rating.count}, mean ${fmt1(data.rating.mean * 100)} %`) : null,
      ),
    );
  },
};
