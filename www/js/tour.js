// The teaching tour: a walkthrough (docs/walkthrough.md, read strictly by
// the engine) shown one step at a time in a dialog over the page. Each step
// shows the teacher's text and the paper's figures, runs its requests in
// the worker on the walkthrough's own example (the user's data are left
// alone) and shows what the engine returns: figures (SVG drawn by the
// engine), tables with their counts, texts and warnings, all worded in
// Rust. "Try it" buttons turn a change of the step's request on or off and
// rerun it; "Reset this step" turns them all off. Presenter view: large
// type, high contrast, figures sized for a projector; arrow keys move
// between steps, Escape leaves presenter view, then the tour.
import { el, exportableTable } from "./dom.js";

const CATALOGUE = new URL("../examples/walkthroughs/index.json", import.meta.url);

export function createTour({ engine, errorText, openOnPage }) {
  let lesson = null; // the walkthrough as the engine read it
  let source = null; // its JSON text, sent with each step
  let index = 0;
  const tries = new Map(); // step -> Set of "try it" positions turned on
  let latest = 0; // only the latest run of a step is shown

  const title = el("h2", { id: "tour-title", tabindex: "-1" }, "Teaching tour");
  const position = el("p", { class: "tour-position", "aria-live": "polite" });
  const previous = el("button", { type: "button", class: "secondary", id: "tour-previous" }, "← Previous");
  const next = el("button", { type: "button", id: "tour-next" }, "Next →");
  const presenter = el("button", { type: "button", class: "secondary", id: "tour-presenter", "aria-pressed": "false" }, "Presenter view");
  const close = el("button", { type: "button", class: "secondary", id: "tour-close" }, "Close the tour");
  // A teacher's own walkthrough (docs/walkthrough.md), tried without
  // rebuilding the site; it runs on a data file bundled with the page.
  const fileInput = el("input", { type: "file", id: "tour-file-input", accept: ".json,application/json", hidden: true, tabindex: "-1" });
  const openFile = el("button", { type: "button", class: "secondary", id: "tour-file" }, "Open a walkthrough file");
  const notice = el("p", { class: "error", id: "tour-file-error", role: "alert", hidden: true });
  const stepList = el("ol", { class: "tour-steps", id: "tour-steps" });
  const body = el("div", { class: "tour-body", id: "tour-body" });
  const dialog = el("dialog", { id: "tour", class: "tour", "aria-labelledby": "tour-title" },
    el("div", { class: "tour-bar" },
      el("div", { class: "tour-heading" }, title, position),
      el("div", { class: "tour-controls" }, previous, next, presenter, close)),
    el("nav", { "aria-label": "Steps of the tour" }, stepList),
    body,
    el("footer", { class: "tour-footer" },
      el("p", { class: "hint" }, "Teachers can write a walkthrough for another paper or data file (its format: docs/walkthrough.md in survcalc's source) and open it here."),
      openFile, fileInput, notice));
  document.body.append(dialog);

  openFile.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (!file) return;
    // A walkthrough that cannot be read leaves the one on screen as it was.
    try {
      await load(await file.text());
      notice.hidden = true;
    } catch (error) {
      notice.textContent = errorText(error);
      notice.hidden = false;
    }
  });
  previous.addEventListener("click", () => go(index - 1));
  next.addEventListener("click", () => go(index + 1));
  close.addEventListener("click", () => dialog.close());
  presenter.addEventListener("click", () => setPresenter(!dialog.classList.contains("presenter")));
  // Escape: out of presenter view first, then out of the tour.
  dialog.addEventListener("cancel", (event) => {
    if (dialog.classList.contains("presenter")) {
      event.preventDefault();
      setPresenter(false);
    }
  });
  // In full screen the browser takes Escape itself (leaving full screen):
  // that leaves presenter view too, as Escape does without full screen.
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && dialog.classList.contains("presenter")) setPresenter(false);
  });
  dialog.addEventListener("close", () => {
    setPresenter(false);
    document.getElementById("tour-open")?.focus();
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const typing = event.target.closest("input, select, textarea");
    if (typing) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") { event.preventDefault(); go(index + 1); }
    if (event.key === "ArrowLeft" || event.key === "PageUp") { event.preventDefault(); go(index - 1); }
  });

  function setPresenter(on) {
    dialog.classList.toggle("presenter", on);
    presenter.setAttribute("aria-pressed", String(on));
    presenter.textContent = on ? "Leave presenter view" : "Presenter view";
    // Full screen where the browser allows it; the view works without.
    if (on && !document.fullscreenElement) dialog.requestFullscreen?.().catch(() => {});
    if (!on && document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
  }

  async function open() {
    if (!dialog.open) dialog.showModal();
    if (!lesson) {
      body.replaceChildren(el("p", { class: "hint" }, "Opening the teaching tour…"));
      try {
        const catalogue = await (await fetch(CATALOGUE)).json();
        await load(await (await fetch(new URL(`../${catalogue[0].path}`, import.meta.url))).text());
      } catch (error) {
        body.replaceChildren(el("p", { class: "error", role: "alert" }, errorText(error)));
      }
      return;
    }
    go(index);
  }

  /** Reads a walkthrough's text through the engine (strictly) and shows its first step. */
  async function load(text) {
    const read = await engine.call("readWalkthrough", { walkthrough: text });
    lesson = read;
    source = text;
    index = 0;
    tries.clear();
    title.textContent = lesson.title;
    stepList.replaceChildren(...lesson.steps.map((step, i) =>
      el("li", {}, el("button", { type: "button", class: "tour-step-link", "data-step": i, title: step.title, onclick: () => go(i) },
        el("span", { class: "tour-step-number", "aria-hidden": "true" }, String(i + 1)),
        el("span", { class: "tour-step-name" }, step.title)))));
    go(0);
  }

  /** Shows step `i`; a new step starts at its top, a rerun of the same one stays where the reader is. */
  function go(i, { keepScroll = false } = {}) {
    if (!lesson || i < 0 || i >= lesson.steps.length) return;
    index = i;
    const step = lesson.steps[i];
    position.textContent = `Step ${i + 1} of ${lesson.steps.length}`;
    previous.disabled = i === 0;
    next.disabled = i === lesson.steps.length - 1;
    for (const b of stepList.querySelectorAll("button")) {
      if (Number(b.dataset.step) === i) b.setAttribute("aria-current", "step");
      else b.removeAttribute("aria-current");
    }
    stepList.querySelector(`[data-step="${i}"]`)?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
    const on = tries.get(i) ?? new Set();
    // A rerun of the same step keeps the last result on screen until the new
    // one replaces it, so the page does not jump under the reader.
    const shown = keepScroll ? [...(body.querySelector("#tour-results")?.childNodes ?? [])] : [];
    const results = el("div", { class: "tour-results", id: "tour-results", "aria-live": "polite", "aria-busy": "true" },
      shown.length ? shown : el("p", { class: "hint" }, "Computing…"));
    const tryButtons = step.try_it.map((t, k) => el("div", { class: "tour-try" },
      el("button", { type: "button", class: "secondary tour-try-button", "aria-pressed": String(on.has(k)), "data-try": k,
        onclick: () => toggle(i, k) }, t.label),
      el("p", { class: "tour-effect" }, t.effect)));
    // The step's requests in the page's own panels, where every option can be changed.
    const onPage = openOnPage ? el("button", { type: "button", class: "secondary", id: "tour-on-page",
      onclick: () => takeToPage(i, [...on].sort()) }, "Open this step on the page") : null;
    const reset = el("button", { type: "button", class: "secondary", id: "tour-reset", disabled: on.size === 0,
      onclick: () => { tries.set(i, new Set()); go(i, { keepScroll: true }); body.querySelector(".tour-try-button")?.focus(); } }, "Reset this step");
    body.replaceChildren(el("article", { class: "tour-step", "aria-labelledby": "tour-step-title" },
      el("div", { class: "tour-text" },
        i === 0 && lesson.introduction ? el("p", { class: "tour-intro" }, lesson.introduction) : null,
        el("h3", { id: "tour-step-title" }, `${i + 1}. ${step.title}`),
        el("p", { class: "tour-method" }, step.method),
        step.paper.length ? el("section", { class: "tour-paper", "aria-labelledby": "tour-paper-title" },
          el("h4", { id: "tour-paper-title" }, "The paper"),
          el("ul", {}, step.paper.map((p) => el("li", {}, `paper: ${p}`)))) : null,
        step.differs ? el("section", { class: "tour-differs", "aria-labelledby": "tour-differs-title" },
          el("h4", { id: "tour-differs-title" }, "Why this cohort differs"),
          el("p", {}, step.differs)) : null,
        step.try_it.length ? el("section", { class: "tour-try-box", "aria-labelledby": "tour-try-title" },
          el("h4", { id: "tour-try-title" }, "Try it yourself"),
          tryButtons, reset) : null,
        onPage),
      el("section", { class: "tour-result-box", "aria-labelledby": "tour-results-title" },
        el("h4", { id: "tour-results-title" }, on.size ? "This cohort, with your change" : "This cohort (computed now)"),
        results)));
    if (!keepScroll) dialog.scrollTop = 0;
    run(i, [...on].sort(), results);
  }

  async function takeToPage(i, chosen) {
    try {
      const file = await engine.call("walkthroughStepFile", { walkthrough: source, step: i, tries: chosen });
      dialog.close();
      await openOnPage({ example: lesson.example, file, what: `tour step ${i + 1} (${lesson.steps[i].title})` });
      document.getElementById("session-opened")?.scrollIntoView?.({ block: "start" });
    } catch (error) {
      notice.textContent = errorText(error);
      notice.hidden = false;
    }
  }

  function toggle(i, k) {
    const on = new Set(tries.get(i) ?? []);
    if (on.has(k)) on.delete(k); else on.add(k);
    tries.set(i, on);
    go(i, { keepScroll: true });
    body.querySelector(`[data-try="${k}"]`)?.focus();
  }

  async function run(i, chosen, box) {
    const ticket = ++latest;
    try {
      const answer = await engine.call("walkthroughStep", { walkthrough: source, step: i, tries: chosen });
      if (ticket !== latest) return;
      box.replaceChildren(...answer.results.map((r, k) => result(r, k, i)));
    } catch (error) {
      if (ticket !== latest || error.cancelled) return;
      box.replaceChildren(el("p", { class: "error", role: "alert" }, errorText(error)));
    }
    box.setAttribute("aria-busy", "false");
    box.dataset.ready = "true";
  }

  function result(r, k, i) {
    const label = r.title;
    if (r.error) return el("div", { class: "tour-result" }, el("h5", {}, label), el("p", { class: "error" }, r.error));
    return el("div", { class: "tour-result", "data-analysis": r.analysis },
      el("h5", {}, label),
      r.figures.map((svg, f) => el("figure", { class: "tour-figure" },
        el("img", { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, alt: `Figure: ${label}` }))),
      r.tables.map((t, n) => el("div", { class: "tour-table" },
        el("h6", {}, t.name),
        exportableTable(t.table, `tour-step${i + 1}-${k + 1}-${n + 1}.csv`, { name: `${t.name} (tour step ${i + 1})` }))),
      r.texts.filter((t) => t).map((t) => el("p", { class: "note" }, t)),
      r.warnings.map((w) => el("p", { class: "warning" }, w)));
  }

  return { open, element: dialog };
}
