#!/usr/bin/env bash
# Time-bounded fuzzing: bash scripts/fuzz.sh [seconds, default 60] [target, default all]
#
#   parse_check  cargo fuzz (libFuzzer) on the scenario parser, checks and code
#                generators. New inputs that reach new code are added to a working
#                copy of fuzz/corpus/parse_check, which `cargo test` replays on
#                every run (tests/fuzz_corpus.rs): commit the interesting ones.
#   share        fast-check on the share-link decoder (www/playground/share.js):
#                scripts/fuzz-share.mjs. A failure is written to
#                fuzz/corpus-run/share_link/; the committed corpus
#                fuzz/corpus/share_link is replayed by tests/share/ on every run.
#   all          both, each for the given time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
target="${2:-all}"
case "$target" in
  parse_check|share|all) ;;
  *) echo "fuzz: unknown target '$target' (parse_check, share or all)" >&2; exit 2 ;;
esac
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

if [ "$target" = share ] || [ "$target" = all ]; then
  node scripts/fuzz-share.mjs "$seconds"
fi

if [ "$target" = parse_check ] || [ "$target" = all ]; then
  if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: cargo install cargo-fuzz"
    cargo install cargo-fuzz
  fi
  cd fuzz
  # A working copy of the corpus (gitignored): the fuzzer adds to it, and the
  # folder in the repository only changes when someone copies a finding over.
  work=corpus-run/parse_check
  mkdir -p "$work"
  cp corpus/parse_check/* "$work"/
  cargo +nightly fuzz run parse_check "$work" -- -max_total_time="$seconds" -max_len=4096 -timeout=10
  echo "fuzz: no crash in ${seconds}s; the grown corpus is in fuzz/$work"
fi
