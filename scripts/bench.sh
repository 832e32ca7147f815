#!/usr/bin/env bash
# One command: the benchmarks (see BENCHMARKS.md). Installs what is missing
# (scripts/setup.sh, and twiggy for case 6), builds the release wasm of the
# page (scripts/build.sh), the benchmark crate (bench/ -> bench/pkg) and the
# two size variants of the engine (opt-level "s" and "z", into
# bench/target/size/), then runs bench/run.mjs in headless Chromium: prints a
# table, writes bench/results/latest.json (--quick: bench/results/quick.json).
#
#   bash scripts/bench.sh                  # every case, several rounds (a few minutes)
#   bash scripts/bench.sh --quick          # one small round of each: checks it all works
#   bash scripts/bench.sh --only spawn,yield [--rounds N]
#
# FP_SKIP_SETUP=1 skips scripts/setup.sh; FP_SKIP_BUILD=1 skips every build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
done

if [ "${FP_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
fi
# shellcheck source=scripts/env.sh
source scripts/env.sh

say() { printf 'bench: %s\n' "$*"; }

# twiggy, for case 6's top entries: only the benchmarks need it, so
# scripts/setup.sh (shared with the tests) does not install it.
TWIGGY_VERSION=0.8.0
have_twiggy="$(twiggy --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have_twiggy" = "$TWIGGY_VERSION" ]; then
  say "ok: twiggy $have_twiggy"
else
  say "cargo install twiggy --version $TWIGGY_VERSION (have: ${have_twiggy:-none}; takes a minute or two)"
  cargo install twiggy --version "$TWIGGY_VERSION" --force
fi

if [ "${FP_SKIP_BUILD:-0}" != 1 ]; then
  # pkg/: the page for case 7, and the engine's wasm as shipped for case 6.
  bash scripts/build.sh

  # bench/pkg: the contenders (LTO, panic = "abort", one codegen unit; see bench/Cargo.toml).
  say "wasm-pack build bench/ (release, --target web)"
  (cd bench && wasm-pack build --mode no-install --release --target web --out-dir pkg --no-pack)

  # Case 6: the engine at opt-level "s" and "z", bindgen'd but not optimised;
  # bench/run.mjs runs wasm-opt -Oz on each and keeps the smaller. Its own
  # target dir, so it never disturbs target/ (nor the main Cargo.toml).
  wb_version="$(wasm-bindgen --version | awk '{print $2}')"
  for level in s z; do
    say "engine at opt-level \"$level\" -> bench/target/size/$level"
    CARGO_TARGET_DIR=bench/target/size-build CARGO_PROFILE_RELEASE_OPT_LEVEL="$level" \
      cargo build --quiet --release --lib --target wasm32-unknown-unknown
    mkdir -p "bench/target/size/$level"
    wasm-bindgen --target web --out-dir "bench/target/size/$level" \
      bench/target/size-build/wasm32-unknown-unknown/release/futures_playground.wasm
  done
  say "wasm-bindgen $wb_version, $(wasm-opt --version)"
fi

exec node bench/run.mjs "$@"
