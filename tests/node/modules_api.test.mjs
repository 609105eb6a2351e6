// The page's three wasm modules (wasm-pack.toml; docs/page.md): the small
// start-up module answers what it has exactly as the full one does, and
// lacks the rest (the worker then moves the data to the full module); the
// drawing module describes a figure in words and numbers from its plot data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture } from "../support/wasm.mjs";

const full = await loadSurvcalc();
const core = await loadSurvcalc(undefined, "survcalc_core");
const charts = await loadSurvcalc(undefined, "survcalc_charts");

const KM = { time: "time", event: "status", event_values: ["2"], group: "sex", time_unit: "days", display_unit: "months", times: [6, 12], rmst_tau: 12 };

test("the start-up module gives the full module's results, to the last digit", () => {
  const a = core.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  const b = full.Dataset.fromCsv(fixture("02_lung"), "lung.csv", {});
  assert.deepEqual(a.summary(), b.summary());
  assert.deepEqual(a.kaplanMeier(KM), b.kaplanMeier(KM));
  assert.deepEqual(core.defaultResistanceRules(), full.defaultResistanceRules());
  a.free();
  b.free();
});

test("the start-up module has no classification, regression models, Table 1, rates, derived columns or workbooks; the full one has", () => {
  for (const method of ["classify", "exportClassification", "cox", "modelTable", "baselineTable", "rates", "derive", "removeDerived"]) {
    assert.equal(typeof core.Dataset.prototype[method], "undefined", method);
    assert.equal(typeof full.Dataset.prototype[method], "function", method);
  }
  // A workbook is read into the full module (the worker loads it first).
  assert.equal(typeof core.Dataset.fromSheet, "undefined");
  assert.equal(typeof full.Dataset.fromSheet, "function");
  // What the first screen needs stays: reading text, the columns a classification would use, its default rules.
  for (const method of ["summary", "suggestCohortColumns", "kaplanMeier", "analysisSet", "exportCsv"]) {
    assert.equal(typeof core.Dataset.prototype[method], "function", method);
  }
  assert.equal(typeof core.Dataset.fromBytes, "function");
  assert.equal(typeof core.fileKind, "function");
  // Neither analysis module draws; the drawing module reads no files.
  assert.equal(full.drawKaplanMeier, undefined);
  assert.equal(charts.Dataset, undefined);
});

test("the Kaplan–Meier figure in words: its name, a sentence, and its numbers at each tick", () => {
  const ds = full.Dataset.fromCsv(fixture("01_aml"), "aml.csv", {});
  const r = ds.kaplanMeier({ time: "time", event: "status", event_values: ["1"], group: "x", time_unit: "weeks" });
  const d = charts.kaplanMeierDescription(r.plot);
  assert.equal(d.label, `${r.plot.title || "Kaplan–Meier figure"}: ${r.plot.y_label.toLowerCase()} against ${r.plot.x_label}, 2 curves`);
  assert.match(d.text, /^Maintained: 11 at risk at the start, survival [0-9.]+ at time \d+; Nonmaintained: 12 at risk at the start/);
  assert.deepEqual(d.table.header.slice(1), ["Maintained: survival (CI)", "Maintained: at risk", "Nonmaintained: survival (CI)", "Nonmaintained: at risk"]);
  assert.equal(d.table.rows.length, r.plot.ticks.length);
  // At time 0 everyone is at risk and survival is 1; the at-risk counts are the plot's own.
  assert.equal(d.table.rows[0][1], "1.000 (1.000–1.000)");
  r.plot.curves.forEach((c, i) => d.table.rows.forEach((row, j) => assert.equal(row[2 + 2 * i], String(c.at_risk[j]))));
  // The figure's survival at a tick is S(t) there: aml's Maintained arm
  // (9, 13, 13+, 18, 23, 28+, …) at 25 weeks is 10/11 · 9/10 · 7/8 · 6/7 = 27/44.
  const at25 = d.table.rows.find((row) => row[0] === "25");
  assert.ok(at25, `a tick at 25 weeks (ticks ${r.plot.ticks})`);
  assert.equal(at25[1].split(" ")[0], (27 / 44).toFixed(3));
  ds.free();
});
