// Loads the wasm module once per URL: several elements on a page share the
// instance (each run makes its own executor, so runs stay independent).
//
// The module the element ships with is imported statically, so a bundler sees
// it (and its .wasm) like any other dependency. In the repository it is the
// build in pkg/; the npm package's copy of this file imports the package's own
// module (scripts/package.mjs rewrites this one path). An element given a
// wasm-url attribute loads that module instead, at run time.
import initBundled, * as bundled from '../../pkg/futures_playground.js';

const loaded = new Map();

export function loadWasm(url = null) {
  const key = url === null ? '' : String(url);
  if (!loaded.has(key)) {
    const module = url === null ? Promise.resolve({ ...bundled, default: initBundled }) : import(key);
    loaded.set(key, module.then(async (mod) => {
      await mod.default();
      return mod;
    }).catch((err) => {
      loaded.delete(key);
      throw err;
    }));
  }
  return loaded.get(key);
}
