// Builds the wasm package as wasm-pack.toml says: wasm-pack (cargo +
// wasm-bindgen), then binaryen's wasm-opt with the configured flags.
// Run through `make build`; .ci/toolchain.sh must have run first.
// `--bench` builds the benchmark's package instead (the `bench` feature,
// into target/bench-pkg): `make bench` uses it, the page never ships it.
import { readFileSync, existsSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { resolve, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const config = parse(readFileSync(join(root, "wasm-pack.toml"), "utf8"));
const bench = process.argv.includes("--bench");
const outDir = bench ? join(root, "target", "bench-pkg") : resolve(root, config.out_dir);
const toolchainFile = join(root, "target", "wasm-toolchain");
const toolchain = existsSync(toolchainFile) ? readFileSync(toolchainFile, "utf8").trim() : "";

const env = { ...process.env };
if (toolchain) env.RUSTUP_TOOLCHAIN = toolchain;
// wasm-pack must not try to download wasm-opt: we run our own below.
env.PATH = `${join(root, "node_modules", ".bin")}:${env.HOME}/.cargo/bin:${env.PATH}`;

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: "inherit" });

run("wasm-pack", [
  "--quiet", "build", config.crate,
  "--target", config.target,
  "--out-dir", outDir,
  "--out-name", config.out_name,
  `--${config.profile}`,
  "--no-typescript",
  "--no-pack",
  ...(bench ? ["--", "--features", "bench"] : []),
]);

const wasm = join(outDir, `${config.out_name}_bg.wasm`);
const before = statSync(wasm).size;
if (config.wasm_opt?.enabled) {
  run("wasm-opt", [wasm, "-o", wasm, ...config.wasm_opt.flags]);
}
const after = statSync(wasm).size;
console.log(`built ${wasm.replace(root + "/", "")}: ${(after / 1024).toFixed(0)} KiB` +
  (config.wasm_opt?.enabled ? ` (${(before / 1024).toFixed(0)} KiB before wasm-opt)` : ""));

// The figure-export package ([export] in wasm-pack.toml), built beside the
// main one; the page imports it only when a figure is exported.
if (!bench && config.export) {
  const exportDir = resolve(root, config.export.out_dir);
  run("wasm-pack", [
    "--quiet", "build", config.export.crate,
    "--target", config.target,
    "--out-dir", exportDir,
    "--out-name", config.export.out_name,
    `--${config.profile}`,
    "--no-typescript",
    "--no-pack",
  ]);
  const exportWasm = join(exportDir, `${config.export.out_name}_bg.wasm`);
  if (config.wasm_opt?.enabled) run("wasm-opt", [exportWasm, "-o", exportWasm, ...config.export.wasm_opt_flags]);
  console.log(`built ${exportWasm.replace(root + "/", "")}: ${(statSync(exportWasm).size / 1024).toFixed(0)} KiB`);
}
