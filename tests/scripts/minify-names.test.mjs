// scripts/minify-names.mjs on small modules made here: which names it renames, that
// the renamed module still runs with the renamed glue, and that it refuses glue or
// types it does not recognise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import binaryen from 'binaryen';
import { minifyNames, renameGlue, renameInitOutput, renameTypes, shortName } from '../../scripts/minify-names.mjs';

const GLUE = './demo_bg.js';
const SNIPPET = './snippets/demo-0123/src/util.js';

// Every kind of import, two from the glue with wasm-bindgen's hashed names, and a
// snippet's export called `a`, the first short name; exports of a function, the
// memory and a global.
const WAT = `(module
  (import "${GLUE}" "__wbg_add_0123456789abcdef" (func $add (param i32 i32) (result i32)))
  (import "${SNIPPET}" "a" (func $snippet (result i32)))
  (import "${GLUE}" "__wbg_double_fedcba9876543210" (func $double (param i32) (result i32)))
  (import "${SNIPPET}" "base" (global $base i32))
  (import "${SNIPPET}" "table" (table 1 10 funcref))
  (memory $memory 1)
  (global $flag i32 (i32.const 7))
  (export "memory" (memory $memory))
  (export "__abort_handler" (global $flag))
  (func (export "run") (result i32)
    (call $double (call $add (call $snippet) (global.get $base))))
  (data (i32.const 0) "kept"))`;

// The glue as wasm-bindgen writes it: the imports object, the modules' keys, the
// exports called through `wasm.`.
const GLUE_TEXT = `let wasm;
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_add_0123456789abcdef: function(x, y) {
            return x + y;
        },
        __wbg_double_fedcba9876543210: function(x) {
            return 2 * x;
        },
    };
    return {
        __proto__: null,
        "${GLUE}": import0,
        "${SNIPPET}": import1,
    };
}
export function run() {
    return wasm.run();
}`;

const INIT_OUTPUT = `export class Run {
    readonly run: number;
}
export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly run: () => number;
}
`;

function assemble(wat) {
  const module = binaryen.parseText(wat);
  try {
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** The module's sections as [id, content] (sizes below 128 MiB, as here). */
function sections(bytes) {
  const out = [];
  for (let at = 8; at < bytes.length; ) {
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    out.push({ id, content: Buffer.from(bytes.subarray(at, at + size)) });
    at += size;
  }
  return out;
}

test('short names: one letter, then two, never repeated', () => {
  assert.deepEqual([0, 1, 25, 26, 51, 52, 53, 103, 104].map(shortName), ['a', 'b', 'z', 'A', 'Z', 'aa', 'ab', 'aZ', 'ba']);
  const names = new Set(Array.from({ length: 3000 }, (_, n) => shortName(n)));
  assert.equal(names.size, 3000);
});

test("the glue's imports, every import module and every export but the memory are renamed", () => {
  const { wasm, renames } = minifyNames(assemble(WAT));
  // The glue's imports skip `a`, which the snippet's own import keeps.
  assert.deepEqual(renames.imports, [
    ['__wbg_add_0123456789abcdef', 'b'],
    ['__wbg_double_fedcba9876543210', 'c'],
  ]);
  const modules = new Map(renames.modules);
  assert.deepEqual([...modules.keys()].sort(), [GLUE, SNIPPET].sort());
  assert.deepEqual([...modules.values()].sort(), ['a', 'b']);
  assert.deepEqual(renames.exports.map(([from]) => from).sort(), ['__abort_handler', 'run']);
  assert(renames.exports.every(([, to]) => to !== 'memory' && to.length === 1));
  const module = new WebAssembly.Module(wasm);
  const imports = WebAssembly.Module.imports(module).map(({ module, name, kind }) => `${module} ${name} ${kind}`);
  assert.deepEqual(
    imports.sort(),
    [
      `${modules.get(GLUE)} b function`,
      `${modules.get(GLUE)} c function`,
      `${modules.get(SNIPPET)} a function`,
      `${modules.get(SNIPPET)} base global`,
      `${modules.get(SNIPPET)} table table`,
    ].sort(),
  );
  const exports = WebAssembly.Module.exports(module).map(({ name, kind }) => `${name} ${kind}`);
  const renamed = new Map(renames.exports);
  assert.deepEqual(exports.sort(), ['memory memory', `${renamed.get('__abort_handler')} global`, `${renamed.get('run')} function`].sort());
});

test('the renamed module runs with the renamed glue, and every other section is kept', async () => {
  const original = assemble(WAT);
  const { wasm, renames } = minifyNames(original);
  const glue = renameGlue(GLUE_TEXT, renames);
  const modules = new Map(renames.modules);
  const run = new Map(renames.exports).get('run');
  assert.match(glue, /^ {8}b: function\(x, y\)/m);
  assert.match(glue, /^ {8}c: function\(x\)/m);
  assert.match(glue, new RegExp(`^ {8}"${modules.get(GLUE)}": import0,$`, 'm'));
  assert.match(glue, new RegExp(`return wasm\\.${run}\\(\\);`));
  assert.match(glue, /^export function run\(\)/m, 'the glue function keeps its name');
  const { imports, snippet } = new Function(
    'import1',
    `${glue.replace('export function', 'function')}\nreturn { imports: __wbg_get_imports(), snippet: import1 };`,
  )({
    a: () => 4,
    base: 17,
    table: new WebAssembly.Table({ initial: 1, maximum: 10, element: 'anyfunc' }),
  });
  assert.equal(imports[modules.get(SNIPPET)], snippet);
  const { instance } = await WebAssembly.instantiate(wasm, imports);
  assert.equal(instance.exports[run](), 42);
  assert(instance.exports.memory instanceof WebAssembly.Memory);
  // Only the import and export sections changed.
  const others = (bytes) => sections(bytes).filter(({ id }) => id !== 2 && id !== 7);
  assert.equal(others(wasm).length, sections(original).length - 2);
  assert.deepEqual(others(wasm), others(original));
});

test("the types' exports are renamed in InitOutput only; a global they do not name is left out", () => {
  const { renames } = minifyNames(assemble(WAT));
  const run = new Map(renames.exports).get('run');
  const types = renameInitOutput(INIT_OUTPUT, renames);
  assert.match(types, /^ {4}readonly run: number;$/m, "another interface's field keeps its name");
  assert.match(types, new RegExp(`^ {4}readonly ${run}: \\(\\) => number;$`, 'm'));
  assert.match(types, /^ {4}readonly memory: WebAssembly\.Memory;$/m);
  const own = renameTypes('export const memory: WebAssembly.Memory;\nexport const run: () => number;\n', renames, 'export const ');
  assert.equal(own, `export const memory: WebAssembly.Memory;\nexport const ${run}: () => number;\n`);
});

test('a module without imports or exports is returned as it was', () => {
  const original = assemble('(module (func (i32.const 1) (drop)))');
  const { wasm, renames } = minifyNames(original);
  assert.deepEqual(renames, { imports: [], modules: [], exports: [] });
  assert.deepEqual(Buffer.from(wasm), Buffer.from(original));
});

test('a name with a `$` is matched as written', () => {
  const renames = { imports: [['__wbg_$x_0123', 'a']], modules: [], exports: [['$run', 'b']] };
  assert.equal(renameGlue('    __wbg_$x_0123: function() {},\nwasm.$run();', renames), '    a: function() {},\nwasm.b();');
});

test('glue or types in another shape stop the build', () => {
  const imports = { imports: [['__wbg_add_0123456789abcdef', 'b']], modules: [], exports: [] };
  assert.throws(
    () => renameGlue('    __wbg_add_0123456789abcdef: function(x) {},\nwasm.__wbg_add_0123456789abcdef();', imports),
    /the import __wbg_add_0123456789abcdef is found 2 times/,
  );
  assert.throws(() => renameGlue('const __wbg_add_0123456789abcdef = 1;', imports), /is found 1 times/);
  const modules = { imports: [], modules: [[GLUE, 'a']], exports: [] };
  assert.throws(() => renameGlue(`    '${GLUE}': import0,`, modules), /the module \.\/demo_bg\.js is found 0 times/);
  const exports = { imports: [], modules: [], exports: [['run', 'a']] };
  assert.throws(() => renameGlue('return wasm["run"]();', exports), /reaches an export as wasm\[…\]/);
  assert.throws(() => renameTypes('    readonly run: () => number;\n    readonly run: () => number;\n', exports, 'readonly '), /the export run is found 2 times/);
  assert.throws(() => renameTypes('    run(): number;\n', exports, 'readonly '), /the export run is found 0 times/);
  assert.throws(() => renameInitOutput('export interface Other {\n}\n', exports), /InitOutput/);
});

test('bytes that are not a module are refused', () => {
  assert.throws(() => minifyNames(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), /not a valid wasm module/);
});
