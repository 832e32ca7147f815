// The Learn tab and the engine's panic recovery in Firefox: what leans hardest
// on the browser's WebAssembly (reading linear memory and the function table,
// a forged vtable, a worker, replacing the module's instance after a trap)
// behaves as in Chromium.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSetup } from '../e2e/harness.mjs';
import { EL, assertClean, click, fill, inEl, screenshot, setupFirefox, waitForElementState, waitInEl } from './harness.mjs';

const env = sharedSetup({}, setupFirefox);

const text = (page, selector) => page.$eval(inEl(selector), (n) => n.textContent);

async function openLearn() {
  const opened = await env.openPage('index.html', { viewport: { width: 1200, height: 900 } });
  await waitForElementState(opened.page, 'ready');
  await click(opened.page, 'button[role="tab"][data-tab="learn"]');
  await waitInEl(opened.page, 'section[data-section="concurrency"] button.cc-worker-run', { timeout: 15_000 });
  return opened;
}

test('Learn in Firefox: wasm32 sizes, the vtable read from memory, a forged vtable, our waker, a worker', { timeout: 90_000 }, async () => {
  const opened = await openLearn();
  const { page } = opened;
  assert.equal(await page.$$eval(inEl('.learn-section [role="alert"]'), (n) => n.length), 0, 'every section started');
  assert.equal(await text(page, 'tr[data-type="&[i32]"] td.size'), '8 B');
  assert.equal(await text(page, 'tr[data-type="&dyn Animal"] td.size'), '8 B');

  await click(page, 'button.read-dyn');
  const checks = await page.$$eval(inEl('.dyn-out table.vtable tbody tr'), (rows) => rows.map((r) => r.cells[4].textContent));
  assert.deepEqual(checks, ['✓', '✓', '✓', '✓', '✓']);
  assert.match(await text(page, '.dyn-out tr[data-slot="3"]'), /function table index \d+ → wasm function \d+/);

  await click(page, 'button[data-swap="add-mul"]');
  const answered = await page.$$eval(inEl('section[data-section="hand-vtable"] .calls li'), (items) => items.map((li) => [li.dataset.method, li.dataset.answeredBy, li.textContent]));
  assert.deepEqual(answered.map(([m, by]) => [m, by]), [['add', 'mul'], ['sub', 'sub'], ['mul', 'add']]);
  assert.match(answered[0][2], /calc\.add\(5\) → 35/);

  const ms = await page.waitForSelector(inEl('input.sleep-ms'));
  await ms.evaluate((n) => { n.value = '300'; });
  await click(page, 'button.new-task');
  const phase = () => page.$eval(inEl('.waker-state'), (n) => n.dataset.phase);
  assert.equal(await phase(), 'queued');
  await click(page, 'button.poll');
  assert.equal(await phase(), 'waiting');
  await waitInEl(page, '.waker-state[data-phase="queued"]', { timeout: 5_000 });
  await click(page, 'button.poll');
  assert.equal(await phase(), 'ready');
  const calls = await page.$$eval(inEl('.waker-calls li'), (l) => l.map((li) => li.dataset.what));
  assert.deepEqual(calls, ['poll', 'clone', 'timer registered', 'Pending', 'timer fired', 'wake', 'poll', 'Ready', 'task complete']);

  await click(page, 'button.cc-worker-run');
  await page.waitForFunction((el) => /round trip takes/.test(document.querySelector(el).shadowRoot.querySelector('section[data-section="concurrency"]').textContent), { timeout: 15_000 }, EL);
  await screenshot(page, 'learn');
  await assertClean(opened);
});

test('a panic inside a Rust task in Firefox: shown, the engine comes back fresh, the next run works', { timeout: 60_000 }, async () => {
  const opened = await env.openPage('index.html');
  const { page } = opened;
  await waitForElementState(page, 'ready');
  await fill(page, 'log("start");\nawait sleep(300);\nlog("after the sleep");\n');
  await click(page, 'button.run');
  await page.waitForFunction((el) => /start/.test(document.querySelector(el).shadowRoot.querySelector('ol.out[data-engine="rust"]').textContent), { timeout: 10_000 }, EL);
  await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugPanicInNextPoll('injected in Firefox'));
  await waitForElementState(page, 'done');
  assert.match(await text(page, '.engine-error.rust'), /the engine panicked: injected in Firefox/);

  await click(page, 'button.run');
  await waitForElementState(page, 'done');
  assert.equal(await page.$$eval(inEl('.engine-error'), (n) => n.length), 0);
  assert.match(await text(page, 'ol.out[data-engine="rust"]'), /start[\s\S]*after the sleep/);
  const counters = await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugCounters());
  assert.equal(counters.tasks, 0, 'no task stranded');
  // The trap is the page's one error (its wording is the browser's own).
  opened.errors.entries = opened.errors.entries.filter((entry) => !/unreachable/i.test(entry));
  await assertClean(opened);
});
