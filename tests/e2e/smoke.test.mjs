// End-to-end smoke test: the smoke page (smoke.html + www/smoke.js) loads the release
// wasm package from /pkg, runs `smoke(ms)` once on load, and renders the result.
// Needs `scripts/build.sh` first (scripts/test.sh does that).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SCREENSHOT_DIR, screenshot, sharedSetup, waitForState } from './harness.mjs';

const env = sharedSetup();

after(() => console.log(`screenshots: ${SCREENSHOT_DIR}`));

test('smoke page loads the wasm package and runs smoke() on load', { timeout: 60_000 }, async (t) => {
  const { page, errors } = await env.openPage('smoke.html');

  await waitForState(page, 'done', { timeout: 30_000 });

  const version = (await page.locator('#version').textContent())?.trim() ?? '';
  assert.ok(version.length > 0 && version !== 'loading…', `version should be shown, got "${version}"`);

  const requested = Number(await page.locator('#requested').getAttribute('data-value'));
  const elapsed = Number(await page.locator('#elapsed').getAttribute('data-value'));
  const inputMs = Number(await page.locator('#ms').inputValue());
  assert.equal(requested, inputMs, 'requestedMs echoes the input');
  assert.ok(Number.isFinite(elapsed), `elapsed should be a number, got ${elapsed}`);
  assert.ok(elapsed >= requested, `elapsed ${elapsed} ms should be >= requested ${requested} ms`);

  const events = await page.locator('#events li').allTextContents();
  assert.ok(events.length > 0, 'events list should be non-empty');
  // A sleep is polled twice (it registers, then it is done) and woken once by the
  // reactor: the counts, and the list in the rust engine's event texts, say so.
  const polls = Number(await page.locator('#polls').getAttribute('data-value'));
  const wakes = Number(await page.locator('#wakes').getAttribute('data-value'));
  assert.ok(polls >= 2, `at least 2 polls, got ${polls}`);
  assert.ok(wakes >= 1, `at least 1 wake, got ${wakes}`);
  assert.equal(events.filter((e) => /^\s*[\d.]+ ms {2}poll-start$/.test(e)).length, polls, `one poll-start per poll: ${events.join(' | ')}`);
  assert.ok(events.some((e) => /ms {2}timer-register:\d+:[\d.]+$/.test(e)), `a timer-register event: ${events.join(' | ')}`);

  assert.equal(await page.locator('#error').isVisible(), false, 'error box should be hidden');
  errors.assertNone();

  const file = await screenshot(page, 'smoke');
  t.diagnostic(`screenshot: ${file}`);
  t.diagnostic(`version ${version}; requested ${requested} ms, elapsed ${elapsed} ms; ${events.length} events`);
});

test('smoke button re-runs with the requested duration', { timeout: 60_000 }, async () => {
  const { page, errors } = await env.openPage('smoke.html', { colorScheme: 'dark' });
  await waitForState(page, 'done', { timeout: 30_000 });

  await page.locator('#ms').fill('30');
  await page.locator('#run').click();
  // A fresh run resets the results, so `data-value` reflects the new request.
  await page.waitForFunction(
    () => document.body.dataset.state !== 'running' && document.getElementById('requested')?.dataset.value === '30',
    undefined,
    { timeout: 30_000 },
  );
  await waitForState(page, 'done', { timeout: 5_000 });

  const elapsed = Number(await page.locator('#elapsed').getAttribute('data-value'));
  assert.ok(elapsed >= 30, `elapsed ${elapsed} ms should be >= 30 ms`);
  assert.ok((await page.locator('#events li').count()) > 0, 'events list should be non-empty');
  errors.assertNone();
  await screenshot(page, 'smoke-dark');
});

test('invalid input shows an error in the alert box', { timeout: 30_000 }, async () => {
  const { page } = await env.openPage('smoke.html');
  await waitForState(page, 'done', { timeout: 30_000 });
  await page.locator('#ms').fill('-5');
  await page.locator('#run').click();
  await waitForState(page, 'error', { timeout: 5_000 });
  const alert = page.getByRole('alert');
  assert.equal(await alert.isVisible(), true);
  assert.match((await alert.textContent()) ?? '', /whole number of milliseconds/);
});
