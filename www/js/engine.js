// Talks to the computation worker: one promise per request, progress
// reported through a callback. Keeps the recipe of the current dataset
// (www/js/session.js), so that `cancel()` can stop the worker in the middle
// of any analysis, start a new one and read the same data into it again:
// the user loses nothing but the analysis she stopped. Listeners of "busy"
// events hear which requests are running (www/js/busy.js shows them).
import { updateRecipe } from "./session.js";

/** The error a cancelled request rejects with. */
export class CancelledError extends Error {
  constructor(label) {
    super(`${label ?? "The analysis"} was stopped. Your data are loaded as before; change the settings and run it again.`);
    this.cancelled = true;
  }
}

// What the busy bar calls each request, by operation or Dataset method.
const LABELS = {
  loadFile: "Reading the file",
  loadText: "Reading the file",
  loadExample: "Loading the example",
  reload: "Reading the file again",
  restore: "Loading your data again",
  classify: "Deriving endpoints and groups",
  kaplanMeier: "Kaplan–Meier",
  cox: "Cox regression",
  modelTable: "Univariate and multivariable models",
  baselineTable: "Table 1",
  rates: "Rates",
  competingRisks: "Competing risks",
  subgroups: "Subgroups",
  readAnalysisFile: "Reading the analysis file",
  rerun: "Running the analysis file",
  rFiles: "Writing the R script",
  sourceFacts: "Checking the file",
  readWalkthrough: "Opening the teaching tour",
  walkthroughStep: "Running the tour's step",
};

// Requests that print column names: they get the user's variable labels
// (docs/api.md, "Variable labels"), set once for every analysis.
const LABELLED = new Set(["kaplanMeier", "cox", "modelTable", "baselineTable", "competingRisks", "subgroups"]);

export class Engine extends EventTarget {
  constructor() {
    super();
    /** Column name -> label, as the user set them (Table 1's variable list). */
    this.labels = {};
    this.pending = new Map();
    this.nextId = 1;
    this.recipe = null;
    this.module = "core";
    this.examples = [];
    this.start();
    // The first worker's start-up: the page is ready when it is.
    this.ready = this.started;
  }

  start() {
    this.started = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // The first worker was started by boot.js while the page loaded; its
    // messages so far are replayed. A restart makes a new one.
    const boot = self.survcalcBoot;
    self.survcalcBoot = null;
    const version = self.SURVCALC_BUILD?.version ?? "dev";
    this.worker = boot?.worker ?? new Worker(new URL(`./worker.js?v=${version}`, import.meta.url), { type: "module" });
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => this.failReady(new Error(event.message || "the worker did not start"));
    for (const data of boot?.early ?? []) this.receive(data);
  }

  receive(data) {
    if ("ready" in data) {
      // The bundled examples' manifest (www/examples/index.json) and the
      // default classification rules.
      this.examples = data.examples ?? [];
      this.defaultRules = data.rules;
      data.ready ? this.markReady() : this.failReady(new Error(data.error));
      return;
    }
    const request = this.pending.get(data.id);
    if (!request) return;
    if (data.progress) {
      request.progress = data.progress;
      request.onProgress?.(data.progress.done, data.progress.total);
      this.announce();
      return;
    }
    this.pending.delete(data.id);
    this.announce();
    if (data.ok) {
      if (data.module) this.module = data.module;
      this.recipe = updateRecipe(this.recipe, request.op, request.args);
      // Every request that succeeded, for the session's record (recorder.js).
      this.dispatchEvent(new CustomEvent("done", { detail: { op: request.op, args: request.args, result: data.result } }));
      request.resolve(data.result);
    } else {
      const error = new Error(data.error);
      error.fatal = data.fatal;
      request.reject(error);
    }
  }

  /** Calls a method of the worker's Dataset handle, e.g. ("cox", options). */
  dataset(method, ...args) {
    return this.call("dataset", { method, args });
  }

  /** `options` with the variable labels, for the requests that print column names (a request's own win). */
  labelled(method, options) {
    if (!LABELLED.has(method) || !options || typeof options !== "object" || Object.keys(this.labels).length === 0) return options;
    return { ...options, labels: { ...this.labels, ...(options.labels ?? {}) } };
  }

  /** Sets one variable's label ("" removes it); panels redo what they show on "labels". */
  setLabel(column, label) {
    const text = label.trim();
    if (text) this.labels[column] = text;
    else delete this.labels[column];
    this.dispatchEvent(new Event("labels"));
  }

  /** Adds the labels a restored request carried (a kept session, an opened analysis file), with one "labels" event. */
  adoptLabels(labels) {
    const given = Object.entries(labels ?? {}).filter(([, text]) => typeof text === "string" && text.trim());
    if (given.every(([column, text]) => this.labels[column] === text.trim())) return;
    for (const [column, text] of given) this.labels[column] = text.trim();
    this.dispatchEvent(new Event("labels"));
  }

  /** Runs `op` in the worker; resolves to its result or rejects with its Error. */
  call(op, args, onProgress) {
    if (op === "kaplanMeier" && args?.options) args = { ...args, options: this.labelled(op, args.options) };
    if (op === "dataset" && Array.isArray(args?.args)) {
      const [options, ...rest] = args.args;
      args = { ...args, args: [this.labelled(args.method, options), ...rest] };
    }
    const id = this.nextId++;
    const label = LABELS[op === "dataset" ? args?.method : op] ?? "The analysis";
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, args, label, resolve, reject, onProgress, started: performance.now(), cancellable: op !== "restore" });
      this.worker.postMessage({ id, op, args });
      this.announce();
    });
  }

  /** The requests still running, oldest first: { label, started, progress, cancellable }. */
  running() {
    return [...this.pending.values()];
  }

  announce() {
    this.dispatchEvent(new Event("busy"));
  }

  /**
   * Stops everything the worker is doing, starts a new worker and reads the
   * current dataset into it again. Every running request rejects with a
   * CancelledError; the returned promise settles when the data are back.
   */
  cancel() {
    const stopped = this.running();
    this.worker.terminate();
    this.pending.clear();
    for (const request of stopped) request.reject(new CancelledError(request.label));
    this.start();
    const restored = this.recipe
      ? this.call("restore", { recipe: this.recipe, module: this.module })
      : this.started;
    this.announce();
    return restored;
  }
}
