// "Match another program": one choice that sets what R, Stata, SAS, SPSS and
// Prism do differently by default (KM band, median CI, ties, log-rank, Yates,
// logistic CI). The choice lives in `state.preset`; panels add it to their
// requests and re-run on the "survcalc:preset" event. What each program's
// choice sets, and how faithfully, comes from the wasm side (presetChoices).
import { charts } from "../charts.js";

export const PRESET_EVENT = "survcalc:preset";

const PROGRAMS = [
  ["", "R (survcalc's default)"],
  ["r", "R, named in the results"],
  ["stata", "Stata"],
  ["sas", "SAS"],
  ["spss", "SPSS"],
  ["prism", "GraphPad Prism"],
];

const FIDELITY = {
  tested: "checked against R",
  documented: "the program's documented default",
  approximate: "approximate",
  not_available: "not printed by the program",
};

export function createPresetControl({ el, state }) {
  const select = el("select", { id: "preset-program" },
    PROGRAMS.map(([value, label]) => el("option", { value }, label)));
  const list = el("ul", { id: "preset-choices", class: "preset-choices" });
  const element = el("section", { class: "card", id: "preset-card", hidden: true, "aria-labelledby": "preset-title" },
    el("h3", { id: "preset-title" }, "Match another program"),
    el("p", { class: "hint" },
      "Programs differ in their defaults (the Kaplan–Meier interval, the median's CI, Cox ties, Table 1's chi-square, ",
      "the logistic CI). Choose one to compare with a paper or a colleague's output; every result then says what was set."),
    el("label", {}, "Match the defaults of ", select),
    list);

  async function show() {
    const program = select.value;
    state.preset = program || null;
    const choices = program ? (await charts()).presetChoices(program) : [];
    list.replaceChildren(...choices.map((c) =>
      el("li", { "data-setting": c.setting },
        `${c.text} — ${FIDELITY[c.fidelity] ?? c.fidelity}${c.note ? `: ${c.note}` : ""}.`)));
    document.dispatchEvent(new CustomEvent(PRESET_EVENT, { detail: state.preset }));
  }
  select.addEventListener("change", show);

  /**
   * Shows a request's `preset` (a program's name, or none): the choice and
   * what it sets, without re-running the panels (the caller runs them once
   * their forms are set).
   */
  async function setPreset(program) {
    select.value = PROGRAMS.some(([v]) => v === (program ?? "")) ? program ?? "" : "";
    state.preset = select.value || null;
    const choices = state.preset ? (await charts()).presetChoices(state.preset) : [];
    list.replaceChildren(...choices.map((c) =>
      el("li", { "data-setting": c.setting },
        `${c.text} — ${FIDELITY[c.fidelity] ?? c.fidelity}${c.note ? `: ${c.note}` : ""}.`)));
  }

  return { element, setPreset, onData() { element.hidden = false; } };
}
