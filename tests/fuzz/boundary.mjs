// Fuzzes the wasm boundary under Node: cases made from seeds
// (tests/fuzz/cases.mjs) run in a worker thread holding one wasm instance.
// A RuntimeError (the instance is dead) is a crash, a case over the time
// limit a hang; either way the worker is replaced and fuzzing goes on.
// Also reported: NaN or Infinity in a result, and a known-good request
// answered differently after a case (state leaked between calls).
//
// As a command (`make fuzz`): node tests/fuzz/boundary.mjs [seconds] [first seed]
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
export const defaultPkgDir = join(here, "..", "..", "www", "pkg");

function startWorker(pkgDir) {
  const worker = new Worker(join(here, "boundary_worker.mjs"), { workerData: { pkgDir } });
  const ready = new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return { worker, ready };
}

/**
 * Runs seeds first, first+1, … until `count` cases or `seconds` have passed.
 * Returns { cases, crashes, hangs, nonFinite, goodChanged, calls, errors }.
 */
export async function fuzzBoundary({ pkgDir = defaultPkgDir, first = 1, count = Infinity, seconds = 60, timeoutMs = 10000 } = {}) {
  const findings = { cases: 0, calls: 0, errors: 0, crashes: [], hangs: [], nonFinite: [], goodChanged: [] };
  let { worker, ready } = startWorker(pkgDir);
  await ready;
  const deadline = Date.now() + seconds * 1000;
  for (let seed = first; seed < first + count && Date.now() < deadline; seed++) {
    const outcome = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ hang: true }), timeoutMs);
      const done = (value) => { clearTimeout(timer); worker.off("message", onMessage); worker.off("error", onError); resolve(value); };
      const onMessage = (report) => done({ report });
      const onError = (error) => done({ error });
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.postMessage({ seed });
    });
    findings.cases++;
    const restart = async () => {
      await worker.terminate();
      ({ worker, ready } = startWorker(pkgDir));
      await ready;
    };
    if (outcome.hang) {
      findings.hangs.push(seed);
      await restart();
      continue;
    }
    if (outcome.error) {
      findings.crashes.push({ seed, error: String(outcome.error?.stack ?? outcome.error) });
      await restart();
      continue;
    }
    const r = outcome.report;
    findings.calls += r.calls.length;
    findings.errors += r.calls.filter((c) => !c.ok).length;
    if (r.crash) {
      findings.crashes.push({ seed, error: r.crash });
      await restart();
    }
    if (r.nonFinite.length) findings.nonFinite.push({ seed, paths: r.nonFinite.slice(0, 5) });
    if (r.goodChanged) findings.goodChanged.push(seed);
  }
  await worker.terminate();
  return findings;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] ?? 60);
  const first = Number(process.argv[3] ?? Math.floor(Math.random() * 1e9));
  const f = await fuzzBoundary({ seconds, first });
  console.log(JSON.stringify({
    target: "wasm_boundary", first_seed: first, cases: f.cases, calls: f.calls, errors: f.errors,
    crashes: f.crashes.length, hangs: f.hangs.length, non_finite: f.nonFinite.length, good_changed: f.goodChanged.length,
  }));
  for (const c of f.crashes.slice(0, 5)) console.log(`crash at seed ${c.seed}: ${c.error.split("\n")[0]}`);
  for (const s of f.hangs.slice(0, 5)) console.log(`hang at seed ${s}`);
  for (const n of f.nonFinite.slice(0, 5)) console.log(`non-finite number at seed ${n.seed}: ${n.paths.join(", ")}`);
  if (f.crashes.length || f.hangs.length || f.nonFinite.length || f.goodChanged.length) process.exitCode = 1;
}
