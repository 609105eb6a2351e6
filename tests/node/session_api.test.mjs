// Work that lasts and can be checked, through the wasm API: the analysis
// file read strictly, the data export, the R script, the methods paragraph
// and the self-contained report. (R itself runs the scripts in the Rust
// tests: crate/analysis/tests/rscript.rs.)
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();
const csv = readFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), "utf8");

function classified() {
  const ds = survcalc.Dataset.fromCsv(csv, "synthetic_hcc_cohort.csv", {});
  ds.classify({ columns: ds.suggestCohortColumns() });
  return ds;
}

const session = {
  version: 1,
  dataset: { file_name: "synthetic_hcc_cohort.csv" },
  steps: [
    { analysis: "kaplan_meier", time: "os_months", event: "os_event", event_values: ["1"], group: "resistance_group" },
    { analysis: "cox", time: "pps_months", event: "pps_event", event_values: ["1"], covariates: [{ column: "bclc" }] },
  ],
};

test("an analysis file is read strictly and written back with every option", () => {
  const file = survcalc.readAnalysisFile(JSON.stringify(session));
  assert.equal(file.version, 1);
  assert.equal(file.steps[0].conf_type, "log", "defaults are written out");
  assert.throws(() => survcalc.readAnalysisFile({ ...session, version: 99 }), /newer version of survcalc/);
  const typo = { ...session, steps: [{ ...session.steps[1], tie: "breslow" }] };
  assert.throws(() => survcalc.readAnalysisFile(typo), /steps\[0\] \(Cox regression\): Unknown option "tie"/);
  // No value of the data is in the file: settings only.
  const text = JSON.stringify(file);
  for (const value of ["SYN-0001", "2016-10-04", "2271.6"]) assert.ok(!text.includes(value), value);
});

test("the data export, the R script, the methods paragraph and the report", () => {
  const ds = classified();
  const data = ds.exportCsv({});
  assert.ok(data.startsWith("patient_id,"), data.slice(0, 40));
  assert.ok(data.split("\r\n")[0].includes("resistance_group"), "classification columns are exported");
  const r = ds.rScript(session, "synthetic-data.csv");
  assert.match(r, /library\(survival\)/);
  assert.match(r, /read\.csv\(data_file/);
  assert.match(r, /survfit\(Surv\(\.time, \.event\) ~ \.group/);
  assert.match(r, /coxph\(Surv\(\.time, \.event\) ~ x1/);
  const m = survcalc.methodsText(session);
  assert.match(m.paragraph, /Kaplan–Meier method \[1\]/);
  assert.ok(m.references.length >= 5);
  const html = ds.report(session);
  assert.match(html, /<h2>Statistical analysis<\/h2>/);
  // Figures are scenes laid out with their own font metrics: drawn without
  // a page, inline as SVG (the Kaplan–Meier curves, the Cox forest plot).
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 2, "one figure per step");
  assert.ok(svgs[0].replace(/\s+/g, " ").includes("Number at risk"), "the Kaplan–Meier figure with its table");
  assert.ok(svgs[1].replace(/\s+/g, " ").includes("HR (95% CI)"), "the forest plot with its column");
  // Nothing to run and nothing to fetch (a reference may name a web address as text).
  assert.ok(!/<script|(src|href)\s*=\s*["']?https?:/i.test(html), "no script and no resource from another origin");
  // The report ran on a copy: the dataset is unchanged and still answers.
  const { analysis: _kind, ...km } = session.steps[0];
  assert.equal(ds.kaplanMeier(km).fit.curves.length, 4);
  ds.free();
});
