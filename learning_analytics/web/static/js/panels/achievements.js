// Achievements: unlocked ones first, then the locked ones with their progress.
import { el, fmtDate, state } from "../ui.js";

const QUERY = `{ achievements { id title description category rarity points icon unlocked unlockedAt progressPercent } }`;

export default {
  id: "achievements",
  title: "Achievements",
  async render(body, ctx) {
    const data = await ctx.api.graphql(QUERY);
    const all = data.achievements || [];
    if (!all.length) {
      body.append(state("No achievements defined.", "empty"));
      return;
    }
    const unlocked = all.filter((a) => a.unlocked);
    const locked = all.filter((a) => !a.unlocked).sort((a, b) => b.progressPercent - a.progressPercent);
    const wanted = ctx.params.get("view") === "achievements" ? ctx.params.get("id") : null;
    body.append(el("p", { class: "state" }, `${unlocked.length} of ${all.length} unlocked.`));
    const list = el("ul", { class: "items" });
    for (const a of unlocked.concat(locked.slice(0, 8))) {
      const percent = Math.max(0, Math.min(100, a.progressPercent || 0));
      const bar = el("span");
      bar.style.width = `${percent}%`;
      const item = el(
        "li",
        { class: `item ${a.unlocked ? "unlocked" : "locked"}`, dataset: { achievement: a.id }, id: `achievement-${a.id}` },
        el("strong", {}, a.title, " ", el("span", { class: "meta-line" }, a.unlocked ? "(unlocked)" : "(locked)")),
        el("div", { class: "meta-line" }, `${a.description} · ${String(a.rarity).toLowerCase()} · ${a.points} pts`),
        a.unlocked
          ? el("div", { class: "meta-line" }, `unlocked ${fmtDate(a.unlockedAt)}`)
          : el("div", { class: "progress-bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(percent), "aria-label": `${a.title}: ${Math.round(percent)} %` }, bar),
      );
      if (wanted && wanted === a.id) item.classList.add("highlight");
      list.append(item);
    }
    body.append(list);
  },
};
