// The share-link decoder (www/playground/share.js) in Node, on every test run:
// the committed corpus replayed against its expectations, and a short seeded
// run of the fuzz properties (the same inputs every run; scripts/fuzz.sh runs
// them with fresh seeds for as long as asked). See properties.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assertExpected, EXPECTED, loadCorpus } from './corpus.mjs';
import { checkRoundTrip, classify, fragmentArb, sourceArb } from './properties.mjs';

test('every corpus fragment decodes to a source or a ShareError, as expected.json says', { timeout: 120_000 }, async (t) => {
  const corpus = loadCorpus();
  assert.ok(corpus.length >= 30, `only ${corpus.length} corpus files`);
  let checked = 0;
  for (const { name, fragment, expected } of corpus) {
    const outcome = await classify(fragment);
    if (expected && !expected.nodeDiffers) {
      assertExpected(name, outcome, expected);
      checked++;
    }
  }
  t.diagnostic(`${corpus.length} fragments, ${checked} against their expectation in Node`);
});

test('expected.json names only fragments that are in the corpus', () => {
  const names = new Set(loadCorpus().map((e) => e.name));
  assert.deepEqual(Object.keys(EXPECTED).filter((n) => !names.has(n)), []);
});

test('seeded fuzz: any string decodes to a bounded source or a ShareError', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(fragmentArb, async (fragment) => {
    await classify(fragment);
  }), { seed: 8, numRuns: 400 });
});

test('seeded fuzz: every valid source round-trips; others are a ShareError from encodeSource', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(sourceArb, checkRoundTrip), {
    seed: 8,
    numRuns: 300,
    // The inputs that broke it before: a leading byte-order mark came back
    // without it, a lone surrogate came back as U+FFFD.
    examples: [['\uFEFF'], ['\uFEFFlog(1);'], ['\uD800'], ['a\uDC00b'], ['']],
  });
});
