// The session's record: which file (name, size, SHA-256 of its bytes, how
// it was read) and every request that made a result, as the steps of an
// analysis file (docs/api.md, "Analysis files"). It listens to the engine's
// "done" events, the one place every successful request passes: the
// classification and derived columns in the order they changed the data,
// and the last request of each panel (a new one replaces the old). It holds
// settings only; the data stay in the worker.
//
// The record is kept in this browser (localStorage) as she works, so that
// a reload finds it; the data file itself only when she opts in ("Keep the
// data on this computer"), in IndexedDB. `forgetEverything` deletes both.

const SETTINGS_KEY = "survcalc-session";
const DATABASE = "survcalc-data";
const STORE = "files";

/** Dataset methods whose requests are analysis-file steps, by their `analysis`. */
const ANALYSES = {
  kaplanMeier: "kaplan_meier",
  cox: "cox",
  modelTable: "model_table",
  baselineTable: "baseline_table",
  rates: "rates",
  competingRisks: "competing_risks",
  subgroups: "subgroups",
};

const emptyRecord = () => ({ dataset: null, steps: [], keepData: false });

export function createRecorder(engine) {
  let record = emptyRecord();
  let file = null; // the File she opened, for the opt-in copy
  let paused = false;
  const events = new EventTarget();

  const changed = () => {
    save();
    events.dispatchEvent(new Event("change"));
  };

  function save() {
    if (!record.dataset) return;
    try {
      localStorage.setItem(SETTINGS_KEY, JSON.stringify({ ...record, saved: new Date().toISOString() }));
    } catch {
      // Storage full or refused (private window): the session simply is not kept.
    }
  }

  /** A new source: a new session; its facts (size, hash) come from the worker. */
  async function newSource(op, args) {
    file = op === "loadFile" ? args.file : null;
    const keepData = record.keepData;
    record = {
      ...emptyRecord(),
      keepData,
      dataset: {
        file_name: args.file?.name ?? args.name ?? args.path?.split("/").pop() ?? "data",
        example: op === "loadExample" ? args.path : null,
        size: null, sha256: null, read_options: args.options ?? {}, sheet: args.sheet ?? null,
      },
    };
    const dataset = record.dataset;
    try {
      const facts = await engine.call("sourceFacts");
      if (record.dataset !== dataset) return; // another file meanwhile
      Object.assign(dataset, { size: facts.size, sha256: facts.sha256 });
    } catch {
      // Without a hash the file is recognised by its name and size only.
    }
    if (record.keepData) await keepFile();
    changed();
  }

  function onDone({ detail: { op, args, result } }) {
    if (paused || op === "restore") return;
    if (op === "loadFile" || op === "loadText" || op === "loadExample") {
      // A workbook whose sheet is still to be chosen has no data yet.
      if (result?.columns) newSource(op, args);
      return;
    }
    if (!record.dataset) return;
    if (op === "reload") {
      // As the worker's recipe: new reading options drop the steps that changed the data.
      record.dataset.read_options = args.options ?? {};
      if (args.sheet != null) record.dataset.sheet = args.sheet;
      record.steps = record.steps.filter((s) => !s.changesData);
    } else if (op === "classify") {
      record.steps.push({ key: "classify", analysis: "classify", options: args.request, changesData: true });
    } else if (op === "derive") {
      // Named as it was made, so that later steps find the column by that name.
      record.steps.push({ key: `derive:${result.result.column}`, analysis: "derive",
        options: { ...args.request, name: result.result.column }, changesData: true });
    } else if (op === "removeDerived") {
      record.steps = record.steps.filter((s) => s.key !== `derive:${args.name}`);
    } else if (op === "kaplanMeier") {
      lastOf("km", "kaplan_meier", args.options);
    } else if (op === "dataset" && ANALYSES[args.method]) {
      lastOf(`${args.panel ?? args.method}:${args.method}`, ANALYSES[args.method], args.args?.[0] ?? {});
    } else {
      return;
    }
    changed();
  }

  /** A panel's new request replaces its last one and moves to the end (after the data it needs). */
  function lastOf(key, analysis, options) {
    record.steps = record.steps.filter((s) => s.key !== key);
    record.steps.push({ key, analysis, options });
  }

  async function keepFile() {
    if (!file) return;
    await withStore("readwrite", (store) => store.put({ file, sha256: record.dataset.sha256 }, "data"));
  }

  engine.addEventListener("done", onDone);

  return {
    events,
    get record() { return record; },
    /** The session as an analysis file (before the wasm reader writes every option out). */
    analysisFile(from = record) {
      return {
        version: 1,
        dataset: { file_name: from.dataset?.file_name ?? "", read_options: from.dataset?.read_options ?? {} },
        steps: from.steps.map((s) => ({ ...s.options, analysis: s.analysis })),
      };
    },
    /** Steps replayed by the page (a kept session) are not recorded twice. */
    async quietly(work) {
      paused = true;
      try {
        return await work();
      } finally {
        paused = false;
      }
    },
    /** A kept session's steps become this one's (its file was recognised). */
    adopt(kept) {
      if (!record.dataset) return;
      record.steps = kept.steps.map((s) => ({ ...s }));
      record.dataset.read_options = kept.dataset?.read_options ?? record.dataset.read_options;
      if (kept.dataset?.sheet != null) record.dataset.sheet = kept.dataset.sheet;
      changed();
    },
    /** The opt-in: the data file kept in this browser (IndexedDB), or deleted from it. */
    async setKeepData(keep) {
      record.keepData = keep;
      if (keep) await keepFile();
      else await deleteDatabase().catch(() => {});
      changed();
    },
    canKeepData: () => Boolean(file),
    forget: async () => {
      record = emptyRecord();
      file = null;
      await forgetEverything();
      events.dispatchEvent(new Event("change"));
    },
  };
}

/** The session kept in this browser, or null. */
export function keptSession() {
  try {
    const kept = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "null");
    return kept?.dataset ? kept : null;
  } catch {
    return null;
  }
}

/** The data file kept by the opt-in, or null. */
export async function keptFile() {
  try {
    return (await withStore("readonly", (store) => store.get("data"))) ?? null;
  } catch {
    return null;
  }
}

/** Deletes the kept session and data: localStorage's entry and the whole database. */
export async function forgetEverything() {
  localStorage.removeItem(SETTINGS_KEY);
  await deleteDatabase();
}

function deleteDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(DATABASE);
    request.onsuccess = resolve;
    request.onerror = () => reject(request.error);
    // Another tab holds it open: deleted once that tab closes it.
    request.onblocked = resolve;
  });
}

/** One transaction on the store; the database is closed after it, so that forgetting is never blocked. */
function withStore(mode, work) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => { db.close(); resolve(request.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  });
}
