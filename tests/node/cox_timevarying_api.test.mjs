// dataset.cox with a time-varying status (options.time_varying) through the
// wasm binding: the option reaches the request, the summary of the split
// reaches JS (null for what was not given), and errors arrive as JS Errors
// naming column, line and value. The fits are compared with R (05_heart's
// coxph on jasa1, Efron, Breslow, cluster = id; switch times and dates) in
// crate/analysis/tests/cox_time_dependent.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture } from "../support/wasm.mjs";
import { errorOf } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

/**
 * heart (one row per patient-period) as one row per patient: stop and event
 * of the last row, age/year/surgery of the first, transplant switch time =
 * start of the row with transplant = 1 (empty when never transplanted).
 */
function wideHeartCsv() {
  const [header, ...lines] = fixture("05_heart").trim().split("\n");
  const names = header.split(",");
  const patients = new Map();
  for (const line of lines) {
    const r = Object.fromEntries(line.split(",").map((v, i) => [names[i], v]));
    if (!patients.has(r.id)) patients.set(r.id, []);
    patients.get(r.id).push(r);
  }
  const rows = [...patients.values()].map((p) => {
    const last = p.at(-1);
    const transplanted = p.find((r) => r.transplant === "1");
    return [p[0].id, last.stop, last.event, p[0].age, p[0].year, p[0].surgery, transplanted ? transplanted.start : ""];
  });
  return ["id,stop,event,age,year,surgery,transplant_time", ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

const OPTIONS = {
  time: "stop", event: "event", event_values: ["1"],
  covariates: [{ column: "age" }, { column: "year" }, { column: "surgery" }],
  time_varying: { column: "transplant_time", name: "transplant" },
};

test("heart, one row per patient with a transplant time: the split and the fit reach JS", () => {
  const ds = survcalc.Dataset.fromCsv(wideHeartCsv(), "heart-wide.csv", {});
  const r = ds.cox({ ...OPTIONS, ties: "breslow", robust: true });
  assert.deepEqual(r.time_varying, {
    name: "transplant", column: "transplant_time", source: "time", origin: null, unit: null,
    n_patients: 103, n_rows: 172, n_switched: 69, n_from_start: 0, n_after_follow_up: 0,
  });
  assert.equal(r.fit.ties, "breslow");
  assert.equal(r.fit.robust.n_clusters, 103);
  assert.equal(r.hr_table.rows.at(-1)[0], "transplant");
  assert.ok(r.fit.coef.every((x) => typeof x === "number"));
  ds.free();
});

test("errors reach JS as Errors naming column, line and value", () => {
  // The first transplanted patient's switch time made negative.
  const lines = wideHeartCsv().split("\n");
  const k = lines.findIndex((l, i) => i > 0 && !l.endsWith(","));
  lines[k] = lines[k].replace(/[^,]+$/, "-2");
  const line = k + 1;
  const ds = survcalc.Dataset.fromCsv(lines.join("\n"), "negative.csv", {});
  assert.match(errorOf(() => ds.cox(OPTIONS)), new RegExp(`Column "transplant_time", line ${line}: the switch time "-2" is negative`));
  ds.free();
});
