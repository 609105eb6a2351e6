// The regression corpus of malformed inputs (tests/fuzz/regressions.json,
// issue 10): every crash, hang and leak the boundary fuzzer found, and the
// classic broken files. Each case runs in ONE wasm instance, loaded once: it
// must end in its recorded message (exactly) or in a result without NaN or
// Infinity, and then the same instance must answer a known-good request
// (Kaplan–Meier of R's aml data) exactly as it did before any case ran.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, fixture, root } from "../support/wasm.mjs";
import { nonFinite } from "../support/check.mjs";

const corpus = JSON.parse(readFileSync(join(root, "tests", "fuzz", "regressions.json"), "utf8"));
const survcalc = await loadSurvcalc();

const KNOWN_GOOD = { time: "time", event: "status", event_values: ["1"], group: "x", times: [12, 24], rmst_tau: 40 };
function knownGood() {
  const ds = survcalc.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  try {
    const r = ds.kaplanMeier(KNOWN_GOOD);
    return { fit: r.fit, logrank: r.logrank, rmst: r.rmst, at_times: r.at_times_table, summary: ds.summary() };
  } finally {
    ds.free();
  }
}
const baseline = knownGood();

/** JSON cannot hold what the boundary must survive: NaN, ±Infinity and BigInt are written {"$number": "NaN"}, {"$bigint": "10"}. */
function revive(value) {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    if (Object.keys(value).length === 1 && typeof value.$number === "string") return Number(value.$number);
    if (Object.keys(value).length === 1 && typeof value.$bigint === "string") return BigInt(value.$bigint);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

/** Option objects a page or script could pass that are not plain data. */
function hostile(options, kind) {
  switch (kind) {
    case undefined: return options;
    case "throwing_getter": {
      const o = { ...options };
      Object.defineProperty(o, "time", { enumerable: true, get() { throw new Error("getter says no"); } });
      return o;
    }
    case "proxy":
      return new Proxy(options, { get() { throw new Error("proxy says no"); }, ownKeys() { throw new Error("keys say no"); } });
    case "cycle": {
      const o = { ...options };
      o.self = o;
      return o;
    }
    default: throw new Error(`unknown hostile kind ${kind}`);
  }
}

function load(c) {
  const readOptions = hostile(revive(c.read_options ?? {}), c.read_hostile);
  const progress = c.progress === "throws" ? () => { throw new Error("progress says no"); } : undefined;
  if (typeof c.file === "string") return survcalc.Dataset[c.load ?? "fromCsv"](c.file, `${c.name}.csv`, readOptions, progress);
  if (typeof c.file?.base64 === "string") {
    const bytes = new Uint8Array(Buffer.from(c.file.base64, "base64"));
    return survcalc.Dataset[c.load ?? "fromBytes"](bytes, `${c.name}.csv`, readOptions, progress);
  }
  // Misuse: whatever `value` is, passed as the file.
  return survcalc.Dataset[c.load ?? "fromCsv"](revive(c.file.value), `${c.name}.csv`, readOptions, progress);
}

/** Runs a case; returns its result or throws its error. */
function run(c) {
  if (c.call?.function) return survcalc[c.call.function](...revive(c.call.args ?? []));
  const ds = load(c);
  try {
    if (!c.call) return ds.summary();
    return ds[c.call.method](hostile(revive(c.call.options ?? {}), c.call.hostile));
  } finally {
    ds.free();
  }
}

/** The value at a path such as "table.rows[2].p" ("" is the whole result). */
function at(value, path) {
  if (path === "") return value;
  return path.split(/\.|(?=\[)/).reduce((v, key) => {
    if (v === undefined || v === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(key);
    return index ? v[Number(index[1])] : v[key];
  }, value);
}


test("the regression corpus holds at least 60 distinct cases", () => {
  assert.ok(corpus.cases.length >= 60, `${corpus.cases.length} cases`);
  const names = corpus.cases.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, "case names are unique");
});

test("every malformed input ends in its recorded message or a finite result, and the instance survives", () => {
  const started = Date.now();
  for (const c of corpus.cases) {
    let result;
    let error;
    try {
      result = run(c);
    } catch (e) {
      error = e;
    }
    assert.ok(!(error instanceof WebAssembly.RuntimeError), `${c.name}: the wasm instance died (${error?.message})`);
    if (c.expect.error !== undefined) {
      assert.ok(error, `${c.name}: expected the error ${JSON.stringify(c.expect.error)}, got a result`);
      assert.ok(error instanceof Error, `${c.name}: threw a ${typeof error}, not an Error`);
      assert.strictEqual(error.message, c.expect.error, `${c.name}: message`);
    } else {
      assert.strictEqual(c.expect.ok, true, `${c.name}: expect needs error or ok`);
      assert.ok(!error, `${c.name}: threw ${error?.message}`);
      assert.deepStrictEqual(nonFinite(result), [], `${c.name}: NaN or Infinity in the result`);
      assert.doesNotThrow(() => JSON.stringify(result), `${c.name}: result is not JSON-able`);
      if (c.expect.warning_codes) {
        assert.deepStrictEqual((result.warnings ?? []).map((w) => w.code), c.expect.warning_codes, `${c.name}: warning codes`);
      }
      for (const [path, value] of Object.entries(c.expect.facts ?? {})) {
        assert.deepStrictEqual(at(result, path), revive(value), `${c.name}: ${path}`);
      }
      for (const [path, parts] of Object.entries(c.expect.includes ?? {})) {
        for (const part of parts) assert.ok(String(at(result, path)).includes(part), `${c.name}: ${path} lacks ${JSON.stringify(part)}`);
      }
      for (const [path, parts] of Object.entries(c.expect.excludes ?? {})) {
        for (const part of parts) assert.ok(!String(at(result, path)).includes(part), `${c.name}: ${path} has ${JSON.stringify(part)}`);
      }
    }
    assert.deepStrictEqual(knownGood(), baseline, `${c.name}: the known-good request changed after this case`);
  }
  assert.ok(Date.now() - started < 10000, `the corpus took ${Date.now() - started} ms (budget 10 s)`);
});
