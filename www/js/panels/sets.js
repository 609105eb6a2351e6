// Analysis sets: named groups of patients ("Primary resistance",
// "Analysed patients") that each panel can be restricted to. A set is a
// `filter` of the wasm API (docs/api.md, "Analysis sets"); the wasm side
// checks it, counts it ("229 of 601") and states it in every result, so
// this file only builds the conditions from the form and lists the sets.
// The page hooks in three places: `attach` puts a "Patients" choice into a
// panel's form, `engineFor` adds the chosen set to the panel's requests,
// and `onData` / `onClassified` keep the sets in step with the file.

// The tests a condition can make, by the kind of column.
const TESTS = {
  values: { label: "is one of", kinds: ["category", "text", "number"] },
  at_least: { label: "≥", kinds: ["number"] },
  above: { label: ">", kinds: ["number"] },
  at_most: { label: "≤", kinds: ["number"] },
  below: { label: "<", kinds: ["number"] },
  range: { label: "from ≥ … to <", kinds: ["number"] },
  dates: { label: "dates from … to … (both included)", kinds: ["date"] },
  present: { label: "has a value", kinds: ["category", "text", "number", "date"] },
};

export function createSets({ engine, el, fillSelect, errorText }) {
  /** [{ name, filter, set (AnalysisSet), offered }] */
  let sets = [];
  let summary = null;
  /** panel key -> { select, rerun } */
  const pickers = new Map();

  const list = el("ul", { id: "sets-list", class: "sets-list" });
  const nameInput = el("input", { type: "text", id: "set-name", size: 22, placeholder: "e.g. Primary resistance", spellcheck: "false" });
  const conditions = el("div", { id: "set-conditions", class: "set-conditions" });
  const addCondition = el("button", { type: "button", class: "secondary small", id: "set-add-condition" }, "+ condition");
  const addSet = el("button", { type: "button", id: "set-add" }, "Define set");
  const count = el("span", { id: "set-count", class: "hint", "aria-live": "polite" });
  const error = el("div", { class: "error", role: "alert", id: "sets-error", hidden: true });
  const element = el("section", { class: "card", id: "sets-card", hidden: true, "aria-labelledby": "sets-title" },
    el("h3", { id: "sets-title" }, "Analysis sets ", el("span", { class: "optional" }, "which patients an analysis is about")),
    el("p", { class: "hint" },
      "Restrict any analysis below to some patients (R's subset =): conditions on columns, all of which a patient must meet. ",
      "Each analysis has a “Patients” choice; every result then names its set and how many patients are in it."),
    list,
    el("form", { class: "settings set-form", id: "set-form" },
      el("label", {}, "Name", nameInput),
      el("fieldset", { class: "reg-fieldset" }, el("legend", {}, "Conditions (all must hold)"), conditions, addCondition),
      addSet, count),
    error);

  const columnNamed = (name) => summary?.columns.find((c) => c.name === name);
  const kindOf = (c) => (c?.type === "ambiguous_date" ? "date" : c?.type === "date" ? "date" : c?.type);

  /** One condition row: column, test, and the inputs the test needs. */
  function conditionRow() {
    const column = el("select", { class: "set-column", "aria-label": "Column" });
    const test = el("select", { class: "set-test", "aria-label": "Test" });
    const inputs = el("span", { class: "set-inputs" });
    const remove = el("button", { type: "button", class: "secondary small", title: "Remove this condition" }, "×");
    const row = el("div", { class: "set-condition" }, column, test, inputs, remove);
    fillSelect(column, [{ value: "", label: "— column —" }, ...summary.columns.map((c) => ({ value: c.name }))], "");
    const syncTests = () => {
      const kind = kindOf(columnNamed(column.value));
      const choices = Object.entries(TESTS).filter(([, t]) => !kind || t.kinds.includes(kind)).map(([value, t]) => ({ value, label: t.label }));
      fillSelect(test, choices, choices[0]?.value);
      syncInputs();
    };
    const syncInputs = () => {
      const c = columnNamed(column.value);
      const number = (cls, placeholder) => el("input", { type: "text", class: cls, size: 8, placeholder, inputmode: "decimal" });
      const date = (cls, placeholder) => el("input", { type: "text", class: cls, size: 11, placeholder });
      switch (test.value) {
        case "values":
          inputs.replaceChildren(...(c?.values?.length
            ? c.values.map((v) => el("label", { class: "check" }, el("input", { type: "checkbox", class: "set-value", value: v }), v))
            : [el("input", { type: "text", class: "set-values-text", size: 18, placeholder: "values, separated by ;" })]));
          break;
        case "range":
          inputs.replaceChildren(number("set-from", "from (≥)"), " to ", number("set-to", "to (<)"));
          break;
        case "dates":
          inputs.replaceChildren(date("set-from-date", "2020-01-01"), " to ", date("set-to-date", "2020-12-31"));
          break;
        case "present":
          inputs.replaceChildren();
          break;
        default:
          inputs.replaceChildren(number("set-number", "number"));
      }
    };
    column.addEventListener("change", syncTests);
    test.addEventListener("change", syncInputs);
    remove.addEventListener("click", () => row.remove());
    syncTests();
    return row;
  }

  /** The condition of a row as the wasm API reads it (numbers as typed: the reader names a bad one). */
  function conditionOf(row) {
    const column = row.querySelector(".set-column").value;
    const test = row.querySelector(".set-test").value;
    const value = (cls) => row.querySelector(cls)?.value.trim() ?? "";
    const condition = { column };
    switch (test) {
      case "values": {
        const ticked = [...row.querySelectorAll(".set-value:checked")].map((i) => i.value);
        condition.values = ticked.length ? ticked : value(".set-values-text").split(";").map((v) => v.trim()).filter(Boolean);
        break;
      }
      case "range":
        if (value(".set-from")) condition.at_least = value(".set-from");
        if (value(".set-to")) condition.below = value(".set-to");
        break;
      case "dates":
        if (value(".set-from-date")) condition.from_date = value(".set-from-date");
        if (value(".set-to-date")) condition.to_date = value(".set-to-date");
        break;
      case "present":
        condition.present = true;
        break;
      default:
        condition[test] = value(".set-number");
    }
    return condition;
  }

  async function define() {
    error.hidden = true;
    const filter = { name: nameInput.value.trim(), conditions: [...conditions.querySelectorAll(".set-condition")].map(conditionOf) };
    try {
      const set = await engine.dataset("analysisSet", filter);
      const name = set.name || set.description;
      sets = sets.filter((s) => s.name !== name);
      sets.push({ name, filter, set, offered: false });
      nameInput.value = "";
      conditions.replaceChildren(conditionRow());
      count.textContent = `“${name}”: ${set.n_in} of ${set.n_total} patients.`;
      refresh();
    } catch (e) {
      error.hidden = false;
      error.textContent = errorText(e);
    }
  }

  /** The sets listed, and every panel's choice refreshed (a removed set falls back to all patients). */
  function refresh() {
    list.replaceChildren(...sets.map((s) => el("li", { "data-set": s.name },
      el("strong", {}, s.name), ` — ${s.set.description}: ${s.set.n_in} of ${s.set.n_total} patients`,
      s.offered ? el("span", { class: "hint" }, " (from the classification)") : null, " ",
      el("button", { type: "button", class: "secondary small", title: `Remove the set “${s.name}”`, "aria-label": `Remove the set ${s.name}`, onclick: () => remove(s.name) }, "Remove"))));
    for (const [key, picker] of pickers) {
      const before = picker.select.value;
      fillSelect(picker.select, [{ value: "", label: "All patients" }, ...sets.map((s) => ({ value: s.name, label: `${s.name} (${s.set.n_in})` }))],
        sets.some((s) => s.name === before) ? before : "");
      if (before && picker.select.value !== before) picker.rerun?.(key);
    }
  }

  function remove(name) {
    sets = sets.filter((s) => s.name !== name);
    refresh();
  }

  /** Sets the classification makes meaningful: its analysed patients, and each group. */
  async function offer(cohort) {
    const group = cohort.group_column;
    const wanted = [
      { name: "Analysed patients", conditions: [{ column: group, present: true }] },
      ...cohort.group_levels.map((l) => ({
        name: l.label.charAt(0).toUpperCase() + l.label.slice(1),
        conditions: [{ column: group, values: [l.label] }],
      })),
    ];
    const offered = [];
    for (const filter of wanted) {
      try {
        offered.push({ name: filter.name, filter, set: await engine.dataset("analysisSet", filter), offered: true });
      } catch {
        // A group nobody is in is simply not offered.
      }
    }
    const names = new Set(offered.map((s) => s.name));
    sets = [...offered, ...sets.filter((s) => !s.offered && !names.has(s.name))];
    refresh();
  }

  /** Sets whose columns are gone (a new file, a removed derived column) are dropped. */
  function onData(s) {
    const newFile = summary?.name !== s.name;
    summary = s;
    const names = new Set(s.columns.map((c) => c.name));
    sets = newFile ? [] : sets.filter((set) => set.filter.conditions.every((c) => names.has(c.column)));
    conditions.replaceChildren(conditionRow());
    count.textContent = "";
    error.hidden = true;
    element.hidden = false;
    refresh();
  }

  addCondition.addEventListener("click", () => conditions.append(conditionRow()));
  addSet.addEventListener("click", define);

  return {
    element,
    onData,
    onClassified: (cohort) => offer(cohort),
    /** A "Patients" choice at the top of a panel's form; `rerun` is called when its set changes. */
    attach(form, key, rerun) {
      const select = el("select", { id: `${key}-set`, class: "set-picker", "aria-label": "Patients (analysis set)" });
      pickers.set(key, { select, rerun });
      select.addEventListener("change", () => rerun?.(key));
      form.prepend(el("label", { class: "set-picker-label" }, "Patients", select));
      refresh();
      return select;
    },
    /**
     * A panel's "Patients" choice shows a request's `filter` (the inverse of
     * filterFor): the set with its name or the same conditions, defined
     * first when this page does not have it yet; null: all patients.
     */
    async setFilterFor(key, filter) {
      const picker = pickers.get(key);
      if (!picker) return;
      if (!filter) {
        picker.select.value = "";
        return;
      }
      const same = (a, b) => JSON.stringify(a.conditions ?? []) === JSON.stringify(b.conditions ?? []);
      let known = sets.find((s) => (filter.name && s.name === filter.name) || same(s.filter, filter));
      if (!known) {
        const set = await engine.dataset("analysisSet", filter);
        known = { name: set.name || set.description, filter, set, offered: false };
        sets = [...sets.filter((s) => s.name !== known.name), known];
        refresh();
      }
      picker.select.value = known.name;
    },
    /** The filter of the set chosen in a panel, or null for all patients. */
    filterFor(key) {
      const name = pickers.get(key)?.select.value;
      return sets.find((s) => s.name === name)?.filter ?? null;
    },
    /** The engine a panel uses: its analysis requests carry its chosen set. */
    engineFor(slot) {
      return {
        ...engine,
        call: (...args) => engine.call(...args),
        // Variable labels are the session's, shared by every panel.
        addEventListener: (...args) => engine.addEventListener(...args),
        setLabel: (...args) => engine.setLabel(...args),
        // `panel` names the request's panel for the session's record
        // (recorder.js keeps each panel's last request); the worker ignores it.
        dataset: (method, options, ...rest) => engine.call("dataset", {
          method,
          args: [options && typeof options === "object" ? { ...options, filter: this.filterFor(slot.key) } : options, ...rest],
          panel: slot.key,
        }),
      };
    },
  };
}
