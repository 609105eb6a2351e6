// The computation worker: holds the wasm module and the parsed dataset, so a
// 100 MB file or a million-row Cox fit never freezes the page. Everything it
// needs (the wasm and the bundled examples) is fetched when the page loads;
// after that it makes no network request.
import init, { Dataset } from "../pkg/survcalc.js";

const EXAMPLES = [
  "examples/synthetic_hcc_cohort.csv",
  "examples/lung.csv",
  "examples/aml.csv",
];

let dataset = null;
// The text of the current file, kept so that the user can change a column's
// type (or the delimiter) and have it read again without choosing it again.
let current = null;
const examples = new Map();

const startup = Promise.all([
  init({ module_or_path: new URL("../pkg/survcalc_bg.wasm", import.meta.url) }),
  ...EXAMPLES.map(async (path) => {
    const response = await fetch(new URL(`../${path}`, import.meta.url));
    if (response.ok) examples.set(path, await response.text());
  }),
]);

function load(text, name, options, progress) {
  const next = Dataset.fromCsv(text, name, options ?? {}, progress);
  dataset?.free();
  dataset = next;
  current = { text, name };
  return dataset.summary();
}

function requireData() {
  if (!dataset) throw new Error("Load a CSV file first.");
  return dataset;
}

const ops = {
  async loadFile({ file, options }, progress) {
    const text = await file.text();
    return load(text, file.name, options, progress);
  },
  loadText({ text, name, options }, progress) {
    return load(text, name, options, progress);
  },
  loadExample({ path, options }, progress) {
    const text = examples.get(path);
    if (text === undefined) throw new Error(`The example ${path} is not available.`);
    return load(text, path.split("/").pop(), options, progress);
  },
  reload({ options }, progress) {
    if (!current) throw new Error("Load a CSV file first.");
    return load(current.text, current.name, options, progress);
  },
  summary: () => requireData().summary(),
  suggestCohortColumns: () => requireData().suggestCohortColumns(),
  classify: ({ request }) => {
    const result = requireData().classify(request);
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
  () => self.postMessage({ ready: true }),
  (error) => self.postMessage({ ready: false, error: String(error?.message ?? error) }),
);
