// Table 1: baseline characteristics by group with a p-value per variable
// (dataset.baselineTable). The wasm side formats every number, names every
// test and writes the exports; this file lays them out and handles clicks.

const MAX_DEFAULT_VARIABLES = 25;
// Number columns with at most this many distinct values start as categories
// (ECOG 0/1/2, yes/no coded 0/1, stage 1–4); the user can switch each one.
const MAX_CATEGORICAL_NUMBER_LEVELS = 6;

const looksLikeId = (name) => /(^|[_\s.])id$/i.test(name) || /^id([_\s.]|$)/i.test(name) || /^patient/i.test(name);
// Columns that record what happened after baseline (response, progression,
// later therapy, adverse events, death) start unticked: Table 1 describes
// patients at baseline. The user can still tick them.
const looksLikeOutcome = (name) =>
  /response|progress|recurren|relapse|death|died|deceased|surviv|censor|status|event|outcome|deteriorat|adverse|trae|toxicit|post[_\s.-]?(progression|treatment)|subsequent|second[_\s.-]?line|_stop|stop_/i.test(name);

export function createPanel({ engine, el, fillSelect, download, state }) {
  const group = el("select", { id: "bl-group" });
  const summarySel = el("select", { id: "bl-summary" },
    el("option", { value: "median_iqr" }, "median [IQR] (gtsummary default)"),
    el("option", { value: "mean_sd" }, "mean (SD)"));
  const testSel = el("select", { id: "bl-test" },
    el("option", { value: "kruskal" }, "Kruskal–Wallis (Wilcoxon for 2 groups)"),
    el("option", { value: "anova" }, "ANOVA (t-test for 2 groups)"),
    el("option", { value: "welch" }, "Welch's ANOVA (Welch's t-test)"));
  const yates = el("input", { type: "checkbox", id: "bl-yates" });
  const overallSel = el("select", { id: "bl-overall" },
    el("option", { value: "first" }, "first (as gtsummary)"),
    el("option", { value: "last" }, "last"),
    el("option", { value: "none" }, "not shown"));
  const binarySel = el("select", { id: "bl-binary" },
    el("option", { value: "one_row" }, "one row: n (%) of yes"),
    el("option", { value: "both_levels" }, "a row per value"));
  const decimalSel = el("select", { id: "bl-decimal" },
    el("option", { value: "point" }, "point: 12.5 (CSV with ,)"),
    el("option", { value: "comma" }, "comma: 12,5 (CSV with ;)"));
  const variableList = el("div", { id: "bl-variables", class: "bl-variables" });
  const error = el("div", { class: "error", role: "alert", id: "bl-error", hidden: true });
  const hint = el("p", { class: "hint", id: "bl-hint" });
  const tableBox = el("div", { id: "bl-table", class: "bl-table-box" });
  const footnotes = el("ul", { id: "bl-footnotes", class: "bl-footnotes" });
  const settings = el("p", { id: "bl-settings", class: "settings-note" });
  const warnings = el("ul", { id: "bl-warnings", class: "warnings" });
  const copied = el("span", { id: "bl-copied", class: "bl-copied", role: "status" });
  const csvButton = el("button", { type: "button", id: "bl-csv", "aria-label": "Download CSV of Table 1" }, "Download CSV");
  const copyButton = el("button", { type: "button", id: "bl-copy", "aria-label": "Copy table: Table 1, pastes as a table into Word or Excel" }, "Copy table");
  const results = el("div", { id: "bl-results", hidden: true },
    tableBox, footnotes, settings, warnings,
    el("div", { class: "figure-actions" }, csvButton, copyButton, copied));

  const setAll = (checked) => () => {
    for (const box of variableList.querySelectorAll("input[type=checkbox]")) {
      box.checked = checked;
      choices.get(box.value).checked = checked;
    }
    schedule();
  };
  const element = el("section", { class: "card", id: "baseline-card", hidden: true, "aria-labelledby": "bl-title" },
    el("h3", { id: "bl-title" }, "Baseline characteristics (Table 1)"),
    el("p", { class: "hint" },
      "Each chosen variable by group: n (%) for categories, median [IQR] or mean (SD) for numbers, with one p-value per variable. ",
      "Click “Copy table” and paste into Word or Excel."),
    el("form", { class: "settings", id: "bl-form" },
      el("label", {}, "Compare groups", group),
      el("label", {}, "Numbers shown as", summarySel),
      el("label", {}, "Test for numbers", testSel),
      el("label", {}, "Overall column", overallSel),
      el("label", {}, "Yes/no variables", binarySel),
      el("label", {}, "Decimal mark", decimalSel),
      el("label", { class: "check" }, yates, "Yates' correction for 2 × 2 tables (tableone)"),
      el("fieldset", { class: "bl-fieldset" },
        el("legend", {}, "Variables (rows of the table)"),
        el("div", { class: "bl-bulk" },
          el("button", { type: "button", class: "secondary", id: "bl-all", onclick: setAll(true) }, "Select all"),
          el("button", { type: "button", class: "secondary", id: "bl-none", onclick: setAll(false) }, "Select none")),
        variableList)),
    hint, error, results);

  // column name -> { checked, kind }: kept while the same file is open.
  let choices = new Map();
  let fileName = null;
  let summary = null;
  let current = null;
  let request = 0;
  let timer = null;

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

  const candidateColumns = () =>
    summary.columns.filter((c) => c.type !== "date" && c.type !== "ambiguous_date" && c.type !== "text"
      && c.name !== group.value);

  function defaultKind(c) {
    if (c.type !== "number") return "categorical";
    return c.values && c.values.length <= MAX_CATEGORICAL_NUMBER_LEVELS ? "categorical" : "continuous";
  }

  function refreshChoices() {
    // A new file gets default ticks; columns added later (derived endpoints
    // after a classification) start unticked.
    const fresh = choices.size === 0;
    let checkedCount = [...choices.values()].filter((v) => v.checked).length;
    for (const c of summary.columns) {
      if (choices.has(c.name)) continue;
      const constant = c.values !== null && c.values.length < 2;
      const derived = c.derived != null;
      const usable = c.type === "number" || (c.type === "category" && c.values !== null);
      const checked = fresh && usable && !constant && !derived && !looksLikeId(c.name) && !looksLikeOutcome(c.name)
        && checkedCount < MAX_DEFAULT_VARIABLES;
      if (checked) checkedCount++;
      choices.set(c.name, { checked, kind: defaultKind(c) });
    }
  }

  // A variable's label, set once: Table 1, KM legends, forest plots and model tables use it.
  function labelInput(name) {
    const input = el("input", {
      type: "text", class: "bl-label", placeholder: "label", value: engine.labels[name] ?? "",
      "aria-label": `Label of ${name} (used in every table and figure)`,
    });
    input.addEventListener("change", () => engine.setLabel(name, input.value));
    return input;
  }

  function renderVariables() {
    // The group column is no row of the table, but its label titles the
    // groups (and the KM legend): it is labelled here too.
    const groupRow = group.value
      ? [el("div", { class: "bl-variable-row bl-group-row" },
        el("span", { class: "bl-variable" }, el("span", {}, `${group.value} (groups)`)), labelInput(group.value))]
      : [];
    variableList.replaceChildren(...groupRow, ...candidateColumns().map((c) => {
      const choice = choices.get(c.name);
      const box = el("input", { type: "checkbox", value: c.name, checked: choice.checked && c.name !== group.value });
      box.addEventListener("change", () => { choice.checked = box.checked; schedule(); });
      const item = el("label", { class: "bl-variable", title: `${c.type_label}: ${c.preview}` }, box, el("span", {}, c.name));
      const label = labelInput(c.name);
      if (c.type === "number") {
        const kind = el("select", { class: "bl-kind", "aria-label": `${c.name} summarised as` },
          el("option", { value: "categorical", selected: choice.kind === "categorical" }, "n (%)"),
          el("option", { value: "continuous", selected: choice.kind === "continuous" }, "median/mean"));
        kind.addEventListener("change", () => { choice.kind = kind.value; if (choice.checked) schedule(); });
        return el("div", { class: "bl-variable-row" }, item, label, kind);
      }
      return el("div", { class: "bl-variable-row" }, item, label);
    }));
  }

  function options() {
    const variables = candidateColumns()
      .filter((c) => choices.get(c.name)?.checked)
      .map((c) => ({ column: c.name, kind: choices.get(c.name).kind }));
    return {
      group: group.value,
      variables,
      continuous_summary: summarySel.value,
      continuous_test: testSel.value,
      yates: yates.checked,
      overall: overallSel.value !== "none",
      overall_last: overallSel.value === "last",
      binary: binarySel.value,
      decimal_mark: decimalSel.value,
      preset: state.preset ?? null,
    };
  }

  /**
   * The form shows a Table 1 request (the inverse of options()): the group,
   * exactly the variables it lists with their kinds, the summary, the test
   * and Yates' correction. Does not run (see `fit`).
   */
  function setForm(o = {}) {
    if (!summary) return;
    if ([...group.options].some((x) => x.value === o.group)) group.value = o.group;
    const wanted = new Map((o.variables ?? []).map((v) => (typeof v === "string" ? [v, null] : [v.column, v.kind ?? null])));
    for (const [name, choice] of choices) {
      choice.checked = wanted.has(name);
      if (wanted.get(name)) choice.kind = wanted.get(name);
    }
    for (const [select, value] of [[summarySel, o.continuous_summary], [testSel, o.continuous_test]]) {
      if (value != null && [...select.options].some((x) => x.value === value)) select.value = value;
    }
    yates.checked = Boolean(o.yates);
    overallSel.value = o.overall === false ? "none" : o.overall_last ? "last" : "first";
    if (o.binary) binarySel.value = o.binary;
    if (o.decimal_mark) decimalSel.value = o.decimal_mark;
    renderVariables();
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  }

  async function run() {
    const id = ++request;
    clearError();
    const opts = options();
    if (!opts.group) {
      results.hidden = true;
      hint.textContent = "Choose the column that defines the groups (e.g. treatment arm or resistance group).";
      return;
    }
    if (opts.variables.length === 0) {
      results.hidden = true;
      hint.textContent = "Tick at least one variable.";
      return;
    }
    hint.textContent = "";
    try {
      const r = await engine.dataset("baselineTable", opts);
      if (id !== request) return; // a newer setting is on its way
      current = r;
      show(r);
    } catch (e) {
      if (id !== request) return;
      results.hidden = true;
      current = null;
      showError(e);
    }
  }

  function show(r) {
    const { header, rows } = r.display;
    const table = el("table", { class: "bl-table" },
      el("thead", {}, el("tr", {}, header.map((h, i) =>
        el("th", { scope: "col", class: i === 0 ? null : "num" }, h)))),
      el("tbody", {}, rows.map((row) => el("tr", { class: row.level === 0 ? "bl-var-row" : "bl-level-row" },
        row.cells.map((c, i) => el("td", { class: i === 0 ? (row.level === 0 ? "bl-var" : "bl-level") : "num" }, c)),
        el("td", { class: "num bl-p" }, row.p, row.mark ? el("sup", {}, row.mark) : null)))));
    tableBox.replaceChildren(table);
    footnotes.replaceChildren(...r.footnotes.map((f) => el("li", {}, el("sup", {}, f.mark), " ", f.test)));
    settings.textContent = r.settings_text;
    warnings.replaceChildren(...r.warnings.map((w) => el("li", {}, w.message)));
    copied.textContent = "";
    results.hidden = false;
  }

  function downloadCsv() {
    if (!current) return;
    // The byte-order mark lets Excel read the file as UTF-8 (en dashes, ≥).
    download(new Blob(["\uFEFF", current.csv], { type: "text/csv;charset=utf-8" }), "table1.csv");
  }

  async function copyTable() {
    if (!current) return;
    const flash = (text) => {
      copied.textContent = text;
      setTimeout(() => { if (copied.textContent === text) copied.textContent = ""; }, 2500);
    };
    try {
      if (typeof ClipboardItem === "undefined" || !navigator.clipboard?.write) throw new Error("no rich clipboard");
      await navigator.clipboard.write([new ClipboardItem({
        "text/html": new Blob([current.html], { type: "text/html" }),
        "text/plain": new Blob([current.tsv], { type: "text/plain" }),
      })]);
      flash("Copied");
    } catch {
      try {
        await navigator.clipboard.writeText(current.tsv);
        flash("Copied (as text)");
      } catch {
        flash("The browser did not allow copying; use Download CSV instead.");
      }
    }
  }

  group.addEventListener("change", () => { renderVariables(); schedule(); });
  for (const input of [summarySel, testSel, yates, overallSel, binarySel, decimalSel]) input.addEventListener("change", schedule);
  csvButton.addEventListener("click", downloadCsv);
  copyButton.addEventListener("click", copyTable);

  function onData(s) {
    if (s.name !== fileName || !summary) {
      choices = new Map();
      // A file read with decimal commas gets its tables with decimal commas.
      decimalSel.value = s.decimal_comma ? "comma" : "point";
    }
    fileName = s.name;
    summary = s;
    refreshChoices();
    const groupable = s.columns.filter((c) => c.groupable).map((c) => ({ value: c.name }));
    const names = new Set(groupable.map((g) => g.value));
    const cohortGroup = state.cohort?.group_column;
    const previous = group.value;
    const chosen = cohortGroup && names.has(cohortGroup) ? cohortGroup
      : names.has(previous) ? previous
      : s.suggestions?.group && names.has(s.suggestions.group) ? s.suggestions.group : "";
    fillSelect(group, [{ value: "", label: "— choose a column —" }, ...groupable], chosen);
    renderVariables();
    element.hidden = false;
    run();
  }

  // A label set here (or anywhere) retitles the table's rows.
  engine.addEventListener("labels", () => current && schedule());
  // A "match another program" choice recomputes a table already shown.
  document.addEventListener("survcalc:preset", () => current && run());
  // A new analysis set (www/js/panels/sets.js) redoes the table.
  return { element, onData, setForm, fit: run, rerun: schedule };
}
