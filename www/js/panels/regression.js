// Pieces shared by the regression panels (Cox, model tables): the covariate
// checklist with a kind and a reference level per column, value checklists,
// and drawing / exporting the forest plot the wasm side lays out.
import { charts } from "../charts.js";
import { figureOptions, exportButtons } from "../figure_options.js";
import { exportableTable } from "../dom.js";

/** Columns that can be covariates: everything but dates. */
const usable = (c) => c.type === "number" || c.type === "category" || c.type === "text";

/** Numbers enter per unit; categories and short text as levels. A category
 * with too many levels to list is usually a number column with a stray
 * word: as a number, the fit names that word and its line. */
const defaultKind = (c) => (c.type !== "number" && c.values?.length >= 2 ? "categorical" : "numeric");

/**
 * A checklist of covariate columns. Number columns can be used as numbers
 * (effect per unit) or as categories; categories get a reference-level
 * select listing their levels (R's default: the first level).
 */
export function createTermList(el, { id, onChange }) {
  const box = el("div", { class: "reg-terms", id });
  // column name -> { checked, kind, reference }, kept while the file is open.
  let choices = new Map();
  let columns = [];

  function row(c) {
    const choice = choices.get(c.name) ?? { checked: false, kind: defaultKind(c), reference: "" };
    choices.set(c.name, choice);
    const levels = c.values ?? [];
    const check = el("input", { type: "checkbox", value: c.name, checked: choice.checked });
    const kind = el("select", { class: "reg-kind", "aria-label": `How ${c.name} enters the model` },
      el("option", { value: "numeric", selected: choice.kind === "numeric" }, "number (per unit)"),
      el("option", { value: "categorical", selected: choice.kind === "categorical", disabled: c.type === "number" && levels.length < 2 }, "categories"));
    const reference = el("select", { class: "reg-reference", "aria-label": `Reference level of ${c.name}` },
      levels.map((v) => el("option", { value: v, selected: v === choice.reference }, v)));
    if (!choice.reference && levels.length) choice.reference = levels[0];
    const referenceLabel = el("label", { class: "reg-ref-label" }, "reference ", reference);
    const sync = () => {
      referenceLabel.hidden = choice.kind !== "categorical" || !levels.length;
      line.classList.toggle("reg-on", choice.checked);
    };
    check.addEventListener("change", () => { choice.checked = check.checked; sync(); onChange?.(); });
    kind.addEventListener("change", () => { choice.kind = kind.value; sync(); onChange?.(); });
    reference.addEventListener("change", () => { choice.reference = reference.value; onChange?.(); });
    const line = el("div", { class: "reg-term", "data-column": c.name },
      el("label", { class: "reg-name" }, check, c.name),
      kind,
      referenceLabel);
    sync();
    return line;
  }

  return {
    element: box,
    /** Shows the usable columns of a dataset summary (keeping earlier choices). */
    setColumns(summaryColumns, { reset = false } = {}) {
      if (reset) choices = new Map();
      columns = summaryColumns.filter(usable);
      box.replaceChildren(...(columns.length
        ? columns.map(row)
        : [el("p", { class: "hint" }, "No column can be a covariate (numbers or categories are needed).")]));
    },
    /** The chosen terms as the wasm API wants them: [{ column, kind, reference }]. */
    selected() {
      return columns.filter((c) => choices.get(c.name)?.checked).map((c) => {
        const choice = choices.get(c.name);
        return choice.kind === "categorical"
          ? { column: c.name, kind: "categorical", reference: choice.reference || null }
          : { column: c.name, kind: "numeric" };
      });
    },
    /**
     * Shows a request's terms (the inverse of selected()): exactly these
     * columns ticked, each with its kind and reference level.
     */
    setSelected(specs = []) {
      for (const c of columns) {
        const choice = choices.get(c.name);
        const spec = specs.find((t) => t.column === c.name);
        if (!choice) continue;
        choice.checked = Boolean(spec);
        if (spec?.kind) choice.kind = spec.kind;
        if (spec?.reference) choice.reference = String(spec.reference);
      }
      this.setColumns(columns);
    },
    /** Ticks exactly these columns. */
    check(names) {
      for (const c of columns) {
        const choice = choices.get(c.name);
        if (choice) choice.checked = names.includes(c.name);
      }
      this.setColumns(columns);
    },
  };
}

/** Checkboxes for the values of a column (event values, outcome values). */
export function valueChecklist(el, box, column, chosen, onChange) {
  const values = column?.values ?? [];
  const picked = new Set(chosen ?? []);
  box.replaceChildren(...(values.length
    ? values.map((v) => el("label", {}, el("input", { type: "checkbox", value: v, checked: picked.has(v), onchange: onChange }), v))
    : [el("span", {}, column ? "This column has too many different values to be an event or outcome indicator." : "")]));
}

/** A select shows `value` if it offers it (a column gone from the file leaves the select as it is). */
export function chooseOption(select, value) {
  const wanted = value == null ? "" : String(value);
  if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
}

// In dom.js, which the Kaplan–Meier card (loaded before this module) uses too.
export { checkedValues, keptCodes } from "../dom.js";

/** The Kaplan–Meier card's current choices, so both cards start alike. */
export function kmChoices() {
  const time = document.getElementById("km-time")?.value;
  const event = document.getElementById("km-event")?.value;
  const values = [...(document.getElementById("km-event-values")?.querySelectorAll("input:checked") ?? [])].map((i) => i.value);
  return time && event ? { time, event, event_values: values } : null;
}

/** Draws a forest plot at the width of its container (its height follows). */
export async function showForest(canvas, plot) {
  const { drawForest } = await charts();
  const ratio = window.devicePixelRatio || 1;
  const width = Math.min(canvas.parentElement.clientWidth || 900, 1040);
  canvas.style.width = `${width}px`;
  canvas.style.height = "auto";
  drawForest(canvas, plot, { width: Math.round(width * ratio) });
}

/**
 * A forest plot's figure options (the request's `figure`) and its download
 * buttons (PNG, TIFF, SVG, PDF) with ids `${prefix}-png`, ….
 */
export function forestFigure(prefix, { onChange, getPlot, download, onError, what = "forest plot" }) {
  const options = figureOptions("forest", prefix, onChange);
  const buttons = exportButtons({
    getScene: async () => { const plot = getPlot(); return plot && (await charts()).forestScene(plot); },
    dpi: () => options.value().output.dpi,
    base: `${prefix}-forest`, download, onError, what,
    ids: Object.fromEntries(["png", "tiff", "svg", "pdf"].map((f) => [f, `${prefix}-${f}`])),
  });
  return { options, buttons };
}

/** Shows a panel's error: fatal ones (a wasm fault) ask for a reload. */
export function errorText(e) {
  return e?.fatal
    ? `Internal error: ${e.message}\nPlease reload the page. (Your data was not sent anywhere.)`
    : e?.message ?? String(e);
}

/**
 * A formatted table with a CSS class per row kind (factor, level, reference,
 * numeric), with CSV and Copy buttons.
 */
export function kindTable(table, t, kinds, className, fileName = "table.csv") {
  const node = exportableTable(t, fileName, { className });
  node.querySelectorAll("tbody tr").forEach((tr, i) => tr.classList.add(`reg-${kinds[i] ?? "numeric"}`));
  return node;
}

/**
 * One panel's requests, the latest winning: `run(call, onResult)` hides the
 * error, disables `button` while `call()` runs, and gives its result to
 * `onResult` only if no newer request was made meanwhile; a failure of the
 * latest request hides the results and shows its message.
 */
export function latestRequest({ button, error, results }) {
  let request = 0;
  return async (call, onResult) => {
    const id = ++request;
    error.hidden = true;
    button.disabled = true;
    try {
      const result = await call();
      if (id === request) onResult(result);
    } catch (e) {
      if (id !== request) return;
      results.hidden = true;
      error.hidden = false;
      error.textContent = errorText(e);
    } finally {
      button.disabled = false;
    }
  };
}
