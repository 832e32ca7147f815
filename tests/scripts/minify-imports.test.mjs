// scripts/minify-imports.mjs on small modules made here: which imports it renames,
// that the renamed module still runs with the renamed glue, and that it refuses glue
// it does not recognise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import binaryen from 'binaryen';
import { minifyImportNames, renameGlueImports, shortName } from '../../scripts/minify-imports.mjs';

const GLUE = './demo_bg.js';
const SNIPPET = './snippets/demo-0123/src/util.js';

// Every kind of import, two from the glue with wasm-bindgen's hashed names, and a
// snippet's export called `a`, the first short name.
const WAT = `(module
  (import "${GLUE}" "__wbg_add_0123456789abcdef" (func $add (param i32 i32) (result i32)))
  (import "${SNIPPET}" "a" (func $snippet (result i32)))
  (import "${GLUE}" "__wbg_double_fedcba9876543210" (func $double (param i32) (result i32)))
  (import "${SNIPPET}" "memory" (memory 1 2))
  (import "${SNIPPET}" "base" (global $base i32))
  (import "${SNIPPET}" "table" (table 1 10 funcref))
  (func (export "run") (result i32)
    (call $double (call $add (call $snippet) (global.get $base))))
  (data (i32.const 0) "kept"))`;

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

test("only the glue's imports are renamed, past the names a snippet already imports", () => {
  const { wasm, renames } = minifyImportNames(assemble(WAT));
  assert.deepEqual(renames, [
    ['__wbg_add_0123456789abcdef', 'b'],
    ['__wbg_double_fedcba9876543210', 'c'],
  ]);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map(({ module, name, kind }) => `${module} ${name} ${kind}`);
  // (binaryen writes memories, tables and globals first.)
  assert.deepEqual(imports.sort(), [
    `${GLUE} b function`,
    `${SNIPPET} a function`,
    `${GLUE} c function`,
    `${SNIPPET} memory memory`,
    `${SNIPPET} base global`,
    `${SNIPPET} table table`,
  ].sort());
});

test('the renamed module runs with the renamed glue, and every other section is kept', async () => {
  const original = assemble(WAT);
  const { wasm, renames } = minifyImportNames(original);
  const glue = `const imports = {
    __proto__: null,
    __wbg_add_0123456789abcdef: function(x, y) {
        return x + y;
    },
    __wbg_double_fedcba9876543210: function(x) {
        return 2 * x;
    },
};`;
  const renamed = renameGlueImports(glue, renames);
  assert.match(renamed, /^ {4}b: function\(x, y\)/m);
  assert.match(renamed, /^ {4}c: function\(x\)/m);
  const glueImports = new Function(`${renamed}\nreturn imports;`)();
  const { instance } = await WebAssembly.instantiate(wasm, {
    [GLUE]: glueImports,
    [SNIPPET]: {
      a: () => 4,
      memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
      base: 17,
      table: new WebAssembly.Table({ initial: 1, maximum: 10, element: 'anyfunc' }),
    },
  });
  assert.equal(instance.exports.run(), 42);
  // Only the import section changed.
  const others = (bytes) => sections(bytes).filter(({ id }) => id !== 2);
  assert.equal(others(wasm).length, sections(original).length - 1);
  assert.deepEqual(others(wasm), others(original));
});

test('a module without imports is returned as it was', () => {
  const original = assemble('(module (func (export "f") (result i32) (i32.const 1)))');
  const { wasm, renames } = minifyImportNames(original);
  assert.deepEqual(renames, []);
  assert.deepEqual(Buffer.from(wasm), Buffer.from(original));
});

test('a name with a `$` is matched as written', () => {
  assert.equal(renameGlueImports('    __wbg_$x_0123: function() {},\n', [['__wbg_$x_0123', 'a']]), '    a: function() {},\n');
});

test('glue that names an import elsewhere, or not as a key, stops the build', () => {
  const renames = [['__wbg_add_0123456789abcdef', 'b']];
  assert.throws(
    () => renameGlueImports('    __wbg_add_0123456789abcdef: function(x) {},\nwasm.__wbg_add_0123456789abcdef();', renames),
    /names __wbg_add_0123456789abcdef 2 times/,
  );
  assert.throws(() => renameGlueImports('const __wbg_add_0123456789abcdef = 1;', renames), /names __wbg_add_0123456789abcdef 1 times/);
  assert.throws(() => renameGlueImports('', renames), /0 times/);
});

test('bytes that are not a module are refused', () => {
  assert.throws(() => minifyImportNames(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), /not a valid wasm module/);
});
