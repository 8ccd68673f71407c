// Small DOM and formatting helpers shared by the panels, and the Chart.js wrapper that pairs every
// chart with its numbers in a table (the chart's text alternative, behind a toggle).

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The REST period names as GraphQL's `Period` enum. */
export const PERIOD_ENUM = { "7d": "LAST_7_DAYS", "30d": "LAST_30_DAYS", "90d": "LAST_90_DAYS", "365d": "LAST_365_DAYS", all: "ALL_TIME" };

/** A GraphQL `Meta` as the REST answers spell it. */
export function metaOf(meta) {
  return meta ? { data_through: meta.dataThrough, stale: meta.stale, period: meta.period } : null;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function fmtInt(v) {
  return v === null || v === undefined ? "—" : integer.format(v);
}
export function fmt1(v) {
  return v === null || v === undefined ? "—" : decimal.format(v);
}
/** A quality in [0, 1] shown as a percentage: 0.784 → "78.4 %". */
export function fmtQuality(v) {
  return v === null || v === undefined ? "—" : decimal.format(v * 100) + " %";
}
export function fmtPercent(v) {
  return v === null || v === undefined ? "—" : decimal.format(v) + " %";
}
export function fmtDate(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
export function fmtDateTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "▲ 12.5 % vs previous period" from a `{value, change, direction}` change. */
export function changeBadge(change) {
  if (!change || change.change === null || change.change === undefined) {
    return el("span", { class: "change none" }, "no previous period to compare");
  }
  const direction = String(change.direction || "").toLowerCase();
  const arrow = direction === "up" ? "▲" : direction === "down" ? "▼" : "▶";
  const sign = change.change > 0 ? "+" : "";
  return el(
    "span",
    { class: `change ${direction || "none"}`, title: "against the previous period of the same length" },
    `${arrow} ${sign}${decimal.format(change.change)} % vs previous`,
  );
}

export function state(text, kind) {
  return el("p", { class: `state ${kind || ""}`, dataset: { state: kind || "info" } }, text);
}

/** A panel whose route is not on this server yet: says so and leaves the page alone. */
export function unavailable(what) {
  return state(`${what} is not available on this server yet.`, "unavailable");
}

export function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Draws `config` in a canvas inside `box`, with a "Show data table" toggle below it.
 *  `table` is {headers: [...], rows: [[...]]}; the chart's own data is used when it is absent. */
export function chartWithTable(box, id, config, table) {
  const canvas = el("canvas", { id: `${id}-chart`, role: "img", "aria-label": config.ariaLabel || id });
  const chartBox = el("div", { class: `chart-box ${config.small ? "small" : ""}` }, canvas);
  const data = table || tableOf(config.data);
  const tableWrap = el("div", { class: "data-table-wrap", id: `${id}-table`, hidden: true }, dataTable(data, config.ariaLabel));
  const toggle = el("button", {
    type: "button",
    class: "secondary table-toggle",
    "aria-expanded": "false",
    "aria-controls": `${id}-table`,
    text: "Show data table",
  });
  toggle.addEventListener("click", () => {
    const open = tableWrap.hidden;
    tableWrap.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide data table" : "Show data table";
  });
  box.append(chartBox, toggle, tableWrap);
  const textColor = css("--text");
  const gridColor = css("--border");
  window.Chart.defaults.color = textColor;
  window.Chart.defaults.borderColor = gridColor;
  const chart = new window.Chart(canvas, Object.assign({ options: {} }, config));
  return chart;
}

export function tableOf(chartData) {
  const headers = [""].concat(chartData.datasets.map((d) => d.label || "Value"));
  const rows = chartData.labels.map((label, i) => [label].concat(chartData.datasets.map((d) => d.data[i])));
  return { headers, rows };
}

export function dataTable({ headers, rows }, caption) {
  return el(
    "table",
    {},
    caption ? el("caption", { class: "visually-hidden" }, caption) : null,
    el("thead", {}, el("tr", {}, headers.map((h, i) => el("th", { scope: "col", class: i ? "num" : "" }, h)))),
    el(
      "tbody",
      {},
      rows.map((row) =>
        el(
          "tr",
          {},
          row.map((cell, i) =>
            i === 0
              ? el("th", { scope: "row" }, cell)
              : el("td", { class: "num" }, typeof cell === "number" ? String(Math.round(cell * 1000) / 1000) : cell ?? "—"),
          ),
        ),
      ),
    ),
  );
}

/** Drops every chart drawn inside `node` before it is redrawn. */
export function destroyCharts(node) {
  for (const canvas of node.querySelectorAll("canvas")) {
    const chart = window.Chart && window.Chart.getChart(canvas);
    if (chart) chart.destroy();
  }
}
