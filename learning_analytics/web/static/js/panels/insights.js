// Insights, most important first, each with a link to the panel it is about, "dismiss" and a
// helpful / not helpful rating, through the REST routes any client would use.
import { el, fmtDateTime, state } from "../ui.js";


export default {
  id: "insights",
  title: "Insights",
  async render(body, ctx) {
    const data = await ctx.api.get("insights", { limit: 10 });
    ctx.reportMeta(data.meta);
    const insights = data.insights || [];
    if (!insights.length) {
      body.append(state("No insights yet: they appear once there are a few days of sessions.", "empty"));
      return;
    }
    body.append(
      el("p", { class: "state" }, `${data.total ?? insights.length} in all, ${data.new_since_last_visit ?? 0} new since your last visit.`),
    );
    const list = el("ul", { class: "items" });
    const wanted = ctx.params.get("view") === "insights" ? ctx.params.get("id") : null;
    for (const insight of insights) {
      const status = el("span", { class: "meta-line", role: "status" });
      const item = el(
        "li",
        { class: `item ${String(insight.importance || "").toLowerCase()}`, dataset: { insight: insight.id }, id: `insight-${insight.id}` },
        el("strong", {}, insight.title),
        el("div", {}, insight.description),
        el("div", { class: "meta-line" }, `${insight.type} · ${insight.importance} · ${fmtDateTime(insight.generated_at)}`),
      );
      const actions = el("div", { class: "actions" });
      if (insight.action_url) actions.append(el("a", { href: insight.action_url }, "Open"));
      const safely = (action) => async () => {
        try {
          await action();
        } catch (error) {
          status.textContent = `That did not work: ${error.message}`;
        }
      };
      const rate = (helpful) => safely(async () => {
        const answer = await ctx.api.post(`insights/${encodeURIComponent(insight.id)}/rate`, { helpful });
        status.textContent = answer.ok ? `Thanks: rated ${helpful ? "helpful" : "not helpful"}.` : answer.body.error.message;
      });
      actions.append(
        el("button", { type: "button", class: "secondary", "aria-pressed": String(insight.helpful === true), onclick: rate(true) }, "Helpful"),
        el("button", { type: "button", class: "secondary", "aria-pressed": String(insight.helpful === false), onclick: rate(false) }, "Not helpful"),
        el(
          "button",
          {
            type: "button",
            class: "secondary",
            "aria-label": `Dismiss “${insight.title}”`,
            onclick: safely(async () => {
              const answer = await ctx.api.post(`insights/${encodeURIComponent(insight.id)}/dismiss`, null);
              if (answer.ok) {
                const next = item.nextElementSibling || item.previousElementSibling;
                item.remove();
                if (next) next.querySelector("button, a")?.focus();
                if (!list.children.length) list.replaceWith(state("Every insight is dismissed.", "empty"));
              } else status.textContent = answer.body.error.message;
            }),
          },
          "Dismiss",
        ),
        status,
      );
      item.append(actions);
      if (wanted && wanted === insight.id) item.classList.add("highlight");
      list.append(item);
    }
    body.append(list);
  },
};
