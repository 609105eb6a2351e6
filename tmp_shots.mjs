import { openPage } from "./tests/support/browser.mjs";
const [w, h, presenter, tall] = process.argv.slice(2);
const s = await openPage({ width: Number(w), height: Number(h), offline: false });
const { page } = s;
await page.click("#tour-open");
await page.waitForSelector("#tour-steps button");
if (presenter === "1") await page.click("#tour-presenter");
const n = await page.locator("#tour-steps button").count();
for (let i = 0; i < n; i++) {
  await page.click(`#tour-steps button[data-step="${i}"]`);
  await page.waitForSelector("#tour-results[data-ready=true]");
  await page.waitForTimeout(150);
  const tag = `${w}x${h}${presenter === "1" ? "-presenter" : ""}-${String(i + 1).padStart(2, "0")}`;
  if (tall === "1") {
    const full = await page.$eval("#tour", (d) => d.scrollHeight);
    await page.setViewportSize({ width: Number(w), height: Math.min(full + 20, 8000) });
    await page.screenshot({ path: `/tmp/tourshots/${tag}-full.png` });
    await page.setViewportSize({ width: Number(w), height: Number(h) });
  } else {
    await page.evaluate(() => document.querySelector("#tour").scrollTo(0, 0));
    await page.screenshot({ path: `/tmp/tourshots/${tag}-a.png` });
    await page.evaluate(() => document.querySelector("#tour-results").scrollIntoView());
    await page.screenshot({ path: `/tmp/tourshots/${tag}-b.png` });
  }
}
console.log(s.consoleErrors);
await s.close();
