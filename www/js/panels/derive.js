// Derived variables and the data download: cut a number into groups,
// transform it, recode a category's levels, or take the time between two
// dates (dataset.derive), each as a new column with its formula; remove
// one (dataset.removeDerived); download the data with the derived columns
// and the per-patient classification as CSV made in Rust (nothing is sent).
// The page refreshes every panel with the summary that comes back.

const KINDS = [
  ["cut", "Cut a number into groups"],
  ["transform", "Transform a number (log, per k units, standardise)"],
  ["recode", "Recode, merge or reorder categories"],
  ["time_between", "Time between two dates"],
];
const USER_KINDS = new Set(["cut", "transform", "recode", "time_between"]);

export function createDerive({ engine, el, fillSelect, download, errorText, onSummary }) {
  let summary = null;
  let classified = false;

  const kind = el("select", { id: "derive-kind" }, KINDS.map(([value, label]) => el("option", { value }, label)));
  const fields = el("div", { id: "derive-fields", class: "settings derive-fields" });
  const name = el("input", { type: "text", id: "derive-name", size: 18, placeholder: "from the formula", spellcheck: "false" });
  const add = el("button", { type: "button", id: "derive-add" }, "Add column");
  const note = el("p", { id: "derive-note", class: "settings-note", "aria-live": "polite" });
  const error = el("div", { class: "error", role: "alert", id: "derive-error", hidden: true });
  const list = el("ul", { id: "derive-list", class: "sets-list" });
  const exportColumns = el("select", { id: "export-columns", multiple: true, size: 6, "aria-label": "Columns to download" });
  const exportData = el("button", { type: "button", id: "export-data", class: "secondary" }, "Download data (CSV)");
  const exportClass = el("button", { type: "button", id: "export-classification", class: "secondary", disabled: true },
    "Download classification (CSV)");
  const element = el("section", { class: "card", id: "derive-card", hidden: true, "aria-labelledby": "derive-title" },
    el("h3", { id: "derive-title" }, "Derived variables ",
      el("span", { class: "optional" }, "new columns with their formula")),
    el("p", { class: "hint" },
      "New columns usable in every analysis (groups, covariates, Table 1, rates, analysis sets). The formula is kept and ",
      "printed next to every result that uses the column; an existing column is never replaced."),
    el("form", { class: "settings", id: "derive-form" }, el("label", {}, "Derive", kind), fields, el("label", {}, "Name", name), add),
    error, note, list,
    el("h3", {}, "Download"),
    el("div", { class: "settings" },
      el("label", {}, "Columns (none chosen: all)", exportColumns), exportData, exportClass),
    el("p", { class: "hint" }, "The files are made in this browser tab and saved on this computer; nothing is sent."));

  const columnNamed = (n) => summary?.columns.find((c) => c.name === n);
  const select = (id, columns, label) => {
    const s = el("select", { id });
    fillSelect(s, [{ value: "", label: label ?? "— column —" },
      ...columns.map((c) => ({ value: c.name, label: c.type === "number" || c.type === "date" ? c.name : `${c.name} (${c.type_label})` }))], "");
    return s;
  };

  /** The inputs of the chosen kind of derivation. */
  function showFields() {
    const columns = summary?.columns ?? [];
    // Numbers first; the others stay choosable, so that a stray word in a
    // number column (or a text column chosen by mistake) is named with its line.
    const numbers = columns.filter((c) => c.type !== "date" && c.type !== "ambiguous_date")
      .sort((a, b) => (a.type !== "number") - (b.type !== "number"));
    const categories = columns.filter((c) => c.values?.length >= 2 && c.type !== "date");
    const dates = columns.filter((c) => c.type === "date");
    switch (kind.value) {
      case "cut":
        fields.replaceChildren(
          el("label", {}, "Column", select("derive-column", numbers)),
          el("label", {}, "Cut at", el("input", { type: "text", id: "derive-at", size: 10, placeholder: "e.g. 400 or 10, 20" })),
          el("label", {}, "A value equal to a cut point goes",
            el("select", { id: "derive-side" },
              el("option", { value: "upper" }, "in the upper group (≥ 400 vs < 400)"),
              el("option", { value: "lower" }, "in the lower group (≤ 400 vs > 400)"))),
          el("label", {}, "Group labels (optional)", el("input", { type: "text", id: "derive-labels", size: 20, placeholder: "low; high" })));
        break;
      case "transform": {
        const fn = el("select", { id: "derive-function" },
          el("option", { value: "log" }, "log (natural)"), el("option", { value: "log2" }, "log2"),
          el("option", { value: "log10" }, "log10"), el("option", { value: "per_units" }, "per k units"),
          el("option", { value: "standardise" }, "standardised (z-score)"));
        const per = el("label", { hidden: true }, "k", el("input", { type: "text", id: "derive-per", size: 6, placeholder: "10" }));
        fn.addEventListener("change", () => { per.hidden = fn.value !== "per_units"; });
        fields.replaceChildren(el("label", {}, "Column", select("derive-column", numbers)), el("label", {}, "Function", fn), per);
        break;
      }
      case "recode": {
        const column = select("derive-column", categories);
        const levels = el("div", { id: "derive-levels", class: "derive-levels" });
        const reference = el("select", { id: "derive-reference" });
        const syncReference = () => {
          const labels = [];
          for (const row of levels.querySelectorAll(".derive-level")) {
            const missing = row.querySelector(".derive-missing").checked;
            const label = row.querySelector(".derive-to").value.trim() || row.dataset.level;
            if (!missing && !labels.includes(label)) labels.push(label);
          }
          fillSelect(reference, labels.map((l) => ({ value: l })), labels.includes(reference.value) ? reference.value : labels[0]);
        };
        column.addEventListener("change", () => {
          const values = columnNamed(column.value)?.values ?? [];
          levels.replaceChildren(...values.map((v) => {
            const row = el("div", { class: "derive-level", "data-level": v },
              el("span", { class: "derive-from" }, v), " → ",
              el("input", { type: "text", class: "derive-to", size: 18, value: v, "aria-label": `New label of ${v}` }),
              el("label", { class: "check" }, el("input", { type: "checkbox", class: "derive-missing" }), "missing"));
            row.addEventListener("input", syncReference);
            row.addEventListener("change", syncReference);
            return row;
          }));
          syncReference();
        });
        fields.replaceChildren(el("label", {}, "Column", column),
          el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "New labels (the same label merges levels)"), levels),
          el("label", {}, "Reference level", reference));
        break;
      }
      default:
        fields.replaceChildren(
          el("label", {}, "From (date)", select("derive-from", dates)),
          el("label", {}, "To (date)", select("derive-to-date", dates)),
          el("label", {}, "In", el("select", { id: "derive-unit" },
            el("option", { value: "months" }, "months (days / 30.4375)"), el("option", { value: "days" }, "days"),
            el("option", { value: "weeks" }, "weeks (days / 7)"), el("option", { value: "years" }, "years (days / 365.25)"))));
    }
  }

  const value = (id) => element.querySelector(`#${id}`)?.value.trim() ?? "";

  /** The request of the form, as dataset.derive reads it (numbers as typed: the reader names a bad one). */
  function request() {
    const r = { name: name.value.trim() };
    switch (kind.value) {
      case "cut":
        r.cut = { column: value("derive-column"), at: value("derive-at").split(/[\s,;]+/).filter(Boolean),
          cut_point_in: value("derive-side"), labels: value("derive-labels").split(";").map((v) => v.trim()).filter(Boolean) };
        break;
      case "transform":
        r.transform = { column: value("derive-column"), function: value("derive-function"),
          per: value("derive-function") === "per_units" ? value("derive-per") || null : null };
        break;
      case "recode": {
        const levels = [];
        const missing = [];
        for (const row of element.querySelectorAll(".derive-level")) {
          const from = row.dataset.level;
          if (row.querySelector(".derive-missing").checked) missing.push(from);
          else {
            const to = row.querySelector(".derive-to").value.trim() || from;
            if (to !== from) levels.push({ from: [from], to });
          }
        }
        r.recode = { column: value("derive-column"), levels, missing, reference: value("derive-reference") || null };
        break;
      }
      default:
        r.time_between = { from: value("derive-from"), to: value("derive-to-date"), unit: value("derive-unit") };
    }
    return r;
  }

  async function run(op, args) {
    error.hidden = true;
    try {
      const { result, summary: next } = await engine.call(op, args);
      onSummary(next);
      return result;
    } catch (e) {
      error.hidden = false;
      error.textContent = errorText(e);
      return null;
    }
  }

  add.addEventListener("click", async () => {
    const r = await run("derive", { request: request() });
    if (!r) return;
    name.value = "";
    note.textContent = `Added “${r.column}” = ${r.formula}.${r.warnings.map((w) => ` ${w.message}`).join("")}`;
  });
  kind.addEventListener("change", showFields);

  async function removeColumn(column) {
    const r = await run("removeDerived", { name: column });
    if (r) note.textContent = `Removed “${r.column}”.${r.used_by.length ? ` Columns derived from it keep their values: ${r.used_by.join(", ")}.` : ""}`;
  }

  exportData.addEventListener("click", async () => {
    error.hidden = true;
    try {
      const columns = [...exportColumns.selectedOptions].map((o) => o.value);
      const csv = await engine.dataset("exportCsv", { columns });
      const base = (summary?.name ?? "data").replace(/\.[^.]*$/, "");
      download(new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" }), `${base}-with-derived.csv`);
    } catch (e) {
      error.hidden = false;
      error.textContent = errorText(e);
    }
  });
  exportClass.addEventListener("click", async () => {
    error.hidden = true;
    try {
      const csv = await engine.dataset("exportClassification");
      download(new Blob(["\uFEFF", csv], { type: "text/csv;charset=utf-8" }), "classification.csv");
    } catch (e) {
      error.hidden = false;
      error.textContent = errorText(e);
    }
  });

  function onData(s) {
    const newFile = summary?.name !== s.name;
    summary = s;
    if (newFile) {
      classified = false;
      note.textContent = "";
    }
    exportClass.disabled = !classified;
    error.hidden = true;
    const derived = s.columns.filter((c) => USER_KINDS.has(c.derived?.kind));
    list.replaceChildren(...derived.map((c) => el("li", { "data-column": c.name },
      el("strong", {}, c.name), ` = ${c.derived.description} `,
      el("button", { type: "button", class: "secondary small", title: `Remove the column “${c.name}”`, "aria-label": `Remove the column ${c.name}`, onclick: () => removeColumn(c.name) }, "Remove"))));
    fillSelect(exportColumns, s.columns.map((c) => ({ value: c.name })), null);
    showFields();
    element.hidden = false;
  }

  return {
    element,
    onData,
    /** A derivation put back (a kept session, an opened analysis file). */
    apply: (request) => run("derive", { request }),
    onClassified() {
      classified = true;
      exportClass.disabled = false;
    },
  };
}
