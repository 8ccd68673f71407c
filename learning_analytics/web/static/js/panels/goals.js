// Goals: each active goal's progress bar and pace, and a form that creates one. The form posts the
// `createGoal` mutation as any client would; a refusal names the field, and its message shows
// next to that field.
import { GraphQLError, Unavailable } from "../api.js";
import { el, fmt1, fmtDate, state } from "../ui.js";

const CREATE = `mutation CreateGoal($input: CreateGoalInput!) {
  createGoal(input: $input) {
    __typename
    ... on Goal { id title }
    ... on ValidationError { field message code }
  }
}`;
const GOALS = `{ goals(status: ACTIVE) {
  id title description goalType status currentValue targetValue progressPercent deadline periodEnd color
  projectedCompletionDate requiredDailyPace onTrack
} }`;
const TYPES = ["SESSIONS", "EXCHANGES", "QUALITY", "ACTIVITY", "STREAK", "TOPIC"];
const FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "ONE_TIME"];

function field(name, label, input) {
  input.id = `goal-${name}`;
  input.name = name;
  input.setAttribute("aria-describedby", `goal-${name}-error`);
  return el(
    "div",
    { class: "field" },
    el("label", { for: input.id }, label),
    input,
    el("p", { class: "field-error", id: `goal-${name}-error`, role: "alert" }),
  );
}

function pace(goal) {
  const parts = [];
  const onTrack = goal.on_track;
  if (onTrack === true) parts.push("on track");
  if (onTrack === false) parts.push("behind pace");
  if (goal.required_daily_pace !== undefined && goal.required_daily_pace !== null) parts.push(`needs ${fmt1(goal.required_daily_pace)} a day`);
  if (goal.projected_completion_date) parts.push(`projected ${fmtDate(goal.projected_completion_date)}`);
  const end = goal.ends_at || goal.deadline || goal.period_end;
  if (end) parts.push(`ends ${fmtDate(end)}`);
  return parts.join(" · ");
}

/** The seed's `GET /goals` answer; where this server has no such route, the same from GraphQL. */
async function load(ctx) {
  try {
    return await ctx.api.get("goals");
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error;
  }
  const data = await ctx.api.graphql(GOALS);
  return {
    active_goals: data.goals.map((g) => ({
      id: g.id,
      name: g.title,
      description: g.description,
      progress: g.progressPercent,
      current: g.currentValue,
      target: g.targetValue,
      status: g.status,
      ends_at: g.periodEnd || g.deadline,
      color: g.color,
      on_track: g.onTrack,
      required_daily_pace: g.requiredDailyPace,
      projected_completion_date: g.projectedCompletionDate,
    })),
  };
}

export default {
  id: "goals",
  title: "Goals",
  async render(body, ctx) {
    const data = await load(ctx);
    ctx.reportMeta(data.meta);
    const goals = data.active_goals || data.goals || [];
    const wanted = ctx.params.get("view") === "goals" ? ctx.params.get("id") : null;
    if (!goals.length) body.append(state("No active goals: create one below.", "empty"));
    else {
      const list = el("ul", { class: "items", id: "goal-list" });
      for (const goal of goals) {
        const percent = Math.max(0, Math.min(100, goal.progress ?? goal.progress_percent ?? 0));
        const bar = el("span");
        bar.style.width = `${percent}%`;
        if (goal.color) bar.style.background = goal.color;
        const item = el(
          "li",
          { class: "item", dataset: { goal: goal.id }, id: `goal-${goal.id}` },
          el("strong", {}, goal.name || goal.title),
          goal.description ? el("div", { class: "meta-line" }, goal.description) : null,
          el(
            "div",
            { class: "progress-bar", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(percent), "aria-label": `${goal.name || goal.title}: ${Math.round(percent)} %` },
            bar,
          ),
          el("div", { class: "meta-line" }, `${fmt1(goal.current ?? goal.current_value)} of ${fmt1(goal.target ?? goal.target_value)} · ${Math.round(percent)} % · ${String(goal.status || "").replace("_", " ").toLowerCase()}`),
          el("div", { class: "meta-line", dataset: { pace: goal.id } }, pace(goal)),
        );
        if (wanted && wanted === String(goal.id)) item.classList.add("highlight");
        list.append(item);
      }
      body.append(list);
    }
    const streak = data.streak;
    if (streak) body.append(el("p", { class: "state" }, `Streak ${streak.current} d (best ${streak.best ?? streak.longest} d)${streak.today_complete ? ", today done" : ""}.`));
    body.append(this.form(ctx));
  },

  form(ctx) {
    const status = el("p", { class: "form-status", role: "status" });
    const select = (options, value) => {
      const s = el("select", {}, options.map((o) => el("option", { value: o, selected: o === value }, o.replace("_", " ").toLowerCase())));
      return s;
    };
    const form = el(
      "form",
      { class: "goal-form", id: "goal-form", novalidate: true, "aria-label": "Create a goal" },
      field("title", "Title", el("input", { type: "text", maxlength: 200, placeholder: "Five sessions a week" })),
      field("goalType", "Measures", select(TYPES, "SESSIONS")),
      field("targetValue", "Target", el("input", { type: "number", step: "any", inputmode: "decimal", placeholder: "5" })),
      field("frequency", "Every", select(FREQUENCIES, "WEEKLY")),
      field("deadline", "Deadline (optional)", el("input", { type: "date" })),
      field("topic", "Topic (TOPIC goals)", el("input", { type: "text", maxlength: 100 })),
      el("div", { class: "submit" }, el("button", { type: "submit" }, "Create goal")),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
      for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
      status.textContent = "";
      const v = (name) => form.elements[name].value.trim();
      const target = v("targetValue");
      const input = {
        title: v("title"),
        goalType: v("goalType"),
        targetValue: target === "" ? NaN : Number(target),
        frequency: v("frequency"),
        deadline: v("deadline") || null,
        topic: v("topic") || null,
      };
      // A number the field cannot hold never leaves the browser; the server checks everything else.
      if (!Number.isFinite(input.targetValue)) return showError(form, "targetValue", "Enter the target as a number.");
      try {
        const data = await ctx.api.graphql(CREATE, { input });
        const result = data.createGoal;
        if (result.__typename === "ValidationError") {
          showError(form, result.field, result.message);
          return;
        }
        status.textContent = `Created “${result.title}”.`;
        await ctx.rerender("goals");
      } catch (error) {
        const message = error instanceof Unavailable ? "Goals are not available on this server yet." : error instanceof GraphQLError ? error.message : `Could not create the goal: ${error.message}`;
        status.textContent = "";
        showError(form, null, message);
      }
    });
    return el("div", {}, el("h3", {}, "New goal"), form);
  },
};

/** Puts `message` under the input that `path` names (`input.targetValue` → targetValue). */
function showError(form, path, message) {
  const name = String(path || "").split(".").pop().replace(/\[\d+\]$/, "");
  const input = name && form.elements[name];
  if (input) {
    input.setAttribute("aria-invalid", "true");
    document.getElementById(`goal-${name}-error`).textContent = message;
    input.focus();
  } else {
    form.querySelector(".form-status").textContent = "";
    const general = form.querySelector(".general-error") || el("p", { class: "field-error general-error", role: "alert" });
    general.textContent = message;
    form.append(general);
  }
}
