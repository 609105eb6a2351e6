// The report step's card for work that lasts: the session as an analysis
// file (save, open and rerun on the loaded data, listing what does not
// fit), the R script with the data it reads, the self-contained HTML
// and Word reports, the Statistical analysis paragraph with its references, and what
// this browser keeps (the opt-in copy of the data, "Forget everything").
// The record is recorder.js's; the wasm calls are the worker's (readAnalysisFile,
// methodsText, rerun, reportScenes, reportDocx, rFiles); the page puts a session back with `replay`.
import { keptSession, keptFile } from "../recorder.js";
import { figureFile } from "../figure_options.js";

/** Figures of the Word report: drawn at print size, 300 dots per inch (the resolution of a printed page). */
const WORD_FIGURE_DPI = 300;

// The panel whose requests a step of an opened file stands for (recorder.js's keys).
const PANEL_KEYS = {
  kaplan_meier: "km", cox: "cox:cox", model_table: "models:modelTable", baseline_table: "baseline:baselineTable",
  rates: "rates:rates", competing_risks: "cr:competingRisks", subgroups: "sg:subgroups",
};
const NAMES = {
  classify: "Classification", derive: "Derived column", kaplan_meier: "Kaplan–Meier", cox: "Cox regression",
  model_table: "Univariate and multivariable models", baseline_table: "Table 1", rates: "Rates",
  competing_risks: "Competing risks", subgroups: "Subgroups",
};

const sizeText = (bytes) => (bytes == null ? "" : bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** An analysis file's steps as the record keeps them (each with the panel it stands for). */
export function recordSteps(file) {
  const seen = new Map();
  return file.steps.map(({ analysis, ...options }) => {
    const base = analysis === "classify" ? "classify" : analysis === "derive" ? `derive:${options.name}` : PANEL_KEYS[analysis] ?? analysis;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n > 1 ? `${base}#${n}` : base, analysis, options, changesData: analysis === "classify" || analysis === "derive" };
  });
}

export function createAnalysisFileCard({ engine, recorder, el, download, errorText, replay, loadFile, summaryName }) {
  const $id = (id) => element.querySelector(`#${id}`);
  const button = (id, text, cls = "secondary") => el("button", { type: "button", id, class: cls, disabled: true }, text);
  const save = button("session-save", "Save analysis file");
  const openInput = el("input", { type: "file", id: "session-open-input", accept: ".json,application/json", hidden: true });
  const open = button("session-open", "Open analysis file");
  const rScript = button("session-r-script", "Download R script");
  const rData = button("session-r-data", "Download data for R");
  const report = button("session-report", "Download report (HTML)");
  const reportWord = button("session-report-docx", "Download report (Word)");
  const copy = button("session-methods-copy", "Copy the paragraph");
  const keep = el("input", { type: "checkbox", id: "session-keep-data", disabled: true });
  const forget = el("button", { type: "button", id: "session-forget", class: "secondary danger" }, "Forget everything");
  const element = el("section", { class: "card", id: "session-card", "aria-labelledby": "session-title" },
    el("h3", { id: "session-title" }, "Analysis file, R script and report"),
    el("p", { class: "hint" },
      "Everything you ran, as settings only (column names, codes, choices; never a row of your data). ",
      "Save it to redo the same analyses on next year's file, or send it to a colleague; the R script repeats every number in R."),
    el("p", { id: "session-file", class: "file-facts" }, "No data loaded yet."),
    el("ol", { id: "session-steps", class: "session-steps" }),
    el("div", { class: "settings session-actions" }, save, open, openInput),
    el("div", { id: "session-opened", class: "session-opened", hidden: true, role: "status" }),
    el("div", { class: "settings session-actions" }, rScript, rData, report, reportWord),
    el("div", { class: "error", role: "alert", id: "session-error", hidden: true }),
    el("h4", {}, "Statistical analysis"),
    el("p", { id: "session-methods", class: "methods-paragraph" }, "Run an analysis: its methods are described here, with references, ready to paste into a manuscript."),
    el("ul", { id: "session-references", class: "references" }),
    el("p", {}, copy),
    el("h4", {}, "Kept in this browser"),
    el("p", { class: "hint", id: "session-kept-note" },
      "Your settings (file name, size and fingerprint, column types, classification, derived columns, each analysis's choices) ",
      "are kept in this browser as you work, so that a reload finds them. Your data are not, unless you tick the box."),
    el("label", { class: "check" }, keep, "Keep the data on this computer (stored only in this browser, until you forget it)"),
    el("p", {}, forget, " ", el("span", { id: "session-forget-note", class: "hint", "aria-live": "polite" })));

  const showError = (e) => {
    const box = $id("session-error");
    box.hidden = !e;
    box.textContent = e ? errorText(e) : "";
  };
  const baseName = () => (recorder.record.dataset?.file_name ?? "analysis").replace(/\.[^.]*$/, "");
  /** The session's file as the wasm reader writes it: every option, defaults included. */
  const strictFile = () => engine.call("readAnalysisFile", { file: recorder.analysisFile() });

  let methodsTimer = null;
  function refresh() {
    const { dataset, steps, keepData } = recorder.record;
    $id("session-file").textContent = dataset
      ? `Data: ${dataset.file_name}${dataset.size != null ? ` (${sizeText(dataset.size)})` : ""}${dataset.sha256 ? `, fingerprint ${dataset.sha256.slice(0, 12)}…` : ""}`
      : "No data loaded yet.";
    $id("session-steps").replaceChildren(...steps.map((s) => el("li", { "data-analysis": s.analysis },
      NAMES[s.analysis] ?? s.analysis, s.analysis === "derive" ? ` “${s.options.name}”` : "")));
    const has = steps.length > 0;
    for (const b of [save, rScript, rData, report, reportWord, copy]) b.disabled = !has;
    open.disabled = !dataset;
    keep.disabled = !recorder.canKeepData() && !keepData;
    keep.checked = keepData;
    clearTimeout(methodsTimer);
    methodsTimer = setTimeout(showMethods, 300);
  }

  async function showMethods() {
    if (!recorder.record.steps.length) {
      $id("session-methods").textContent = "Run an analysis: its methods are described here, with references, ready to paste into a manuscript.";
      $id("session-references").replaceChildren();
      return;
    }
    try {
      const m = await engine.call("methodsText", { file: recorder.analysisFile() });
      $id("session-methods").textContent = m.paragraph;
      $id("session-references").replaceChildren(...m.references.map((r) => el("li", {}, r)));
    } catch (e) {
      showError(e);
    }
  }

  const guarded = (work) => async () => {
    showError(null);
    try {
      await work();
    } catch (e) {
      showError(e);
    }
  };

  save.addEventListener("click", guarded(async () => {
    const file = await strictFile();
    download(new Blob([JSON.stringify(file, null, 2)], { type: "application/json" }), `${baseName()}.survcalc.json`);
  }));
  open.addEventListener("click", () => openInput.click());
  openInput.addEventListener("change", guarded(async () => {
    const chosen = openInput.files?.[0];
    openInput.value = "";
    if (!chosen) return;
    const file = await engine.call("readAnalysisFile", { file: await chosen.text() });
    await apply({ dataset: { read_options: file.dataset.read_options }, steps: recordSteps(file) },
      `${chosen.name} (made on ${file.dataset.file_name || "an unnamed file"})`);
  }));

  /** Puts a session back (a kept one, or an opened file) and reruns it, listing what does not fit. */
  async function apply(session, what) {
    const box = $id("session-opened");
    box.hidden = false;
    box.replaceChildren(el("p", {}, `Running ${what} on ${summaryName()}…`));
    await recorder.quietly(() => replay(session));
    recorder.adopt(session);
    const { steps } = await engine.call("rerun", { file: recorder.analysisFile() });
    const failed = steps.filter((s) => s.error);
    box.replaceChildren(
      el("p", {}, `${what.charAt(0).toUpperCase()}${what.slice(1)} on ${summaryName()}: ${steps.length - failed.length} of ${steps.length} steps ran`,
        failed.length ? `; ${failed.length} did not fit this data:` : "."),
      el("ul", { id: "session-rerun", class: "session-rerun" }, ...steps.map((s) => el("li",
        { class: s.error ? "does-not-fit" : "ran", "data-analysis": s.analysis },
        el("strong", {}, `${s.number}. ${s.title || NAMES[s.analysis] || s.analysis}`),
        s.error ? ` — does not fit: ${s.error}` : " — ran"))));
  }

  async function rFiles() {
    const dataName = `${baseName()}-for-R.csv`;
    return { dataName, ...(await engine.call("rFiles", { file: await strictFile(), dataName })) };
  }
  rScript.addEventListener("click", guarded(async () => {
    const { script } = await rFiles();
    download(new Blob([script], { type: "text/plain;charset=utf-8" }), `${baseName()}.R`);
  }));
  rData.addEventListener("click", guarded(async () => {
    const { data, dataName } = await rFiles();
    download(new Blob([data], { type: "text/csv;charset=utf-8" }), dataName);
  }));
  report.addEventListener("click", guarded(async () => {
    const { html } = await engine.call("rerun", { file: await strictFile() });
    download(new Blob([html], { type: "text/html;charset=utf-8" }), `${baseName()}-report.html`);
  }));
  reportWord.addEventListener("click", guarded(async () => {
    const file = await strictFile();
    // The worker lays out each figure; the page draws it (fonts and canvas are
    // here) and the export package writes the PNG with its dpi; Rust writes the .docx.
    const scenes = await engine.call("reportScenes", { file });
    const images = [];
    for (const { name, scene } of scenes) {
      const png = await figureFile(scene, "png", WORD_FIGURE_DPI);
      images.push({ name, png: new Uint8Array(await png.arrayBuffer()) });
    }
    const docx = await engine.call("reportDocx", { file, images });
    download(new Blob([docx], { type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }), `${baseName()}-report.docx`);
  }));
  copy.addEventListener("click", guarded(async () => {
    const refs = [...$id("session-references").children].map((li) => li.textContent); // numbered in Rust
    await navigator.clipboard.writeText([$id("session-methods").textContent, "", "References", ...refs].join("\n"));
    copy.textContent = "Copied";
    setTimeout(() => { copy.textContent = "Copy the paragraph"; }, 2000);
  }));
  keep.addEventListener("change", guarded(() => recorder.setKeepData(keep.checked)));
  forget.addEventListener("click", guarded(async () => {
    await recorder.forget();
    $id("session-forget-note").textContent = "Everything this page kept in this browser is deleted: settings and data.";
    restoreNotice?.remove();
  }));

  recorder.events.addEventListener("change", refresh);
  refresh();

  // ---- a kept session, on load: ask for the same file, or read the kept copy ----
  let restoreNotice = null;
  /** Called when the page is ready; `beforeElement` is where the notice goes (the data card). */
  async function offerKept(beforeElement) {
    const kept = keptSession();
    if (!kept) return;
    const d = kept.dataset;
    const describe = `${d.file_name}${d.size != null ? ` (${sizeText(d.size)})` : ""}`;
    let pending = kept;
    const restoreIfSame = async () => {
      const now = recorder.record.dataset;
      if (!pending || !now) return;
      const same = d.example ? now.example === d.example
        : d.sha256 && now.sha256 ? d.sha256 === now.sha256 : now.file_name === d.file_name && now.size === d.size;
      if (!same) {
        restoreNotice.querySelector(".restore-status").textContent =
          `${now.file_name} is not the file of your last session (its content differs), so nothing was restored; that session is replaced by this one.`;
        pending = null;
        return;
      }
      pending = null;
      restoreNotice.querySelector(".restore-status").textContent = `Recognised ${now.file_name}: your settings are back.`;
      await guarded(() => apply(kept, "your last session"))();
      if (kept.keepData) await recorder.setKeepData(true);
    };
    // The recorder learns the new file's fingerprint before it says "change".
    recorder.events.addEventListener("change", () => {
      if (pending && recorder.record.dataset?.size != null) restoreIfSame();
    });
    restoreNotice = el("div", { id: "session-restore", class: "suggestion", role: "status" },
      el("p", {}, el("strong", {}, "Your last session: "), `${describe}, ${kept.steps.length} step${kept.steps.length === 1 ? "" : "s"}. `,
        kept.keepData ? "Its data were kept on this computer and are read again." : d.example ? "Loading the example again." : `Open ${d.file_name} again to continue: it is recognised by its content.`),
      el("p", { class: "restore-status hint" }));
    beforeElement.before(restoreNotice);
    if (kept.keepData) {
      const stored = await keptFile();
      if (stored?.file) loadFile({ file: stored.file });
      else restoreNotice.querySelector(".restore-status").textContent = "The kept data are no longer in this browser: open the file again.";
    } else if (d.example) {
      loadFile({ example: d.example });
    }
  }

  /** Opens an analysis file already read by the engine (the teaching tour's step) and reruns it on the loaded data. */
  function openAnalysis(file, what) {
    return apply({ dataset: { read_options: file.dataset.read_options }, steps: recordSteps(file) }, what);
  }

  return { element, offerKept, openAnalysis };
}
