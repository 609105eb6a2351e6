// The page: moves files and clicks to the wasm API and puts the returned,
// already formatted values on screen. No statistics here. The analyses run
// in a worker (engine.js); figures are drawn by a second, small wasm module
// loaded once the page is ready (charts.js); the steps, their map and the
// focus after results are workflow.js's.
import { figureOptions, exportButtons } from "./figure_options.js";
import { Engine } from "./engine.js";
import { charts } from "./charts.js";
import { el, table, fillSelect, download, exportableTable, keptCodes } from "./dom.js";
import { sheetChooser, readingActions } from "./data_reading.js";
import { mountWorkflow, mountCard } from "./workflow.js";
import { mountBusyBar } from "./busy.js";
import { createRecorder } from "./recorder.js";
// The analysis panels, analysis sets, derived variables, the report step's
// card and the teaching tour act on loaded data (or on a click): they are
// imported once the page is ready (loadPanels, the tour on its first
// opening), so that a first visit does not download them before the page
// can be used.

const $ = (id) => document.getElementById(id);
const engine = new Engine();
// The session's record (settings only), kept in this browser as she works.
const recorder = createRecorder(engine);
const state = { summary: null, km: null, kmRequest: 0, columnTypes: {}, readOptions: {} };
let workflow = null;
// Figure options: part of each request (the saved analysis file).
const kmFigure = figureOptions("km", "km", () => runKm());
const flowFigure = figureOptions("flow", "flow", () => {});

// The types a user can give a column; values are ReadOptions.column_types.
const TYPE_CHOICES = [
  ["number", "number"],
  ["category", "category"],
  ["text", "text"],
  ["date:year_month_day", "date, year-month-day"],
  ["date:day_month_year", "date, day/month/year"],
  ["date:month_day_year", "date, month/day/year"],
  ["date:excel_serial", "date, Excel day number"],
];
const typeValue = (c) => (c.type === "date" ? `date:${c.date_order}` : c.type === "ambiguous_date" ? "" : c.type);
const typeOption = (value) => (value.startsWith("date:") ? { date: value.slice(5) } : value);

// Further cards live in www/js/panels/*.js: each exports
// `createPanel(context)` returning `{ element, onData(summary) }`, and is
// listed here with the step its card goes in ("variables",
// "classification", "analyses"), after the cards already there, and the
// import that loads it (docs/page.md).
const PANELS = [
  ["analyses", () => import("./panels/baseline.js")],
  ["analyses", () => import("./panels/rates.js")],
  ["analyses", () => import("./panels/cox.js")],
  ["analyses", () => import("./panels/models.js")],
  ["analyses", () => import("./panels/competing.js")],
  ["analyses", () => import("./panels/subgroup.js")],
];
const panels = [];
/** The analysis panels by their record key's first part ("cox", "models", "baseline", "rates", "cr", "sg"). */
const panelsByKey = new Map();
let presetControl = null;
const panelContext = () => ({ engine, el, table, exportableTable, fillSelect, download, showError, clearError, state });
// Analysis sets and derived variables (www/js/panels/sets.js, derive.js):
// each panel's requests carry its chosen set; a derived column refreshes
// every panel with the new summary, keeping their choices. Null until
// loadPanels has mounted them.
let sets = null;
let derive = null;
// The report step's card (www/js/panels/analysis_file.js): saving and opening analysis files, a kept session.
let analysisFileCard = null;

// ---------- status: progress and errors ----------
function showProgress(label, done, total) {
  const box = $("progress");
  box.hidden = false;
  box.querySelector(".label").textContent = total ? `${label} ${Math.round((100 * done) / total)}%` : label;
  box.querySelector(".bar").style.setProperty("--done", total ? `${(100 * done) / total}%` : "0%");
}
const hideProgress = () => { $("progress").hidden = true; };

function showError(error, boxId = "error") {
  const box = $(boxId);
  box.hidden = false;
  box.textContent = error?.fatal
    ? `Internal error: ${error.message}\nPlease reload the page. (Your data was not sent anywhere.)`
    : error?.message ?? String(error);
}
function clearError(boxId = "error") {
  $(boxId).hidden = true;
  $(boxId).textContent = "";
}

// ---------- loading data ----------
async function load(op, args, label) {
  if (op !== "reload") {
    state.columnTypes = {};
    state.readOptions = {};
  }
  clearError();
  showProgress(label, 0, 0);
  if (op !== "reload") workflow.expectData();
  try {
    const summary = await engine.call(op, args, (done, total) => showProgress(label, done, total));
    // A workbook with several sheets: the user chooses one first.
    if (!summary.columns) return showSheetChoice(summary);
    showData(summary);
  } catch (error) {
    showError(error);
  } finally {
    hideProgress();
  }
}

function showData(summary, { keepCohortForm = false, keepChoices = false } = {}) {
  state.summary = summary;
  const fileFacts = () => [el("strong", {}, summary.name), ` — ${summary.n_rows} rows, ${summary.columns.length} columns`,
    summary.delimiter_label ? `, ${summary.delimiter_label}` : ""];
  const facts = el("p", { class: "file-facts" }, ...fileFacts());
  $("data-loaded").replaceChildren("Loaded: ", ...fileFacts(), ". ", el("a", { href: "#step-variables" }, "See its columns"), ".");
  $("data-loaded").hidden = false;
  const rows = summary.columns.map((c) => {
    const select = el("select", { class: "type-select", "aria-label": `Type of column ${c.name}`, title: c.reason },
      c.type === "ambiguous_date" ? el("option", { value: "", selected: true }, "date: choose day/month order") : null,
      TYPE_CHOICES.map(([value, label]) => el("option", { value, selected: value === typeValue(c) }, label)));
    select.addEventListener("change", () => {
      if (!select.value) return;
      state.columnTypes[c.name] = typeOption(select.value);
      reread({});
    });
    return [c.name, select, String(c.n_missing), c.preview, c.reason];
  });
  const box = $("data-summary");
  box.replaceChildren(...[
    summary.sheets?.length > 1 ? sheetChooser(summary.name, summary.sheets, summary.sheet, chooseSheet) : null,
    facts,
    summary.synthetic ? el("p", { class: "synthetic" }, "Synthetic teaching data: generated by a program, these are not real patients.") : null,
    ...summary.columns.filter((c) => c.type === "ambiguous_date").map((c) => el("p", { class: "synthetic" },
      `Column "${c.name}" holds dates whose day/month order the values do not show: choose it in the Type column.`)),
    ...readingActions(summary, reread),
    el("div", { class: "table-scroll columns-scroll" },
      table(["Column", "Type", "Missing", "Values", "Why this type"], rows, { numeric: [2], className: "columns-table" })),
    ...(summary.warnings ?? []).map((w) => el("p", { class: "hint" }, w.message)),
  ].filter(Boolean));
  box.hidden = false;
  $("columns-card").hidden = false;
  if (!keepCohortForm) {
    state.cohort = null;
    $("cohort-results").hidden = true;
    engine.call("suggestCohortColumns").then((suggested) => setupCohortForm(summary, suggested), showError);
  }
  setupKmForm(summary, { keepChoices });
  tellPanels(summary);
}

/** Every mounted panel shows the data (panels mounted later are told then). */
function tellPanels(summary) {
  // One panel's failure must not keep the data from the others.
  for (const panel of [derive, sets, ...panels]) {
    try {
      panel?.onData?.(summary);
    } catch (error) {
      console.error(error);
      showError(new Error(`A panel could not show this file: ${error.message}`));
    }
  }
}

// The same file read again with the user's choices (column types, decimal
// mark, non-numbers as missing), merged into those made before.
function reread({ column_types: types, non_numbers_as_missing: asMissing, ...options }) {
  Object.assign(state.columnTypes, types ?? {});
  const listed = new Set([...(state.readOptions.non_numbers_as_missing ?? []), ...(asMissing ?? [])]);
  state.readOptions = { ...state.readOptions, ...options, ...(listed.size ? { non_numbers_as_missing: [...listed] } : {}) };
  load("reload", { options: { ...state.readOptions, column_types: state.columnTypes } }, "Reading again…");
}

function chooseSheet(sheet) {
  state.columnTypes = {};
  state.readOptions = {};
  load("reload", { sheet, options: {} }, `Reading sheet ${sheet}…`);
}

function showSheetChoice({ name, sheets }) {
  const box = $("data-summary");
  box.replaceChildren(sheetChooser(name, sheets, null, chooseSheet));
  box.hidden = false;
}

// ---------- endpoints and resistance groups ----------
const COHORT_FIELDS = [
  ["start", "Treatment start date (required)", "date"],
  ["best_response", "Best overall response (CR/PR/SD/PD/NE)", "any"],
  ["first_evaluation", "First response evaluation date", "date"],
  ["progression", "First progression date", "date"],
  ["death", "Death date", "date"],
  ["last_contact", "Last contact date", "date"],
  ["last_assessment", "Last tumour assessment date", "date"],
  ["drug_stop", "Treatment stop date", "date"],
  ["confirmation_scan", "PD confirmation scan date", "date"],
  ["rapid_deterioration", "Rapid clinical deterioration (yes/no)", "any"],
  ["data_cutoff", "Data cutoff date", "date"],
  ["patient_id", "Patient ID", "any"],
];
const THRESHOLDS = {
  sitc: [
    ["primary_min_exposure_weeks", "Primary: min. exposure (weeks)"],
    ["secondary_min_exposure_months", "Secondary: min. exposure (months)"],
    ["response_duration_months", "SD/response lasting (months)"],
    ["durable_min_months", "Durable response: no PD for (months)"],
    ["post_stop_window_weeks", "PD within (weeks) after stopping counts"],
    ["first_evaluation_max_months", "Exclude: first evaluation later than (months)"],
    ["min_follow_up_months", "Exclude: follow-up without PD shorter than (months)"],
    ["confirmation_min_weeks", "Confirmation scan at least (weeks) after PD"],
  ],
  early_progression: [["early_progression_months", "Primary: progression within (months)"]],
};

function setupCohortForm(summary, suggested) {
  const dates = summary.columns.filter((c) => c.type === "date" || c.type === "ambiguous_date");
  if (dates.length === 0) {
    $("cohort-card").hidden = true;
    return;
  }
  const choices = (kind) => [{ value: "", label: "— not in the file —" },
    ...(kind === "date" ? dates : summary.columns).map((c) => ({ value: c.name }))];
  $("cohort-columns").replaceChildren(...COHORT_FIELDS.map(([key, label, kind]) => {
    const select = el("select", { id: `cohort-col-${key}` });
    fillSelect(select, choices(kind), suggested?.[key] ?? "");
    return el("label", {}, label, select);
  }));
  showThresholds();
  $("cohort-card").hidden = false;
}

function showThresholds() {
  const defaults = state.rules;
  const ruleSet = $("cohort-rule-set").value;
  const inputs = THRESHOLDS[ruleSet].map(([key, label]) =>
    el("label", {}, label, el("input", { type: "number", id: `cohort-rule-${key}`, value: defaults[key], min: 0, step: "any" })));
  if (ruleSet === "sitc") {
    inputs.push(el("label", { class: "check" },
      el("input", { type: "checkbox", id: "cohort-rule-require_confirmation", checked: defaults.require_confirmation }),
      "Require a confirmation scan"));
    const shortSel = el("select", { id: "cohort-rule-short_response" });
    fillSelect(shortSel, [
      { value: "primary", label: "primary resistance (model paper)" },
      { value: "secondary", label: "secondary resistance" },
      { value: "unclassifiable", label: "leave unclassified" },
    ], defaults.short_response);
    inputs.push(el("label", {}, "CR/PR then PD before 6 months", shortSel));
  }
  $("cohort-thresholds").replaceChildren(...inputs);
}

function cohortRequest() {
  const columns = {};
  for (const [key] of COHORT_FIELDS) columns[key] = $(`cohort-col-${key}`).value || null;
  const ruleSet = $("cohort-rule-set").value;
  const rules = { ...state.rules, rule_set: ruleSet };
  for (const [key] of THRESHOLDS[ruleSet]) rules[key] = Number($(`cohort-rule-${key}`).value);
  if (ruleSet === "sitc") {
    rules.require_confirmation = $("cohort-rule-require_confirmation").checked;
    rules.short_response = $("cohort-rule-short_response").value;
  }
  return { columns, rules, unit: $("cohort-unit").value, figure: flowFigure.value() };
}

async function runCohort(request = cohortRequest()) {
  clearError("cohort-error");
  try {
    const { result, summary } = await engine.call("classify", { request });
    state.cohort = result;
    showCohort(result);
    showData(summary, { keepCohortForm: true });
    derive?.onClassified();
    sets?.onClassified(result);
  } catch (error) {
    $("cohort-results").hidden = true;
    showError(error, "cohort-error");
  }
}

function showCohort(r) {
  $("cohort-results").hidden = false;
  $("cohort-flow").replaceChildren(...r.flow_lines.map((line) => el("li", {}, line)));
  $("cohort-rules").replaceChildren(...r.rules.map((line) => el("li", {}, line)));
  $("cohort-endpoints").replaceChildren(table(
    ["Endpoint", "Definition", "Columns", "Patients", "Events", "Left out"],
    r.endpoints.map((e) => [e.name.toUpperCase(), e.definition, `${e.time_column}, ${e.event_column}`,
      String(e.n), String(e.n_events), String(e.problems.length)]),
    { numeric: [3, 4, 5] }));
  const problems = r.endpoints.flatMap((e) => e.problems.map((p) => `${e.name.toUpperCase()}: ${p.message}`));
  $("cohort-warnings").replaceChildren(...[...r.warnings.map((w) => w.message), ...problems.slice(0, 50)].map((w) => el("li", {}, w)),
    ...(problems.length > 50 ? [el("li", {}, `… and ${problems.length - 50} more records left out of an endpoint.`)] : []));
  $("cohort-patients").replaceChildren(table(["Line", "Patient", "Group", "Why"],
    r.patients.map((p) => [String(p.line), p.patient_id, p.group, p.reason]), { numeric: [0] }));
  drawFlow();
}

async function drawFlow() {
  const { drawFlowChart } = await charts();
  const canvas = $("flow-canvas");
  drawFigure(canvas, (c, frame) => drawFlowChart(c, state.cohort.flow_chart, frame), 900);
}

/** Draws a figure at the width of its card (at most `max` CSS px), sharp on any screen. */
function drawFigure(canvas, draw, max) {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.min(canvas.parentElement.clientWidth || max, max);
  canvas.style.width = `${width}px`;
  canvas.style.height = "auto";
  draw(canvas, { width: Math.round(width * ratio) });
}

// ---------- Kaplan–Meier ----------
// A curve is drawn on load only when the column names identify time, event
// and event codes unambiguously (summary.suggestions.unambiguous) or the
// classification has just made them; otherwise the form shows what is only
// a suggestion, as one, and asks.
function setupKmForm(summary, { keepChoices = false } = {}) {
  let s = summary.suggestions ?? {};
  let chosen = s.unambiguous === true;
  const previous = keepChoices && state.kmChosen ? kmOptions() : null;
  if (previous) {
    s = { time: previous.time, event: previous.event, event_values: previous.event_values, group: previous.group,
      time_unit: previous.time_unit };
    chosen = true;
  } else if (state.cohort) {
    // Just classified: survival by resistance group is the next question.
    const os = state.cohort.endpoints.find((e) => e.name === "os");
    s = { ...s, time: os.time_column, event: os.event_column, event_values: ["1"],
      group: state.cohort.group_column, time_unit: state.cohort.unit };
    chosen = true;
  }
  // Numbers first; other columns stay choosable so that a stray text value
  // in a time column gets a message naming its line instead of vanishing.
  const byType = [...summary.columns].sort((a, b) => (a.type !== "number") - (b.type !== "number"));
  const numeric = byType.map((c) => ({ value: c.name, label: c.type === "number" ? c.name : `${c.name} (${c.type_label})` }));
  const all = summary.columns.map((c) => ({ value: c.name }));
  const groupable = summary.columns.filter((c) => c.groupable).map((c) => ({ value: c.name }));
  const group = chosen || s.basis?.group === "unambiguous" ? s.group : null;
  fillSelect($("km-time"), [{ value: "", label: "— choose the time column —" }, ...numeric], s.time ?? "");
  fillSelect($("km-event"), [{ value: "", label: "— choose the event column —" }, ...all], s.event ?? "");
  fillSelect($("km-group"), [{ value: "", label: "— none (one curve) —" }, ...groupable], group ?? "");
  if (!previous) {
    fillSelect($("km-strata"), [{ value: "", label: "— none —" }, ...groupable], "");
    $("km-time-unit").value = s.time_unit ?? "";
    $("km-display-unit").value = "";
    $("km-landmark").value = "";
  }
  showLandmarkUnit();
  showEventValues(s.event_values);
  $("km-card").hidden = false;
  state.kmChosen = chosen;
  showSuggestion(chosen ? null : s);
  if (chosen) runKm();
  else $("km-results").hidden = true;
}

/** Says what is only a suggestion (or that nothing is), and offers to draw. */
function showSuggestion(s) {
  let box = $("km-suggestion");
  if (!box) {
    box = el("div", { id: "km-suggestion", class: "suggestion", role: "status" });
    $("km-form").after(box);
  }
  if (!s) {
    box.hidden = true;
    return;
  }
  const labelled = (what, column, basis) => (column ? `${what} “${column}” (${basis === "unambiguous" ? "by its name" : "only a suggestion"})` : null);
  const parts = [labelled("time", s.time, s.basis?.time), labelled("event", s.event, s.basis?.event)].filter(Boolean);
  const draw = el("button", { type: "button", id: "km-draw" }, "Draw with these columns");
  draw.addEventListener("click", () => { state.kmChosen = true; box.hidden = true; runKm(); });
  box.replaceChildren(
    el("p", {}, parts.length
      ? `Suggested from the column names: ${parts.join(", ")}. Check the time and event columns and the value meaning “event”, then draw.`
      : "No column is named as a follow-up time or an event: choose the time column, the event column and the value(s) meaning “event”."),
    draw);
  box.hidden = false;
}

function showEventValues(preselected) {
  const column = state.summary.columns.find((c) => c.name === $("km-event").value);
  const values = column?.values ?? [];
  const chosen = new Set(preselected ?? []);
  $("km-event-values").replaceChildren(...(values.length
    ? values.map((v) => el("label", {}, el("input", { type: "checkbox", value: v, checked: chosen.has(v) }), v))
    : [el("span", {}, "This column has too many different values to be an event indicator.")]));
}

// The landmark is in the unit the times are shown in (as the Rust request).
function showLandmarkUnit() {
  const unit = $("km-time-unit").value;
  $("km-landmark-unit").textContent = unit ? ($("km-display-unit").value || unit) : "";
}

function kmOptions() {
  const eventValues = [...$("km-event-values").querySelectorAll("input:checked")].map((i) => i.value);
  const figure = kmFigure.value();
  if ($("km-show-ci").checked && figure.ci === "none") figure.ci = "band";
  return {
    time: $("km-time").value,
    event: $("km-event").value,
    event_values: eventValues,
    group: $("km-group").value || null,
    time_unit: $("km-time-unit").value || null,
    display_unit: ($("km-time-unit").value && $("km-display-unit").value) || null,
    conf_type: $("km-conf-type").value,
    conf_level: 0.95,
    times: $("km-times").value.split(/[\s,;]+/).filter(Boolean).map(Number).filter(Number.isFinite),
    rmst_tau: $("km-rmst").value === "" ? null : Number($("km-rmst").value),
    rho: Number($("km-rho").value),
    strata: $("km-strata").value || null,
    trend: $("km-trend").checked,
    pairwise: $("km-pairwise").value || null,
    landmark: $("km-landmark").value === "" ? null : Number($("km-landmark").value),
    figure,
    preset: state.preset ?? null,
    filter: sets?.filterFor("km") ?? null,
  };
}

async function runKm() {
  const request = ++state.kmRequest;
  clearError("km-error");
  const options = kmOptions();
  if (!options.time || !options.event || !options.event_values.length) {
    $("km-results").hidden = true;
    return;
  }
  try {
    const result = await engine.call("kaplanMeier", { options });
    if (request !== state.kmRequest) return; // a newer setting is on its way
    state.km = result;
    showKm(result);
  } catch (error) {
    if (request !== state.kmRequest) return;
    $("km-results").hidden = true;
    showError(error, "km-error");
  }
}

async function showKm(result) {
  const { drawKaplanMeier, kaplanMeierDescription } = await charts();
  if (result !== state.km) return; // a newer result is on its way
  $("km-results").hidden = false;
  const canvas = $("km-canvas");
  drawFigure(canvas, (c, frame) => drawKaplanMeier(c, result.plot, frame), 900);
  // The text alternative and the figure's numbers, worded in Rust.
  const described = kaplanMeierDescription(result.plot);
  canvas.setAttribute("aria-label", described.label);
  $("km-figure-caption").textContent = described.text;
  $("km-figure-data").replaceChildren(exportableTable(described.table, "kaplan-meier-figure-data.csv", { name: "Kaplan–Meier figure data" }));
  const t = result.summary_table;
  $("km-summary").replaceChildren(exportableTable(t, "kaplan-meier-summary.csv", { name: "Kaplan–Meier summary" }));
  $("km-test").textContent = result.test_text ?? "";
  $("km-follow-up").textContent = result.follow_up_text;
  $("km-trend-text").textContent = result.trend_text ?? "";
  const pw = result.pairwise_table;
  $("km-pairwise-table").replaceChildren(...(pw
    ? [el("h4", {}, "Pairwise comparisons"), exportableTable(pw, "pairwise-logrank.csv", { name: "pairwise log-rank tests" })] : []));
  const optionalTable = (id, t, title, file) => $(id).replaceChildren(...(t
    ? [el("h4", {}, title), exportableTable(t, file, { name: title })] : []));
  optionalTable("km-at-times", result.at_times_table, "Survival at chosen times", "survival-at-times.csv");
  optionalTable("km-rmst", result.rmst_table, "Restricted mean survival time", "rmst.csv");
  $("km-rmst-difference").textContent = result.rmst_difference_text ?? "";
  $("km-settings").textContent = result.settings_text;
  let caption = $("km-caption");
  if (!caption) {
    caption = el("p", { id: "km-caption", class: "figure-caption" });
    $("km-canvas").after(caption);
    $("km-canvas").setAttribute("aria-describedby", "km-caption");
  }
  caption.textContent = result.plot.caption ?? "";
  $("km-warnings").replaceChildren(...result.warnings.map((w) => el("li", {}, w.message)));
}

// ---------- a kept session or an opened analysis file ----------
/** The cohort form shows a request put back (the columns and rules it used). */
function fillCohortForm({ columns = {}, rules = {}, unit, figure } = {}) {
  flowFigure.set(figure);
  for (const [key] of COHORT_FIELDS) {
    const select = $(`cohort-col-${key}`);
    if (select && [...select.options].some((o) => o.value === (columns[key] ?? ""))) select.value = columns[key] ?? "";
  }
  if (rules.rule_set && THRESHOLDS[rules.rule_set]) {
    $("cohort-rule-set").value = rules.rule_set;
    showThresholds();
    for (const [key] of THRESHOLDS[rules.rule_set]) if (rules[key] != null) $(`cohort-rule-${key}`).value = rules[key];
    if (rules.rule_set === "sitc") {
      if (rules.require_confirmation != null) $("cohort-rule-require_confirmation").checked = rules.require_confirmation;
      if (rules.short_response) $("cohort-rule-short_response").value = rules.short_response;
    }
  }
  if (unit) $("cohort-unit").value = unit;
}

/** The Kaplan–Meier form shows a request put back, and draws it. */
function restoreKm(o) {
  const set = (id, value) => { if (value != null && [...$(id).options].some((x) => x.value === String(value))) $(id).value = String(value); };
  set("km-time", o.time);
  set("km-event", o.event);
  set("km-group", o.group ?? "");
  set("km-strata", o.strata ?? "");
  set("km-time-unit", o.time_unit ?? "");
  set("km-display-unit", o.display_unit ?? "");
  set("km-conf-type", o.conf_type);
  set("km-rho", o.rho);
  set("km-pairwise", o.pairwise ?? "");
  kmFigure.set(o.figure);
  if (o.figure?.ci && o.figure.ci !== "none") $("km-show-ci").checked = false;
  $("km-trend").checked = Boolean(o.trend);
  $("km-times").value = (o.times ?? []).join(", ");
  $("km-rmst").value = o.rmst_tau ?? "";
  $("km-landmark").value = o.landmark ?? "";
  showLandmarkUnit();
  showEventValues(o.event_values);
  state.kmChosen = true;
  showSuggestion(null);
  return runKm();
}

/**
 * The form of the panel `key` ("km", "cox", "models", "baseline", "rates",
 * "cr", "sg") shows `request` (as the panel would send it), its analysis set
 * included, and the panel runs it. For a kept session, an opened analysis
 * file and the teaching tour.
 */
export async function restorePanelForm(key, request) {
  await loadPanels();
  if (!state.summary) return;
  await sets.setFilterFor(key, request.filter ?? null);
  engine.adoptLabels(request.labels);
  if (key === "km") {
    await restoreKm(request);
    return;
  }
  const panel = panelsByKey.get(key);
  if (!panel?.setForm) throw new Error(`No panel "${key}" has a form to restore.`);
  panel.setForm(request);
  await panel.fit?.();
}

/**
 * Puts a session's settings back into the page: the reading options, the
 * classification and derived columns (in order), the program whose defaults
 * are matched, and every panel's form (Kaplan–Meier and each analysis
 * panel's `setForm`, with its analysis set and figure options), each run again.
 */
async function replaySession({ dataset = {}, steps = [] }) {
  await loadPanels();
  const options = dataset.read_options ?? {};
  if (Object.keys(options).length || dataset.sheet != null) {
    const { column_types: types, ...rest } = options;
    state.columnTypes = { ...(types ?? {}) };
    state.readOptions = rest;
    await load("reload", { options, ...(dataset.sheet != null ? { sheet: dataset.sheet } : {}) }, "Reading with your settings…");
  }
  for (const step of steps) {
    if (step.analysis === "classify") {
      await runCohort(step.options);
      fillCohortForm(step.options);
    } else if (step.analysis === "derive") {
      await derive.apply(step.options);
    }
  }
  if (!state.summary) return;
  // "Match another program": the latest request says what was chosen.
  const analyses = steps.filter((s) => !s.changesData && s.analysis !== "classify" && s.analysis !== "derive");
  const preset = analyses.map((s) => s.options?.preset).filter((p) => p !== undefined).pop();
  if (preset !== undefined) await presetControl?.setPreset(preset);
  // Each panel's form shows its last request (its analysis set included), then runs it.
  for (const step of analyses) {
    const [slot] = step.key.split(":");
    if (step.key.includes("#") || (slot !== "km" && !panelsByKey.get(slot)?.setForm)) continue;
    await restorePanelForm(slot, step.options);
  }
}

const fileCardOptions = (errorText) => ({
  engine, recorder, el, download, errorText,
  replay: replaySession,
  loadFile: ({ file, example }) => (file
    ? load("loadFile", { file }, `Reading ${file.name}…`)
    : load("loadExample", { path: example }, "Loading example…")),
  summaryName: () => state.summary?.name ?? "the loaded data",
});

// ---------- wiring ----------
function wire() {
  $("file-input").addEventListener("change", (e) => {
    const file = e.target.files?.[0];
    if (file) load("loadFile", { file }, `Reading ${file.name}…`);
    e.target.value = "";
  });
  const zone = $("drop-zone");
  // The zone is a button: a click, Enter or Space opens the file picker.
  zone.addEventListener("click", () => $("file-input").click());
  zone.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    $("file-input").click();
  });
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const file = e.dataTransfer?.files?.[0];
    if (file) load("loadFile", { file }, `Reading ${file.name}…`);
  });
  $("example-button").addEventListener("click", () =>
    load("loadExample", { path: $("example-select").value }, "Loading example…"));
  // A new event column with the same codes keeps the ticked ones.
  $("km-event").addEventListener("change", () => {
    showEventValues(keptCodes($("km-event-values"), state.summary.columns.find((c) => c.name === $("km-event").value)));
    userChose();
  });
  for (const id of ["km-time", "km-group", "km-time-unit", "km-display-unit", "km-conf-type", "km-event-values", "km-times", "km-rmst", "km-landmark", "km-rho", "km-strata", "km-trend", "km-pairwise"]) {
    $(id).addEventListener("change", runKm);
  }
  for (const id of ["km-time-unit", "km-display-unit"]) $(id).addEventListener("change", showLandmarkUnit);
  $("km-show-ci").addEventListener("change", runKm);
  $("km-form").after(kmFigure.element);
  $("cohort-run").before(flowFigure.element);
  const onError = (boxId) => (error) => showError(error, boxId);
  $("km-png").parentElement.replaceChildren(...exportButtons({
    getScene: async () => state.km && (await charts()).kaplanMeierScene(state.km.plot), dpi: () => kmFigure.value().output.dpi,
    base: "kaplan-meier", download, onError: onError("km-error"), what: "Kaplan–Meier figure",
    ids: { png: "km-png", tiff: "km-tiff", svg: "km-svg", pdf: "km-pdf" },
  }));
  $("flow-png").parentElement.replaceChildren(...exportButtons({
    getScene: async () => state.cohort && (await charts()).flowChartScene(state.cohort.flow_chart), dpi: () => flowFigure.value().output.dpi,
    base: "flow-chart", download, onError: onError("cohort-error"), what: "flow chart",
    ids: { png: "flow-png", tiff: "flow-tiff", svg: "flow-svg", pdf: "flow-pdf" },
  }));
  $("cohort-rule-set").addEventListener("change", showThresholds);
  $("cohort-run").addEventListener("click", () => runCohort());
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (state.km) showKm(state.km);
      if (state.cohort) drawFlow();
    }, 150);
  });
}

let panelsLoaded = null;
/**
 * Imports the panels' modules (once; again after a failed download) and
 * mounts their cards: the report step's card, derived variables and
 * analysis sets, the "match another program" choice and the analyses.
 * Data read or classified before they arrived are shown in them at once.
 * Everything that puts a session back awaits this first.
 */
function loadPanels() {
  panelsLoaded ??= (async () => {
    const [{ errorText }, fileModule, deriveModule, setsModule, presetsModule, ...panelModules] = await Promise.all([
      import("./panels/regression.js"), import("./panels/analysis_file.js"), import("./panels/derive.js"),
      import("./panels/sets.js"), import("./panels/presets.js"), ...PANELS.map(([, load]) => load())]);
    analysisFileCard = fileModule.createAnalysisFileCard(fileCardOptions(errorText));
    mountCard("report", analysisFileCard.element);
    // Derived variables and analysis sets belong to step 2, after the columns.
    derive = deriveModule.createDerive({
      engine, el, fillSelect, download, errorText,
      onSummary: (summary) => showData(summary, { keepCohortForm: true, keepChoices: true }),
    });
    sets = setsModule.createSets({ engine, el, fillSelect, errorText });
    mountCard("variables", derive.element);
    mountCard("variables", sets.element);
    sets.attach($("km-form"), "km", () => runKm());
    // The "match another program" choice sits before the analyses it sets.
    const presets = presetsModule.createPresetControl(panelContext());
    presetControl = presets;
    $("km-card").before(presets.element);
    panels.push(presets);
    document.addEventListener(presetsModule.PRESET_EVENT, () => state.km && runKm());
    // Variable labels (set in Table 1's list) retitle the KM legend.
    engine.addEventListener("labels", () => state.km && runKm());
    PANELS.forEach(([step], i) => {
      // Each panel's requests carry the analysis set chosen for it.
      const slot = { key: null };
      const panel = panelModules[i].createPanel({ ...panelContext(), engine: sets.engineFor(slot) });
      slot.key = panel.element.id.replace(/-card$/, "");
      panelsByKey.set(slot.key, panel);
      mountCard(step, panel.element);
      const form = panel.element.querySelector("form");
      if (form) sets.attach(form, slot.key, () => panel.rerun?.());
      panels.push(panel);
    });
    if (state.summary) tellPanels(state.summary);
    if (state.cohort) {
      derive.onClassified();
      sets.onClassified(state.cohort);
    }
  })();
  // Nothing is mounted before every module has arrived: a failed download is simply tried again.
  panelsLoaded.catch(() => { panelsLoaded = null; });
  return panelsLoaded;
}

/** Any change of the form is the user's choice: from then on the curve follows it. */
function userChose() {
  state.kmChosen = true;
  showSuggestion(null);
  runKm();
}

/**
 * Once the page is ready: the panels' modules (then the offer to put a kept
 * session back) and the drawing module, then the service worker that keeps
 * the whole site for offline use (sw.js; the footer says when it is).
 */
async function afterReady() {
  const panelsMounted = loadPanels().then(
    () => analysisFileCard.offerKept($("drop-zone")),
    (error) => showError(new Error(`Part of the page could not be loaded: ${error.message}. Reload the page to try again.`)));
  await Promise.all([panelsMounted, charts().catch(() => {})]); // a figure asks again and shows the error
  if (!("serviceWorker" in navigator)) return;
  try {
    const registration = await navigator.serviceWorker.register("sw.js", { updateViaCache: "none" });
    await navigator.serviceWorker.ready;
    const version = self.SURVCALC_BUILD?.version;
    if (version && await caches.has(`survcalc-${version}`)) {
      $("offline-note").textContent = "This page now works without a network connection too.";
      document.body.dataset.offline = "ready";
    } else if (registration.waiting || registration.installing) {
      // An older build is kept offline; this one replaces it once every tab of the old one is closed.
      document.body.dataset.offline = "previous";
    }
  } catch {
    // Served from a file:// URL or a host without HTTPS: works online only.
  }
}

async function start() {
  workflow = mountWorkflow({ fileName: () => state.summary?.name ?? "" });
  // "Open this step on the page": the tour's example loaded as the user's
  // data, then the step's analysis file opened, so every panel shows the
  // step's request and result, ready for the student to change.
  const openOnPage = async ({ example, file, what }) => {
    await load("loadExample", { path: example }, "Loading example…");
    await loadPanels();
    await analysisFileCard.openAnalysis(file, what);
  };
  // The tour's module is imported on its first opening.
  let tour = null;
  $("tour-open").addEventListener("click", async () => {
    tour ??= Promise.all([import("./tour.js"), import("./panels/regression.js")])
      .then(([{ createTour }, { errorText }]) => createTour({ engine, errorText, openOnPage }));
    try {
      (await tour).open();
    } catch (error) {
      tour = null;
      showError(new Error(`The teaching tour could not be loaded: ${error.message}`));
    }
  });
  mountBusyBar(engine, el);
  wire();
  try {
    await engine.ready;
    state.rules = engine.defaultRules;
    $("example-select").replaceChildren(
      ...engine.examples.map((e) => el("option", { value: e.path, title: e.description }, e.title)));
    document.body.dataset.ready = "true";
    performance.mark("survcalc-ready"); // navigation to ready, for `make bench`
  } catch (error) {
    showError(new Error(`survcalc could not start in this browser: ${error.message}`));
    return;
  }
  afterReady();
}

start();
