// Overview cards: sessions, exchanges, quality, minutes, topics and the streak, each with its change
// against the previous period of the same length where the API gives one.
import { changeBadge, el, fmt1, fmtInt, fmtQuality, state } from "../ui.js";

export default {
  id: "overview",
  title: "Overview",
  periodic: true,
  async render(body, ctx) {
    const data = await ctx.api.get("overview", ctx.periodParams());
    ctx.reportMeta(data.meta);
    const s = data.summary || {};
    const t = data.trends || {};
    const streak = data.streak || {};
    ctx.setEmpty(!s.total_sessions && !streak.current && !(data.meta && data.meta.data_through));
    const cards = [
      ["sessions", "Sessions", fmtInt(s.total_sessions), t.sessions],
      ["exchanges", "Exchanges", fmtInt(s.total_exchanges), t.exchanges],
      ["quality", "Avg quality", fmtQuality(s.avg_quality), t.quality],
      ["minutes", "Minutes", fmtInt(s.total_minutes), t.minutes || t.duration],
      ["topics", "Topics", fmtInt(s.unique_topics), t.topics],
      ["engagement", "Exchanges / session", t.engagement ? fmt1(t.engagement.value) : "—", t.engagement],
    ];
    const streakDays = streak.current ?? s.streak_days;
    const list = el(
      "div",
      { class: "cards" },
      cards.map(([key, label, value, change]) =>
        el(
          "div",
          { class: "card", dataset: { card: key } },
          el("div", { class: "label" }, label),
          el("div", { class: "value", dataset: { value: key } }, value),
          change ? changeBadge(change) : null,
        ),
      ),
      el(
        "div",
        { class: "card", dataset: { card: "streak" } },
        el("div", { class: "label" }, "Streak"),
        el("div", { class: "value", dataset: { value: "streak" } }, `${fmtInt(streakDays)} d`),
        el(
          "span",
          { class: "change none" },
          streak.today_complete === undefined
            ? ""
            : streak.today_complete
              ? "✔ today done"
              : "today not yet",
          (streak.best ?? streak.longest) !== undefined ? ` · best ${fmtInt(streak.best ?? streak.longest)} d` : "",
        ),
      ),
    );
    body.append(list);
    if (!s.total_sessions) body.append(state("No sessions in this period.", "empty"));
  },
};
