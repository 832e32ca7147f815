// The share-link codec (www/playground/share.js) as the browsers run it: every
// fragment of the committed corpus (fuzz/corpus/share_link) decoded in Firefox
// and in Chromium, in a page served with the strict CSP. Each gives a source of
// at most 64 KiB or a ShareError, what tests/share/expected.json says (Node's
// DecompressionStream differs on one, see there), and the same in both browsers.
// Links made in one browser open in the other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertExpected, loadCorpus } from '../share/corpus.mjs';
import { sharedSetup } from '../e2e/harness.mjs';
import { assertClean, setupFirefox } from './harness.mjs';

// Both browsers, each started before the first test and closed after the last.
const browsers = { chromium: sharedSetup(), firefox: sharedSetup({}, setupFirefox) };

/** Decode each fragment with the page's own share.js; `{ ok, source | error, shareError }` each. */
const decodeAll = (page, fragments) => page.evaluate(async (list) => {
  const share = await import('/www/playground/share.js');
  const out = [];
  for (const fragment of list) {
    try {
      const source = await share.decodeFragment(fragment);
      out.push({ ok: true, source, bytes: new TextEncoder().encode(source).length });
    } catch (err) {
      out.push({ ok: false, error: String(err?.message), shareError: err instanceof share.ShareError, name: err?.name });
    }
  }
  return out;
}, fragments);

const encodeAll = (page, sources) => page.evaluate(async (list) => {
  const share = await import('/www/playground/share.js');
  return Promise.all(list.map((s) => share.encodeSource(s)));
}, sources);

test('every corpus fragment decodes as expected, alike in Firefox and Chromium', { timeout: 120_000 }, async (t) => {
  const corpus = loadCorpus();
  const fragments = corpus.map((e) => e.fragment);
  const [c, f] = await Promise.all([browsers.chromium.openPage('smoke.html'), browsers.firefox.openPage('smoke.html')]);
  const results = { chromium: await decodeAll(c.page, fragments), firefox: await decodeAll(f.page, fragments) };
  for (const [browser, outcomes] of Object.entries(results)) {
    corpus.forEach(({ name, expected }, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) assert.ok(outcome.shareError, `${browser} ${name}: ${outcome.name} instead of a ShareError: ${outcome.error}`);
      else assert.ok(outcome.bytes <= 64 * 1024, `${browser} ${name}: ${outcome.bytes} bytes decoded`);
      if (expected) assertExpected(`${browser} ${name}`, outcome, expected);
    });
  }
  corpus.forEach(({ name }, i) => {
    assert.deepEqual(results.firefox[i], results.chromium[i], `${name}: Firefox and Chromium differ`);
  });
  t.diagnostic(`${corpus.length} fragments, ${corpus.filter((e) => e.expected).length} with an expectation`);
  c.errors.assertNone('Chromium reported errors');
  await assertClean(f);
});

test('a link made in one browser opens the same program in the other', { timeout: 60_000 }, async () => {
  const sources = ['log("hi");\n', '\uFEFF// starts with a byte-order mark\n', '// ✓ é 𝄞 日本\r\nlet a = sleep(40, "é");\n', 'log("x");\n'.repeat(6000), ''];
  const [c, f] = await Promise.all([browsers.chromium.openPage('smoke.html'), browsers.firefox.openPage('smoke.html')]);
  const fromFirefox = await encodeAll(f.page, sources);
  const fromChromium = await encodeAll(c.page, sources);
  const inChromium = await decodeAll(c.page, fromFirefox);
  const inFirefox = await decodeAll(f.page, fromChromium);
  sources.forEach((source, i) => {
    assert.deepEqual(inChromium[i], { ok: true, source, bytes: new TextEncoder().encode(source).length }, `Firefox's link #${i} in Chromium`);
    assert.deepEqual(inFirefox[i], { ok: true, source, bytes: new TextEncoder().encode(source).length }, `Chromium's link #${i} in Firefox`);
  });
  c.errors.assertNone('Chromium reported errors');
  await assertClean(f);
});
