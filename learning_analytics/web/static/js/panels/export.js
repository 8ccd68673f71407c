// Export buttons: the chosen period's data as JSON, CSV or NDJSON (`GET /api/analytics/export`),
// downloaded with the caller's key.
import { Unavailable } from "../api.js";
import { el } from "../ui.js";

export default {
  id: "export",
  title: "Export",
  periodic: true,
  async render(body, ctx) {
    const status = el("p", { class: "state", role: "status" });
    const button = (format) =>
      el(
        "button",
        {
          type: "button",
          dataset: { format },
          onclick: async (event) => {
            event.target.disabled = true;
            status.textContent = `Preparing ${format.toUpperCase()}…`;
            try {
              const { blob, filename } = await ctx.api.download("export", Object.assign(ctx.periodParams(), { format }));
              const url = URL.createObjectURL(blob);
              const link = el("a", { href: url, download: filename || `learning-analytics.${format}` });
              document.body.append(link);
              link.click();
              link.remove();
              setTimeout(() => URL.revokeObjectURL(url), 10000);
              status.textContent = `Downloaded ${filename || format.toUpperCase()} (${Math.ceil(blob.size / 1024)} KiB).`;
            } catch (error) {
              status.textContent = error instanceof Unavailable ? "Export is not available on this server yet." : `Export failed: ${error.message}`;
            } finally {
              event.target.disabled = false;
            }
          },
        },
        `Download ${format.toUpperCase()}`,
      );
    body.append(
      el("p", {}, "Your sessions, quality scores, feedback and daily summaries for the chosen period."),
      el("div", { class: "toolbar" }, button("json"), button("csv"), button("ndjson")),
      status,
    );
  },
};
