#!/usr/bin/env bash
# One command: install what is missing (scripts/setup.sh), then run every check,
# stopping at the first failure:
#   fmt -> clippy (native + wasm32) -> cargo doc -> cargo test -> the share-link
#   decoder and the build's scripts in Node (node --test tests/share/ tests/scripts/)
#   -> miri -> wasm-pack test (headless Chromium, then headless Firefox) -> release
#   build -> end-to-end tests (node --test tests/e2e/ in Chromium, tests/e2e-firefox/
#   in Firefox)
# Each stage's output is shown live and kept in test-output/logs/<stage>.log.
# Set FP_SKIP_SETUP=1 to skip the setup step (e.g. when iterating).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

T0=$SECONDS
LOG_DIR=test-output/logs
STAGE_NAMES=()
STAGE_TIMES=()
STAGE_RESULTS=()

if [ -t 1 ]; then export CARGO_TERM_COLOR=always; fi

header() { printf '\n==> [%s] %s\n' "$1" "$2"; }

# run_stage <id> <description> <command...>
run_stage() {
  local id="$1" desc="$2"; shift 2
  local t0=$SECONDS rc
  header "$id" "$desc"
  mkdir -p "$LOG_DIR"
  set +e
  "$@" 2>&1 | tee "$LOG_DIR/$id.log"
  rc=${PIPESTATUS[0]}
  set -e
  STAGE_NAMES+=("$id"); STAGE_TIMES+=("$((SECONDS - t0))")
  if [ "$rc" -ne 0 ]; then
    STAGE_RESULTS+=("FAILED")
    print_table
    printf '\nFAILED: stage [%s] %s (exit %d) after %ds total; log: %s\n' \
      "$id" "$desc" "$rc" "$((SECONDS - T0))" "$LOG_DIR/$id.log"
    exit "$rc"
  fi
  STAGE_RESULTS+=("ok")
}

skip_stage() {
  header "$1" "$2"
  echo "SKIPPED: $3"
  STAGE_NAMES+=("$1"); STAGE_TIMES+=(0); STAGE_RESULTS+=("SKIPPED ($3)")
}

print_table() {
  local i
  printf '\n==> stages\n'
  for i in "${!STAGE_NAMES[@]}"; do
    printf '  %-14s %5ss  %s\n' "${STAGE_NAMES[$i]}" "${STAGE_TIMES[$i]}" "${STAGE_RESULTS[$i]}"
  done
}

strip_ansi() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$@"; }

# ---------------------------------------------------------------------------
if [ "${FP_SKIP_SETUP:-0}" = 1 ]; then
  skip_stage setup "scripts/setup.sh" "FP_SKIP_SETUP=1"
else
  run_stage setup "scripts/setup.sh" bash scripts/setup.sh
fi
# shellcheck source=scripts/env.sh
source scripts/env.sh

run_stage fmt "cargo fmt --check" cargo fmt --check

clippy_all() {
  echo "+ cargo clippy --all-targets -- -D warnings"
  cargo clippy --all-targets -- -D warnings
  echo "+ cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings"
  cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
}
run_stage clippy "cargo clippy (native + wasm32-unknown-unknown), -D warnings" clippy_all

docs_all() {
  # Broken links in the Rust docs fail the run; the doc examples run in `cargo test`.
  echo "+ cargo doc --no-deps (native and wasm32), RUSTDOCFLAGS=-D warnings"
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target wasm32-unknown-unknown
}
run_stage doc "cargo doc (native + wasm32-unknown-unknown), -D warnings" docs_all

run_stage test "cargo test" cargo test

# In Node: the share-link decoder (www/playground/share.js), the committed corpus
# fuzz/corpus/share_link replayed and a short seeded run of the fuzz properties; and
# the build's own steps: the renaming of the names the module and its glue share
# (scripts/minify-names.mjs) and the presets' module (examples/presets_module.rs).
run_stage node "node --test tests/share/ tests/scripts/ (share-link corpus + seeded fast-check, build scripts)" \
  node --test --test-reporter=spec tests/share/ tests/scripts/

if cargo +nightly miri --version >/dev/null 2>&1; then
  # Strict provenance by default (the crate passes it); a MIRIFLAGS set by the
  # caller, even an empty one, wins.
  export MIRIFLAGS="${MIRIFLAGS--Zmiri-strict-provenance}"
  run_stage miri "cargo +nightly miri test (MIRIFLAGS='${MIRIFLAGS:-}')" cargo +nightly miri test
else
  skip_stage miri "cargo +nightly miri test" "'cargo +nightly miri --version' failed; run scripts/setup.sh"
fi

# The browser tests, in headless Chromium through the system chromedriver, then in
# Debian's firefox-esr through geckodriver. scripts/wasm-test.sh loads the test page
# through scripts/wasm-test-proxy.mjs (the runner's own server otherwise strands a
# request now and then and the page never loads) and reports a hang as a failure.
run_stage wasm "wasm-pack test --headless --chrome (scripts/wasm-test.sh chrome)" \
  bash scripts/wasm-test.sh chrome
run_stage wasm-firefox "wasm-pack test --headless --firefox (scripts/wasm-test.sh firefox)" \
  bash scripts/wasm-test.sh firefox

run_stage build "scripts/build.sh (release, wasm-opt from npm binaryen)" bash scripts/build.sh

run_stage e2e "node --test tests/e2e/ (headless Chromium via playwright-core)" \
  node --test --test-reporter=spec tests/e2e/

run_stage e2e-firefox "node --test tests/e2e-firefox/ (headless firefox-esr via puppeteer-core, WebDriver BiDi)" \
  node --test --test-reporter=spec tests/e2e-firefox/

# ---------------------------------------------------------------------------
print_table
printf '  %-14s %5ss\n' total "$((SECONDS - T0))"

# Replay the runners' own summary lines last, so the tail of the output says it all.
printf '\n==> summaries\n'
CARGO_STAGES=(test miri wasm wasm-firefox)
NODE_STAGES=(node e2e e2e-firefox)
for id in "${CARGO_STAGES[@]}"; do
  f="$LOG_DIR/$id.log"
  [ -f "$f" ] || continue
  strip_ansi "$f" | grep -E '^test result:' | sed "s/^/[$id] /" || true
done
for id in "${NODE_STAGES[@]}"; do
  f="$LOG_DIR/$id.log"
  [ -f "$f" ] || continue
  strip_ansi "$f" \
    | grep -E '^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ' \
    | sed -e 's/^ℹ //' | paste -sd'|' - | sed -e 's/|/ | /g' -e "s/^/[$id] /" || true
done

# One plain closing line over every runner: "total: N passed, N failed".
passed=0 failed=0
for id in "${CARGO_STAGES[@]}"; do
  f="$LOG_DIR/$id.log"
  [ -f "$f" ] || continue
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    strip_ansi "$f" | sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p')
done
for id in "${NODE_STAGES[@]}"; do
  f="$LOG_DIR/$id.log"
  [ -f "$f" ] || continue
  p=$(strip_ansi "$f" | sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' | tail -n1)
  q=$(strip_ansi "$f" | sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' | tail -n1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${q:-0}))
done
printf '\ntotal: %d passed, %d failed\n' "$passed" "$failed"
