// The committed share-link corpus (fuzz/corpus/share_link/*.fragment: tricky
// fragments, and whatever the fuzzer found worth keeping) and what each named
// one must give (tests/share/expected.json). Used by the Node replay
// (decoder.test.mjs) and the browser replay (tests/e2e-firefox/share.test.mjs).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = path.resolve(HERE, '..', '..', 'fuzz', 'corpus', 'share_link');
export const EXPECTED = JSON.parse(readFileSync(path.join(HERE, 'expected.json'), 'utf8'));
delete EXPECTED.$comment;

/** Every corpus entry as `{ name, fragment, expected }` (expected is undefined for unnamed finds). */
export function loadCorpus() {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.fragment'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.fragment'.length);
      return { name, fragment: readFileSync(path.join(CORPUS_DIR, file), 'utf8'), expected: EXPECTED[name] };
    });
}

/** `outcome` is `{ ok: true, source }` or `{ ok: false, error }` (a ShareError's message). */
export function assertExpected(name, outcome, expected) {
  const got = outcome.ok ? `the source ${JSON.stringify(outcome.source.slice(0, 80))}` : `the error ${JSON.stringify(outcome.error)}`;
  if ('error' in expected) {
    assert.ok(!outcome.ok && outcome.error.includes(expected.error), `${name}: expected an error with ${JSON.stringify(expected.error)}, got ${got}`);
  } else if ('source' in expected) {
    assert.ok(outcome.ok && outcome.source === expected.source, `${name}: expected the source ${JSON.stringify(expected.source)}, got ${got}`);
  } else if ('sourceBytes' in expected) {
    assert.ok(outcome.ok, `${name}: expected a source, got ${got}`);
    assert.equal(new TextEncoder().encode(outcome.source).length, expected.sourceBytes, `${name}: source size`);
  } else {
    assert.fail(`${name}: expected.json gives neither error, source nor sourceBytes`);
  }
}
