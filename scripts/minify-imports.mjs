// Gives the wasm module's imports from wasm-bindgen's glue one- or two-letter
// names, in the module and in the glue alike.
//
// wasm-bindgen names each import the glue provides `__wbg_<name>_<16 hex digits>`
// (the hash keeps crates' imports apart). The module holds 56 of them, 1.8 K of
// names, and the hashes do not compress. Nothing but the glue reads them, so they
// can be anything the glue agrees on (BENCHMARKS.md, case 6). binaryen's
// `--minify-imports-and-exports-and-modules` would rename the exports too, which
// the package's types and the glue's callers name; its `--minify-imports` renames
// only imports from `env`. So this renames in the import section itself: every
// other byte of the module stays as wasm-opt wrote it.
//
// Imports from a snippet module (`#[wasm_bindgen(module = "/src/….js")]`) keep
// their names: they are that file's exports.
//
//   node scripts/minify-imports.mjs <pkg-dir>   (run by scripts/build.sh)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The module name under which wasm-bindgen's glue provides its own imports. */
export const GLUE_MODULE_SUFFIX = '_bg.js';

const IMPORT_SECTION = 2;

function readUnsigned(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('minify-imports: the module ends inside a number');
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: at };
  }
}

function writeUnsigned(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

function readName(bytes, at) {
  const { value: length, next } = readUnsigned(bytes, at);
  return { name: new TextDecoder().decode(bytes.subarray(next, next + length)), next: next + length };
}

function writeName(name) {
  const encoded = new TextEncoder().encode(name);
  return [...writeUnsigned(encoded.length), ...encoded];
}

/** Where an import's description (what it imports) ends. */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  const limits = (from) => {
    const flags = bytes[from++];
    let next = readUnsigned(bytes, from).next;
    if (flags & 1) next = readUnsigned(bytes, next).next;
    return next;
  };
  switch (kind) {
    case 0x00: // a function: its type's index
      return readUnsigned(bytes, at).next;
    case 0x01: // a table: element type, then limits
      return limits(at + 1);
    case 0x02: // a memory: limits
      return limits(at);
    case 0x03: // a global: value type, mutability
      return at + 2;
    case 0x04: // a tag: attribute, then its type's index
      return readUnsigned(bytes, at + 1).next;
    default:
      throw new Error(`minify-imports: unknown import kind 0x${kind?.toString(16)}`);
  }
}

/** The n-th short name: a … z, A … Z, then two letters. */
export function shortName(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let name = letters[n % letters.length];
  for (n = Math.floor(n / letters.length); n > 0; n = Math.floor((n - 1) / letters.length)) {
    name = letters[(n - 1) % letters.length] + name;
  }
  return name;
}

/**
 * The module with each import whose module name `rename(moduleName)` accepts given
 * a short name; returns the new bytes and the renames as [old, new] pairs.
 */
export function minifyImportNames(wasm, rename = (moduleName) => moduleName.endsWith(GLUE_MODULE_SUFFIX)) {
  const bytes = new Uint8Array(wasm);
  if (!WebAssembly.validate(bytes)) throw new Error('minify-imports: not a valid wasm module');
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const { value: size, next: contentStart } = readUnsigned(bytes, at + 1);
    const contentEnd = contentStart + size;
    if (id !== IMPORT_SECTION) {
      at = contentEnd;
      continue;
    }
    const renames = [];
    const taken = new Set();
    let { value: count, next } = readUnsigned(bytes, contentStart);
    const content = [...writeUnsigned(count)];
    const entries = [];
    for (let i = 0; i < count; i++) {
      const moduleName = readName(bytes, next);
      const field = readName(bytes, moduleName.next);
      const descriptionEnd = skipDescription(bytes, field.next);
      entries.push({ moduleName: moduleName.name, field: field.name, description: bytes.subarray(field.next, descriptionEnd) });
      taken.add(field.name);
      next = descriptionEnd;
    }
    if (next !== contentEnd) throw new Error('minify-imports: the import section has bytes after its last import');
    let counter = 0;
    for (const entry of entries) {
      let field = entry.field;
      if (rename(entry.moduleName)) {
        // A short name no kept import already has (a snippet could export `a`).
        do field = shortName(counter++);
        while (taken.has(field));
        renames.push([entry.field, field]);
      }
      content.push(...writeName(entry.moduleName), ...writeName(field), ...entry.description);
    }
    const out = Buffer.concat([
      bytes.subarray(0, at + 1),
      Uint8Array.from(writeUnsigned(content.length)),
      Uint8Array.from(content),
      bytes.subarray(contentEnd),
    ]);
    if (!WebAssembly.validate(out)) throw new Error('minify-imports: the renamed module does not validate');
    return { wasm: out, renames };
  }
  return { wasm: bytes, renames: [] };
}

/**
 * The glue with each renamed import's key replaced. wasm-bindgen writes each
 * import once, as `name: function(` in the object of the glue's own imports; a
 * name found anywhere else, or not so, stops the build rather than guess.
 */
export function renameGlueImports(glue, renames) {
  for (const [from, to] of renames) {
    const anywhere = glue.split(from).length - 1;
    const asKey = new RegExp(`^(\\s+)${from.replace(/[$\\]/g, '\\$&')}: function\\(`, 'm');
    if (anywhere !== 1 || !asKey.test(glue)) {
      throw new Error(
        `minify-imports: the glue names ${from} ${anywhere} times, expected once as \`${from}: function(\`;` +
          ' has wasm-bindgen changed how it writes its imports?',
      );
    }
    glue = glue.replace(asKey, `$1${to}: function(`);
  }
  return glue;
}

/** Renames in a wasm-bindgen `--target web` output folder: the module and its glue. */
export function minifyPackage(dir) {
  const modules = readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'));
  if (modules.length !== 1) throw new Error(`minify-imports: expected one *_bg.wasm in ${dir}, found ${modules.length}`);
  const wasmFile = path.join(dir, modules[0]);
  const glueFile = wasmFile.replace(/_bg\.wasm$/, '.js');
  const { wasm, renames } = minifyImportNames(readFileSync(wasmFile));
  const glue = renameGlueImports(readFileSync(glueFile, 'utf8'), renames);
  writeFileSync(wasmFile, wasm);
  writeFileSync(glueFile, glue);
  return renames.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/minify-imports.mjs <pkg-dir>');
  console.log(`minify-imports: ${minifyPackage(dir)} imports renamed in ${dir}`);
}
