import { charts } from "./charts.js";

// Small DOM helpers. Text always goes in through textContent: column names
// and values come from the user's file and must never be parsed as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A table from a header row and rows of already formatted cells. */
export function table(header, rows, { numeric = [], className } = {}) {
  const isNum = (i) => numeric.includes(i);
  return el("table", { class: className },
    el("thead", {}, el("tr", {}, header.map((h, i) => el("th", { class: isNum(i) ? "num" : null, scope: "col" }, h)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, row.map((c, i) => el("td", { class: isNum(i) ? "num" : null }, c))))));
}

export function fillSelect(select, options, selected) {
  select.replaceChildren(...options.map(({ value, label }) =>
    el("option", { value, selected: value === selected }, label ?? value)));
}

/** Saves a Blob under a file name, without any network request. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Copies rich (HTML) and plain (tab-separated) text; falls back to plain. */
export async function copyTable(html, tsv) {
  try {
    await navigator.clipboard.write([new ClipboardItem({
      "text/html": new Blob([html], { type: "text/html" }),
      "text/plain": new Blob([tsv], { type: "text/plain" }),
    })]);
  } catch {
    await navigator.clipboard.writeText(tsv);
  }
}

/** "cox-hazard-ratios.csv" → "cox hazard ratios": a table's name when none is given. */
const nameFromFile = (fileName) => fileName.replace(/\.[a-z]+$/i, "").replace(/[-_]+/g, " ");

/**
 * A result table ({header, rows, numeric_columns}, formatted in Rust) with
 * "CSV" and "Copy" buttons named after the table (`name`, else the file
 * name), so that every button on the page says which table it exports; the
 * export text is made in Rust too. Wide tables scroll inside their box.
 */
export function exportableTable(t, fileName, { className, name } = {}) {
  const what = name ?? nameFromFile(fileName);
  const status = el("span", { class: "copied", "aria-live": "polite" });
  const csv = el("button", { type: "button", class: "small secondary", "aria-label": `Download ${what} table as CSV` }, "CSV");
  const copy = el("button", { type: "button", class: "small secondary", "aria-label": `Copy ${what} table (pastes as a table into Word or Excel)` }, "Copy");
  csv.addEventListener("click", async () => {
    const { exportTable } = await charts();
    download(new Blob(["\uFEFF", exportTable(t, "csv")], { type: "text/csv;charset=utf-8" }), fileName);
  });
  copy.addEventListener("click", async () => {
    try {
      const { exportTable } = await charts();
      await copyTable(exportTable(t, "html"), exportTable(t, "tsv"));
      status.textContent = "Copied";
    } catch {
      status.textContent = "The browser did not allow copying.";
    }
  });
  return el("div", { class: "exportable" },
    el("div", { class: "table-scroll" }, table(t.header, t.rows, { numeric: t.numeric_columns, className })),
    el("div", { class: "table-actions" }, csv, copy, status));
}

export const checkedValues = (box) => [...box.querySelectorAll("input:checked")].map((i) => i.value);

/**
 * The codes ticked in `box` when `column` (the newly chosen event column)
 * has the same codes as the ones shown: changing from os_event to pfs_event
 * keeps "1"; a column with other codes starts unticked.
 */
export function keptCodes(box, column) {
  const shown = [...box.querySelectorAll("input[type=checkbox]")].map((i) => i.value);
  const next = column?.values ?? [];
  const same = shown.length > 0 && shown.length === next.length && shown.every((v) => next.includes(v));
  return same ? checkedValues(box) : [];
}
