// Competing risks (dataset.competingRisks): each code of the event column is
// censored, the event of interest or a competing event; cumulative incidence
// curves with their risk table, Gray's test, a Fine–Gray table and forest
// plot, and the cause-specific Cox model one click away. Every number and
// sentence comes formatted from the wasm side.
import { charts } from "../charts.js";
import { exportButtons } from "../figure_options.js";
import { createTermList, kmChoices, showForest, errorText, kindTable, latestRequest, chooseOption } from "./regression.js";

const ROLES = [
  ["censored", "censored"],
  ["event", "event of interest"],
  ["competing", "competing event"],
];

/** A first guess at a code's role: censoring codes, then the KM card's event, then competing. */
function guessRole(value, index, eventValues) {
  const v = value.trim().toLowerCase();
  if (["0", "censored", "alive", "no", "none"].includes(v)) return "censored";
  if (eventValues?.includes(value)) return "event";
  if (eventValues?.length) return "competing";
  return index === 0 ? "censored" : index === 1 ? "event" : "competing";
}

export function createPanel({ engine, el, table, exportableTable, fillSelect, download, state }) {
  const time = el("select", { id: "cr-time" });
  const event = el("select", { id: "cr-event" });
  const codes = el("div", { id: "cr-codes", class: "cr-codes" });
  const eventLabel = el("input", { type: "text", id: "cr-event-label", size: 18, placeholder: "e.g. progression" });
  const competingLabel = el("input", { type: "text", id: "cr-competing-label", size: 18, placeholder: "e.g. death" });
  const group = el("select", { id: "cr-group" });
  const variance = el("select", { id: "cr-variance" },
    el("option", { value: "gray" }, "Gray's variance (cmprsk cuminc)"),
    el("option", { value: "infinitesimal_jackknife" }, "infinitesimal jackknife (survival's multi-state survfit)"));
  const style = el("select", { id: "cr-style" },
    el("option", { value: "per_cause" }, "one curve per cause"),
    el("option", { value: "stacked" }, "stacked (interest, then both)"));
  const times = el("input", { type: "text", id: "cr-times", size: 14, placeholder: "e.g. 12, 24, 36" });
  const terms = createTermList(el, { id: "cr-terms" });
  const go = el("button", { type: "button", id: "cr-run", "aria-label": "Compute the competing-risks analysis" }, "Compute");
  const error = el("div", { class: "error", role: "alert", id: "cr-error", hidden: true });

  const questions = el("p", { id: "cr-questions", class: "hint" });
  const summaryBox = el("div", { id: "cr-summary" });
  const tests = el("ul", { id: "cr-tests", class: "cox-tests" });
  const canvas = el("canvas", { id: "cr-canvas", "aria-label": "Cumulative incidence curves" });
  // No figure options for this figure: downloads at its default print size.
  const buttons = exportButtons({
    getScene: async () => current && (await charts()).kaplanMeierScene(current.plot),
    dpi: () => 600,
    base: "cumulative-incidence", download, what: "cumulative incidence figure",
    onError: (e) => { error.hidden = false; error.textContent = errorText(e); },
    ids: Object.fromEntries(["png", "tiff", "svg", "pdf"].map((f) => [f, `cr-${f}`])),
  });
  const atTimes = el("div", { id: "cr-at-times" });
  const fgN = el("p", { id: "cr-fg-n" });
  const fgTable = el("div", { id: "cr-fg-table" });
  const fgTests = el("ul", { id: "cr-fg-tests", class: "cox-tests" });
  const fgCanvas = el("canvas", { id: "cr-fg-canvas", "aria-label": "Forest plot of subdistribution hazard ratios" });
  const fineGray = el("div", { id: "cr-fg", hidden: true },
    el("h3", {}, "Fine–Gray subdistribution hazard model"), fgN, fgTable, fgTests, el("div", { class: "figure" }, fgCanvas));
  const csButton = el("button", { type: "button", id: "cr-cs-run", class: "secondary" }, "Cause-specific Cox model (competing events censored)");
  const csBox = el("div", { id: "cr-cs" });
  const warnings = el("ul", { id: "cr-warnings", class: "warnings" });
  const settings = el("p", { id: "cr-settings", class: "settings-note" });
  const results = el("div", { id: "cr-results", hidden: true },
    warnings, questions, summaryBox, tests,
    el("div", { class: "figure" }, canvas, el("div", { class: "figure-actions" }, ...buttons)),
    atTimes, fineGray, csButton, csBox, settings);

  const element = el("section", { class: "card", id: "cr-card", hidden: true, "aria-labelledby": "cr-title" },
    el("h3", { id: "cr-title" }, "Competing risks"),
    el("p", { class: "hint" },
      "When another event prevents the one of interest (death before progression), 1 − Kaplan–Meier overstates how many ",
      "have it. Say what each code of the event column means: the cumulative incidence (Aalen–Johansen), Gray's test ",
      "and Fine–Gray regression then treat the competing event as such."),
    el("form", { class: "settings", id: "cr-form" },
      el("label", {}, "Time column", time),
      el("label", {}, "Event column", event),
      el("fieldset", { class: "event-values" }, el("legend", {}, "What each code means"), codes),
      el("label", {}, "Name of the event of interest", eventLabel),
      el("label", {}, "Name of the competing event", competingLabel),
      el("label", {}, "Compare groups", group),
      el("label", {}, "Confidence intervals from", variance),
      el("label", {}, "Curves", style),
      el("label", {}, "Cumulative incidence at times", times),
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Fine–Gray covariates (optional)"), terms.element),
      go),
    error, results);

  let summary = null;
  let current = null;
  const latest = latestRequest({ button: go, error, results });
  const columnNamed = (name) => summary?.columns.find((c) => c.name === name);

  function showCodes(eventValues) {
    const values = columnNamed(event.value)?.values ?? [];
    codes.replaceChildren(...(values.length
      ? values.map((v, i) => el("label", { class: "cr-code", "data-code": v }, el("span", {}, `${v}: `),
        el("select", { "aria-label": `Meaning of ${v}` },
          ROLES.map(([value, label]) => el("option", { value, selected: value === guessRole(v, i, eventValues) }, label)))))
      : [el("span", {}, "Choose an event column with a few codes (e.g. 0 = censored, 1 = progression, 2 = death).")]));
  }

  const role = (r) => [...codes.querySelectorAll(".cr-code")]
    .filter((l) => l.querySelector("select").value === r).map((l) => l.dataset.code);

  function options() {
    return {
      time: time.value,
      event: event.value,
      event_values: role("event"),
      competing_values: role("competing"),
      censor_values: role("censored"),
      event_label: eventLabel.value.trim() || null,
      competing_label: competingLabel.value.trim() || null,
      group: group.value || null,
      variance: variance.value,
      plot_style: style.value,
      times: times.value.split(/[\s,;]+/).filter(Boolean).map(Number).filter(Number.isFinite),
      covariates: terms.selected(),
      conf_level: 0.95,
    };
  }

  /** The canvas at the width of its container; the height follows the figure. */
  function frame() {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.min(canvas.parentElement.clientWidth || 860, 900);
    canvas.style.width = `${width}px`;
    canvas.style.height = "auto";
    return { width: Math.round(width * ratio) };
  }

  /**
   * The form shows a competing-risks request (the inverse of options()):
   * the columns, each code's meaning, the labels, the group, the variance,
   * the curves' style, the times and the Fine–Gray covariates.
   */
  function setForm(o = {}) {
    if (!summary) return;
    chooseOption(time, o.time);
    chooseOption(event, o.event);
    showCodes(null);
    const meaning = new Map([
      ...(o.censor_values ?? []).map((v) => [String(v), "censored"]),
      ...(o.competing_values ?? []).map((v) => [String(v), "competing"]),
      ...(o.event_values ?? []).map((v) => [String(v), "event"]),
    ]);
    for (const label of codes.querySelectorAll(".cr-code")) {
      if (meaning.has(label.dataset.code)) label.querySelector("select").value = meaning.get(label.dataset.code);
    }
    eventLabel.value = o.event_label ?? "";
    competingLabel.value = o.competing_label ?? "";
    chooseOption(group, o.group ?? "");
    chooseOption(variance, o.variance ?? "gray");
    chooseOption(style, o.plot_style ?? "per_cause");
    times.value = (o.times ?? []).join(", ");
    terms.setSelected(o.covariates ?? []);
  }

  function run() {
    return latest(() => engine.dataset("competingRisks", options()), (r) => {
      current = r;
      show(r);
    });
  }

  function show(r) {
    results.hidden = false;
    warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
    questions.textContent = r.questions_text;
    summaryBox.replaceChildren(exportableTable(r.summary_table, "competing-risks-summary.csv"));
    tests.replaceChildren(...r.test_text.map((t) => el("li", {}, t)));
    charts().then((c) => c.drawKaplanMeier(canvas, r.plot, frame())).catch((e) => { error.hidden = false; error.textContent = errorText(e); });
    atTimes.replaceChildren(...(r.at_times_table
      ? [el("h3", {}, "Cumulative incidence at the chosen times"), exportableTable(r.at_times_table, "cumulative-incidence.csv")] : []));
    fineGray.hidden = !r.fine_gray;
    if (r.fine_gray) {
      fgN.textContent = r.fine_gray.n_text;
      fgTable.replaceChildren(exportableTable(r.fine_gray.shr_table, "fine-gray.csv", { className: "reg-table" }));
      fgTests.replaceChildren(...r.fine_gray.tests_text.map((t) => el("li", {}, t)));
      showForest(fgCanvas, r.fine_gray.plot);
    }
    csButton.hidden = !r.cause_specific_cox;
    csBox.replaceChildren();
    settings.textContent = r.settings_text;
  }

  async function causeSpecific() {
    if (!current?.cause_specific_cox) return;
    try {
      const cox = await engine.dataset("cox", current.cause_specific_cox);
      csBox.replaceChildren(
        el("h3", {}, "Cause-specific Cox model"),
        el("p", { id: "cr-cs-n" }, cox.n_text),
        kindTable(table, cox.hr_table, cox.hr_row_kinds, "reg-table", "cause-specific-cox.csv"),
        el("p", { class: "settings-note" }, cox.settings_text));
    } catch (e) {
      csBox.replaceChildren(el("div", { class: "error", role: "alert" }, errorText(e)));
    }
  }

  function onData(s) {
    const sameFile = summary?.name === s.name;
    summary = s;
    const km = kmChoices();
    const suggested = s.suggestions ?? {};
    const numeric = s.columns.filter((c) => c.type === "number").map((c) => ({ value: c.name }));
    const coded = s.columns.filter((c) => c.values && c.values.length >= 2 && c.values.length <= 10).map((c) => ({ value: c.name }));
    const groupable = s.columns.filter((c) => c.groupable).map((c) => ({ value: c.name }));
    fillSelect(time, numeric, sameFile ? time.value : km?.time ?? suggested.time);
    const threeCodes = s.columns.find((c) => c.values?.length === 3 && /event|status/i.test(c.name))?.name;
    fillSelect(event, coded, sameFile ? event.value : threeCodes ?? km?.event ?? suggested.event);
    showCodes(event.value === km?.event ? km?.event_values : null);
    fillSelect(group, [{ value: "", label: "— none (all patients) —" }, ...groupable], sameFile ? group.value : "");
    terms.setColumns(s.columns, { reset: !sameFile });
    results.hidden = true;
    error.hidden = true;
    element.hidden = false;
  }

  event.addEventListener("change", () => showCodes(null));
  go.addEventListener("click", run);
  csButton.addEventListener("click", causeSpecific);
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!current || results.hidden) return;
      charts().then((c) => c.drawKaplanMeier(canvas, current.plot, frame()));
      if (current.fine_gray) showForest(fgCanvas, current.fine_gray.plot);
    }, 150);
  });

  return { element, onData, setForm, fit: run };
}
