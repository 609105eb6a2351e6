// Work that lasts (issue 13), as a clinician meets it: her own file is read,
// classified, a column derived and a curve drawn; the session saved as an
// analysis file holds no value of her data; the R script and its data are
// downloaded (and run in R where R is installed); the report carries the
// Statistical analysis paragraph; next year's file (one column gone) reruns
// the analysis file and names what does not fit; a reload asks for the same
// file and puts her work back; the opt-in keeps the data across a reload;
// "Forget everything" leaves nothing in this browser's storage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, writeFileSync, mkdtempSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { inflateRawSync } from "node:zlib";
import { openPage, artifacts } from "../support/browser.mjs";
import { root } from "../support/wasm.mjs";

let session;
let dir;
let dataFile;
let nextYear;
before(async () => {
  session = await openPage({ height: 1100 });
  dir = mkdtempSync(join(tmpdir(), "survcalc-session-"));
  // Her file, opened from disk (not an example): the page must hash its bytes.
  dataFile = join(dir, "hcc_2026.csv");
  copyFileSync(join(root, "www", "examples", "synthetic_hcc_cohort.csv"), dataFile);
  // Next year's export without the AFP column.
  const rows = readFileSync(dataFile, "utf8").trimEnd().split("\n").map((line) => line.split(","));
  const afp = rows[0].indexOf("afp");
  nextYear = join(dir, "hcc_2027.csv");
  writeFileSync(nextYear, rows.map((r) => r.filter((_, i) => i !== afp).join(",")).join("\n") + "\n");
});
after(async () => { await session?.close(); });

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "") };
}

/** The entries of a zip file (stored or deflated), read from its central directory. */
function unzip(bytes) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, "a zip file");
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, "a central directory entry");
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

async function openData(page, path) {
  await page.setInputFiles("#file-input", path);
  await page.waitForFunction((name) => document.querySelector("#data-loaded")?.textContent.includes(name), path.split("/").pop());
}

let requestsAtStart;
let saved;

test("a session is recorded and saved as an analysis file with no value of the data", async () => {
  const { page } = session;
  requestsAtStart = session.requests.length;
  await openData(page, dataFile);
  await page.waitForSelector("#cohort-card:not([hidden])");
  await page.click("#cohort-run");
  await page.waitForSelector("#cohort-results:not([hidden])");
  await page.waitForSelector("#km-results:not([hidden])");
  await page.selectOption("#derive-kind", "cut");
  await page.selectOption("#derive-column", "afp");
  await page.fill("#derive-at", "400");
  await page.click("#derive-add");
  await page.waitForSelector('#derive-list li[data-column="afp_ge_400_2"]');
  // The curve is redrawn with the new column available: its request moves after the derivation.
  await page.waitForFunction(() => [...document.querySelectorAll("#session-steps li")].map((li) => li.dataset.analysis)
    .slice(0, 3).join() === "classify,derive,kaplan_meier");
  assert.match(await page.textContent("#session-file"), /hcc_2026\.csv \(\d+ KB\), fingerprint [0-9a-f]{12}/);
  // Data-changing steps in order; each panel's last request after the data it used
  // (Table 1 and rates ran by themselves once the classification gave them groups).
  const listed = await page.$$eval("#session-steps li", (lis) => lis.map((li) => li.dataset.analysis));
  assert.deepEqual(listed.slice(0, 3), ["classify", "derive", "kaplan_meier"], listed.join());

  const { name, text } = await downloadText(page, "#session-save");
  assert.equal(name, "hcc_2026.survcalc.json");
  saved = JSON.parse(text);
  assert.equal(saved.version, 1);
  assert.equal(saved.dataset.file_name, "hcc_2026.csv");
  assert.deepEqual(saved.steps.map((s) => s.analysis), listed);
  assert.equal(saved.steps[1].name, "afp_ge_400_2");
  assert.equal(saved.steps[2].conf_type, "log", "every option written, defaults included");
  // No value of the data: no patient ID, date or measurement (every cell
  // with a digit and at least five characters) is in the file.
  const cells = new Set(readFileSync(dataFile, "utf8").split("\n").slice(1).flatMap((l) => l.split(","))
    .filter((c) => c.length >= 5 && /\d/.test(c)));
  assert.ok(cells.size > 1000, `${cells.size} values checked`);
  const leaked = [...cells].filter((c) => text.includes(c));
  assert.deepEqual(leaked, [], "values of the data in the analysis file");
  writeFileSync(join(dir, name), text);
});

test("the R script and its data are downloaded, and R runs the script", async () => {
  const { page } = session;
  const script = await downloadText(page, "#session-r-script");
  const data = await downloadText(page, "#session-r-data");
  assert.equal(script.name, "hcc_2026.R");
  assert.equal(data.name, "hcc_2026-for-R.csv");
  assert.match(script.text, /library\(survival\)/);
  assert.match(script.text, /data_file <- "hcc_2026-for-R\.csv"/);
  assert.ok(data.text.split(/\r?\n/)[0].includes("afp_ge_400_2"), "the derived column is in R's data");
  writeFileSync(join(dir, script.name), script.text);
  writeFileSync(join(dir, data.name), data.text);
  const r = spawnSync("Rscript", ["--version"]);
  if (r.error) return; // R is not installed here: the downloads are checked above.
  const run = spawnSync("Rscript", [script.name], { cwd: dir, encoding: "utf8", timeout: 120000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /survcalc_check|^\S+ -?\d/m, run.stdout.slice(0, 400));
  assert.ok((run.stdout.match(/\n/g) ?? []).length > 10, "R printed the numbers");
});

test("the report is one HTML file with the Statistical analysis paragraph shown on the page", async () => {
  const { page } = session;
  await page.waitForFunction(() => /Kaplan–Meier method/.test(document.querySelector("#session-methods")?.textContent ?? ""));
  const paragraph = await page.textContent("#session-methods");
  assert.ok(await page.$$eval("#session-references li", (lis) => lis.length) >= 3);
  const { name, text } = await downloadText(page, "#session-report");
  assert.equal(name, "hcc_2026-report.html");
  assert.match(text, /<h2>Statistical analysis<\/h2>/);
  const escaped = paragraph.slice(0, 120).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  assert.ok(text.includes(escaped) || text.includes(paragraph.slice(0, 60)), "the page's paragraph is the report's");
  assert.ok(!/<script|(src|href)\s*=\s*["']?https?:/i.test(text), "nothing to run or fetch");
  await page.screenshot({ path: join(artifacts, "session-card-1366.png"), fullPage: false,
    clip: await page.$eval("#session-card", (e) => { e.scrollIntoView(); const r = e.getBoundingClientRect(); return { x: 0, y: 0, width: 1280, height: Math.min(1100, r.bottom) }; }) });
});

test("the Word report holds the tables, the figures as 300-dpi pictures and the paragraph", async () => {
  const { page } = session;
  const paragraph = await page.textContent("#session-methods");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60000 }), page.click("#session-report-docx")]);
  assert.equal(download.suggestedFilename(), "hcc_2026-report.docx");
  const bytes = readFileSync(await download.path());
  writeFileSync(join(artifacts, "session-report.docx"), bytes);
  const parts = unzip(bytes);
  for (const name of ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml"]) {
    assert.ok(parts.has(name), `${name} in ${[...parts.keys()]}`);
  }
  const document = parts.get("word/document.xml").toString("utf8");
  const xmlEscaped = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
  assert.ok(document.includes(xmlEscaped(paragraph.slice(0, 200))), "the page's Statistical analysis paragraph");
  assert.ok((document.match(/<w:tbl>/g) ?? []).length >= 3, "Word tables");
  // One picture per figure, each a PNG recording 300 dpi (11811 pixels per metre)
  // and drawn (a blank picture compresses to a few hundred bytes).
  const pictures = [...parts.keys()].filter((n) => n.startsWith("word/media/"));
  const inline = (document.match(/<wp:inline /g) ?? []).length;
  assert.ok(pictures.length >= 2, `flow chart and curve: ${pictures}`);
  assert.equal(inline, pictures.length);
  for (const name of pictures) {
    const png = parts.get(name);
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG", name);
    const phys = png.indexOf(Buffer.from("pHYs"));
    assert.ok(phys > 0, `${name} records its resolution`);
    assert.equal(png.readUInt32BE(phys + 4), 11811, `${name}: 300 dpi`);
    assert.ok(png.length > 20000, `${name} is drawn (${png.length} bytes)`);
  }
});

test("next year's file reruns the analysis file; the step that does not fit is named", async () => {
  const { page } = session;
  await openData(page, nextYear);
  await page.setInputFiles("#session-open-input", join(dir, "hcc_2026.survcalc.json"));
  await page.waitForSelector("#session-rerun li");
  const items = await page.$$eval("#session-rerun li", (lis) => lis.map((li) => ({ cls: li.className, analysis: li.dataset.analysis, text: li.textContent })));
  assert.equal(items.length, saved.steps.length);
  const ofKind = (kind) => items.find((i) => i.analysis === kind);
  assert.equal(ofKind("classify").cls, "ran", JSON.stringify(items));
  assert.equal(ofKind("kaplan_meier").cls, "ran", JSON.stringify(items));
  assert.equal(ofKind("derive").cls, "does-not-fit");
  assert.match(ofKind("derive").text, /"afp"|“afp”|afp/, "the missing column is named");
  const failed = items.filter((i) => i.cls === "does-not-fit").length;
  assert.match(await page.textContent("#session-opened"),
    new RegExp(`${items.length - failed} of ${items.length} steps ran; ${failed} did not fit this data`));
  // The classification and the curve are back on the page.
  await page.waitForSelector("#cohort-results:not([hidden])");
  await page.waitForSelector("#km-results:not([hidden])");
  assert.deepEqual(session.requests.slice(requestsAtStart), [], "no network request");
  assert.deepEqual(session.consoleErrors, []);
});

test("a reload keeps the settings and asks for the same file, recognised by its content", async () => {
  const { page } = session;
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForSelector("#session-restore");
  assert.match(await page.textContent("#session-restore"), /Open hcc_2027\.csv again/);
  assert.equal(await page.isHidden("#columns-card"), true, "the data were not kept");
  const stored = await page.evaluate(() => localStorage.getItem("survcalc-session"));
  for (const value of ["SYN-0001", "2016-10-04", "2271.6"]) assert.ok(!stored.includes(value), value);
  await openData(page, nextYear);
  await page.waitForFunction(() => /Recognised hcc_2027\.csv/.test(document.querySelector("#session-restore")?.textContent));
  await page.waitForSelector("#cohort-results:not([hidden])");
  await page.waitForSelector("#km-results:not([hidden])");
  assert.equal(await page.inputValue("#km-time"), "os_months");
  // The kept steps are the session's again once the page has put them back.
  await page.waitForFunction((n) => document.querySelectorAll("#session-steps li").length === n, saved.steps.length);
  await page.waitForSelector("#session-rerun li");
});

test("opting in keeps the data across a reload", async () => {
  const { page } = session;
  await page.check("#session-keep-data");
  // The record says so only once the copy's transaction has completed (the
  // database exists as soon as it is opened, before the file is in it).
  await page.waitForFunction(() => JSON.parse(localStorage.getItem("survcalc-session") ?? "{}").keepData === true);
  assert.ok(await page.evaluate(async () => (await indexedDB.databases()).length > 0));
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  await page.waitForFunction(() => document.querySelector("#data-loaded")?.textContent.includes("hcc_2027.csv"));
  await page.waitForSelector("#cohort-results:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#session-keep-data")?.checked);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.$eval("#session-card", (e) => e.scrollIntoView());
  await page.screenshot({ path: join(artifacts, "session-card-390.png") });
  await page.setViewportSize({ width: 1280, height: 1100 });
});

test("Forget everything deletes the settings and the data from this browser", async () => {
  const { page } = session;
  await page.click("#session-forget");
  await page.waitForFunction(() => /deleted/.test(document.querySelector("#session-forget-note")?.textContent));
  const left = await page.evaluate(async () => ({
    localStorage: Object.keys(localStorage),
    indexedDB: (await indexedDB.databases()).map((d) => d.name),
  }));
  assert.deepEqual(left, { localStorage: [], indexedDB: [] });
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  assert.equal(await page.$("#session-restore"), null, "nothing to restore");
  assert.equal(await page.isHidden("#columns-card"), true);
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), []);
});
