// Files as clinicians have them, in headless Chromium: a UTF-16 text file
// (Excel's "Unicode text"), an .xlsx dropped on the page whose second sheet
// is chosen (the spreadsheet package is fetched only then), an SPSS file
// (a message naming the format), and a stray word in a number column read
// as missing with one click; then a good file analyses normally.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openPage, artifacts } from "../support/browser.mjs";
import { root } from "../support/wasm.mjs";

let session;
before(async () => { session = await openPage(); });
after(async () => { await session?.close(); });

const fixture = (file) => readFileSync(join(root, "tests", "fixtures", "sheets", file));
const summaryText = () => session.page.textContent("#data-summary");

async function upload(name, buffer, mimeType = "text/csv") {
  await session.page.setInputFiles("#file-input", { name, mimeType, buffer });
}

/** Drops a file on the drop zone, as a user drags it from the desktop. */
async function drop(name, buffer) {
  await session.page.evaluate(({ name, base64 }) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name));
    document.getElementById("drop-zone").dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { name, base64: buffer.toString("base64") });
}

test("a UTF-16LE file with a byte-order mark loads and analyses", async () => {
  const { page } = session;
  const text = readFileSync(join(root, "www", "examples", "aml.csv"), "utf8").replaceAll(",", "\t");
  await upload("aml.txt", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]), "text/plain");
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("23 rows"));
  assert.match(await summaryText(), /tab-separated/);
  await page.selectOption("#km-time", "time");
  await page.selectOption("#km-event", "status");
  await page.selectOption("#km-group", "x");
  await page.waitForFunction(() => document.querySelector("#km-summary")?.textContent.includes("Nonmaintained"));
  // survfit(Surv(time, status) ~ x, data = aml): log-rank p = 0.065.
  assert.match(await page.textContent("#km-test"), /p = 0\.065/);
});

test("a dropped .xlsx asks for its sheet, fetches the spreadsheet reader only then, and reads the second sheet", async () => {
  const { page, requests } = session;
  assert.ok(!requests.some((u) => u.includes("pkg-sheets")), "no spreadsheet code before a workbook");
  await drop("workbook.xlsx", fixture("workbook.xlsx"));
  await page.waitForSelector("#sheet-select");
  assert.match(await summaryText(), /workbook\.xlsx has 3 sheets/);
  assert.ok(requests.some((u) => u.includes("pkg-sheets/survcalc_sheets_bg.wasm")), "fetched on demand");
  await page.selectOption("#sheet-select", "Patients");
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("12 rows"));
  const text = await summaryText();
  assert.match(text, /sheet "Patients"/);
  // Excel date cells arrive as dates.
  assert.equal(await page.$eval('select[aria-label="Type of column start"]', (s) => s.value), "date:year_month_day");
  assert.match(text, /all 12 non-missing values are dates/);
  await page.screenshot({ path: join(artifacts, "sheets-workbook.png"), fullPage: true });
  // Another sheet from the same chooser: an empty one is a message, and the
  // page keeps working.
  await page.selectOption("#sheet-select", "Empty");
  await page.waitForSelector("#error:not([hidden])");
  assert.match(await page.textContent("#error"), /Sheet "Empty" is empty/);
});

test("an SPSS file gets a message naming the format and how to save it", async () => {
  const { page } = session;
  await upload("patients.sav", fixture("patients.sav"), "application/octet-stream");
  await page.waitForFunction(() => document.querySelector("#error")?.textContent.includes("SPSS"));
  const message = await page.textContent("#error");
  assert.match(message, /This file is an SPSS data file \(\.sav\), not a CSV or text file\./);
  assert.match(message, /File > Export > CSV Data/);
});

test("a stray word in a number column is read as missing with one click, then a good file analyses", async () => {
  const { page } = session;
  let csv = "id,age,months,status\n";
  for (let i = 1; i <= 20; i++) csv += `${i},${i === 7 ? "unknown" : 40 + i},${i * 2},${i % 2}\n`;
  await upload("ages.csv", Buffer.from(csv));
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("20 rows"));
  assert.match(await summaryText(), /Column "age" is numbers except line 8: "unknown"/);
  await page.click('.reading-note[data-column="age"] button');
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("read as missing"));
  const type = await page.$eval('select[aria-label="Type of column age"]', (s) => s.value);
  assert.equal(type, "number");
  assert.match(await summaryText(), /Column "age": 1 value that is not a number was read as missing \(line 8: "unknown"\)\./);
  // The next file loads and analyses as usual.
  await upload("aml.csv", readFileSync(join(root, "www", "examples", "aml.csv")));
  await page.waitForFunction(() => document.querySelector("#data-summary")?.textContent.includes("23 rows"));
  assert.ok(await page.isHidden("#error"));
});
