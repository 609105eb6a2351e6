// Cox proportional hazards regression (dataset.cox): hazard ratios with
// CIs, the model tests, the proportional-hazards test and a forest plot.
// Every number and sentence comes formatted from the wasm side.
import {
  createTermList, valueChecklist, checkedValues, keptCodes, kmChoices, showForest, forestFigure, kindTable, latestRequest, chooseOption,
} from "./regression.js";

export function createPanel({ engine, el, table, exportableTable, fillSelect, download, state }) {
  const time = el("select", { id: "cox-time" });
  const event = el("select", { id: "cox-event" });
  const eventValues = el("div", { id: "cox-event-values" });
  const start = el("select", { id: "cox-start" });
  const strata = el("select", { id: "cox-strata" });
  const ties = el("select", { id: "cox-ties" },
    el("option", { value: "efron" }, "Efron (R's default)"),
    el("option", { value: "breslow" }, "Breslow (Stata's default)"));
  const robust = el("input", { type: "checkbox", id: "cox-robust" });
  const cluster = el("select", { id: "cox-cluster", disabled: true });
  const zph = el("select", { id: "cox-zph" },
    el("option", { value: "km" }, "1 − Kaplan–Meier (R's default)"),
    el("option", { value: "identity" }, "time"),
    el("option", { value: "rank" }, "rank of time"),
    el("option", { value: "log" }, "log time"));
  const terms = createTermList(el, { id: "cox-terms", onChange: () => syncSplit() });
  // Time-varying status: a switch time or date per patient (R's tmerge(tdc())).
  const tvColumn = el("select", { id: "cox-tv-column" });
  const tvOrigin = el("select", { id: "cox-tv-origin" });
  const tvUnit = el("select", { id: "cox-tv-unit" },
    el("option", { value: "days" }, "days"),
    el("option", { value: "months" }, "months (30.4375 days)"),
    el("option", { value: "years" }, "years (365.25 days)"));
  const tvName = el("input", { type: "text", id: "cox-tv-name", size: 22, spellcheck: "false" });
  const tvOriginLabel = el("label", { hidden: true }, "Follow-up measured from (date)", tvOrigin);
  const tvUnitLabel = el("label", { hidden: true }, "Follow-up time unit", tvUnit);
  const tvNameLabel = el("label", { hidden: true }, "Name in the results", tvName);
  // Effect changing over time: covariates with one HR per interval between cut points (R's survSplit + x:strata(tgroup)).
  const splitCuts = el("input", { type: "text", id: "cox-split-cuts", size: 14, spellcheck: "false", placeholder: "e.g. 6, 12" });
  const splitUnit = el("span", { class: "cox-split-unit" });
  const splitTerms = el("div", { id: "cox-split-terms", class: "cox-split-terms" });
  const splitChosen = new Set();
  const fit = el("button", { type: "button", id: "cox-fit" }, "Fit Cox model");
  const error = el("div", { class: "error", role: "alert", id: "cox-error", hidden: true });

  const nLine = el("p", { id: "cox-n", class: "cox-n" });
  const hrBox = el("div", { id: "cox-table" });
  const tests = el("ul", { id: "cox-tests", class: "cox-tests" });
  const zphBox = el("div", { id: "cox-zph-table" });
  const zphText = el("p", { id: "cox-zph-text", class: "settings-note" });
  const canvas = el("canvas", { id: "cox-canvas", role: "img", "aria-label": "Forest plot of the hazard ratios in the table above" });
  const figure = forestFigure("cox", {
    onChange: () => current && run(), getPlot: () => current?.plot, download,
    what: "Cox forest plot",
    onError: (e) => { error.hidden = false; error.textContent = e.message; },
  });
  const warnings = el("ul", { id: "cox-warnings", class: "warnings" });
  const settings = el("p", { id: "cox-settings", class: "settings-note" });
  const results = el("div", { id: "cox-results", hidden: true },
    nLine, warnings, hrBox,
    el("h4", {}, "Model tests"), tests,
    el("div", { class: "figure" }, canvas, el("div", { class: "figure-actions", role: "group", "aria-label": "Download the Cox forest plot" }, ...figure.buttons), figure.options.element),
    el("h4", {}, "Proportional hazards"), zphBox, zphText,
    settings);

  const element = el("section", { class: "card", id: "cox-card", hidden: true, "aria-labelledby": "cox-title" },
    el("h3", { id: "cox-title" }, "Cox regression"),
    el("p", { class: "hint" },
      "Hazard ratios of several covariates together (R's coxph), with the test of proportional hazards (cox.zph) ",
      "and a forest plot. Tick the covariates; categories are compared with the reference level you choose."),
    el("form", { class: "settings", id: "cox-form" },
      el("label", {}, "Time column", time),
      el("label", {}, "Event column", event),
      el("fieldset", { class: "event-values" }, el("legend", {}, "Value(s) meaning “event”"), eventValues),
      el("label", {}, "Entry time (start, stop] rows", start),
      el("label", {}, "Stratify by", strata),
      el("label", {}, "Ties", ties),
      el("label", { class: "check" }, robust, "Robust variance"),
      el("label", {}, "Cluster (patient id)", cluster),
      el("label", {}, "PH test time scale", zph),
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Covariates"), terms.element),
      el("fieldset", { class: "reg-fieldset cox-tv", id: "cox-tv" }, el("legend", {}, "Time-varying status (optional)"),
        el("p", { class: "cox-tv-hint" },
          "For a status known only later (e.g. resistance from the progression date): 0 before, 1 after, so no immortal time. ",
          "An empty cell means the status never switched."),
        el("div", { class: "cox-tv-row" },
          el("label", {}, "Switches on at (time or date)", tvColumn), tvOriginLabel, tvUnitLabel, tvNameLabel)),
      el("fieldset", { class: "reg-fieldset cox-split", id: "cox-split" }, el("legend", {}, "Effect changing over time (optional)"),
        el("p", { class: "cox-tv-hint" },
          "If the PH test flags a covariate, estimate its hazard ratio separately in each interval (R: survSplit + x:strata(tgroup))."),
        el("div", { class: "cox-tv-row" },
          el("label", {}, el("span", {}, "Cut points ", splitUnit), splitCuts),
          el("div", { class: "cox-split-pick" }, el("span", {}, "HR per interval for"), splitTerms))),
      fit),
    error, results);

  let summary = null;
  let current = null;
  const latest = latestRequest({ button: fit, error, results });

  const columnNamed = (name) => summary?.columns.find((c) => c.name === name);
  const isDateColumn = (c) => c?.type === "date" || c?.type === "ambiguous_date";
  /** Dates with a typo are read as text; offered so the fit can name the bad cell. */
  const looksLikeDates = (c) => c.looks_like_dates;

  /** Shows the origin and unit only for a date switch column; no (start, stop] entry with a switch. */
  function syncTimeVarying() {
    const chosen = columnNamed(tvColumn.value);
    const dates = isDateColumn(chosen) || (chosen && looksLikeDates(chosen));
    tvOriginLabel.hidden = !dates;
    tvUnitLabel.hidden = !dates;
    tvNameLabel.hidden = !chosen;
    tvName.placeholder = chosen ? `${chosen.name} (time-varying)` : "";
    if (chosen) start.value = "";
    start.disabled = Boolean(chosen);
    start.title = chosen ? "The time-varying status splits one row per patient; (start, stop] entry rows cannot be combined with it." : "";
    cluster.options[0].textContent = chosen ? "— each patient (automatic) —" : "— each row its own —";
  }

  /** The split checklist offers the ticked covariates, keeping earlier picks. */
  function syncSplit() {
    const names = terms.selected().map((t) => t.column);
    for (const name of [...splitChosen]) if (!names.includes(name)) splitChosen.delete(name);
    splitUnit.textContent = time.value ? `(in the unit of “${time.value}”)` : "";
    splitTerms.replaceChildren(...(names.length
      ? names.map((name) => el("label", { class: "check" },
        el("input", {
          type: "checkbox", value: name, checked: splitChosen.has(name),
          onchange: (e) => { if (e.target.checked) splitChosen.add(name); else splitChosen.delete(name); },
        }), name))
      : [el("span", { class: "cox-split-empty" }, "tick covariates above first")]));
  }

  /** The cut points as typed ("6, 12"); anything else than a number goes as NaN, which the fit names. */
  function timeSplit() {
    const cuts = splitCuts.value.split(/[\s,;]+/).filter(Boolean).map(Number);
    const covariates = terms.selected().map((t) => t.column).filter((name) => splitChosen.has(name));
    return cuts.length || covariates.length ? { cuts, covariates } : null;
  }

  /** A guess at the follow-up unit from the time column's name ("os_months"). */
  function guessUnit(name) {
    const n = name.toLowerCase();
    return /day/.test(n) ? "days" : /year|yr/.test(n) ? "years" : "months";
  }

  function options() {
    return {
      time: time.value,
      event: event.value,
      event_values: checkedValues(eventValues),
      start: start.value || null,
      strata: strata.value || null,
      covariates: terms.selected(),
      ties: ties.value,
      robust: robust.checked,
      cluster: (robust.checked && cluster.value) || null,
      zph_transform: zph.value,
      conf_level: 0.95,
      time_varying: tvColumn.value
        ? {
          column: tvColumn.value,
          origin: tvOriginLabel.hidden ? null : tvOrigin.value || null,
          unit: tvUnitLabel.hidden ? null : tvUnit.value,
          name: tvName.value.trim() || null,
        }
        : null,
      time_split: timeSplit(),
      figure: figure.options.value(),
      preset: state.preset ?? null,
    };
  }

  /**
   * The form shows a Cox request (the inverse of options()): columns,
   * codes, covariates with their kinds and references, ties, robust
   * variance, the PH test's scale, the time-varying status, the time split
   * and the figure options. Does not fit the model (see `rerun`).
   */
  function setForm(o = {}) {
    if (!summary) return;
    chooseOption(time, o.time);
    chooseOption(event, o.event);
    valueChecklist(el, eventValues, columnNamed(event.value), (o.event_values ?? []).map(String));
    chooseOption(start, o.start ?? "");
    chooseOption(strata, o.strata ?? "");
    chooseOption(ties, o.ties ?? "efron");
    robust.checked = Boolean(o.robust);
    cluster.disabled = !robust.checked;
    chooseOption(cluster, o.cluster ?? "");
    chooseOption(zph, o.zph_transform ?? "km");
    const tv = o.time_varying;
    chooseOption(tvColumn, tv?.column ?? "");
    if (tv?.origin) chooseOption(tvOrigin, tv.origin);
    if (tv?.unit) chooseOption(tvUnit, tv.unit);
    tvName.value = tv?.name ?? "";
    syncTimeVarying();
    terms.setSelected(o.covariates ?? []);
    splitChosen.clear();
    for (const name of o.time_split?.covariates ?? []) splitChosen.add(name);
    splitCuts.value = (o.time_split?.cuts ?? []).join(", ");
    syncSplit();
    figure.options.set(o.figure);
  }

  function run() {
    return latest(() => engine.dataset("cox", options()), (result) => {
      current = result;
      show(result);
    });
  }

  function show(r) {
    results.hidden = false;
    nLine.textContent = r.n_text;
    hrBox.replaceChildren(kindTable(table, r.hr_table, r.hr_row_kinds, "reg-table", "cox-hazard-ratios.csv"));
    tests.replaceChildren(...r.tests_text.map((t) => el("li", {}, t)));
    zphBox.replaceChildren(r.zph_table ? exportableTable(r.zph_table, "cox-zph.csv", { className: "reg-table", name: "proportional-hazards test" }) : "");
    zphText.textContent = r.zph_text;
    warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
    settings.textContent = r.settings_text;
    showForest(canvas, r.plot);
  }

  function onData(s) {
    const sameFile = summary?.name === s.name;
    summary = s;
    const km = kmChoices();
    const suggested = s.suggestions ?? {};
    const chosen = {
      time: km?.time ?? suggested.time,
      event: km?.event ?? suggested.event,
      event_values: km?.event_values ?? suggested.event_values,
    };
    const byType = [...s.columns].sort((a, b) => (a.type !== "number") - (b.type !== "number"));
    const numeric = byType.map((c) => ({ value: c.name, label: c.type === "number" ? c.name : `${c.name} (${c.type_label})` }));
    const all = s.columns.map((c) => ({ value: c.name }));
    const groupable = s.columns.filter((c) => c.groupable).map((c) => ({ value: c.name }));
    fillSelect(time, numeric, chosen.time);
    fillSelect(event, all, chosen.event);
    valueChecklist(el, eventValues, columnNamed(event.value), chosen.event_values);
    fillSelect(start, [{ value: "", label: "— none (one row per patient) —" }, ...numeric], "");
    fillSelect(strata, [{ value: "", label: "— none —" }, ...groupable], "");
    fillSelect(cluster, [{ value: "", label: "— each row its own —" }, ...all], "");
    const switchable = s.columns.filter((c) => c.type === "number" || isDateColumn(c) || looksLikeDates(c))
      .map((c) => ({ value: c.name, label: c.type === "number" ? c.name : `${c.name} (${c.type_label})` }));
    const dates = s.columns.filter(isDateColumn);
    const origin = (dates.find((c) => /start/i.test(c.name)) ?? dates[0])?.name ?? "";
    fillSelect(tvColumn, [{ value: "", label: "— none —" }, ...switchable], sameFile ? tvColumn.value : "");
    fillSelect(tvOrigin, dates.map((c) => ({ value: c.name })), sameFile && tvOrigin.value ? tvOrigin.value : origin);
    if (!sameFile) tvUnit.value = guessUnit(chosen.time ?? "");
    syncTimeVarying();
    terms.setColumns(s.columns, { reset: !sameFile });
    if (!sameFile) {
      splitChosen.clear();
      splitCuts.value = "";
    }
    syncSplit();
    results.hidden = true;
    error.hidden = true;
    element.hidden = false;
  }

  event.addEventListener("change", () =>
    valueChecklist(el, eventValues, columnNamed(event.value), keptCodes(eventValues, columnNamed(event.value))));
  robust.addEventListener("change", () => { cluster.disabled = !robust.checked; });
  tvColumn.addEventListener("change", syncTimeVarying);
  time.addEventListener("change", () => { tvUnit.value = guessUnit(time.value); syncSplit(); });
  fit.addEventListener("click", run);
  // A "match another program" choice re-fits a model already shown.
  document.addEventListener("survcalc:preset", () => current && !results.hidden && run());
  // Variable labels retitle the forest plot's rows.
  engine.addEventListener("labels", () => current && !results.hidden && run());
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => current && !results.hidden && showForest(canvas, current.plot), 150);
  });

  // A new analysis set (www/js/panels/sets.js) refits a model on show.
  // setForm: a kept session or an opened analysis file puts its request back
  // (app.js), then `fit` shows the result.
  return { element, onData, setForm, fit: run, rerun: () => { if (!results.hidden) run(); } };
}
