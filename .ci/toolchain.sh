#!/usr/bin/env bash
# Installs whatever the wasm build and the tests need, and nothing twice.
# Usage: .ci/toolchain.sh [build|test]
#   build: wasm32 standard library, wasm-bindgen-cli, wasm-pack, npm packages
#   test:  the same, plus Debian's Chromium for the browser tests
# Prints nothing but progress; writes the rustup toolchain to use for wasm
# into target/wasm-toolchain (empty = the default one). See docs/toolchain.md
# for why a Debian fallback exists at all.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}
mkdir -p target
log() { printf '[toolchain] %s\n' "$*" >&2; }

has_wasm_std() { # $1: a rustup toolchain name, or empty for the default
  local libdir
  libdir=$(rustc ${1:++$1} --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) || return 1
  compgen -G "$libdir/libstd-*.rlib" >/dev/null
}

apt_install() {
  if ! command -v apt-get >/dev/null; then
    log "need Debian packages $* but apt-get is not available; install them by hand"; exit 1
  fi
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ ! -f target/.apt-updated ]; then $sudo apt-get update -qq && touch target/.apt-updated; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# --- 1. a Rust toolchain that can target wasm32 -----------------------------
toolchain=""
# SURVCALC_DEBIAN_WASM=1 forces the Debian route (to test it on a machine
# where rustup works).
if [ "${SURVCALC_DEBIAN_WASM:-}" != 1 ] && has_wasm_std ""; then
  toolchain=""
elif rustup toolchain list 2>/dev/null | grep -q '^system' && has_wasm_std system; then
  toolchain=system
elif [ "${SURVCALC_DEBIAN_WASM:-}" != 1 ] && log "trying rustup target add (bounded to 60 s)" && \
     timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 && has_wasm_std ""; then
  toolchain=""
else
  log "rustup cannot provide wasm32; building its std from Debian's Rust (about 2 minutes)"
  apt_install rustc-web cargo-web rust-web-src lld-14
  sysroot=/usr/lib/rustlib
  # wasm32 links with rust-lld, which Debian does not ship: LLVM's wasm-ld
  # is the same linker (needed already for the cdylib below).
  mkdir -p "$sysroot/x86_64-unknown-linux-gnu/bin"
  ln -sf /usr/bin/wasm-ld-14 "$sysroot/x86_64-unknown-linux-gnu/bin/rust-lld"
  scratch=$(mktemp -d)
  mkdir -p "$scratch/src"
  printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\npath = "src/lib.rs"\n' > "$scratch/Cargo.toml"
  : > "$scratch/src/lib.rs"
  (cd "$scratch" && RUSTUP_TOOLCHAIN= RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$scratch/target" \
      /usr/bin/cargo build -q --release \
      --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort,test,proc_macro)
  mkdir -p "$sysroot/wasm32-unknown-unknown/lib"
  cp "$scratch"/target/wasm32-unknown-unknown/release/deps/*.rlib "$sysroot/wasm32-unknown-unknown/lib/"
  rm -rf "$scratch"
  rustup toolchain link system /usr
  has_wasm_std system || { log "the Debian fallback did not produce a wasm32 std"; exit 1; }
  toolchain=system
fi
printf '%s\n' "$toolchain" > target/wasm-toolchain

# --- 2. wasm-bindgen-cli at exactly the version in Cargo.lock ----------------
want=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want (about 4 minutes, once)"
  cargo install -q wasm-bindgen-cli --version "=$want"
fi

# --- 3. wasm-pack ------------------------------------------------------------
if ! command -v wasm-pack >/dev/null; then
  log "installing wasm-pack (about 4 minutes, once)"
  cargo install -q wasm-pack
fi

# --- 4. npm packages: binaryen's wasm-opt, playwright-core, smol-toml --------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# --- 5. Chromium for the browser tests ---------------------------------------
if [ "$mode" = test ] && ! command -v chromium >/dev/null && [ -z "${CHROMIUM:-}" ]; then
  log "installing Debian's chromium"
  apt_install chromium
fi

# --- 6. Readers of exported figures and reports for their tests --------------
# librsvg's rsvg-convert (SVG), poppler's pdftoppm / pdftotext (PDF), pngcheck
# (PNG chunks, pHYs), libtiff's tiffinfo (TIFF tags) and LibreOffice Writer
# (the Word report, to PDF): the tests open every export with a real reader.
if [ "$mode" = test ]; then
  missing=()
  command -v rsvg-convert >/dev/null || missing+=(librsvg2-bin)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v pngcheck >/dev/null || missing+=(pngcheck)
  command -v tiffinfo >/dev/null || missing+=(libtiff-tools)
  # LibreOffice Writer converts the Word report to PDF in its test.
  [ -e /usr/lib/libreoffice/program/libswlo.so ] || missing+=(libreoffice-writer-nogui)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (readers of exported figures and reports)"
    apt_install "${missing[@]}"
  fi
fi

# --- 7. R for the tests that run the R scripts survcalc writes ---------------
# (R is never needed to use survcalc; the tests check that R prints the same
# numbers as the page.) Debian's packages: survival 3.5, cmprsk, brglm2.
if [ "$mode" = test ]; then
  missing=()
  command -v Rscript >/dev/null || missing+=(r-base-core)
  for pkg in survival cmprsk brglm2; do
    if ! Rscript -e "quit(status = !requireNamespace('$pkg', quietly = TRUE))" >/dev/null 2>&1; then
      missing+=("r-cran-$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian"
    apt_install "${missing[@]}"
  fi
fi
