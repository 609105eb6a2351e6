// Builds the wasm modules as wasm-pack.toml says: for each [[module]],
// wasm-pack (cargo + wasm-bindgen) with its Cargo features, then binaryen's
// wasm-opt with the configured flags; finally stamps the site
// (.ci/stamp-site.mjs: the build's version and the offline file list).
// Run through `make build`; .ci/toolchain.sh must have run first.
// `--bench` builds the benchmark's package instead (the full module with the
// `bench` feature, into target/bench-pkg): `make bench` uses it, the page
// never ships it. `--only NAME` builds one module (while developing).
// Then the packages listed as [[extra]] (the spreadsheet reader, the
// figure-export package), which the page loads only when needed.
import { readFileSync, existsSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { parse } from "smol-toml";
import { stampSite } from "./stamp-site.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const config = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const bench = process.argv.includes("--bench");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
const toolchainFile = join(root, "target", "wasm-toolchain");
const toolchain = existsSync(toolchainFile) ? readFileSync(toolchainFile, "utf8").trim() : "";

const env = { ...process.env };
if (toolchain) env.RUSTUP_TOOLCHAIN = toolchain;
// wasm-pack must not try to download wasm-opt: we run our own below.
env.PATH = `${join(root, "node_modules", ".bin")}:${env.HOME}/.cargo/bin:${env.PATH}`;

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: "inherit" });

/** Builds one package: wasm-pack with its features, then wasm-opt (`opt` replaces "-O3"). */
function build({ crate, outDir, outName, opt, features }) {
  run("wasm-pack", [
    "--quiet", "build", crate,
    "--target", config.target,
    "--out-dir", outDir,
    "--out-name", outName,
    `--${config.profile}`,
    "--no-typescript",
    "--no-pack",
    ...(features ? ["--", "--no-default-features", "--features", features.join(",")] : []),
  ]);
  const wasm = join(outDir, `${outName}_bg.wasm`);
  const before = statSync(wasm).size;
  if (config.wasm_opt?.enabled) {
    const flags = config.wasm_opt.flags.map((f) => (f === "-O3" && opt ? opt : f));
    run("wasm-opt", [wasm, "-o", wasm, ...flags]);
  }
  const bytes = readFileSync(wasm);
  console.log(`built ${wasm.replace(root + "/", "")}: ${(bytes.length / 1024).toFixed(0)} KiB, `
    + `${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KiB gzip`
    + (config.wasm_opt?.enabled ? ` (${(before / 1024).toFixed(0)} KiB before wasm-opt)` : ""));
}

const modules = bench
  ? [{ out_name: "survcalc", features: ["bench"], outDir: join(root, "target", "bench-pkg") }]
  : config.module.filter((m) => !only || m.out_name === only)
    .map((m) => ({ ...m, outDir: resolve(root, config.out_dir) }));
const extras = bench ? [] : (config.extra ?? []).filter((e) => !only || e.out_name === only);
if (!modules.length && !extras.length) throw new Error(`no module named ${only} in wasm-pack.toml`);

for (const { out_name, features, outDir } of modules) {
  build({ crate: config.crate, outDir, outName: out_name, features });
}
// The benchmark needs only the main package.
for (const extra of extras) {
  build({ crate: extra.crate, outDir: resolve(root, extra.out_dir), outName: extra.out_name, opt: extra.opt, features: extra.features });
}
if (!bench) stampSite();
