// The frame of the page: the five steps (data → patients and variables →
// classification → analyses → report), the map of them at the top with
// each step's state, the links to each analysis, the report's list of
// results, and what a keyboard or screen-reader user needs when results
// arrive (focus moved to them after a button that asked for them, a spoken
// note when they change by themselves). It knows cards only by convention,
// so a new panel needs nothing here (docs/page.md):
// - a card is an element with class "card" inside a step's section;
// - its title is its first h3;
// - its results are an element with class "results" or an id ending in
//   "-results", hidden until there are some.
import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);
const STEPS = ["data", "variables", "classification", "analyses", "report"];
// How long after a click a card's new results still take the focus.
const FOCUS_WINDOW_MS = 120000;

export const section = (step) => document.querySelector(`.step-section[data-step="${step}"]`);

/** Appends a card to a step (one of STEPS), before the step's report-only parts. */
export function mountCard(step, card) {
  const target = section(step) ?? section("analyses");
  target.append(card);
}

const cards = (step) => [...section(step).querySelectorAll(":scope > .card")];
const titleOf = (card) => card.querySelector("h3")?.textContent.trim() ?? card.id;
const resultsOf = (card) => card.querySelector(".results, [id$='-results']");
const hasResults = (card) => !card.hidden && Boolean(resultsOf(card)) && !resultsOf(card).hidden;

export function mountWorkflow({ fileName }) {
  const announcer = el("div", { id: "announcer", class: "visually-hidden", role: "status", "aria-live": "polite" });
  document.body.append(announcer);
  const say = (text) => {
    // A changed text is read; the same text twice needs a reset first.
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = text; }, 50);
  };
  // Results that arrive together (a classification updates every card) are
  // announced in one message, the ones asked for first, so that the news
  // she waits for is not talked over by the rest.
  const news = { ready: [], updated: new Set(), timer: null };
  function tell(kind, title) {
    if (kind === "ready") news.ready.push(title);
    else news.updated.add(title);
    clearTimeout(news.timer);
    news.timer = setTimeout(() => {
      const updated = [...news.updated].filter((t) => !news.ready.includes(t));
      say(news.ready.length
        ? `${news.ready.join(", ")}: results ready.${updated.length ? ` Also updated: ${updated.join(", ")}.` : ""}`
        : `${updated.join(", ")}: results updated.`);
      news.ready = [];
      news.updated.clear();
    }, 400);
  }

  // ---- results: focus after a click that asked for them, else a note ----
  let pendingFocus = null; // { card, at, button }
  document.addEventListener("click", (event) => {
    const button = event.target.closest?.("button");
    const card = button?.closest(".card");
    // A form's own button runs its analysis (Fit, Derive); exports and
    // pickers inside fieldsets do not.
    if (card && button.parentElement?.matches("form")) pendingFocus = { card, at: performance.now(), button };
  }, true);

  /** After "Load example" or a chosen file, the data's facts take the focus. */
  function expectData() {
    pendingFocus = { card: $("columns-card"), at: performance.now(), button: document.activeElement };
  }

  const changed = new Set();
  let timer = null;
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      const node = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      const card = node?.closest?.(".card");
      const results = card && resultsOf(card);
      if (results && (results === node || results.contains(node))) changed.add(card);
    }
    clearTimeout(timer);
    timer = setTimeout(update, 60);
  });
  observer.observe($("main"), { subtree: true, childList: true, attributes: true, attributeFilter: ["hidden"], characterData: true });

  function prepareResults(card) {
    const results = resultsOf(card);
    if (!results || results.dataset.prepared) return;
    results.dataset.prepared = "true";
    results.setAttribute("tabindex", "-1");
    results.setAttribute("role", "region");
    results.setAttribute("aria-label", `${titleOf(card)}: results`);
  }

  function onResults(card) {
    if (!hasResults(card)) return;
    const focusable = pendingFocus?.card === card && performance.now() - pendingFocus.at < FOCUS_WINDOW_MS
      // Only if she has not moved on meanwhile.
      && [pendingFocus.button, document.body, null].includes(document.activeElement);
    if (focusable) {
      pendingFocus = null;
      resultsOf(card).focus({ preventScroll: false });
      tell("ready", titleOf(card));
    } else {
      tell("updated", titleOf(card));
    }
  }

  // ---- the map of steps, the analysis links, the report ----
  const analysisLinks = $("analysis-links");
  /** A box that scrolls sideways can be scrolled with the keyboard too (WCAG 2.1.1). */
  function makeScrollersFocusable() {
    for (const box of document.querySelectorAll(".table-scroll, .bl-table-box, .columns-scroll, .scroll")) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "group");
        const card = box.closest(".card");
        box.setAttribute("aria-label", `${card ? titleOf(card) : "Table"}: table, scrolls`);
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(update, 200); });

  function update() {
    makeScrollersFocusable();
    for (const step of STEPS) for (const card of cards(step)) prepareResults(card);
    for (const card of changed) onResults(card);
    changed.clear();

    const loaded = !$("columns-card").hidden;
    for (const step of STEPS) {
      const visible = cards(step).filter((c) => !c.hidden);
      const empty = section(step).querySelector(".step-empty");
      if (empty) empty.hidden = visible.length > 0;
      const done = visible.filter(hasResults);
      const link = document.querySelector(`.steps a[data-step="${step}"]`);
      const state = step === "data" ? (loaded ? fileName() : "start here")
        : step === "report" ? (reportCount() ? `${reportCount()} with results` : "")
        : !loaded ? "waiting for data"
        : step === "analyses" ? (done.length ? `${done.length} with results` : "ready")
        : done.length ? "done" : "ready";
      link.querySelector(".step-state").textContent = state;
      link.classList.toggle("has-results", step === "data" ? loaded : done.length > 0);
      link.classList.toggle("waiting", !loaded && step !== "data");
    }

    const analyses = cards("analyses").filter((c) => !c.hidden);
    analysisLinks.hidden = analyses.length < 2;
    analysisLinks.querySelector("ul").replaceChildren(...analyses.map((card) => el("li", {},
      el("a", { href: `#${card.id}`, class: hasResults(card) ? "has-results" : null },
        titleOf(card), hasResults(card) ? el("span", { class: "visually-hidden" }, " (has results)") : null))));

    const withResults = STEPS.filter((s) => s !== "report").flatMap(cards).filter(hasResults);
    $("report-empty").hidden = withResults.length > 0;
    $("report-list").replaceChildren(...withResults.map((card) => el("li", {},
      el("a", { href: `#${card.id}` }, titleOf(card)),
      card.querySelector(".test-result")?.textContent ? ` — ${card.querySelector(".test-result").textContent}` : "")));
  }
  const reportCount = () => STEPS.filter((s) => s !== "report").flatMap(cards).filter(hasResults).length;

  // A step link moves the focus to the step's heading, so that the next Tab
  // continues there and a screen reader says where she is.
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.("a[href^='#']");
    if (!link || !link.closest(".steps, .analysis-links, .report-list")) return;
    const target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    const focusTarget = target.matches(".step-section") ? target.querySelector(".step-title") : target.querySelector("h3") ?? target;
    if (!focusTarget.hasAttribute("tabindex")) focusTarget.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "start" });
    focusTarget.focus({ preventScroll: true });
    history.replaceState(null, "", link.getAttribute("href"));
  });

  // The step in view is the current one on the map.
  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      for (const a of document.querySelectorAll(".steps a")) {
        if (a.dataset.step === entry.target.dataset.step) a.setAttribute("aria-current", "step");
        else a.removeAttribute("aria-current");
      }
    }
  }, { rootMargin: "-30% 0px -60% 0px" });
  for (const step of STEPS) inView.observe(section(step));

  $("report-print").addEventListener("click", () => window.print());
  update();
  return { expectData, update, say: (text) => tell("ready", text) };
}
