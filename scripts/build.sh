#!/usr/bin/env bash
# Release build of the WebAssembly package into ./pkg (ES module for the browser).
# Uses the wasm-opt from the npm `binaryen` package (node_modules/.bin), never
# Debian's older one, and never lets wasm-pack download tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh

wasm_opt="$(command -v wasm-opt || true)"
if [ "$wasm_opt" != "$FP_ROOT/node_modules/.bin/wasm-opt" ]; then
  echo "build: ERROR: wasm-opt resolves to '${wasm_opt:-nothing}', expected node_modules/.bin/wasm-opt; run scripts/setup.sh" >&2
  exit 1
fi
wasm_opt_version="$(wasm-opt --version)"
case "$wasm_opt_version" in
  *"version 132"*) ;;
  *) echo "build: ERROR: expected wasm-opt version 132, got: $wasm_opt_version" >&2; exit 1 ;;
esac
echo "build: $wasm_opt_version ($wasm_opt)"
echo "build: $(wasm-bindgen --version) ($(command -v wasm-bindgen))"

wasm-pack build --release --target web --out-dir pkg "$@"
# Cargo.toml runs wasm-opt with --closed-world, which holds only while no JavaScript
# calls an entry of the function table. This wasm-bindgen's glue calls closures through
# named exports; older ones called destructors through the table (`….get(dtor)(…)`).
if grep -nE '__wbindgen_export(_[0-9]+)?\.get\(' pkg/futures_playground.js >&2; then
  echo "build: ERROR: the glue calls into the function table (line above), but wasm-opt ran" \
    "with --closed-world, which may have emptied the function it calls: drop that flag" \
    "from Cargo.toml" >&2
  exit 1
fi
# The example programs as a JS module for the page and the package, read by the
# crate's own reader (a native build): they are not in the wasm module, which has
# no use for them (BENCHMARKS.md, case 6).
cargo run --quiet --example presets_module > pkg/presets.js
# The names the module and the glue know each other by (the glue's imports, the
# import modules, the exports but the memory) get one or two letters, in the module,
# the glue and its types (−2.0 KB gzipped; see the script).
node scripts/minify-names.mjs pkg
# pkg/ becomes the npm package: the element, exports, README and types.
node scripts/package.mjs pkg

wasm_file="pkg/futures_playground_bg.wasm"
if [ -f "$wasm_file" ]; then
  echo "build: $wasm_file $(wc -c <"$wasm_file") bytes"
fi
