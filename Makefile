# survcalc: `make serve` to use it, `make test` to test it.
# Each target installs what is missing first (.ci/toolchain.sh), so both
# work on a fresh machine; on a warm one nothing is reinstalled.

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
CARGO_TEST_FLAGS ?= --workspace

.PHONY: serve build test test-rust test-node test-browser bench fuzz setup setup-test

## serve: build the page and serve www/ on http://127.0.0.1:8080/
serve: build
	node .ci/serve.mjs

## build: build www/ ready to publish as a static site (wasm and JS glue in www/pkg)
build: setup
	node .ci/build-wasm.mjs

## test: the whole suite (Rust, wasm API under Node, browser)
test: setup-test
	node .ci/build-wasm.mjs
	$(MAKE) --no-print-directory test-rust test-node test-browser

# SURVCALC_REQUIRE_R / _LIBREOFFICE: the tests that run survcalc's R scripts
# or convert its Word report fail, rather than skip, when R or LibreOffice
# Writer is missing (setup-test installs both).
test-rust:
	SURVCALC_REQUIRE_R=1 SURVCALC_REQUIRE_LIBREOFFICE=1 cargo test $(CARGO_TEST_FLAGS)

test-node:
	node --test tests/node/

test-browser:
	node --test --test-concurrency=1 tests/browser/

## bench: timings (JSON lines; not a test): the fits alone, native and wasm;
## the user's whole tasks through the page's wasm API next to R and Python on
## the same file (.ci/bench-peers.sh installs those); the page's start (bytes
## before ready, navigation to ready in headless Chromium)
bench: build setup-test
	cargo run -q --release -p survcalc-devtools --example bench
	node .ci/build-wasm.mjs --bench
	node tests/bench/wasm.mjs
	.ci/bench-peers.sh
	node tests/bench/user_tasks.mjs
	node tests/bench/page.mjs

## fuzz: coverage-guided fuzzing of the reader and every analysis (cargo fuzz,
## libFuzzer) and of the wasm boundary under Node, FUZZ_SECONDS each
FUZZ_SECONDS ?= 600
fuzz: build
	@command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz --locked
	.ci/fuzz.sh $(FUZZ_SECONDS)

setup:
	@.ci/toolchain.sh build

setup-test:
	@.ci/toolchain.sh test
