// The user's whole task, timed through the public wasm API (issue 16), next
// to R and Python on the same file in the same run: reading the CSV, KM
// overall and by group with the log-rank test, Cox (Efron, 7 coefficients)
// with concordance and the PH test, and the Figure-2 table (6 univariate
// logistic fits and 1 multivariable). One JSON line per program, task and n,
// each the median of several runs. A benchmark, not a test.
// Run: node tests/bench/user_tasks.mjs [n ...]   (make bench runs it)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ns = sizes.length ? sizes : [1e4, 1e5, 1e6];
const dataDir = join(root, "target", "bench-data");
mkdirSync(dataDir, { recursive: true });

function dataFile(n) {
  const path = join(dataDir, `bench_${n}.csv`);
  if (!existsSync(path)) {
    execFileSync("cargo", ["run", "-q", "--release", "-p", "survcalc-devtools", "--example", "bench_csv", "--", String(n), path],
      { cwd: root, stdio: "inherit" });
  }
  return path;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const line = (o) => console.log(JSON.stringify(o));

const survcalc = await loadSurvcalc();
const KM = { time: "time", event: "status", event_values: ["1"] };
const COVARIATES = [{ column: "arm", kind: "categorical" }, ...["age", "biomarker", "female", "score", "ecog"].map((c) => ({ column: c }))];
const tasks = {
  km: (ds) => { ds.kaplanMeier(KM); ds.kaplanMeier({ ...KM, group: "arm" }); },
  cox: (ds) => ds.cox({ ...KM, covariates: COVARIATES }),
  logistic_table: (ds) => ds.modelTable({
    outcome: { column: "response", event_values: ["1"] }, candidates: COVARIATES,
    multivariable: COVARIATES.map((c) => c.column),
  }),
};

// Issue 16's targets: survcalc's time as a fraction of the named peer's,
// measured in the same run on the same file.
const TARGETS = {
  read_csv: { peer: "R data.table::fread", ratio: 1.2 },
  km: { peer: "lifelines", ratio: 0.25 },
  cox: { peer: "R survival", ratio: 0.07 },
  logistic_table: { peer: "statsmodels", ratio: 0.4 },
};

for (const n of ns) {
  const results = [];
  const record = (o) => { results.push(o); line(o); };
  const path = dataFile(n);
  const text = readFileSync(path, "utf8");
  const repeats = n >= 1e6 ? 3 : 5;
  const time = (f) => { f(); const t = []; for (let i = 0; i < repeats; i++) { const t0 = performance.now(); f(); t.push((performance.now() - t0) / 1000); } return median(t); };
  record({ impl: "survcalc-wasm", task: "read_csv", n, median_s: time(() => survcalc.Dataset.fromCsv(text, "bench.csv", {}).free()) });
  const ds = survcalc.Dataset.fromCsv(text, "bench.csv", {});
  for (const [task, f] of Object.entries(tasks)) record({ impl: "survcalc-wasm", task, n, median_s: time(() => f(ds)) });
  ds.free();
  // The peers, on the same file, when installed (.ci/bench-peers.sh installs them).
  for (const [cmd, script] of [["Rscript", "peers.R"], ["python3", "peers.py"]]) {
    try {
      const out = execFileSync(cmd, [join(root, "tests", "bench", script), path, String(n), String(repeats)],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 1800e3 });
      for (const l of out.split("\n").filter(Boolean)) record(JSON.parse(l));
    } catch (e) {
      console.error(`${script}: ${String(e.stderr ?? e.message).trim().split("\n").slice(-1)[0]}`);
    }
  }
  for (const [task, { peer, ratio }] of Object.entries(TARGETS)) {
    const ours = results.find((r) => r.impl === "survcalc-wasm" && r.task === task);
    const theirs = results.find((r) => r.impl === peer && r.task === task);
    if (!ours || !theirs) continue;
    const r = ours.median_s / theirs.median_s;
    line({ summary: "survcalc / peer", task, n, peer, ratio: Number(r.toFixed(3)), target: ratio, met: r <= ratio });
  }
}
