// The bundled examples' manifest (www/examples/index.json) and the
// synthetic-data flag: declared by the manifest and passed when reading,
// reported by the summary (the page's banner), never guessed from a name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadSurvcalc, root } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();
const manifest = JSON.parse(readFileSync(join(root, "www", "examples", "index.json"), "utf8"));

test("the manifest lists every bundled example with a title, a description and the synthetic flag", () => {
  assert.ok(manifest.length > 0);
  for (const e of manifest) {
    assert.ok(existsSync(join(root, "www", e.path)), e.path);
    assert.equal(typeof e.title, "string");
    assert.equal(typeof e.description, "string");
    assert.equal(typeof e.synthetic, "boolean", e.path);
  }
  assert.deepEqual(manifest.filter((e) => e.synthetic).map((e) => e.path), ["examples/synthetic_hcc_cohort.csv"]);
});

test("a file named synthetic.csv gets no banner; the example declared synthetic does", () => {
  const named = survcalc.Dataset.fromCsv("time,status\n1,1\n2,0\n3,1\n", "synthetic.csv", {});
  assert.equal(named.summary().synthetic, false);
  named.free();

  const entry = manifest.find((e) => e.synthetic);
  const text = readFileSync(join(root, "www", entry.path), "utf8");
  const name = entry.path.split("/").pop();
  // As the page's worker loads it: the manifest's flag in the read options.
  const example = survcalc.Dataset.fromCsv(text, name, { synthetic: entry.synthetic });
  assert.equal(example.summary().synthetic, true);
  example.free();
  // The same file without the declaration, its name notwithstanding: no banner.
  const undeclared = survcalc.Dataset.fromCsv(text, name, {});
  assert.equal(undeclared.summary().synthetic, false);
  undeclared.free();
});
