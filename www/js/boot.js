// Starts the computation worker as the page begins to load, before the
// page's modules have arrived, so that the wasm downloads and compiles
// meanwhile (the critical path of a first visit). A classic script after
// pkg/build.js, which names the build's version. The worker's messages are
// kept until the page's Engine (engine.js) takes the worker over.
(function startWorker() {
  const version = (self.SURVCALC_BUILD && self.SURVCALC_BUILD.version) || "dev";
  let worker;
  try {
    worker = new Worker(`js/worker.js?v=${version}`, { type: "module" });
  } catch {
    return; // the Engine starts its own and reports why it cannot
  }
  const early = [];
  worker.onmessage = (event) => early.push(event.data);
  worker.onerror = (event) => early.push({ ready: false, error: event.message || "the worker did not start" });
  self.survcalcBoot = { worker, early };
})();
