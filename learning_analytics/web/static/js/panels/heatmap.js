// The activity heatmap: sessions per local day, one column per week (Monday first), from the daily
// progress series of the chosen period (at most 365 days; "all" shows the last 365).
import { dataTable, el, fmtInt, state } from "../ui.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

function isoDay(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export default {
  id: "heatmap",
  title: "Activity",
  periodic: true,
  async render(body, ctx) {
    const params = ctx.periodParams();
    if (params.period === "all") params.period = "365d";
    const data = await ctx.api.get("progress", Object.assign(params, { metrics: "sessions", granularity: "daily" }));
    ctx.reportMeta(data.meta);
    const chart = data.chart;
    const series = chart && chart.datasets.length ? chart.datasets[0].data : [];
    if (!series.length || series.every((v) => !v)) {
      body.append(state("No activity in this period.", "empty"));
      return;
    }
    // Each point's first local instant gives its day; the series ends today.
    const points = data.points || [];
    const days = series.map((value, i) => {
      let d;
      if (points[i] && points[i].period_start) {
        const [y, m, day] = points[i].period_start.slice(0, 10).split("-").map(Number);
        d = new Date(y, m - 1, day);
      } else {
        d = new Date();
        d.setDate(d.getDate() - (series.length - 1 - i));
      }
      return { date: d, value: value || 0, label: chart.labels[i] };
    });
    const max = Math.max(...days.map((d) => d.value));
    const grid = el("div", { class: "heatmap", role: "img", "aria-label": `Sessions per day over ${days.length} days` });
    const lead = (days[0].date.getDay() + 6) % 7; // Monday = 0
    for (let i = 0; i < lead; i++) grid.append(el("span", { class: "cell pad", "aria-hidden": "true" }));
    for (const d of days) {
      const cell = el("span", {
        class: "cell",
        title: `${isoDay(d.date)}: ${fmtInt(d.value)} session${d.value === 1 ? "" : "s"}`,
        dataset: { day: isoDay(d.date), value: d.value },
      });
      if (d.value) cell.style.background = `color-mix(in srgb, var(--accent) ${Math.round(25 + (75 * d.value) / max)}%, transparent)`;
      grid.append(cell);
    }
    body.append(el("div", { class: "heatmap-wrap" }, grid));
    const active = days.filter((d) => d.value).length;
    const byWeekday = WEEKDAYS.map((name, i) => [
      name,
      days.filter((d) => (d.date.getDay() + 6) % 7 === i).reduce((sum, d) => sum + d.value, 0),
    ]);
    body.append(el("p", { class: "legend" }, `${active} active days of ${days.length}; darker is more sessions (max ${max} a day).`));
    const wrap = el("div", { class: "data-table-wrap", id: "heatmap-table", hidden: true }, dataTable({ headers: ["Weekday", "Sessions"], rows: byWeekday }, "Sessions by weekday"));
    const toggle = el("button", { type: "button", class: "secondary table-toggle", "aria-expanded": "false", "aria-controls": "heatmap-table" }, "Show data table");
    toggle.addEventListener("click", () => {
      wrap.hidden = !wrap.hidden;
      toggle.setAttribute("aria-expanded", String(!wrap.hidden));
      toggle.textContent = wrap.hidden ? "Show data table" : "Hide data table";
    });
    body.append(toggle, wrap);
  },
};
