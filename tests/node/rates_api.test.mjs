// Response / disease-control / adverse-event rates through the wasm API
// (docs/api.md, dataset.rates), under Node: closed-form intervals derived
// here (Clopper–Pearson as R's binom.test, Wilson as prop.test(correct =
// FALSE)), the group comparison against a chi-squared statistic computed by
// hand, missing values, and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc } from "../support/wasm.mjs";
import { close, CLOSED_FORM_REL } from "../support/check.mjs";

const survcalc = await loadSurvcalc();

/** Standard normal CDF by its Taylor series (accurate to ~1e-16 for |z| < 4). */
function pnorm(z) {
  let term = z;
  let sum = z;
  for (let k = 1; k < 200 && Math.abs(term) > 1e-18; k++) {
    term *= (z * z) / (2 * k + 1);
    sum += term;
  }
  return 0.5 + (Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI)) * sum;
}

/** Normal quantile by bisection on pnorm. */
function qnorm(p) {
  let [lo, hi] = [-4, 4];
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (pnorm(mid) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A CSV with one row per patient: [group, outcome] pairs repeated. */
function cohort(spec, header = "arm,bor") {
  const lines = [header];
  for (const [group, outcome, count] of spec) for (let i = 0; i < count; i++) lines.push(`${group},${outcome}`);
  return survcalc.Dataset.fromCsv(lines.join("\n"), "rates.csv", {});
}

test("0 of 10: Clopper–Pearson upper limit = 1 − 0.025^(1/10), lower 0", () => {
  const ds = cohort([["A", "PD", 6], ["A", "SD", 4]]);
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"] });
  // binom.test(0, 10): the upper limit solves P(X = 0) = (1 − p)^10 = 0.025.
  assert.equal(r.overall.x, 0);
  assert.equal(r.overall.n, 10);
  assert.equal(r.overall.clopper_pearson.lower, 0);
  close(r.overall.clopper_pearson.upper, 1 - 0.025 ** (1 / 10), CLOSED_FORM_REL, "CP upper", { abs: 1e-15 });
  assert.equal(r.overall.conf_upper, r.overall.clopper_pearson.upper, "Clopper–Pearson is the default");
  assert.equal(r.test, null);
  assert.deepEqual(r.table.rows, [["All patients", "0 / 10", "0.0", "0.0–30.8"]]);
  assert.ok(r.warnings.some((w) => w.code === "value_not_found" && w.column === "bor" && w.value === "CR"),
    r.warnings.map((w) => w.message).join(" "));
  ds.free();
});

test("10 of 10: Clopper–Pearson lower limit = 0.025^(1/10), upper 1", () => {
  const ds = cohort([["A", "yes", 10]], "arm,ae");
  const r = ds.rates({ outcome: "ae", success_values: "yes" });
  assert.equal(r.overall.clopper_pearson.upper, 1);
  close(r.overall.clopper_pearson.lower, 0.025 ** (1 / 10), CLOSED_FORM_REL, "CP lower", { abs: 1e-15 });
  ds.free();
});

test("7 of 20: Wilson score interval equals the closed form", () => {
  const ds = cohort([["A", "CR", 2], ["A", "PR", 5], ["A", "SD", 6], ["A", "PD", 7]]);
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], ci: "wilson" });
  // prop.test(7, 20, correct = FALSE)$conf.int:
  // (p + z²/2n ± z sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = qnorm(0.975).
  const z = qnorm(0.975);
  const [x, n] = [7, 20];
  const p = x / n;
  const centre = p + (z * z) / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const denom = 1 + (z * z) / n;
  close(r.overall.wilson.lower, (centre - half) / denom, CLOSED_FORM_REL, "Wilson lower", { abs: 1e-15 });
  close(r.overall.wilson.upper, (centre + half) / denom, CLOSED_FORM_REL, "Wilson upper", { abs: 1e-15 });
  assert.equal(r.overall.conf_lower, r.overall.wilson.lower, "the chosen interval is Wilson");
  assert.equal(r.overall.proportion, 0.35);
  assert.equal(r.table.rows[0][1], "7 / 20");
  assert.equal(r.table.rows[0][2], "35.0");
  assert.match(r.table.header[3], /95% CI \(Wilson\)/);
  assert.match(r.settings_text, /prop\.test\(correct = FALSE\)/);
  // The exact interval is there too, and contains the Wilson one's centre.
  assert.ok(r.overall.clopper_pearson.lower < p && p < r.overall.clopper_pearson.upper);
  ds.free();
});

test("two groups: the chi-squared test equals the statistic computed by hand", () => {
  // Responders: A 12 of 30, B 20 of 25 (all expected counts >= 5).
  const ds = cohort([["A", "PR", 12], ["A", "PD", 18], ["B", "CR", 5], ["B", "PR", 15], ["B", "SD", 5]]);
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], group: "arm" });
  const table = [[12, 18], [20, 5]];
  const n = 55;
  const rows = table.map((row) => row[0] + row[1]);
  const cols = [table[0][0] + table[1][0], table[0][1] + table[1][1]];
  let chisq = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const e = (rows[i] * cols[j]) / n;
      chisq += (table[i][j] - e) ** 2 / e;
    }
  }
  // Closed form of the 2 x 2 statistic: n (ad − bc)² / (r1 r2 c1 c2).
  close(chisq, (n * (12 * 5 - 18 * 20) ** 2) / (rows[0] * rows[1] * cols[0] * cols[1]), 1e-12, "hand formula", { abs: 1e-15 });
  assert.equal(r.test.test, "chi_square");
  assert.equal(r.test.method, "Pearson's chi-squared test");
  close(r.test.chi_square.chisq, chisq, CLOSED_FORM_REL, "chisq", { abs: 1e-15 });
  assert.equal(r.test.chi_square.df, 1);
  // P(χ²₁ > c) = 2 (1 − Φ(√c)).
  close(r.test.p, 2 * (1 - pnorm(Math.sqrt(chisq))), 1e-9, "p", { abs: 1e-15 });
  assert.match(r.test_text, /^Pearson's chi-squared test: χ² = \d+\.\d\d, df = 1, p [=<] /);
  assert.deepEqual(r.groups.map((g) => [g.label, g.x, g.n]), [["A", 12, 30], ["B", 20, 25]]);
  assert.deepEqual(r.table.rows.map((row) => row[0]), ["A", "B", "All patients"]);
  assert.equal(r.table.rows[2][1], "32 / 55");
  assert.match(r.settings_text, /Fisher's exact test when an expected count is below 5/);
  // Relabelling the groups keeps the statistic.
  const swapped = cohort([["B", "PR", 12], ["B", "PD", 18], ["A", "CR", 5], ["A", "PR", 15], ["A", "SD", 5]]);
  close(swapped.rates({ outcome: "bor", success_values: ["CR", "PR"], group: "arm" }).test.chi_square.chisq,
    chisq, CLOSED_FORM_REL, "relabelled", { abs: 1e-15 });
  swapped.free();
  ds.free();
});

test("small groups: Fisher's exact test, named", () => {
  const ds = cohort([["A", "PR", 1], ["A", "PD", 7], ["B", "PR", 6], ["B", "PD", 3]]);
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], group: "arm" });
  assert.equal(r.test.method, "Fisher's exact test");
  const choose = (n, k) => { let c = 1; for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i; return c; };
  const prob = (x) => (choose(8, x) * choose(9, 7 - x)) / choose(17, 7);
  let p = 0;
  for (let x = 0; x <= 7; x++) if (prob(x) <= prob(1) * (1 + 1e-7)) p += prob(x);
  close(r.test.p, p, CLOSED_FORM_REL, "Fisher p", { abs: 1e-15 });
  assert.match(r.test_text, /^Fisher's exact test: p = /);
  ds.free();
});

test("missing outcomes and groups are left out and reported; excluded values leave the denominator", () => {
  const text = "arm,bor\nA,PR\nA,\nA,PD\nB,NE\n,PR\nB,CR\nB,SD\n";
  const ds = survcalc.Dataset.fromCsv(text, "m.csv", {});
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], group: "arm" });
  assert.equal(r.n_used, 5); // NE counts as a non-responder by default
  assert.deepEqual(r.left_out.map((l) => [l.column, l.reason, l.count, l.lines]), [["bor", "missing", 1, [3]], ["arm", "missing", 1, [6]]]);
  const bor = r.warnings.find((w) => w.code === "rows_left_out" && w.column === "bor");
  assert.deepEqual([bor?.reason, bor?.count, bor?.lines], ["missing", 1, [3]]);
  assert.equal(bor.message, '1 row left out because "bor" is missing (line 3).');
  const e = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], exclude_values: ["NE"], group: "arm" });
  assert.equal(e.n_used, 4);
  assert.deepEqual(e.groups.map((g) => [g.x, g.n]), [[1, 2], [1, 2]]);
  assert.match(e.settings_text, /other than NE/);
  // Numbers compare as numbers: success "1" matches a 0/1 column.
  const num = survcalc.Dataset.fromCsv("g,ae\nA,1\nA,0\nB,1\nB,1\n", "n.csv", {});
  const n = num.rates({ outcome: "ae", success_values: ["1.0"], group: "g" });
  assert.deepEqual(n.groups.map((g) => [g.x, g.n]), [[1, 2], [2, 2]]);
  num.free();
  ds.free();
});

test("the CSV export holds the table, the test and the settings", () => {
  const ds = cohort([["A", "PR", 12], ["A", "PD", 18], ["B", "PR", 20], ["B", "PD", 5]]);
  const r = ds.rates({ outcome: "bor", success_values: ["CR", "PR"], group: "arm" });
  const lines = r.csv.split("\r\n");
  assert.equal(lines[0], 'arm,CR or PR: n / N,%,"95% CI (Clopper–Pearson), %"');
  assert.equal(lines.length, 1 + 3 + 1 + 2 + 1);
  assert.match(lines[5], /Pearson's chi-squared test/);
  ds.free();
});

test("errors: no success value, unknown column, date column, bad confidence level", () => {
  const ds = cohort([["A", "PR", 3], ["B", "PD", 3]]);
  assert.throws(() => ds.rates({ outcome: "bor", success_values: [] }), /at least one value of "bor" that counts as success/);
  assert.throws(() => ds.rates({ outcome: "bor" }), /at least one value/);
  assert.throws(() => ds.rates({ outcome: "response", success_values: ["PR"] }), /no column named "response"/);
  assert.throws(() => ds.rates({ outcome: "bor", success_values: ["PR"], group: "site" }), /no column named "site"/);
  assert.throws(() => ds.rates({ outcome: "", success_values: ["PR"] }), /Choose the outcome column/);
  assert.throws(() => ds.rates({ outcome: "bor", success_values: ["PR"], conf_level: 95 }), /between 0 and 1/);
  assert.throws(() => ds.rates({ outcome: "bor", success_values: ["PR"], group: "bor" }), /is the outcome/);
  assert.throws(() => ds.rates({ outcome: "bor", success_values: ["PR"], exclude_values: ["PR"] }), /both as success/);
  ds.free();
  const dated = survcalc.Dataset.fromCsv("d,x\n2020-01-01,1\n2020-02-01,0\n", "d.csv", {});
  assert.throws(() => dated.rates({ outcome: "d", success_values: ["1"] }), /holds dates/);
  dated.free();
});
