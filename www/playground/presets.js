// The example programs, as the page lists them (`presets()`: `[{ id, title,
// explanation, source, program }]`). scripts/build.sh writes pkg/presets.js from
// presets/*.scenario; they are not in the wasm module, which has no use for them
// (BENCHMARKS.md, case 6). In the npm package this import is the package's own
// copy (scripts/package.mjs rewrites the path).
export { presets } from '../../pkg/presets.js';
