// The computation worker: holds the wasm module and the parsed dataset, so a
// 100 MB file or a million-row Cox fit never freezes the page. Everything it
// needs (the wasm, the examples' manifest and the examples it lists) is
// fetched when the page loads; after that it makes no network request.
import init, { Dataset, fileKind } from "../pkg/survcalc.js";

let dataset = null;
// The bytes of the current file, kept so that the user can change a column's
// type (or the delimiter, or the sheet) and have it read again without
// choosing it again: { bytes, name, synthetic, sheets, sheet, cells }, where
// a workbook also keeps its sheet names, the sheet read and its cells.
// `synthetic` as the manifest declared it for an example.
let current = null;
// The spreadsheet package (www/pkg-sheets), fetched the first time a
// workbook is dropped: CSV users never download it.
let sheetsPackage = null;
// The bundled examples (www/examples/index.json: path, title, description,
// synthetic) and their text by path.
let manifest = [];
const examples = new Map();

async function fetchExamples() {
  const response = await fetch(new URL("../examples/index.json", import.meta.url));
  if (!response.ok) return;
  manifest = await response.json();
  await Promise.all(manifest.map(async ({ path }) => {
    const file = await fetch(new URL(`../${path}`, import.meta.url));
    if (file.ok) examples.set(path, new Uint8Array(await file.arrayBuffer()));
  }));
}

const startup = Promise.all([
  init({ module_or_path: new URL("../pkg/survcalc_bg.wasm", import.meta.url) }),
  fetchExamples(),
]);

function sheets() {
  sheetsPackage ??= import("../pkg-sheets/survcalc_sheets.js").then(async (pkg) => {
    await pkg.default({ module_or_path: new URL("../pkg-sheets/survcalc_sheets_bg.wasm", import.meta.url) });
    return pkg;
  });
  // A failed download is tried again with the next workbook.
  sheetsPackage.catch(() => { sheetsPackage = null; });
  return sheetsPackage;
}

/** Runs `read` in the sheets package; if that instance dies on a damaged
 * workbook, a fresh one serves the next file (the dataset is not in it). */
async function inSheets(read) {
  const pkg = await sheets();
  try {
    return read(pkg);
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    sheetsPackage = null;
    throw new Error("The spreadsheet reader failed on this workbook (it may be damaged). Open it in Excel or LibreOffice and save it again, or save the sheet as CSV.");
  }
}

function use(next, file) {
  dataset?.free();
  dataset = next;
  current = file;
  const summary = dataset.summary();
  return file.sheets ? { ...summary, sheets: file.sheets } : summary;
}

/** Reads a file's bytes: a workbook through the sheets package (asking for
 * the sheet when it has several and none is chosen: `{ sheets }`), anything
 * else as text (UTF-8 or UTF-16), where the reader names other formats. */
async function load(bytes, name, options, progress, { synthetic = false, sheet = null } = {}) {
  const read = { ...options, synthetic };
  if (fileKind(bytes).spreadsheet) {
    const names = await inSheets((pkg) => pkg.sheetNames(bytes));
    if (sheet == null && names.length > 1) {
      current = { bytes, name, synthetic, sheets: names, sheet: null, cells: null };
      return { name, sheets: names };
    }
    const chosen = sheet ?? names[0];
    const cells = await inSheets((pkg) => pkg.readSheet(bytes, chosen));
    return use(Dataset.fromSheet(cells, name, read), { bytes, name, synthetic, sheets: names, sheet: chosen, cells });
  }
  return use(Dataset.fromBytes(bytes, name, read, progress), { bytes, name, synthetic });
}

function requireData() {
  if (!dataset) throw new Error("Load a CSV file first.");
  return dataset;
}

const ops = {
  async loadFile({ file, options, sheet }, progress) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return load(bytes, file.name, options, progress, { sheet });
  },
  loadText({ text, name, options }, progress) {
    return load(new TextEncoder().encode(text), name, options, progress);
  },
  loadExample({ path, options }, progress) {
    const bytes = examples.get(path);
    const entry = manifest.find((e) => e.path === path);
    if (bytes === undefined || !entry) throw new Error(`The example ${path} is not available.`);
    return load(bytes, path.split("/").pop(), options, progress, { synthetic: entry.synthetic === true });
  },
  // The same file again: other read options, or (workbooks) another sheet.
  async reload({ options, sheet }, progress) {
    if (!current) throw new Error("Load a CSV file first.");
    const { bytes, name, synthetic, cells } = current;
    if (cells && (sheet == null || sheet === current.sheet)) {
      return use(Dataset.fromSheet(cells, name, { ...options, synthetic }), current);
    }
    return load(bytes, name, options, progress, { synthetic, sheet: sheet ?? current.sheet });
  },
  summary: () => requireData().summary(),
  suggestCohortColumns: () => requireData().suggestCohortColumns(),
  classify: ({ request }) => {
    const result = requireData().classify(request);
    return { result, summary: dataset.summary() };
  },
  // Derived columns change the dataset: the summary comes back with them.
  derive: ({ request }) => {
    const result = requireData().derive(request);
    return { result, summary: dataset.summary() };
  },
  removeDerived: ({ name }) => {
    const result = requireData().removeDerived(name);
    return { result, summary: dataset.summary() };
  },
  kaplanMeier: ({ options }) => requireData().kaplanMeier(options),
  // Any other analysis method of the Dataset handle (docs/api.md), so that a
  // new panel needs no change here.
  dataset: ({ method, args }) => {
    const data = requireData();
    if (typeof data[method] !== "function" || method.startsWith("_") || method === "free") {
      throw new Error(`unknown analysis ${method}`);
    }
    return data[method](...(args ?? []));
  },
};

self.onmessage = async ({ data: { id, op, args } }) => {
  let last = 0;
  const progress = (done, total) => {
    const now = performance.now();
    if (now - last > 50 || done === total) {
      last = now;
      self.postMessage({ id, progress: { done, total } });
    }
  };
  try {
    await startup;
    const handler = ops[op];
    if (!handler) throw new Error(`unknown operation ${op}`);
    const result = await handler(args ?? {}, progress);
    self.postMessage({ id, ok: true, result });
  } catch (error) {
    // A RuntimeError means the wasm instance itself failed (a bug, never bad
    // data): the page says so instead of silently misbehaving.
    const fatal = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, fatal, error: String(error?.message ?? error) });
  }
};

startup.then(
  () => self.postMessage({ ready: true, examples: manifest.filter((e) => examples.has(e.path)) }),
  (error) => self.postMessage({ ready: false, error: String(error?.message ?? error) }),
);
