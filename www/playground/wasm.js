// Loads the wasm package once per URL: several elements on a page share the
// instance (each run makes its own executor, so runs stay independent).
const loaded = new Map();

export function loadWasm(url) {
  const key = String(url);
  if (!loaded.has(key)) {
    loaded.set(key, import(key).then(async (mod) => {
      await mod.default();
      return mod;
    }).catch((err) => {
      loaded.delete(key);
      throw err;
    }));
  }
  return loaded.get(key);
}
