// Builds the wasm package as wasm-pack.toml says: wasm-pack (cargo +
// wasm-bindgen), then binaryen's wasm-opt with the configured flags.
// Run through `make build`; .ci/toolchain.sh must have run first.
// `--bench` builds the benchmark's package instead (the `bench` feature,
// into target/bench-pkg): `make bench` uses it, the page never ships it.
// Then the packages listed as [[extra]] (the spreadsheet reader, the
// figure-export package), which the page loads only when needed.
import { readFileSync, existsSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
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

/** Builds one package: wasm-pack, then wasm-opt (`opt` replaces "-O3"). */
function build({ crate, outDir, outName, opt, features = [] }) {
  run("wasm-pack", [
    "--quiet", "build", crate,
    "--target", config.target,
    "--out-dir", outDir,
    "--out-name", outName,
    `--${config.profile}`,
    "--no-typescript",
    "--no-pack",
    ...(features.length ? ["--", "--features", features.join(",")] : []),
  ]);
  const wasm = join(outDir, `${outName}_bg.wasm`);
  const before = statSync(wasm).size;
  if (config.wasm_opt?.enabled) {
    const flags = config.wasm_opt.flags.map((f) => (f === "-O3" && opt ? opt : f));
    run("wasm-opt", [wasm, "-o", wasm, ...flags]);
  }
  const after = statSync(wasm).size;
  const gzip = gzipSync(readFileSync(wasm), { level: 9 }).length;
  console.log(`built ${wasm.replace(root + "/", "")}: ${(after / 1024).toFixed(0)} KiB, ${(gzip / 1024).toFixed(0)} KiB gzip` +
    (config.wasm_opt?.enabled ? ` (${(before / 1024).toFixed(0)} KiB before wasm-opt)` : ""));
}

build({ crate: config.crate, outDir, outName: config.out_name, features: bench ? ["bench"] : [] });
// The benchmark needs only the main package.
if (!bench) {
  for (const extra of config.extra ?? []) {
    build({ crate: extra.crate, outDir: resolve(root, extra.out_dir), outName: extra.out_name, opt: extra.opt });
  }
}
