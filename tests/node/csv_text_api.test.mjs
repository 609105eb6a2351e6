// Dataset.fromCsv hands the text to wasm through TextEncoder.encodeInto
// (issue 16): the table must be the one fromBytes reads from the same text
// encoded by the engine, whatever the characters and where they fall
// (before, inside and after the one-byte-per-unit first pass runs out).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSurvcalc } from "../support/wasm.mjs";

const survcalc = await loadSurvcalc();

test("fromCsv reads a string exactly as fromBytes reads its UTF-8 bytes", () => {
  const texts = [
    "a,b\n1,é\n2,x\n",
    "é,b\n1,2\n",
    "a,b\n1,😀\n2,\uD800\n3,y\n",
    "a,b\n" + "1,x\n".repeat(1000) + "2,\uDC00z\n",
    "a,b\n1,x\u00e9\u4e2d\n2,\u4e2d😀\n",
    "x,y\n1,2",
  ];
  for (const text of texts) {
    const viaString = survcalc.Dataset.fromCsv(text, "t.csv", {});
    const viaBytes = survcalc.Dataset.fromBytes(new TextEncoder().encode(text), "t.csv", {});
    assert.deepEqual(viaString.summary(), viaBytes.summary(), JSON.stringify(text.slice(0, 40)));
    viaString.free();
    viaBytes.free();
  }
  assert.throws(() => survcalc.Dataset.fromCsv(42, "t.csv", {}), /needs the file's text as a string/);
});
