// Univariate and multivariable regression table (dataset.modelTable): the
// model paper's Figs. 2–5, logistic (odds ratios) or Cox (hazard ratios),
// with its forest plot and CSV. Numbers and sentences come from wasm.
import {
  createTermList, valueChecklist, checkedValues, keptCodes, kmChoices, showForest, forestFigure, kindTable, latestRequest, chooseOption,
} from "./regression.js";

export function createPanel({ engine, el, table, fillSelect, download, state }) {
  const typeBinary = el("input", { type: "radio", name: "models-type", id: "models-type-binary", value: "binary", checked: true });
  const typeSurvival = el("input", { type: "radio", name: "models-type", id: "models-type-survival", value: "survival" });

  const column = el("select", { id: "models-column" });
  const ones = el("div", { id: "models-events" });
  const zeros = el("div", { id: "models-nonevents" });
  const firth = el("input", { type: "checkbox", id: "models-firth" });
  const ci = el("select", { id: "models-ci" },
    el("option", { value: "wald" }, "Wald (what most papers print)"),
    el("option", { value: "profile" }, "profile likelihood (R's confint)"));
  const binaryBox = el("div", { class: "models-outcome", id: "models-binary" },
    el("label", {}, "Outcome column", column),
    el("fieldset", { class: "event-values" }, el("legend", {}, "Value(s) of the outcome (coded 1)"), ones),
    el("fieldset", { class: "event-values" }, el("legend", {}, "Compared with (none ticked: every other value)"), zeros),
    el("label", {}, "Confidence interval", ci),
    el("label", { class: "check" }, firth, "Firth's penalised regression (small or separated data)"));

  const time = el("select", { id: "models-time" });
  const event = el("select", { id: "models-event" });
  const eventValues = el("div", { id: "models-event-values" });
  const ties = el("select", { id: "models-ties" },
    el("option", { value: "efron" }, "Efron (R's default)"),
    el("option", { value: "breslow" }, "Breslow (Stata's default)"));
  const survivalBox = el("div", { class: "models-outcome", id: "models-survival", hidden: true },
    el("label", {}, "Time column", time),
    el("label", {}, "Event column", event),
    el("fieldset", { class: "event-values" }, el("legend", {}, "Value(s) meaning “event”"), eventValues),
    el("label", {}, "Ties", ties));

  const threshold = el("input", { type: "number", id: "models-threshold", value: "0.05", min: "0.0001", max: "1", step: "0.01" });
  const termTest = el("select", { id: "models-term-test" },
    el("option", { value: "likelihood_ratio" }, "likelihood-ratio test (R's anova)"),
    el("option", { value: "wald" }, "Wald test"));
  const candidates = createTermList(el, { id: "models-terms", onChange: () => refreshMulti() });
  const multi = el("div", { id: "models-multi", class: "models-multi" });
  const useRule = el("button", { type: "button", id: "models-use-rule", class: "secondary" });
  const fit = el("button", { type: "button", id: "models-fit" }, "Fit the models");
  const error = el("div", { class: "error", role: "alert", id: "models-error", hidden: true });

  const selectionLine = el("p", { id: "models-selection", class: "test-result" });
  const nLine = el("p", { id: "models-n", class: "cox-n" });
  const tableBox = el("div", { id: "models-table" });
  const canvas = el("canvas", { id: "models-canvas", role: "img", "aria-label": "Forest plot of the univariate and multivariable models in the table above" });
  const figure = forestFigure("models", {
    onChange: () => current && run(), getPlot: () => current?.plot, download,
    what: "models' forest plot",
    onError: (e) => { error.hidden = false; error.textContent = e.message; },
  });
  const csv = el("button", { type: "button", id: "models-csv", "aria-label": "Download CSV of the univariate and multivariable models" }, "Download CSV");
  const warnings = el("ul", { id: "models-warnings", class: "warnings" });
  const settings = el("p", { id: "models-settings", class: "settings-note" });
  const results = el("div", { id: "models-results", hidden: true },
    selectionLine, nLine, warnings, tableBox,
    el("div", { class: "figure-actions" }, csv),
    el("div", { class: "figure" }, canvas, el("div", { class: "figure-actions", role: "group", "aria-label": "Download the models' forest plot" }, ...figure.buttons), figure.options.element),
    settings);

  const element = el("section", { class: "card", id: "models-card", hidden: true, "aria-labelledby": "models-title" },
    el("h3", { id: "models-title" }, "Univariate and multivariable models"),
    el("p", { class: "hint" },
      "Each factor alone (univariate), then the chosen factors together (multivariable), side by side as in a paper's table ",
      "and forest plot: odds ratios for a yes/no outcome (logistic regression), hazard ratios for a time to event (Cox)."),
    el("form", { class: "settings", id: "models-form" },
      el("fieldset", { class: "models-type" }, el("legend", {}, "Outcome"),
        el("label", { class: "check" }, typeBinary, "yes/no (logistic regression, odds ratios)"),
        el("label", { class: "check" }, typeSurvival, "time to event (Cox regression, hazard ratios)")),
      binaryBox, survivalBox,
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Factors (rows of the table)"), candidates.element),
      el("label", {}, "Multivariable model: univariate p below", threshold),
      el("label", {}, "p of a factor with 3+ categories", termTest),
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Factors in the multivariable model"), multi, useRule),
      fit),
    error, results);

  let summary = null;
  let current = null;
  const latest = latestRequest({ button: fit, error, results });
  // "rule": the multivariable model takes the factors with p < threshold;
  // "manual": the ticked ones.
  let multiMode = "rule";
  let multiChosen = [];

  const columnNamed = (name) => summary?.columns.find((c) => c.name === name);
  const isBinary = () => typeBinary.checked;

  function refreshMulti() {
    const names = candidates.selected().map((t) => t.column);
    multi.replaceChildren(...(names.length
      ? names.map((n) => el("label", {},
        el("input", {
          type: "checkbox", value: n, checked: multiChosen.includes(n),
          onchange: () => { multiMode = "manual"; multiChosen = checkedValues(multi); },
        }), n))
      : [el("span", { class: "hint" }, "Tick factors above first.")]));
    useRule.textContent = `Use factors with p < ${threshold.value || "0.05"} in the multivariable model`;
  }

  function options() {
    const outcome = isBinary()
      ? { type: "binary", column: column.value, event_values: checkedValues(ones), non_event_values: checkedValues(zeros) }
      : { type: "survival", time: time.value, event: event.value, event_values: checkedValues(eventValues) };
    const factors = candidates.selected();
    return {
      outcome,
      candidates: factors,
      multivariable: multiMode === "rule" ? null : multiChosen.filter((n) => factors.some((f) => f.column === n)),
      threshold: Number(threshold.value) || 0.05,
      term_test: termTest.value,
      firth: isBinary() && firth.checked,
      ci: ci.value,
      ties: ties.value,
      conf_level: 0.95,
      figure: figure.options.value(),
      preset: state.preset ?? null,
    };
  }

  /**
   * The form shows a model-table request (the inverse of options()): the
   * outcome, the factors with their kinds and references, the
   * multivariable choice, the tests and the figure options.
   */
  function setForm(o = {}) {
    if (!summary) return;
    const out = o.outcome ?? {};
    const binary = (out.type ?? (out.time ? "survival" : "binary")) === "binary";
    typeBinary.checked = binary;
    typeSurvival.checked = !binary;
    if (binary) {
      chooseOption(column, out.column);
      valueChecklist(el, ones, columnNamed(column.value), (out.event_values ?? []).map(String));
      valueChecklist(el, zeros, columnNamed(column.value), (out.non_event_values ?? []).map(String));
    } else {
      chooseOption(time, out.time);
      chooseOption(event, out.event);
      valueChecklist(el, eventValues, columnNamed(event.value), (out.event_values ?? []).map(String));
    }
    showOutcomeType();
    firth.checked = Boolean(o.firth);
    chooseOption(ci, o.ci ?? "wald");
    chooseOption(ties, o.ties ?? "efron");
    threshold.value = String(o.threshold ?? 0.05);
    chooseOption(termTest, o.term_test ?? "likelihood_ratio");
    candidates.setSelected(o.candidates ?? []);
    multiMode = Array.isArray(o.multivariable) ? "manual" : "rule";
    multiChosen = Array.isArray(o.multivariable) ? [...o.multivariable] : [];
    refreshMulti();
    figure.options.set(o.figure);
  }

  function run() {
    return latest(() => engine.dataset("modelTable", options()), (result) => {
      current = result;
      multiChosen = result.table.multivariable?.terms ?? [];
      refreshMulti();
      show(result);
    });
  }

  function show(r) {
    results.hidden = false;
    selectionLine.textContent = r.multivariable_text;
    nLine.textContent = r.model_fit_text ? `${r.n_text} ${r.model_fit_text}` : r.n_text;
    tableBox.replaceChildren(kindTable(table, r.display_table, r.row_kinds, "reg-table models-table", "model-table.csv"));
    warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
    settings.textContent = r.settings_text;
    showForest(canvas, r.plot);
  }

  function showOutcomeType() {
    binaryBox.hidden = !isBinary();
    survivalBox.hidden = isBinary();
  }

  function onData(s) {
    const sameFile = summary?.name === s.name;
    summary = s;
    const groupable = s.columns.filter((c) => c.groupable);
    const cohortGroup = state.cohort?.group_column;
    const defaultColumn = groupable.find((c) => c.name === cohortGroup) ?? groupable.find((c) => c.values?.length === 2) ?? groupable[0];
    fillSelect(column, groupable.map((c) => ({ value: c.name })), defaultColumn?.name);
    const primary = state.cohort?.group_levels.find((g) => g.group === "primary_resistance")?.label;
    const firstValue = defaultColumn?.name === cohortGroup
      ? defaultColumn.values.filter((v) => v === primary)
      : defaultColumn?.values?.slice(-1) ?? [];
    valueChecklist(el, ones, defaultColumn, firstValue);
    valueChecklist(el, zeros, defaultColumn, []);

    const km = kmChoices();
    const suggested = s.suggestions ?? {};
    const byType = [...s.columns].sort((a, b) => (a.type !== "number") - (b.type !== "number"));
    fillSelect(time, byType.map((c) => ({ value: c.name, label: c.type === "number" ? c.name : `${c.name} (${c.type_label})` })),
      km?.time ?? suggested.time);
    fillSelect(event, s.columns.map((c) => ({ value: c.name })), km?.event ?? suggested.event);
    valueChecklist(el, eventValues, columnNamed(event.value), km?.event_values ?? suggested.event_values);

    candidates.setColumns(s.columns, { reset: !sameFile });
    if (!sameFile) {
      multiMode = "rule";
      multiChosen = [];
    }
    refreshMulti();
    showOutcomeType();
    results.hidden = true;
    error.hidden = true;
    element.hidden = false;
  }

  for (const radio of [typeBinary, typeSurvival]) radio.addEventListener("change", showOutcomeType);
  column.addEventListener("change", () => {
    valueChecklist(el, ones, columnNamed(column.value), []);
    valueChecklist(el, zeros, columnNamed(column.value), []);
  });
  event.addEventListener("change", () =>
    valueChecklist(el, eventValues, columnNamed(event.value), keptCodes(eventValues, columnNamed(event.value))));
  threshold.addEventListener("input", refreshMulti);
  useRule.addEventListener("click", () => { multiMode = "rule"; run(); });
  fit.addEventListener("click", run);
  csv.addEventListener("click", () => current && download(new Blob([current.csv], { type: "text/csv" }), "model-table.csv"));
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => current && !results.hidden && showForest(canvas, current.plot), 150);
  });

  // A "match another program" choice re-fits a table already shown.
  document.addEventListener("survcalc:preset", () => current && run());
  // Variable labels retitle the forest plot's rows.
  engine.addEventListener("labels", () => current && run());
  // A new analysis set (www/js/panels/sets.js) refits a table on show.
  return { element, onData, setForm, fit: run, rerun: () => { if (!results.hidden) run(); } };
}
