// The worker side of the wasm-boundary fuzzer (tests/fuzz/boundary.mjs):
// holds one wasm instance, builds each case from its seed (option objects
// with throwing getters and Proxies cannot be sent between threads, so they
// are made here), calls the API the way a page could, and reports what
// happened. After every case it answers a known-good request, which must
// give the same answer as on a fresh instance.
import { parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCase } from "./cases.mjs";
import { nonFinite } from "../support/check.mjs";

const pkg = await import(join(workerData.pkgDir, "survcalc.js"));
await pkg.default({ module_or_path: readFileSync(join(workerData.pkgDir, "survcalc_bg.wasm")) });

const GOOD_CSV = "time,status,group\n5,1,a\n8,0,b\n12,1,a\n3,1,b\n9,0,a\n15,1,b\n";
const GOOD_OPTIONS = { time: "time", event: "status", event_values: ["1"], group: "group" };
function knownGood() {
  const ds = pkg.Dataset.fromCsv(GOOD_CSV, "good.csv", {});
  try {
    return JSON.stringify(ds.kaplanMeier(GOOD_OPTIONS).fit);
  } finally {
    ds.free();
  }
}
const baseline = knownGood();


parentPort.on("message", ({ seed }) => {
  const c = makeCase(seed, pkg);
  const report = { seed, name: c.name, calls: [], crash: null, nonFinite: [], goodChanged: false };
  let ds = null;
  try {
    for (const call of c.calls) {
      try {
        const result = call.run(pkg, ds);
        if (call.makesDataset) {
          ds?.free?.();
          ds = result;
          report.calls.push({ method: call.method, ok: true });
        } else {
          report.nonFinite.push(...nonFinite(result).map((p) => `${call.method} ${p}`));
          report.calls.push({ method: call.method, ok: true });
        }
      } catch (error) {
        if (error instanceof WebAssembly.RuntimeError) throw error;
        report.calls.push({ method: call.method, ok: false, message: String(error?.message ?? error) });
      }
    }
    try { ds?.free?.(); } catch { /* a dataset already freed */ }
    report.goodChanged = knownGood() !== baseline;
  } catch (error) {
    report.crash = String(error?.stack ?? error);
  }
  parentPort.postMessage(report);
});
parentPort.postMessage({ ready: true });
