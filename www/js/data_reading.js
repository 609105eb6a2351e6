// The data card's choices about how the file is read, built from the typed
// facts of the summary (never from its sentences): which sheet of a
// workbook, non-numbers read as missing, the decimal mark, thousands.
// Each choice calls `reread(options)` (ReadOptions to merge) or
// `chooseSheet(name)`.
import { el } from "./dom.js";

/** A "Sheet:" select for a workbook with several sheets (`selected`: the
 * sheet shown, or null when the user has not chosen yet). */
export function sheetChooser(name, sheets, selected, chooseSheet) {
  const select = el("select", { id: "sheet-select", "aria-label": "Sheet" },
    selected == null ? el("option", { value: "", selected: true }, "— choose the sheet with the data —") : null,
    sheets.map((s) => el("option", { value: s, selected: s === selected }, s)));
  select.addEventListener("change", () => select.value && chooseSheet(select.value));
  return el("p", { class: "sheet-choice" },
    selected == null ? `${name} has ${sheets.length} sheets. ` : "",
    el("label", { for: "sheet-select" }, "Sheet: "), select);
}

/** One line with a button per column whose values need a decision. */
export function readingActions(summary, reread) {
  const out = [];
  const button = (label, options) => {
    const b = el("button", { type: "button", class: "reading-action" }, label);
    b.addEventListener("click", () => reread(options));
    return b;
  };
  const cells = (list, count) => list.slice(0, 5).map((c) => `line ${c.line}: "${c.value}"`).join(", ")
    + (count > 5 ? `, … (${count} in all)` : "");
  for (const c of summary.columns) {
    const r = c.reading ?? {};
    if (r.non_numbers && !r.non_numbers.read_as_missing) {
      out.push(el("p", { class: "hint reading-note", "data-column": c.name },
        `Column "${c.name}" is numbers except ${cells(r.non_numbers.cells, r.non_numbers.count)}. `,
        button(`Read ${r.non_numbers.count === 1 ? "it" : "them"} as missing`, { non_numbers_as_missing: [c.name] })));
    }
    if (r.other_decimal_mark) {
      const mark = r.other_decimal_mark.separator === "," ? "comma" : "point";
      out.push(el("p", { class: "hint reading-note", "data-column": c.name },
        `Column "${c.name}" holds numbers with a decimal ${mark} (line ${r.other_decimal_mark.line}: "${r.other_decimal_mark.value}"). `,
        button(`Read the file with decimal ${mark}s`, { decimal: mark })));
    }
    if (r.ambiguous_separator) {
      const e = r.ambiguous_separator;
      out.push(el("p", { class: "hint reading-note", "data-column": c.name },
        `Column "${c.name}": is "${e.value}" (line ${e.line}) a thousand or a decimal? `,
        button("Thousands", { column_types: { [c.name]: "number" } }), " ",
        button(`Decimals (decimal ${e.separator === "," ? "comma" : "point"})`, { decimal: e.separator === "," ? "comma" : "point" })));
    }
    if (c.several_event_codes) {
      out.push(el("p", { class: "hint reading-note", "data-column": c.name },
        `Column "${c.name}" has ${c.values.length} codes (${c.values.join(", ")}): competing events? Choose which codes are events and which censored.`));
    }
  }
  return out;
}
