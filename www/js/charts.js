// The page's figures and table exports: the "draw" wasm module
// (survcalc_charts, built from crate/wasm with its "draw" feature) on the
// main thread, where plotters measures text in the page. It is not needed
// to start, so the page asks for it once it is ready (loadCharts()), and
// every figure or export waits for it: `(await charts()).drawForest(...)`.
// The build's version comes from pkg/build.js, a classic script of the page.

const version = self.SURVCALC_BUILD?.version ?? "dev";
const url = (file) => new URL(`../pkg/${file}?v=${version}`, import.meta.url);
let loading = null;

/** The drawing package, instantiated once. */
export function charts() {
  loading ??= (async () => {
    const wasm = fetch(url("survcalc_charts_bg.wasm"));
    const pkg = await import(url("survcalc_charts.js").href);
    await pkg.default({ module_or_path: wasm });
    return pkg;
  })();
  return loading;
}
