// The teaching tour through the wasm API (docs/walkthrough.md): the bundled
// walkthrough read strictly, a step run with and without a "try it" change
// on the data it names, and what a wrong step or change number says.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();
const text = readFileSync(join(root, "www", "examples", "walkthroughs", "cui2025_resistance.walkthrough.json"), "utf8");

test("the bundled walkthrough reads; its steps run on the example it names", () => {
  const lesson = survcalc.readWalkthrough(text);
  assert.equal(lesson.example, "examples/synthetic_hcc_cohort.csv");
  assert.equal(lesson.steps[3].requests[0].conf_type, "log", "requests come back with every option");
  const csv = readFileSync(join(root, "www", lesson.example), "utf8");
  const ds = survcalc.Dataset.fromCsv(csv, "synthetic_hcc_cohort.csv", lesson.analysis.dataset.read_options);

  // Step 4 (OS by group): the classification runs first but is not shown.
  const plain = ds.walkthroughStep(text, 3, []);
  assert.deepEqual(plain.results.map((r) => r.analysis), ["kaplan_meier"]);
  const [km] = plain.results;
  assert.equal(km.error, null);
  assert.equal(km.figures.length, 1);
  assert.match(km.figures[0], /^<svg/);
  const summary = km.tables.find((t) => t.name === "Summary").table;
  assert.deepEqual(summary.rows.map((r) => r.slice(0, 2)),
    [["All patients", "496"], ["primary resistance", "229"], ["secondary resistance", "141"], ["durable response", "126"]]);

  // "Survival at 12 and 24 months" adds a table and changes nothing else.
  const changed = ds.walkthroughStep(text, 3, [1]);
  assert.deepEqual(changed.tries, [1]);
  assert.deepEqual(changed.results[0].tables.map((t) => t.name), ["Summary", "Survival at times", "Hazard ratios (Cox)"]);
  assert.deepEqual(changed.results[0].tables[0], km.tables[0]);
  // The dataset itself is untouched: no classification columns were added to it.
  assert.ok(!ds.summary().columns.some((c) => c.name === "resistance_group"));
  ds.free();
});

test("a walkthrough with a mistake, or a step or change that does not exist, says where", () => {
  const lesson = JSON.parse(text);
  lesson.steps[2].requests[0].tie = "efron";
  assert.throws(() => survcalc.readWalkthrough(lesson), /steps\[2\] \("Time to progression by group \(Figure S1A\)"\), requests\[0\]: Unknown option "tie"/);
  const ds = survcalc.Dataset.fromCsv("a,b\n1,2\n", "x.csv", {});
  assert.throws(() => ds.walkthroughStep(text, 40, []), /it has 11 steps; there is no step 41/);
  assert.throws(() => ds.walkthroughStep(text, 3, [5]), /there is no change 6/);
  // On data without the walkthrough's columns the step reports the analysis's own message.
  const [result] = ds.walkthroughStep(text, 1, []).results;
  assert.match(result.error, /ici_start_date/);
  ds.free();
});
