// The computation worker: holds the wasm module and the parsed dataset, so a
// 100 MB file or a million-row Cox fit never freezes the page. Everything it
// needs (the wasm, the examples' manifest and the examples it lists) is
// fetched when the page loads; after that it makes no network request.
import init, { Dataset } from "../pkg/survcalc.js";

let dataset = null;
// The text of the current file, kept so that the user can change a column's
// type (or the delimiter) and have it read again without choosing it again;
// `synthetic` as the manifest declared it for an example.
let current = null;
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
    if (file.ok) examples.set(path, await file.text());
  }));
}

const startup = Promise.all([
  init({ module_or_path: new URL("../pkg/survcalc_bg.wasm", import.meta.url) }),
  fetchExamples(),
]);

function load(text, name, options, progress, synthetic = false) {
  const next = Dataset.fromCsv(text, name, { ...options, synthetic }, progress);
  dataset?.free();
  dataset = next;
  current = { text, name, synthetic };
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
    const entry = manifest.find((e) => e.path === path);
    if (text === undefined || !entry) throw new Error(`The example ${path} is not available.`);
    return load(text, path.split("/").pop(), options, progress, entry.synthetic === true);
  },
  reload({ options }, progress) {
    if (!current) throw new Error("Load a CSV file first.");
    return load(current.text, current.name, options, progress, current.synthetic);
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
