// examples/presets_module.rs, which scripts/build.sh runs to write pkg/presets.js:
// the module it prints gives every file in presets/ back exactly, split where the
// crate's reader splits it, and a fresh copy at each call.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const text = execFileSync('cargo', ['run', '--quiet', '--example', 'presets_module'], { cwd: root, encoding: 'utf8' });
const { presets } = await import(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);

test('every preset file, in order, with its source exactly as on disk', () => {
  const files = readdirSync(path.join(root, 'presets')).filter((f) => f.endsWith('.scenario')).sort();
  const list = presets();
  assert.deepEqual(list.map((p) => `${p.id}.scenario`), files);
  for (const preset of list) {
    assert.equal(preset.source, readFileSync(path.join(root, 'presets', `${preset.id}.scenario`), 'utf8'), preset.id);
  }
});

test("the program is the source after its header comment, with the header's title and explanation", () => {
  for (const { id, title, explanation, source, program } of presets()) {
    assert.ok(source.endsWith(program), id);
    const header = source.slice(0, source.length - program.length);
    assert.ok(header.length > 0, `${id}: no header`);
    for (const line of header.split('\n').slice(0, -1)) assert.match(line, /^\s*\/\//, `${id}: a header line that is not a comment`);
    assert.doesNotMatch(program.split('\n')[0], /^\s*\/\//, `${id}: the program starts with a comment`);
    assert.ok(header.includes(`title: ${title}`), `${id}: title ${JSON.stringify(title)}`);
    assert.ok(explanation.length > 40, `${id}: explanation`);
    for (const word of explanation.split(' ').slice(0, 5)) assert.ok(header.includes(word), `${id}: ${word}`);
  }
});

test('a fresh copy at each call', () => {
  const first = presets();
  first[0].program = 'changed';
  first.pop();
  const second = presets();
  assert.notEqual(second[0].program, 'changed');
  assert.equal(second.length, first.length + 1);
});
