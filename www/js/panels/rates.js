// Rates: objective response rate, disease control rate, grade 3–4 adverse
// events — x of n patients with a confidence interval, by group with a test
// (dataset.rates). Numbers, intervals and the test's name come formatted
// from the wasm side; this file lays them out.

const RESPONSES = ["CR", "PR", "SD", "PD"];

/** A best-overall-response column: holds at least three of CR/PR/SD/PD. */
const isResponseColumn = (c) =>
  (c?.values ?? []).filter((v) => RESPONSES.includes(v.trim().toUpperCase())).length >= 3;

const PRESETS = [
  { id: "rates-orr", label: "ORR (CR+PR)", values: ["CR", "PR"] },
  { id: "rates-dcr", label: "DCR (CR+PR+SD)", values: ["CR", "PR", "SD"] },
];

export function createPanel({ engine, el, table, exportableTable, fillSelect, download, state }) {
  const outcome = el("select", { id: "rates-outcome" });
  const successBox = el("div", { id: "rates-success" });
  const excludeBox = el("div", { id: "rates-exclude" });
  const group = el("select", { id: "rates-group" });
  const ci = el("select", { id: "rates-ci" },
    el("option", { value: "clopper_pearson" }, "Clopper–Pearson exact (R binom.test)"),
    el("option", { value: "wilson" }, "Wilson score (R prop.test, no correction)"));
  const presets = el("div", { class: "rates-presets", id: "rates-presets" },
    PRESETS.map((p) => el("button", { type: "button", class: "secondary", id: p.id, onclick: () => applyPreset(p.values) }, p.label)));
  const error = el("div", { class: "error", role: "alert", id: "rates-error", hidden: true });
  const hint = el("p", { class: "hint", id: "rates-hint" });
  const tableBox = el("div", { id: "rates-table" });
  const testLine = el("p", { id: "rates-test", class: "test-result" });
  const settings = el("p", { id: "rates-settings", class: "settings-note" });
  const warnings = el("ul", { id: "rates-warnings", class: "warnings" });
  const csvButton = el("button", { type: "button", id: "rates-csv", "aria-label": "Download CSV of the rates and their test" }, "Download CSV");
  const results = el("div", { id: "rates-results", hidden: true },
    tableBox, testLine, settings, warnings, el("div", { class: "figure-actions" }, csvButton));

  const element = el("section", { class: "card", id: "rates-card", hidden: true, "aria-labelledby": "rates-title" },
    el("h3", { id: "rates-title" }, "Response and adverse-event rates"),
    el("p", { class: "hint" },
      "The share of patients with an outcome (objective response, disease control, a grade 3–4 adverse event) ",
      "with its confidence interval, overall and by group, and a test comparing the groups."),
    el("form", { class: "settings", id: "rates-form" },
      el("label", {}, "Outcome column", outcome),
      el("fieldset", { class: "event-values rates-values" },
        el("legend", {}, "Value(s) counted as success"), presets, successBox),
      el("fieldset", { class: "event-values rates-values" },
        el("legend", {}, "Left out of the denominator (optional, e.g. NE)"), excludeBox),
      el("label", {}, "Compare groups", group),
      el("label", {}, "Confidence interval", ci)),
    hint, error, results);

  let summary = null;
  let current = null;
  let request = 0;

  function showError(e) {
    error.hidden = false;
    error.textContent = e?.fatal
      ? `Internal error: ${e.message}\nPlease reload the page. (Your data was not sent anywhere.)`
      : e?.message ?? String(e);
  }
  function clearError() {
    error.hidden = true;
    error.textContent = "";
  }

  const column = () => summary?.columns.find((c) => c.name === outcome.value);
  const checked = (box) => [...box.querySelectorAll("input:checked")].map((i) => i.value);

  /** The column's values; response codes in their clinical order (CR, PR, SD, PD, then NE and others). */
  function columnValues() {
    const c = column();
    const values = [...(c?.values ?? [])];
    if (!c || !isResponseColumn(c)) return values;
    const rank = (v) => { const i = RESPONSES.indexOf(v.trim().toUpperCase()); return i < 0 ? RESPONSES.length : i; };
    return values.sort((a, b) => rank(a) - rank(b));
  }

  function showValues(success = [], exclude = []) {
    const values = columnValues();
    const boxes = (chosen) => values.map((v) =>
      el("label", {}, el("input", { type: "checkbox", value: v, checked: chosen.includes(v) }), v));
    successBox.replaceChildren(...(values.length ? boxes(success)
      : [el("span", {}, "This column has too many different values to count; choose a column of codes (e.g. CR/PR/SD/PD or yes/no).")]));
    excludeBox.replaceChildren(...boxes(exclude));
    presets.hidden = !(column() && isResponseColumn(column()));
  }

  /** The column's own spelling of the preset's values. */
  function applyPreset(wanted) {
    const values = column()?.values ?? [];
    const success = values.filter((v) => wanted.includes(v.trim().toUpperCase()));
    showValues(success, checked(excludeBox));
    run();
  }

  function defaultSuccess(c) {
    const values = c?.values ?? [];
    if (isResponseColumn(c)) return values.filter((v) => ["CR", "PR"].includes(v.trim().toUpperCase()));
    const yes = values.filter((v) => ["yes", "y", "true", "1"].includes(v.trim().toLowerCase()));
    return yes.length === 1 ? yes : [];
  }

  function options() {
    return {
      outcome: outcome.value,
      success_values: checked(successBox),
      exclude_values: checked(excludeBox),
      group: group.value || null,
      ci: ci.value,
      conf_level: 0.95,
    };
  }

  /**
   * The form shows a rates request (the inverse of options()): the
   * outcome, the values counted as success and those left out, the group
   * and the interval. Does not run (see `fit`).
   */
  function setForm(o = {}) {
    if (!summary) return;
    const offer = (select, value) => { if ([...select.options].some((x) => x.value === (value ?? ""))) select.value = value ?? ""; };
    offer(outcome, o.outcome);
    offer(group, o.group);
    offer(ci, o.ci);
    showValues((o.success_values ?? []).map(String), (o.exclude_values ?? []).map(String));
  }

  async function run() {
    const id = ++request;
    clearError();
    const opts = options();
    if (!opts.outcome) {
      results.hidden = true;
      hint.textContent = "Choose the outcome column (e.g. best overall response, or a yes/no adverse-event column).";
      return;
    }
    if (opts.success_values.length === 0) {
      results.hidden = true;
      hint.textContent = "Tick the value(s) that count as success, or use a preset.";
      return;
    }
    hint.textContent = "";
    try {
      const r = await engine.dataset("rates", opts);
      if (id !== request) return;
      current = r;
      show(r);
    } catch (e) {
      if (id !== request) return;
      current = null;
      results.hidden = true;
      showError(e);
    }
  }

  function show(r) {
    const t = r.table;
    const rendered = exportableTable(t, "rates.csv", { className: "rates-table", name: "rates" });
    const body = rendered.querySelector("tbody");
    if (r.groups.length) body.lastElementChild?.classList.add("rates-overall");
    tableBox.replaceChildren(rendered);
    testLine.textContent = r.test_text ?? "";
    settings.textContent = r.settings_text;
    warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
    results.hidden = false;
  }

  function downloadCsv() {
    if (!current) return;
    download(new Blob(["\uFEFF", current.csv], { type: "text/csv;charset=utf-8" }), "rates.csv");
  }

  outcome.addEventListener("change", () => { showValues(defaultSuccess(column()), []); run(); });
  for (const input of [successBox, excludeBox, group, ci]) input.addEventListener("change", run);
  csvButton.addEventListener("click", downloadCsv);

  function onData(s) {
    const sameFile = summary?.name === s.name;
    summary = s;
    const counted = s.columns.filter((c) => c.values && c.values.length >= 2 && c.type !== "date" && c.type !== "ambiguous_date");
    const previous = sameFile ? outcome.value : "";
    const response = counted.find(isResponseColumn);
    const chosenOutcome = counted.some((c) => c.name === previous) ? previous : response?.name ?? "";
    fillSelect(outcome, [{ value: "", label: "— choose a column —" }, ...counted.map((c) => ({ value: c.name }))], chosenOutcome);
    const groupable = s.columns.filter((c) => c.groupable).map((c) => ({ value: c.name }));
    const names = new Set(groupable.map((g) => g.value));
    const cohortGroup = state.cohort?.group_column;
    const previousGroup = sameFile ? group.value : "";
    const chosenGroup = cohortGroup && names.has(cohortGroup) ? cohortGroup
      : names.has(previousGroup) ? previousGroup
      : s.suggestions?.group && names.has(s.suggestions.group) ? s.suggestions.group : "";
    const keepSuccess = sameFile && chosenOutcome === previous ? checked(successBox) : defaultSuccess(column());
    const keepExclude = sameFile && chosenOutcome === previous ? checked(excludeBox) : [];
    fillSelect(group, [{ value: "", label: "— none (all patients) —" }, ...groupable], chosenGroup);
    showValues(keepSuccess, keepExclude);
    element.hidden = false;
    run();
  }

  // A new analysis set (www/js/panels/sets.js) redoes the rates.
  return { element, onData, setForm, fit: run, rerun: run };
}
