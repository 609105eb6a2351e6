// The computation worker: holds the wasm modules and the parsed dataset, so
// a 100 MB file or a million-row Cox fit never freezes the page. It starts
// with the small start-up module (survcalc_core: reading, summary,
// classification, Kaplan–Meier, rates) and loads the full one (survcalc)
// the first time a method only that one has is called, moving the dataset
// there by replaying its recipe (www/js/session.js). The page may stop this
// worker at any time (Cancel) and start another with the same recipe.
// Requests are answered one at a time, in order. No static import: the wasm
// starts downloading as soon as this script runs.

// The build's version (boot.js and engine.js put it in this script's URL)
// in the URLs keeps a module's glue and its wasm from two different
// deployments apart (.ci/stamp-site.mjs).
const version = new URL(import.meta.url).searchParams.get("v") ?? "dev";
const session = import("./session.js");
const pkgUrl = (file) => new URL(`../pkg/${file}?v=${version}`, import.meta.url);
const MODULES = { core: "survcalc_core", full: "survcalc" };
const modules = {};

/** A module's package, instantiated once; the wasm is fetched while the glue loads. */
function loadModule(name) {
  modules[name] ??= (async () => {
    // High priority: on the first visit this is the critical path.
    const wasm = fetch(pkgUrl(`${MODULES[name]}_bg.wasm`), { priority: name === "core" ? "high" : "auto" });
    const pkg = await import(pkgUrl(`${MODULES[name]}.js`).href);
    // Compiled while it streams in where the host serves application/wasm;
    // otherwise (the glue falls back) from the downloaded bytes.
    await pkg.default({ module_or_path: wasm });
    return pkg;
  })();
  return modules[name];
}

let active = "core"; // the module that holds `dataset`
let dataset = null;
// How the dataset was made (source, options, data-changing steps) and the
// source's text, kept to read it again with other column types, or into
// the full module.
let recipe = null;
let current = null; // { text, name, synthetic }
// The bundled examples (www/examples/index.json: path, title, description,
// synthetic); each file is fetched when it is chosen (the service worker
// keeps them for offline use).
let manifest = [];

async function fetchManifest() {
  const response = await fetch(new URL("../examples/index.json", import.meta.url));
  if (response.ok) manifest = await response.json();
}

const startup = Promise.all([loadModule("core"), fetchManifest()]);

/** The text and name of a recipe's source. */
async function sourceText(source) {
  if (source.kind === "file") return { text: await source.file.text(), name: source.file.name, synthetic: false };
  if (source.kind === "text") return { text: source.text, name: source.name, synthetic: false };
  const entry = manifest.find((e) => e.path === source.path);
  const response = entry && await fetch(new URL(`../${source.path}`, import.meta.url));
  if (!response?.ok) throw new Error(`The example ${source.path} is not available.`);
  return { text: await response.text(), name: source.path.split("/").pop(), synthetic: entry.synthetic === true };
}

/** Builds the dataset of `plan` in module `name` (the steps replayed in order). */
async function build(name, plan, text, progress) {
  const pkg = await loadModule(name);
  const next = pkg.Dataset.fromCsv(text.text, text.name, { ...plan.options, synthetic: text.synthetic }, progress);
  try {
    for (const { method, args } of plan.steps) next[method](...args);
  } catch (error) {
    next.free();
    throw error;
  }
  return next;
}

function replace(next, name, plan, text) {
  dataset?.free();
  dataset = next;
  active = name;
  recipe = plan;
  current = text;
  return dataset.summary();
}

/** A new source (or new options): read into the module in use. */
async function load(op, args, progress) {
  const { updateRecipe } = await session;
  const plan = updateRecipe(recipe, op, args);
  const text = op === "reload" ? current : await sourceText(plan.source);
  return replace(await build(active, plan, text, progress), active, plan, text);
}

function requireData() {
  if (!dataset) throw new Error("Load a CSV file first.");
  return dataset;
}

/** The dataset in a module that has `method`: the full one when the start-up module lacks it. */
async function datasetWith(method, progress) {
  const data = requireData();
  if (typeof data[method] === "function" || active === "full") return data;
  const next = await build("full", recipe, current, progress);
  replace(next, "full", recipe, current);
  return dataset;
}

const ops = {
  loadFile: (args, progress) => load("loadFile", args, progress),
  loadText: (args, progress) => load("loadText", args, progress),
  loadExample: (args, progress) => load("loadExample", args, progress),
  reload: (args, progress) => {
    if (!current) throw new Error("Load a CSV file first.");
    return load("reload", args, progress);
  },
  // A new worker after Cancel: the page's recipe, into the module the old
  // worker had reached (so a model fitted before is not slower now).
  restore: async ({ recipe: plan, module }, progress) => {
    const name = module === "full" ? "full" : "core";
    const text = await sourceText(plan.source);
    return replace(await build(name, plan, text, progress), name, plan, text);
  },
  summary: () => requireData().summary(),
  suggestCohortColumns: () => requireData().suggestCohortColumns(),
  classify: async ({ request }) => {
    const { updateRecipe } = await session;
    const result = requireData().classify(request);
    recipe = updateRecipe(recipe, "classify", { request });
    return { result, summary: dataset.summary() };
  },
  kaplanMeier: ({ options }) => requireData().kaplanMeier(options),
  // Any other analysis method of the Dataset handle (docs/api.md), so that a
  // new panel needs no change here.
  dataset: async ({ method, args }, progress) => {
    if (typeof method !== "string" || method.startsWith("_") || method === "free" || method === "constructor") {
      throw new Error(`unknown analysis ${method}`);
    }
    const data = await datasetWith(method, progress);
    if (typeof data[method] !== "function") throw new Error(`unknown analysis ${method}`);
    const result = data[method](...(args ?? []));
    recipe = (await session).updateRecipe(recipe, "dataset", { method, args });
    return result;
  },
};

async function handle({ id, op, args }) {
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
    self.postMessage({ id, ok: true, result, module: active });
  } catch (error) {
    // A RuntimeError means the wasm instance itself failed (a bug, never bad
    // data): the page says so instead of silently misbehaving.
    const fatal = error instanceof WebAssembly.RuntimeError;
    self.postMessage({ id, ok: false, fatal, error: String(error?.message ?? error) });
  }
}

let queue = Promise.resolve();
self.onmessage = ({ data }) => { queue = queue.then(() => handle(data)); };

startup.then(
  // The classification form starts from the default rules.
  ([core]) => self.postMessage({ ready: true, examples: manifest, rules: core.defaultResistanceRules() }),
  (error) => self.postMessage({ ready: false, error: String(error?.message ?? error) }),
);
