// Builds the wasm modules as wasm-pack.toml says: for each [[module]],
// wasm-pack (cargo + wasm-bindgen) with its Cargo features, then binaryen's
// wasm-opt with the configured flags; finally stamps the site
// (.ci/stamp-site.mjs: the build's version and the offline file list).
// Run through `make build`; .ci/toolchain.sh must have run first.
// `--bench` builds the benchmark's package instead (the full module with the
// `bench` feature, into target/bench-pkg): `make bench` uses it, the page
// never ships it. `--only NAME` builds one module (while developing).
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

const modules = bench
  ? [{ out_name: "survcalc", features: ["bench"], outDir: join(root, "target", "bench-pkg") }]
  : config.module.filter((m) => !only || m.out_name === only)
    .map((m) => ({ ...m, outDir: resolve(root, config.out_dir) }));
if (!modules.length) throw new Error(`no module named ${only} in wasm-pack.toml`);

for (const { out_name, features, outDir } of modules) {
  run("wasm-pack", [
    "--quiet", "build", config.crate,
    "--target", config.target,
    "--out-dir", outDir,
    "--out-name", out_name,
    `--${config.profile}`,
    "--no-typescript",
    "--no-pack",
    "--", "--no-default-features", "--features", features.join(","),
  ]);
  const wasm = join(outDir, `${out_name}_bg.wasm`);
  const before = statSync(wasm).size;
  if (config.wasm_opt?.enabled) {
    run("wasm-opt", [wasm, "-o", wasm, ...config.wasm_opt.flags]);
  }
  const bytes = readFileSync(wasm);
  console.log(`built ${wasm.replace(root + "/", "")}: ${(bytes.length / 1024).toFixed(0)} KiB, `
    + `${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(0)} KiB gzip`
    + (config.wasm_opt?.enabled ? ` (${(before / 1024).toFixed(0)} KiB before wasm-opt)` : ""));
}
if (!bench) stampSite();
