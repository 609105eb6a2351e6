// The bar at the foot of the window that appears when a request has been
// running for a second: what is running, its progress (a percentage when
// the worker reports one, else the seconds so far) and a Cancel button that
// stops it without losing the data (Engine.cancel). Screen readers hear it
// appear and finish (role="status"); it never takes the focus.
const SHOW_AFTER_MS = 1000;

export function mountBusyBar(engine, el) {
  const label = el("span", { class: "busy-label" });
  const bar = el("progress", { class: "busy-progress", max: 100, "aria-label": "Progress" });
  const cancel = el("button", { type: "button", id: "busy-cancel", class: "secondary" }, "Cancel");
  const status = el("div", { class: "busy-status", role: "status", "aria-live": "polite" });
  const box = el("div", { id: "busy", class: "busy", hidden: true }, el("div", { class: "busy-inner" }, label, bar, cancel), status);
  document.body.append(box);

  let timer = null;
  let shown = false;

  function render() {
    const running = engine.running();
    clearTimeout(timer);
    if (!running.length) {
      if (shown) status.textContent = "Finished.";
      shown = false;
      box.hidden = true;
      return;
    }
    const oldest = running[0];
    const age = performance.now() - oldest.started;
    if (age < SHOW_AFTER_MS) {
      timer = setTimeout(render, SHOW_AFTER_MS - age);
      return;
    }
    const { done, total } = oldest.progress ?? {};
    const seconds = Math.round(age / 1000);
    const more = running.length > 1 ? ` (and ${running.length - 1} more waiting)` : "";
    if (total) {
      bar.value = (100 * done) / total;
      label.textContent = `${oldest.label}… ${Math.round((100 * done) / total)}%${more}`;
    } else {
      bar.removeAttribute("value"); // indeterminate
      label.textContent = `${oldest.label}… ${seconds} s${more}`;
    }
    cancel.hidden = !running.some((r) => r.cancellable);
    cancel.setAttribute("aria-label", `Cancel ${oldest.label}`);
    if (!shown) status.textContent = `${oldest.label} is taking a while. You can cancel it; your data stay loaded.`;
    shown = true;
    box.hidden = false;
    // The seconds keep counting without a message from the worker.
    timer = setTimeout(render, 1000);
  }

  cancel.addEventListener("click", () => {
    status.textContent = "Stopping; loading your data again…";
    engine.cancel().then(
      () => { status.textContent = "Stopped. Your data are loaded as before."; },
      (error) => { status.textContent = `Your data could not be loaded again: ${error.message}`; },
    );
  });
  engine.addEventListener("busy", render);
}
