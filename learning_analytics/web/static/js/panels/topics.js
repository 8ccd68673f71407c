// Topic distribution (doughnut), the top topics with their mastery, and the trending ones. The REST
// answer has no mastery: each top topic's comes from GraphQL's `topics { topTopics { mastery } }`.
import { PERIOD_ENUM, chartWithTable, dataTable, el, fmt1, fmtInt, fmtQuality, state } from "../ui.js";
const MASTERY = `query Mastery($period: Period!, $limit: Int!) {
  topics(period: $period, limit: $limit) { topTopics { name mastery { score level } } }
}`;

async function masteryByName(ctx, limit) {
  try {
    const data = await ctx.api.graphql(MASTERY, { period: PERIOD_ENUM[ctx.state.period], limit });
    return new Map(data.topics.topTopics.map((t) => [t.name, t.mastery]));
  } catch (_) {
    return new Map(); // mastery is an extra: the table shows "—" without it
  }
}

export default {
  id: "topics",
  title: "Topics",
  periodic: true,
  async render(body, ctx) {
    const [data, mastery] = await Promise.all([
      ctx.api.get("topics", Object.assign(ctx.periodParams(), { limit: 10 })),
      masteryByName(ctx, 10),
    ]);
    ctx.reportMeta(data.meta);
    const chart = data.distribution && data.distribution.chart ? data.distribution.chart : data.distribution;
    const top = data.top_topics || [];
    if ((!chart || !chart.labels || !chart.labels.length) && !top.length) {
      body.append(state("No topics in this period.", "empty"));
      return;
    }
    if (chart && chart.labels && chart.labels.length) {
      chartWithTable(body, "topics", {
        type: "doughnut",
        small: true,
        ariaLabel: "Exchanges by topic",
        data: chart,
        options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
      });
    }
    if (top.length) {
      const wanted = ctx.params.get("topic");
      body.append(
        el("h3", {}, "Top topics"),
        el(
          "div",
          { class: "data-table-wrap" },
          dataTable({
            headers: ["Topic", "Sessions", "Quality", "Mastery"],
            rows: top.map((t) => {
              const m = t.mastery || mastery.get(t.name) || {};
              const name = wanted && wanted === t.name ? `★ ${t.name}` : t.name;
              return [
                name,
                fmtInt(t.sessions),
                fmtQuality(t.quality ?? t.avg_quality ?? null),
                m.score === undefined || m.score === null ? "—" : `${fmt1(m.score * 100)} · ${String(m.level || "").toLowerCase()}`,
              ];
            }),
          }, "Top topics"),
        ),
      );
    }
    const trending = data.trending || [];
    if (trending.length) {
      body.append(
        el("h3", {}, "Trending"),
        el(
          "ul",
          { class: "stats" },
          trending.slice(0, 8).map((t) => el("li", {}, `${t.name} ${t.is_new ? "(new)" : `+${fmt1(t.growth)} %`}`)),
        ),
      );
    }
  },
};
