#!/usr/bin/env bash
# `wasm-pack test` in one headless browser, the way scripts/test.sh runs it, and
# the way to run it by hand:
#   bash scripts/wasm-test.sh chrome                       # every browser test
#   bash scripts/wasm-test.sh firefox --test browser_reactor
# Arguments after the browser go to `wasm-pack test`.
#
# The page is loaded through scripts/wasm-test-proxy.mjs. Without it the test
# runner's server (tiny_http 0.12) now and then leaves one of the page's
# requests unanswered, the page never loads, and the run fails after minutes
# with "Failed to detect test as having been run" / "Timed out receiving
# message from renderer" (3 hangs in 11 Chromium runs measured here). The
# proxy gives each request a connection of its own; see its header.
#
# A run that has not finished in 300 s is stopped and reported as a hang.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

browser="${1:-}"
case "$browser" in
  chrome) driver_var=CHROMEDRIVER; driver_bin=chromedriver; other_var=GECKODRIVER ;;
  firefox) driver_var=GECKODRIVER; driver_bin=geckodriver; other_var=CHROMEDRIVER ;;
  *)
    echo "usage: scripts/wasm-test.sh <chrome|firefox> [wasm-pack test arguments...]" >&2
    exit 2
    ;;
esac
shift

driver="$(command -v "$driver_bin" || true)"
if [ -z "$driver" ]; then
  echo "$driver_bin not found on PATH; run scripts/setup.sh" >&2
  exit 1
fi
# The runner takes the first of $GECKODRIVER, $CHROMEDRIVER it finds.
export "$driver_var=$driver"
unset "$other_var"

work="$(mktemp -d)"
proxy_pid=""
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# webdriver.json adds the flags Chromium needs as root in a container; the
# proxy writes it back with itself added.
node scripts/wasm-test-proxy.mjs --capabilities webdriver.json "$work/webdriver.json" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do
  grep -q '^proxy ' "$work/proxy.log" && [ -s "$work/webdriver.json" ] && break
  kill -0 "$proxy_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^proxy ' "$work/proxy.log"; then
  cat "$work/proxy.log" >&2
  echo "scripts/wasm-test-proxy.mjs did not start" >&2
  exit 1
fi
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$work/webdriver.json"

echo "wasm-test: $browser via $driver, page through the proxy ($(cat "$work/proxy.log"))"
set +e
timeout 300 wasm-pack test --headless "--$browser" "$@"
rc=$?
set -e
if [ "$rc" -eq 124 ]; then
  echo "wasm-test: FAILED: the $browser run did not finish in 300 s (the page never loaded? see scripts/wasm-test-proxy.mjs)"
fi
exit "$rc"
