// The activity heatmap: sessions per local day, one column per week (Monday first), and when the
// sessions start by weekday and hour. From GraphQL's `activityHeatmap`; on a server without it, the
// days come from the daily progress series (`GET /progress?granularity=daily`). At most 365 days:
// "all" shows the last 365.
import { Unavailable } from "../api.js";
import { PERIOD_ENUM, dataTable, el, fmtInt, metaOf, state } from "../ui.js";

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const QUERY = `query Heatmap($period: Period!) {
  activityHeatmap(period: $period) {
    weeks { weekStarts sessions }
    hours { sessions peakWeekday peakHour }
    meta { period dataThrough stale }
  }
}`;

function addDays(iso, n) {
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + n));
  return day.toISOString().slice(0, 10);
}

async function fromGraphql(ctx, period) {
  const data = (await ctx.api.graphql(QUERY, { period: PERIOD_ENUM[period] })).activityHeatmap;
  ctx.reportMeta(metaOf(data.meta));
  const days = [];
  data.weeks.weekStarts.forEach((monday, w) => {
    data.weeks.sessions[w].forEach((value, i) => {
      if (value !== null) days.push({ date: addDays(monday, i), value });
    });
  });
  return { days, hours: data.hours };
}

async function fromRest(ctx, period) {
  const data = await ctx.api.get("progress", { period, metrics: "sessions", granularity: "daily" });
  ctx.reportMeta(data.meta);
  const series = data.chart.datasets.length ? data.chart.datasets[0].data : [];
  return { days: data.points.map((p, i) => ({ date: p.period_start.slice(0, 10), value: series[i] || 0 })), hours: null };
}

function toggleTable(body, id, table, caption) {
  const wrap = el("div", { class: "data-table-wrap", id, hidden: true }, dataTable(table, caption));
  const toggle = el("button", { type: "button", class: "secondary table-toggle", "aria-expanded": "false", "aria-controls": id }, "Show data table");
  toggle.addEventListener("click", () => {
    wrap.hidden = !wrap.hidden;
    toggle.setAttribute("aria-expanded", String(!wrap.hidden));
    toggle.textContent = wrap.hidden ? "Show data table" : "Hide data table";
  });
  body.append(toggle, wrap);
}

function shade(cell, value, max) {
  if (value) cell.style.background = `color-mix(in srgb, var(--accent) ${Math.round(25 + (75 * value) / max)}%, transparent)`;
}

export default {
  id: "heatmap",
  title: "Activity",
  periodic: true,
  async render(body, ctx) {
    const period = ctx.state.period === "all" ? "365d" : ctx.state.period;
    let found;
    try {
      found = await fromGraphql(ctx, period);
    } catch (error) {
      if (!(error instanceof Unavailable)) throw error;
      found = await fromRest(ctx, period);
    }
    const { days, hours } = found;
    if (!days.length || days.every((d) => !d.value)) {
      body.append(state("No activity in this period.", "empty"));
      return;
    }
    const max = Math.max(...days.map((d) => d.value));
    const grid = el("div", { class: "heatmap", role: "img", "aria-label": `Sessions per day over ${days.length} days` });
    const [y, m, d] = days[0].date.split("-").map(Number);
    const lead = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
    for (let i = 0; i < lead; i++) grid.append(el("span", { class: "cell pad", "aria-hidden": "true" }));
    for (const day of days) {
      const cell = el("span", {
        class: "cell",
        title: `${day.date}: ${fmtInt(day.value)} session${day.value === 1 ? "" : "s"}`,
        dataset: { day: day.date, value: day.value },
      });
      shade(cell, day.value, max);
      grid.append(cell);
    }
    body.append(el("div", { class: "heatmap-wrap" }, grid));
    const active = days.filter((x) => x.value).length;
    body.append(el("p", { class: "legend" }, `${active} active days of ${days.length}; darker is more sessions (at most ${max} a day).`));
    const byWeekday = WEEKDAYS.map((name, i) => [
      name,
      days.filter((x) => (new Date(x.date + "T00:00:00Z").getUTCDay() + 6) % 7 === i).reduce((sum, x) => sum + x.value, 0),
    ]);
    if (hours) {
      const hourMax = Math.max(1, ...hours.sessions.flat());
      const hourGrid = el("div", { class: "heatmap hours", role: "img", "aria-label": "Sessions started by weekday and hour" });
      for (let h = 0; h < 24; h++) {
        for (let w = 0; w < 7; w++) {
          const cell = el("span", { class: "cell", title: `${WEEKDAYS[w]} ${h}:00: ${hours.sessions[w][h]} sessions` });
          shade(cell, hours.sessions[w][h], hourMax);
          hourGrid.append(cell);
        }
      }
      body.append(
        el("h3", {}, "By weekday and hour"),
        el("div", { class: "heatmap-wrap" }, hourGrid),
        el("p", { class: "legend" }, hours.peakWeekday ? `Busiest: ${hours.peakWeekday} at ${hours.peakHour}:00 (columns are hours 0–23, rows Monday to Sunday).` : ""),
      );
    }
    toggleTable(body, "heatmap-table", { headers: ["Weekday", "Sessions"], rows: byWeekday }, "Sessions by weekday");
  },
};
