#!/usr/bin/env bash
# make fuzz: each libFuzzer target for $1 seconds from the saved corpus
# (tests/fuzz/corpus, grown with what the run finds), then the wasm
# boundary under Node for $1 seconds from a random seed. Crashes are kept in
# fuzz/artifacts/<target>/; minimise one with `cargo fuzz tmin`, fix it, and
# add it to tests/fuzz/corpus so `make test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
# cargo fuzz needs unstable compiler flags (sanitizers, coverage); the
# machine's stable rustc accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
status=0
for target in read_csv analyses read_sheet; do
  mkdir -p "fuzz/corpus/$target"
  if [ "$target" = read_sheet ]; then
    # Real workbooks (LibreOffice, openpyxl) to mutate from.
    cp -n tests/fixtures/sheets/*.xls* tests/fixtures/sheets/*.ods "fuzz/corpus/$target/" 2>/dev/null || true
  else
    cp -n tests/fuzz/corpus/* "fuzz/corpus/$target/" 2>/dev/null || true
  fi
  (cd fuzz && cargo fuzz run -O "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1) || status=1
done
node tests/fuzz/boundary.mjs "$seconds" || status=1
exit $status
