// Table 1 through the wasm API (docs/api.md, dataset.baselineTable), under
// Node: p-values against R (tests/reference/08_colon_baseline: chisq.test /
// fisher.test / kruskal.test on survival::colon, etype 2; each block's
// `call*` fields name the R call), the laid-out rows, exports and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc, fixture, reference } from "../support/wasm.mjs";
import { close, CLOSED_FORM_REL } from "../support/check.mjs";

const CATEGORICAL = ["sex", "obstruct", "perfor", "adhere", "differ", "extent", "surg", "node4"];
const CONTINUOUS = ["age", "nodes"];

const survcalc = await loadSurvcalc();
const colon = survcalc.Dataset.fromCsv(fixture("08_colon_baseline"), "colon.csv", {});

function colonTable(extra = {}) {
  return colon.baselineTable({
    group: "rx",
    variables: [
      ...CATEGORICAL.map((column) => ({ column, kind: "categorical" })),
      ...CONTINUOUS.map((column) => ({ column, kind: "continuous" })),
    ],
    ...extra,
  });
}

/** Minimal RFC 4180 parser (quoted fields, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r") continue;
    else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test("colon by rx: every p-value equals R's (chi-squared or Fisher by the expected < 5 rule; Kruskal–Wallis)", () => {
  const ref = reference("08_colon_baseline").tests;
  const r = colonTable();
  assert.equal(r.table.n, 929);
  for (const v of CATEGORICAL) {
    // chisq.test(table(colon2$rx, colon2$v), correct = FALSE) or fisher.test(same)
    const block = ref[`rx_by_${v}`];
    const fisher = block.min_expected < 5;
    const expectedTest = fisher ? "Fisher's exact test" : "Pearson's chi-squared test";
    const expectedP = fisher ? block.fisher_p : block.p;
    const t = r.table.tests.find((x) => x.variable === v);
    close(t.min_expected, block.min_expected, CLOSED_FORM_REL, `${v} min expected`);
    assert.equal(t.test, expectedTest, v);
    close(t.p, expectedP, CLOSED_FORM_REL, `${v} p (${fisher ? block.call_fisher : block.call_chisq})`);
    if (!fisher) {
      close(t.statistic, block.chisq, CLOSED_FORM_REL, `${v} chisq`);
      assert.equal(t.df, block.df);
    }
    const row = r.table.rows.find((x) => x.variable === v && x.kind === "variable");
    close(row.p, expectedP, CLOSED_FORM_REL, `${v} row p`);
    assert.equal(row.test, expectedTest);
  }
  for (const v of CONTINUOUS) {
    // kruskal.test(v ~ rx, data = colon2)
    const block = ref[`${v}_by_rx`];
    const t = r.table.tests.find((x) => x.variable === v);
    assert.equal(t.test, "Kruskal-Wallis rank sum test");
    close(t.statistic, block.kruskal.stat, CLOSED_FORM_REL, `${v} H (${block.call})`);
    assert.equal(t.df, block.kruskal.df);
    close(t.p, block.kruskal.p, CLOSED_FORM_REL, `${v} p (${block.call})`);
  }
});

test("colon by rx: ANOVA and Welch p-values equal R's aov and oneway.test", () => {
  const ref = reference("08_colon_baseline").tests;
  for (const [choice, key] of [["anova", "anova"], ["welch", "welch"]]) {
    const r = colonTable({ continuous_test: choice, continuous_summary: "mean_sd" });
    for (const v of CONTINUOUS) {
      const block = ref[`${v}_by_rx`];
      const t = r.table.tests.find((x) => x.variable === v);
      close(t.p, block[key].p, 1e-6, `${v} ${choice} p (${block.call})`);
    }
    assert.match(r.display.rows.find((x) => x.cells[0] === "age, mean (SD)").cells[1], /^\d+\.\d \(\d+\.\d\)$/);
  }
});

test("display rows, footnotes and settings name every choice", () => {
  const r = colonTable();
  const header = r.display.header;
  assert.equal(header[0], "Variable");
  assert.equal(header.at(-1), "p");
  // gtsummary's add_overall(): the overall column first.
  assert.equal(header[1], "Overall (n = 929)");
  const groups = header.slice(2, -1).sort();
  assert.deepEqual(groups, ["Lev (n = 310)", "Lev+5FU (n = 304)", "Obs (n = 315)"]);
  // sex (0/1) on one row (level 0) with its n (%) of 1s, p and mark.
  const sexRow = r.display.rows.findIndex((x) => x.level === 0 && x.cells[0] === "sex");
  assert.ok(sexRow >= 0);
  assert.match(r.display.rows[sexRow].p, /^0\.028$/);
  assert.ok(r.display.rows[sexRow].mark);
  assert.match(r.display.rows[sexRow].cells[1], /^\d+ \(\d+\.\d%\)$/);
  assert.equal(r.display.rows[sexRow + 1].level, 0);
  // A variable with more levels: its levels indented (level 1).
  const differ = r.display.rows.findIndex((x) => x.level === 0 && x.cells[0] === "differ");
  assert.equal(r.display.rows[differ + 1].level, 1);
  assert.deepEqual(r.display.rows[differ + 1].cells.length, header.length - 1);
  // nodes: the median on its own row; 18 missing values on a row of their own.
  const nodes = r.display.rows.findIndex((x) => x.level === 0 && x.cells[0] === "nodes, median [IQR]");
  assert.match(r.display.rows[nodes].cells[1], /^\d+ \[\d+–\d+\]$/);
  assert.equal(r.display.rows[nodes + 1].cells[0], "Missing");
  assert.equal(r.display.rows[nodes + 1].cells[1], "18");
  // Each mark has a footnote naming its test.
  const marks = new Set(r.display.rows.filter((x) => x.mark).map((x) => x.mark));
  assert.deepEqual([...marks].sort(), r.footnotes.map((f) => f.mark).sort());
  assert.deepEqual(r.footnotes.map((f) => f.test).sort(), ["Kruskal-Wallis rank sum test", "Pearson's chi-squared test"]);
  for (const words of [/without continuity correction/, /Fisher's exact test when an expected count is below 5/,
    /gtsummary/, /Kruskal–Wallis/, /patients with a value/, /median \[interquartile range\]/]) {
    assert.match(r.settings_text, words);
  }
});

test("exports: CSV parses back with one line per row; TSV and HTML hold the same table", () => {
  const r = colonTable();
  const rows = parseCsv(r.csv);
  const nTable = r.display.rows.length + 1;
  // header + rows, a blank line, one line per footnote; the footnote letter
  // in a column of its own ("Test") after the p-value.
  assert.equal(rows.length, nTable + 1 + r.footnotes.length);
  assert.equal(rows[0].length, r.display.header.length + 1);
  assert.equal(rows[0].at(-1), "Test");
  for (const row of rows.slice(1, nTable)) assert.equal(row.length, r.display.header.length + 1);
  assert.equal(rows[0][1], "Overall (n = 929)");
  assert.doesNotMatch(r.csv, /[ᵃᵇᶜ]/);
  assert.deepEqual(rows.at(-1), [r.footnotes.at(-1).mark, r.footnotes.at(-1).test]);
  assert.match(r.tsv.split("\r\n")[0], /^Variable\t/);
  assert.equal(r.tsv.split("\r\n").length, r.csv.split("\r\n").length);
  assert.match(r.html, /^<table>/);
  assert.equal((r.html.match(/<tr>/g) ?? []).length, nTable + r.footnotes.length);
  assert.match(r.html, /<sup>a<\/sup>/);
});

test("Fisher's exact test when an expected count is below 5 (2 x 2 computed by hand)", () => {
  // Group A: 1 of 8 with "yes"; group B: 6 of 9. Expected counts below 5.
  const lines = ["arm,flag"];
  const add = (arm, yes, n) => { for (let i = 0; i < n; i++) lines.push(`${arm},${i < yes ? "yes" : "no"}`); };
  add("A", 1, 8);
  add("B", 6, 9);
  const ds = survcalc.Dataset.fromCsv(lines.join("\n"), "small.csv", {});
  const r = ds.baselineTable({ group: "arm", variables: ["flag"] });
  const t = r.table.tests[0];
  assert.equal(t.test, "Fisher's exact test");
  // Two-sided p as fisher.test: sum of hypergeometric probabilities of the
  // tables (with these margins) no more probable than the observed one.
  const choose = (n, k) => { let c = 1; for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i; return c; };
  const [m, n, k] = [8, 9, 7]; // group A size, group B size, total "yes"
  const prob = (x) => (choose(m, x) * choose(n, k - x)) / choose(m + n, k);
  const observed = prob(1);
  let p = 0;
  for (let x = Math.max(0, k - n); x <= Math.min(k, m); x++) if (prob(x) <= observed * (1 + 1e-7)) p += prob(x);
  close(t.p, p, CLOSED_FORM_REL, "Fisher p");
  assert.ok(t.min_expected < 5);
  ds.free();
});

test("errors name the problem: one group, unknown column, no variable, no group chosen", () => {
  const one = survcalc.Dataset.fromCsv("arm,x\nA,1\nA,2\nA,3\n", "one.csv", {});
  assert.throws(() => one.baselineTable({ group: "arm", variables: ["x"] }), /only one group \("A"\)/);
  one.free();
  assert.throws(() => colon.baselineTable({ group: "rx", variables: ["weight"] }), /no column named "weight"/);
  assert.throws(() => colon.baselineTable({ group: "arm", variables: ["sex"] }), /no column named "arm"/);
  assert.throws(() => colon.baselineTable({ group: "rx", variables: [] }), /at least one variable/);
  assert.throws(() => colon.baselineTable({ variables: ["sex"] }), /Choose the column that defines the groups/);
  assert.throws(() => colon.baselineTable({ group: "rx", variables: ["rx"] }), /defines the groups/);
  assert.throws(() => colon.baselineTable({ group: "rx", variables: ["age"], continuous_test: "t" }), /Option "continuous_test" of Table 1 cannot be "t"\. Choose one of: "kruskal"/);
});
