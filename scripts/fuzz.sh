#!/usr/bin/env bash
# Fuzzes the scenario parser and checks with cargo fuzz (libFuzzer), for a
# bounded time: bash scripts/fuzz.sh [seconds, default 60]. New inputs that
# reach new code are added to fuzz/corpus/parse_check, which `cargo test`
# replays on every run (tests/fuzz_corpus.rs): commit the interesting ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
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
