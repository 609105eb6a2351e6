// The computation worker: holds the wasm modules and the parsed dataset, so
// a 100 MB file or a million-row Cox fit never freezes the page. It starts
// with the small start-up module (survcalc_core: reading text files, summary,
// Kaplan–Meier) and loads the full one (survcalc)
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
// { bytes, name, synthetic, sheets }: the file's bytes (a workbook's sheet
// names too), read again with other options, another sheet or in the full module.
let current = null;
// The spreadsheet package (www/pkg-sheets), fetched the first time a
// workbook is dropped: CSV users never download it.
let sheetsPackage = null;
// The teaching tour's dataset ({ key, data }): the walkthrough's example.
let tourData = null;
// The bundled examples (www/examples/index.json: path, title, description,
// synthetic); each file is fetched when it is chosen (the service worker
// keeps them for offline use).
let manifest = [];

async function fetchManifest() {
  const response = await fetch(new URL("../examples/index.json", import.meta.url));
  if (response.ok) manifest = await response.json();
}

const startup = Promise.all([loadModule("core"), fetchManifest()]);

/** The bytes and name of a recipe's source. */
async function sourceBytes(source) {
  if (source.kind === "file") return { bytes: new Uint8Array(await source.file.arrayBuffer()), name: source.file.name, synthetic: false };
  if (source.kind === "text") return { bytes: new TextEncoder().encode(source.text), name: source.name, synthetic: false };
  const entry = manifest.find((e) => e.path === source.path);
  const response = entry && await fetch(new URL(`../${source.path}`, import.meta.url));
  if (!response?.ok) throw new Error(`The example ${source.path} is not available.`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), name: source.path.split("/").pop(), synthetic: entry.synthetic === true };
}

function sheets() {
  sheetsPackage ??= (async () => {
    const pkg = await import(new URL(`../pkg-sheets/survcalc_sheets.js?v=${version}`, import.meta.url).href);
    await pkg.default({ module_or_path: new URL(`../pkg-sheets/survcalc_sheets_bg.wasm?v=${version}`, import.meta.url) });
    return pkg;
  })();
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

/**
 * Builds the dataset of `plan` in module `name` (the steps replayed in
 * order): a workbook through the sheets package, anything else as text
 * (UTF-8 or UTF-16), where the reader names other formats. A workbook with
 * several sheets and none chosen gives `null`: the page asks which.
 */
async function build(name, plan, src, progress) {
  const pkg = await loadModule(name);
  const read = { ...plan.options, synthetic: src.synthetic };
  let next;
  if (pkg.fileKind(src.bytes).spreadsheet) {
    src.sheets ??= await inSheets((sheetsPkg) => sheetsPkg.sheetNames(src.bytes));
    const chosen = plan.sheet ?? (src.sheets.length > 1 ? null : src.sheets[0]);
    if (chosen == null) return null;
    const cells = await inSheets((sheetsPkg) => sheetsPkg.readSheet(src.bytes, chosen));
    next = pkg.Dataset.fromSheet(cells, src.name, read);
  } else {
    next = pkg.Dataset.fromBytes(src.bytes, src.name, read, progress);
  }
  try {
    for (const { method, args } of plan.steps) next[method](...args);
  } catch (error) {
    next.free();
    throw error;
  }
  return next;
}

function replace(next, name, plan, src) {
  recipe = plan;
  current = src;
  // A workbook whose sheet is to be chosen: the dataset in use stays.
  if (!next) return { name: src.name, sheets: src.sheets };
  dataset?.free();
  dataset = next;
  active = name;
  const summary = dataset.summary();
  return src.sheets ? { ...summary, sheets: src.sheets } : summary;
}

/**
 * The module that reads `src` (starting from module `name`): a workbook
 * only the full one (the start-up module leaves `fromSheet` out, to stay
 * small; a workbook downloads the sheets package anyway).
 */
async function moduleFor(name, src) {
  if (name === "full") return name;
  const pkg = await loadModule(name);
  return pkg.fileKind(src.bytes).spreadsheet && typeof pkg.Dataset.fromSheet !== "function" ? "full" : name;
}

/** A new source (or new options, or another sheet): read into the module in use (see moduleFor). */
async function load(op, args, progress) {
  const { updateRecipe } = await session;
  const plan = updateRecipe(recipe, op, args);
  const src = op === "reload" ? current : await sourceBytes(plan.source);
  const name = await moduleFor(active, src);
  return replace(await build(name, plan, src, progress), name, plan, src);
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
  if (!next) throw new Error("Choose the workbook's sheet first.");
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
    const src = await sourceBytes(plan.source);
    const name = await moduleFor(module === "full" ? "full" : "core", src);
    return replace(await build(name, plan, src, progress), name, plan, src);
  },
  summary: () => requireData().summary(),
  suggestCohortColumns: () => requireData().suggestCohortColumns(),
  // The classification, derived columns and their removal change the
  // dataset: kept in the recipe, and the summary comes back with them. Only
  // the full module has them (the start-up module stays small), so the
  // first of them moves the data there.
  classify: async ({ request }, progress) => {
    const result = (await datasetWith("classify", progress)).classify(request);
    recipe = (await session).updateRecipe(recipe, "classify", { request });
    return { result, summary: dataset.summary() };
  },
  derive: async ({ request }, progress) => {
    const result = (await datasetWith("derive", progress)).derive(request);
    recipe = (await session).updateRecipe(recipe, "derive", { request });
    return { result, summary: dataset.summary() };
  },
  removeDerived: async ({ name }, progress) => {
    const result = (await datasetWith("removeDerived", progress)).removeDerived(name);
    recipe = (await session).updateRecipe(recipe, "removeDerived", { name });
    return { result, summary: dataset.summary() };
  },
  kaplanMeier: ({ options }) => requireData().kaplanMeier(options),
  // The loaded file's name, size and SHA-256, by which a kept session
  // recognises it when she opens it again (recorder.js).
  sourceFacts: async () => {
    requireData();
    const digest = self.crypto?.subtle ? await crypto.subtle.digest("SHA-256", current.bytes) : null;
    const sha256 = digest ? [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("") : null;
    return { name: current.name, size: current.bytes.length, sha256 };
  },
  // Analysis files (docs/api.md): free functions of the full module.
  readAnalysisFile: async ({ file }) => (await loadModule("full")).readAnalysisFile(file),
  methodsText: async ({ file }) => (await loadModule("full")).methodsText(file),
  // A session run on the loaded file read afresh with the session's reading
  // options (its own steps add the classification and derived columns), so
  // that it runs the same whatever the page has done to the data since.
  rerun: ({ file }, progress) => withFreshData(file, progress, (data) => data.rerun(file)),
  // The Word report: the figures' scenes first (the page draws them at
  // 300 dpi), then the .docx with those pictures.
  reportScenes: ({ file }, progress) => withFreshData(file, progress, (data) => data.reportScenes(file)),
  reportDocx: ({ file, images }, progress) => withFreshData(file, progress, (data) => data.reportDocx(file, images)),
  // The teaching tour (docs/walkthrough.md): a walkthrough is read strictly,
  // and each of its steps runs on the walkthrough's own example, read into
  // the full module once and kept apart from the user's dataset (which the
  // tour neither needs nor changes).
  readWalkthrough: async ({ walkthrough }) => (await loadModule("full")).readWalkthrough(walkthrough),
  walkthroughStepFile: async ({ walkthrough, step, tries }) => (await loadModule("full")).walkthroughStepFile(walkthrough, step, tries ?? []),
  walkthroughStep: async ({ walkthrough, step, tries }, progress) => {
    const lesson = (await loadModule("full")).readWalkthrough(walkthrough);
    const key = JSON.stringify([lesson.example, lesson.analysis.dataset.read_options]);
    if (tourData?.key !== key) {
      const plan = { source: { kind: "example", path: lesson.example }, options: lesson.analysis.dataset.read_options, steps: [] };
      const data = await build("full", plan, await sourceBytes(plan.source), progress);
      tourData?.data.free();
      tourData = { key, data };
    }
    return tourData.data.walkthroughStep(walkthrough, step, tries ?? []);
  },
  // The R script and the data it reads: the dataset as the page holds it
  // (classification and derived columns included, so R need not redo them).
  rFiles: async ({ file, dataName }, progress) => {
    const data = await datasetWith("rScript", progress);
    return { script: data.rScript(file, dataName), data: data.exportCsv({}) };
  },
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

/**
 * `run(data)` on the loaded file read afresh with the session's reading
 * options (its own steps add the classification and derived columns), so
 * that a session runs the same whatever the page has done to the data since.
 */
async function withFreshData(file, progress, run) {
  requireData();
  const options = file?.dataset?.read_options ?? recipe.options;
  const fresh = await build("full", { ...recipe, options, steps: [] }, current, progress);
  if (!fresh) throw new Error("Choose the workbook's sheet first.");
  try {
    return run(fresh);
  } finally {
    fresh.free();
  }
}

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
