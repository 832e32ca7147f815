// Gives the names by which the wasm module and wasm-bindgen's glue know each other
// one or two letters: the imports the glue provides, the import modules, and the
// exports. They are renamed in the module and in the glue (and its types) alike.
//
// wasm-bindgen names each import the glue provides `__wbg_<name>_<16 hex digits>`
// (the hash keeps crates' imports apart): 56 such names, 1.8 K, and the hashes do not
// compress. Each import also names its module, a snippet's path of up to 70
// characters. Only the glue reads these names, and only the glue calls the exports by
// theirs (`wasm.<name>`), so they can be anything the glue agrees on (BENCHMARKS.md,
// case 6). The module's memory keeps its name: the glue's callers may read it from
// what `init()` returns. binaryen has a pass for this, but it renames the memory too
// and writes no glue; so this renames in the module's import and export sections
// themselves, and every other byte stays as wasm-opt wrote it.
//
// Imports from a snippet module (`#[wasm_bindgen(module = "/src/….js")]`) keep their
// own names (they are that file's exports); only the key their module is found under
// changes.
//
// The glue is rewritten only where wasm-bindgen writes these names in a known shape:
// an import as the key `name: function(`, a module as the key `"path": importN,`, an
// export as `wasm.name`, and in the types as `readonly name:` (`InitOutput`) and
// `export const name:`. A name found otherwise stops the build rather than guess.
//
//   node scripts/minify-names.mjs <pkg-dir>   (run by scripts/build.sh)
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exports that keep their names. */
export const KEPT_EXPORTS = ['memory'];

/** The module name under which wasm-bindgen's glue provides its own imports. */
export const GLUE_MODULE_SUFFIX = '_bg.js';

const IMPORT_SECTION = 2;
const EXPORT_SECTION = 7;

function readUnsigned(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('minify-names: the module ends inside a number');
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
      throw new Error(`minify-names: unknown import kind 0x${kind?.toString(16)}`);
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

/** A section's content rebuilt as bytes: its entry count, then each entry. */
function vector(entries) {
  return [...writeUnsigned(entries.length), ...entries.flat()];
}

/** Names not yet handed out, skipping those in `taken`. */
function namer(taken) {
  let counter = 0;
  return () => {
    let name;
    do name = shortName(counter++);
    while (taken.has(name));
    return name;
  };
}

function renameImports(bytes, start, end, renames) {
  let { value: count, next } = readUnsigned(bytes, start);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const moduleName = readName(bytes, next);
    const field = readName(bytes, moduleName.next);
    const descriptionEnd = skipDescription(bytes, field.next);
    entries.push({ moduleName: moduleName.name, field: field.name, description: [...bytes.subarray(field.next, descriptionEnd)] });
    next = descriptionEnd;
  }
  if (next !== end) throw new Error('minify-names: the import section has bytes after its last import');
  // A snippet's own names stay, so the glue's short names avoid them.
  const nextField = namer(new Set(entries.filter((e) => !e.moduleName.endsWith(GLUE_MODULE_SUFFIX)).map((e) => e.field)));
  const nextModule = namer(new Set());
  const modules = new Map();
  const rewritten = entries.map(({ moduleName, field, description }) => {
    if (!modules.has(moduleName)) modules.set(moduleName, nextModule());
    if (moduleName.endsWith(GLUE_MODULE_SUFFIX)) {
      const short = nextField();
      renames.imports.push([field, short]);
      field = short;
    }
    return [...writeName(modules.get(moduleName)), ...writeName(field), ...description];
  });
  renames.modules.push(...modules);
  return vector(rewritten);
}

function renameExports(bytes, start, end, renames) {
  let { value: count, next } = readUnsigned(bytes, start);
  const entries = [];
  for (let i = 0; i < count; i++) {
    const name = readName(bytes, next);
    const indexEnd = readUnsigned(bytes, name.next + 1).next; // kind, then index
    entries.push({ name: name.name, rest: [...bytes.subarray(name.next, indexEnd)] });
    next = indexEnd;
  }
  if (next !== end) throw new Error('minify-names: the export section has bytes after its last export');
  const nextName = namer(new Set(KEPT_EXPORTS));
  return vector(
    entries.map(({ name, rest }) => {
      if (!KEPT_EXPORTS.includes(name)) {
        const short = nextName();
        renames.exports.push([name, short]);
        name = short;
      }
      return [...writeName(name), ...rest];
    }),
  );
}

/**
 * The module with short names for the glue's imports, the import modules and the
 * exports but the memory. Returns the new bytes and the renames, each a list of
 * [old, new] pairs: `{ wasm, renames: { imports, modules, exports } }`.
 */
export function minifyNames(wasm) {
  const bytes = new Uint8Array(wasm);
  if (!WebAssembly.validate(bytes)) throw new Error('minify-names: not a valid wasm module');
  const renames = { imports: [], modules: [], exports: [] };
  const parts = [bytes.subarray(0, 8)];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at];
    const { value: size, next: start } = readUnsigned(bytes, at + 1);
    const end = start + size;
    const rewrite = { [IMPORT_SECTION]: renameImports, [EXPORT_SECTION]: renameExports }[id];
    if (rewrite) {
      const content = rewrite(bytes, start, end, renames);
      parts.push(Uint8Array.of(id, ...writeUnsigned(content.length)), Uint8Array.from(content));
    } else {
      parts.push(bytes.subarray(at, end));
    }
    at = end;
  }
  const out = Buffer.concat(parts);
  if (!WebAssembly.validate(out)) throw new Error('minify-names: the renamed module does not validate');
  return { wasm: out, renames };
}

const escape = (name) => name.replace(/[$\\]/g, '\\$&');

function fail(what, name, found, shape) {
  throw new Error(
    `minify-names: ${what} ${name} is found ${found} times in the glue or its types, expected as \`${shape}\`;` +
      ' has wasm-bindgen changed how it writes its glue?',
  );
}

/**
 * The glue with the renamed names replaced: each import's key (`name: function(`,
 * the only place the glue names it), each module's key in the imports object
 * (`"path": importN,`, once or more), and each export where the glue calls it
 * (`wasm.name`; the glue reaches the exports no other way).
 */
export function renameGlue(glue, renames) {
  for (const [from, to] of renames.imports) {
    const anywhere = glue.split(from).length - 1;
    const asKey = new RegExp(`^(\\s+)${escape(from)}: function\\(`, 'm');
    if (anywhere !== 1 || !asKey.test(glue)) fail('the import', from, anywhere, `${from}: function(`);
    glue = glue.replace(asKey, `$1${to}: function(`);
  }
  for (const [from, to] of renames.modules) {
    const asKey = new RegExp(`^(\\s+)"${escape(from)}": (import\\d+),$`, 'gm');
    const found = glue.match(asKey)?.length ?? 0;
    if (found === 0) fail('the module', from, 0, `"${from}": importN,`);
    glue = glue.replace(asKey, `$1"${to}": $2,`);
  }
  if (/\bwasm(\?\.|\[)/.test(glue)) {
    throw new Error('minify-names: the glue reaches an export as wasm[…] or wasm?., not only as wasm.name; has wasm-bindgen changed how it writes its glue?');
  }
  for (const [from, to] of renames.exports) {
    glue = glue.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, 'g'), `wasm.${to}`);
  }
  return glue;
}

/**
 * The glue's types with the exports renamed: `readonly name:` in `InitOutput`, or
 * `export const name:` in the module's own types. An export the types do not name
 * at all (wasm-bindgen leaves out globals such as `__abort_handler`) is left out;
 * one named otherwise, or twice, stops the build, and so do types naming none.
 */
export function renameTypes(types, renames, shape) {
  let renamed = 0;
  for (const [from, to] of renames.exports) {
    const line = new RegExp(`^(\\s*)${escape(shape)}${escape(from)}:`, 'gm');
    const found = types.match(line)?.length ?? 0;
    if (found === 0 && !new RegExp(`\\b${escape(from)}\\b`).test(types)) continue;
    if (found !== 1) fail('the export', from, found, `${shape}${from}:`);
    types = types.replace(line, `$1${shape}${to}:`);
    renamed++;
  }
  if (renames.exports.length > 0 && renamed === 0) fail('no export', '', 0, `${shape}name:`);
  return types;
}

/** The glue's types with the exports renamed inside `interface InitOutput` only. */
export function renameInitOutput(types, renames) {
  const start = types.indexOf('export interface InitOutput {');
  const end = types.indexOf('\n}', start);
  if (start < 0 || end < 0) fail('the interface', 'InitOutput', 0, 'export interface InitOutput {');
  return types.slice(0, start) + renameTypes(types.slice(start, end), renames, 'readonly ') + types.slice(end);
}

/** Renames in a wasm-bindgen `--target web` output folder: the module, its glue and types. */
export function minifyPackage(dir) {
  const modules = readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'));
  if (modules.length !== 1) throw new Error(`minify-names: expected one *_bg.wasm in ${dir}, found ${modules.length}`);
  const wasmFile = path.join(dir, modules[0]);
  const stem = wasmFile.replace(/_bg\.wasm$/, '');
  const { wasm, renames } = minifyNames(readFileSync(wasmFile));
  const files = [
    [`${stem}.js`, (text) => renameGlue(text, renames)],
    [`${stem}.d.ts`, (text) => renameInitOutput(text, renames)],
    [`${wasmFile}.d.ts`, (text) => renameTypes(text, renames, 'export const ')],
  ];
  // Every file is rewritten in memory first: a refusal leaves the folder as it was.
  const rewritten = files.filter(([file]) => existsSync(file)).map(([file, rename]) => [file, rename(readFileSync(file, 'utf8'))]);
  writeFileSync(wasmFile, wasm);
  for (const [file, text] of rewritten) writeFileSync(file, text);
  return renames;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: node scripts/minify-names.mjs <pkg-dir>');
  const { imports, modules, exports } = minifyPackage(dir);
  console.log(`minify-names: ${imports.length} imports, ${modules.length} import modules, ${exports.length} exports renamed in ${dir}`);
}
