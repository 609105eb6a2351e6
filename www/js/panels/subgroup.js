// Subgroup analysis (dataset.subgroups): the hazard ratio (Cox) or odds ratio
// (logistic) of a treatment within each level of the chosen subgroup
// variables, with the likelihood-ratio test of interaction per variable,
// drawn in the FSTG02 layout. Every number comes formatted from the wasm side.
import { charts } from "../charts.js";
import { exportButtons } from "../figure_options.js";
import { valueChecklist, checkedValues, kmChoices, showForest, errorText, latestRequest, chooseOption } from "./regression.js";

export function createPanel({ engine, el, exportableTable, fillSelect, download }) {
  const kind = el("select", { id: "sg-kind" },
    el("option", { value: "survival" }, "time to event (Cox, hazard ratios)"),
    el("option", { value: "binary" }, "yes/no (logistic, odds ratios)"));
  const time = el("select", { id: "sg-time" });
  const event = el("select", { id: "sg-event" });
  const eventValues = el("div", { id: "sg-event-values" });
  const timeLabel = el("label", {}, "Time column", time);
  const treatment = el("select", { id: "sg-treatment" });
  const reference = el("select", { id: "sg-reference" });
  const subgroups = el("div", { id: "sg-subgroups", class: "reg-terms" });
  const go = el("button", { type: "button", id: "sg-run", "aria-label": "Compute the subgroup analysis" }, "Compute");
  const error = el("div", { class: "error", role: "alert", id: "sg-error", hidden: true });
  const tableBox = el("div", { id: "sg-table" });
  const canvas = el("canvas", { id: "sg-canvas", "aria-label": "Subgroup forest plot" });
  // No figure options for this figure: downloads at its default print size.
  const buttons = exportButtons({
    getScene: async () => current && (await charts()).forestScene(current.plot),
    dpi: () => 600,
    base: "subgroup-forest", download, what: "subgroup forest plot",
    onError: (e) => { error.hidden = false; error.textContent = errorText(e); },
    ids: Object.fromEntries(["png", "tiff", "svg", "pdf"].map((f) => [f, `sg-${f}`])),
  });
  const warnings = el("ul", { id: "sg-warnings", class: "warnings" });
  const settings = el("p", { id: "sg-settings", class: "settings-note" });
  const results = el("div", { id: "sg-results", hidden: true },
    warnings, el("div", { class: "figure" }, canvas, el("div", { class: "figure-actions" }, ...buttons)), tableBox, settings);

  const element = el("section", { class: "card", id: "sg-card", hidden: true, "aria-labelledby": "sg-title" },
    el("h3", { id: "sg-title" }, "Subgroup analysis"),
    el("p", { class: "hint" },
      "The effect of a treatment or exposure within each subgroup (each level fitted alone), with the test of whether ",
      "the effect differs between the levels (likelihood-ratio test of interaction), as the forest plots of trial reports."),
    el("form", { class: "settings", id: "sg-form" },
      el("label", {}, "Outcome", kind),
      timeLabel,
      el("label", {}, "Event or outcome column", event),
      el("fieldset", { class: "event-values" }, el("legend", {}, "Value(s) meaning “event” (or “yes”)"), eventValues),
      el("label", {}, "Treatment or exposure (two arms)", treatment),
      el("label", {}, "Compared with (reference arm)", reference),
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Subgroup variables"), subgroups),
      go),
    error, results);

  let summary = null;
  let current = null;
  const latest = latestRequest({ button: go, error, results });
  const columnNamed = (name) => summary?.columns.find((c) => c.name === name);

  function syncKind() {
    timeLabel.hidden = kind.value !== "survival";
  }

  function showReference() {
    const levels = columnNamed(treatment.value)?.values ?? [];
    fillSelect(reference, levels.map((v) => ({ value: v })), levels[0] ?? "");
  }

  function options() {
    const values = checkedValues(eventValues);
    const outcome = kind.value === "survival"
      ? { type: "survival", time: time.value, event: event.value, event_values: values }
      : { type: "binary", column: event.value, event_values: values };
    return {
      outcome,
      treatment: { column: treatment.value, kind: "categorical", reference: reference.value || null },
      subgroups: checkedValues(subgroups),
      conf_level: 0.95,
    };
  }

  /**
   * The form shows a subgroup request (the inverse of options()): the
   * outcome, the treatment and its reference, the subgroup variables.
   */
  function setForm(o = {}) {
    if (!summary) return;
    const out = o.outcome ?? {};
    const survival = (out.type ?? (out.time ? "survival" : "binary")) === "survival";
    kind.value = survival ? "survival" : "binary";
    syncKind();
    if (survival) chooseOption(time, out.time);
    chooseOption(event, survival ? out.event : out.column);
    valueChecklist(el, eventValues, columnNamed(event.value), (out.event_values ?? []).map(String));
    chooseOption(treatment, o.treatment?.column);
    showReference();
    if (o.treatment?.reference != null) chooseOption(reference, o.treatment.reference);
    const picked = new Set(o.subgroups ?? []);
    for (const box of subgroups.querySelectorAll("input[type=checkbox]")) box.checked = picked.has(box.value);
  }

  function run() {
    return latest(() => engine.dataset("subgroups", options()), (r) => {
      current = r;
      results.hidden = false;
      warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
      tableBox.replaceChildren(exportableTable(r.table, "subgroups.csv", { className: "reg-table" }));
      settings.textContent = r.settings_text;
      showForest(canvas, r.plot);
    });
  }

  function onData(s) {
    const sameFile = summary?.name === s.name;
    summary = s;
    const km = kmChoices();
    const numeric = s.columns.filter((c) => c.type === "number").map((c) => ({ value: c.name }));
    const all = s.columns.map((c) => ({ value: c.name }));
    const twoLevels = s.columns.filter((c) => c.values?.length === 2).map((c) => ({ value: c.name }));
    const groupable = s.columns.filter((c) => c.groupable);
    fillSelect(time, numeric, sameFile ? time.value : km?.time ?? s.suggestions?.time);
    fillSelect(event, all, sameFile ? event.value : km?.event ?? s.suggestions?.event);
    valueChecklist(el, eventValues, columnNamed(event.value), sameFile ? checkedValues(eventValues) : km?.event_values ?? []);
    fillSelect(treatment, twoLevels, sameFile ? treatment.value : twoLevels[0]?.value ?? "");
    showReference();
    const picked = sameFile ? new Set(checkedValues(subgroups)) : new Set();
    subgroups.replaceChildren(...groupable.map((c) =>
      el("label", { class: "check" }, el("input", { type: "checkbox", value: c.name, checked: picked.has(c.name) }), c.name)));
    syncKind();
    results.hidden = true;
    error.hidden = true;
    element.hidden = false;
  }

  kind.addEventListener("change", syncKind);
  event.addEventListener("change", () => valueChecklist(el, eventValues, columnNamed(event.value), []));
  treatment.addEventListener("change", showReference);
  go.addEventListener("click", run);
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => current && !results.hidden && showForest(canvas, current.plot), 150);
  });

  return { element, onData, setForm, fit: run };
}
