// End-to-end tests of Learn sections 4 (leaf and non-leaf futures) and 5
// (ways to do concurrency), mounted by tests/e2e/pages/learn-section.html with
// the real wasm module, as the Learn tab mounts them. Needs scripts/build.sh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHROMIUM_ARGS, ErrorLog, launchBrowser, screenshot, sharedSetup } from './harness.mjs';

const env = sharedSetup();

// The section's container: the learn.js markup, in the test page or in the element.
let SCOPE = '#host';
const SECTION = (id) => `${SCOPE} section[data-section="${id}"] .learn-body`;

async function openSection(id, options = {}) {
  const opened = await env.openPage(`tests/e2e/pages/learn-section.html?section=${id}${options.theme ? `&theme=${options.theme}` : ''}`, { viewport: { width: 1100, height: 900 }, ...options });
  await opened.page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { state: 'attached', timeout: 30_000 });
  if (await opened.page.evaluate(() => document.body.dataset.state) !== 'ready') {
    assert.fail(`the section did not mount: ${await opened.page.locator('[role="alert"]').textContent()}`);
  }
  return opened;
}

/** Records every state each tree node goes through, in order, from the moment it is called. */
async function watchStates(page) {
  await page.evaluate(() => {
    const root = window.learnSection.section;
    window.stateLog = [];
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.attributeName === 'data-state' && r.target.dataset.node) window.stateLog.push([r.target.dataset.node, r.target.dataset.state]);
      }
    }).observe(root, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
  });
}

async function runPreset(page, presetId) {
  await page.locator(`${SECTION('future-tree')} select.ft-program`).selectOption(presetId);
  await page.locator(`${SECTION('future-tree')} button.ft-run`).click();
  await page.waitForSelector(`${SECTION('future-tree')}[data-run="done"], ${SECTION('future-tree')}[data-run="failed"]`, { state: 'attached', timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const nodes = (page) => page.locator(`${SECTION('future-tree')} li.ft-node`).evaluateAll((list) => list.map((n) => ({
  key: n.dataset.node,
  kind: n.dataset.kind,
  leaf: n.dataset.leaf,
  state: n.dataset.state,
  polls: Number(n.dataset.polls),
  instances: Number(n.dataset.instances),
  text: n.querySelector('.ft-row').textContent,
  depth: (() => { let d = 0; for (let p = n.parentElement; p; p = p.parentElement) if (p.matches?.('li.ft-node')) d += 1; return d; })(),
})));

/** `seen` is `order` with some states possibly skipped (drawn in one frame), ending with its last. */
function assertInOrder(seen, order) {
  assert.ok(seen.length > 0, 'the node changed');
  assert.equal(seen.at(-1), order.at(-1), `ends ${order.at(-1)}: ${seen}`);
  let at = -1;
  for (const s of seen) {
    const i = order.indexOf(s);
    assert.ok(i > at, `states in order ${order}: got ${seen}`);
    at = i;
  }
}

const history = (page, key) => page.evaluate((k) => window.stateLog.filter(([n]) => n === k).map(([, s]) => s), key);

test('future tree, preset 04 race: leaves under the race, the winner ready, the losers cancelled, in order', { timeout: 60_000 }, async () => {
  const { page, errors } = await openSection('future-tree');
  await watchStates(page);
  await runPreset(page, '04-race-losers');
  const all = await nodes(page);
  const race = all.find((n) => n.kind === 'race');
  assert.ok(race, 'a race node');
  assert.equal(race.leaf, 'false');
  assert.equal(race.depth, 1, 'the race is owned by main');
  assert.equal(all.find((n) => n.kind === 'main').depth, 0);
  const sleeps = all.filter((n) => n.kind === 'sleep' && n.depth === 2);
  assert.equal(sleeps.length, 3, 'the three operands are children of the race');
  for (const s of sleeps) assert.equal(s.leaf, 'true');
  const byText = (t) => sleeps.find((s) => s.text.includes(t));
  assert.equal(byText('"fast"').state, 'ready');
  assert.match(byText('"fast"').text, /ready\("fast"\)/);
  assert.equal(byText('"slow"').state, 'cancelled');
  assert.equal(byText('"medium"').state, 'cancelled');
  assert.equal(race.state, 'ready');
  assert.equal(all.find((n) => n.kind === 'main').state, 'ready');
  // Each node went through its states in order, as the run happened. Updates are
  // drawn once per animation frame, so a create and a first poll in the same
  // frame show as one change; cancelled comes only at 100 ms, frames later.
  assertInOrder(await history(page, byText('"slow"').key), ['created', 'pending', 'cancelled']);
  assertInOrder(await history(page, byText('"fast"').key), ['created', 'pending', 'ready']);
  assert.deepEqual((await history(page, byText('"slow"').key)).slice(-2), ['pending', 'cancelled']);
  assert.ok(byText('"fast"').polls >= 2, `the winner was polled at least twice (got ${byText('"fast"').polls})`);
  assert.match(await page.locator(`${SECTION('future-tree')} .ft-status`).textContent(), /Finished/);
  await screenshot(page, 'learn-future-tree-04-race');

  // Preset 01: `a` waits 200 ms created-not-polled before `await a` polls it.
  await page.evaluate(() => { window.stateLog.length = 0; });
  await runPreset(page, '01-timer-created-vs-polled');
  const list = await nodes(page);
  const a = list.find((n) => n.text.includes('a = sleep(300)'));
  const b = list.find((n) => n.text.includes('b = sleep(200)'));
  assert.deepEqual(await history(page, a.key), ['created', 'pending', 'ready']);
  // `await b` comes right after `let b`: created and first polled in one frame.
  assertInOrder(await history(page, b.key), ['created', 'pending', 'ready']);
  const order = await page.evaluate(() => window.stateLog.map(([k, s]) => `${k}:${s}`));
  assert.ok(order.indexOf(`${b.key}:ready`) < order.indexOf(`${a.key}:pending`), `a is first polled only after b is ready: ${order}`);
  assert.equal(a.polls, 2, 'a: polled once pending, once ready');

  // Preset 11: one node per expression, with its 1000 instances counted.
  await runPreset(page, '11-many-concurrent-timers');
  const many = await nodes(page);
  assert.equal(many.length, 4, 'main, the spawn, its sleep, the last sleep');
  const spawn = many.find((n) => n.kind === 'spawn');
  const inner = many.find((n) => n.kind === 'sleep' && n.depth === 2);
  for (const n of [spawn, inner]) {
    assert.equal(n.instances, 1000);
    // Each instance ended ready, or cancelled when main's sleep(400) won on a very slow machine.
    const m = n.text.match(/1000 instances \(#0–#999\): (.*)$/);
    assert.ok(m, n.text);
    const counts = Object.fromEntries(m[1].split(', ').map((part) => part.split(' ').reverse()));
    assert.deepEqual(Object.keys(counts).filter((k) => k !== 'ready' && k !== 'cancelled'), [], n.text);
    assert.equal(Number(counts.ready ?? 0) + Number(counts.cancelled ?? 0), 1000, n.text);
    assert.ok(Number(counts.ready) > 0, n.text);
  }
  assert.equal(spawn.text.match(/(\d+) ready/)[1], inner.text.match(/(\d+) ready/)[1], 'a task is ready when its sleep is');
  assert.match(spawn.text, /#999: (ready\(null\)|cancelled)/);
  assert.match(spawn.text, /in repeat ×1000/);
  await screenshot(page, 'learn-future-tree-11-many');
  errors.assertNone();
});

test('future tree, preset 05: the never-awaited future is dropped never polled; a program from the editor; Stop', { timeout: 60_000 }, async () => {
  const { page, errors } = await openSection('future-tree', { theme: 'dark', colorScheme: 'dark' });
  await watchStates(page);
  await runPreset(page, '05-never-awaited');
  let all = await nodes(page);
  const forgotten = all.find((n) => n.text.includes('forgotten = '));
  assert.ok(forgotten, 'the forgotten binding is a node');
  assert.equal(forgotten.state, 'dropped');
  assert.equal(forgotten.polls, 0);
  assert.match(forgotten.text, /dropped, never polled/);
  assert.deepEqual(await history(page, forgotten.key), ['created', 'dropped']);
  await screenshot(page, 'learn-future-tree-05-dark');

  // The editor's program: `a` moved into the async block, which is moved into join.
  await page.locator(`${SECTION('future-tree')} select.ft-program`).selectOption('');
  await page.locator(`${SECTION('future-tree')} button.ft-run`).click();
  await page.waitForSelector(`${SECTION('future-tree')}[data-run="done"]`, { state: 'attached', timeout: 20_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  all = await nodes(page);
  const join = all.find((n) => n.kind === 'join');
  const block = all.find((n) => n.kind === 'async');
  const a = all.find((n) => n.text.includes('a = sleep(50'));
  assert.equal(join.depth, 1);
  assert.equal(block.depth, 2, 'the async block is owned by the join');
  assert.equal(a.depth, 3, '`a` is moved into the async block');
  assert.equal(all.find((n) => n.kind === 'yield_now').polls, 2, 'yield_now: pending once, then ready');
  assert.match(a.text, /ready\("a"\)/);
  assert.match(join.text, /ready\(\["a", null\]\)/);

  // Stop: a long run ends cancelled.
  const counted = () => page.evaluate(async () => {
    await new Promise((r) => setTimeout(r, 50));
    const { debugCounters } = await import('/pkg/futures_playground.js');
    return debugCounters();
  });
  const baseline = await counted();
  await page.fill('#editor', 'repeat 3 { spawn(sleep(5000)); }\nawait sleep(8000);');
  await page.locator(`${SECTION('future-tree')} button.ft-run`).click();
  await page.waitForSelector(`${SECTION('future-tree')} li[data-kind="spawn"][data-instances="3"]`, { state: 'attached', timeout: 10_000 });
  await page.locator(`${SECTION('future-tree')} button.ft-stop`).click();
  await page.waitForSelector(`${SECTION('future-tree')}[data-run="failed"]`, { state: 'attached', timeout: 10_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  all = await nodes(page);
  const spawn = all.find((n) => n.kind === 'spawn');
  assert.equal(spawn.instances, 3);
  assert.match(spawn.text, /3 instances \(#0–#2\): 3 cancelled/);
  assert.equal(all.find((n) => n.kind === 'main').state, 'cancelled');
  assert.match(await page.locator(`${SECTION('future-tree')} .ft-status`).textContent(), /run stopped/);
  assert.deepEqual(await counted(), baseline, 'the stopped run left no executor, task or closure behind');
  await screenshot(page, 'learn-future-tree-stopped');
  errors.assertNone();
});

async function measure(page) {
  await page.locator(`${SECTION('concurrency')} button.cc-measure`).click();
  await page.waitForSelector(`${SECTION('concurrency')}[data-measure="done"], ${SECTION('concurrency')}[data-measure="failed"]`, { state: 'attached', timeout: 60_000 });
  assert.match(await page.locator(`${SECTION('concurrency')} .cc-where`).textContent(), /^Measured in \S+/);
  return page.locator(`${SECTION('concurrency')} td.cc-figure`).evaluateAll((cells) => cells.map((c) => ({
    model: c.closest('tr').dataset.model,
    figure: c.dataset.figure,
    value: c.dataset.value === undefined ? null : Number(c.dataset.value),
    unavailable: c.dataset.unavailable === 'true',
    text: c.textContent,
  })));
}

test('concurrency: Measure fills the table from this page; the three jobs and the worker run', { timeout: 120_000 }, async () => {
  const { page, errors } = await openSection('concurrency');
  const figures = await measure(page);
  const get = (model, figure) => figures.find((f) => f.model === model && f.figure === figure);
  for (const [model, figure] of [['futures', 'memory'], ['futures', 'switch'], ['callbacks', 'switch'], ['promises', 'switch'], ['os-thread', 'switch']]) {
    const f = get(model, figure);
    assert.ok(Number.isFinite(f.value) && f.value > 0, `${model} ${figure}: a finite positive figure (got ${f.text})`);
  }
  // A waiting Rust task holds at least its boxed future and a timer entry, and far less than a stack.
  const rustBytes = get('futures', 'memory').value;
  assert.ok(rustBytes > 32 && rustBytes < 4096, `Rust bytes per waiting task: ${rustBytes}`);
  const rustOut = await page.locator(`${SECTION('concurrency')} .cc-rust-out`).textContent();
  assert.match(rustOut, /10,000 timers registered/);
  assert.match(rustOut, /all of it was freed/);
  assert.ok(get('green', 'memory').unavailable && get('os-thread', 'memory').unavailable);
  // Without --enable-precise-memory-info, Chromium's performance.memory is rounded and
  // cached: the page must say so rather than show a figure (the next test has the flag).
  for (const model of ['callbacks', 'promises']) {
    const f = get(model, 'memory');
    assert.ok(f.unavailable, `${model} memory: no figure from a rounded performance.memory (got ${f.text})`);
    assert.match(f.text, /not precise here.*--enable-precise-memory-info/);
  }
  const worker = page.locator(`${SECTION('concurrency')} .cc-worker-out`);
  assert.equal(await worker.getAttribute('data-available'), 'true');
  assert.ok(Number(await worker.getAttribute('data-start-ms')) > 0);
  assert.ok(Number(await worker.getAttribute('data-round-trip-ms')) > 0);

  await page.locator(`${SECTION('concurrency')} button.cc-jobs-run`).click();
  await page.waitForSelector(`${SECTION('concurrency')}[data-jobs="done"]`, { state: 'attached', timeout: 10_000 });
  for (const job of ['callbacks', 'promises', 'async']) {
    const lines = await page.locator(`${SECTION('concurrency')} [data-job="${job}"] .cc-log li`).allTextContents();
    const events = lines.map((l) => l.replace(/^\s*\d+ ms /, ''));
    assert.deepEqual(events, [
      'start: fetch user',
      'the call returned; the job goes on without us',
      'done: fetch user',
      'start: fetch orders of ada',
      'done: fetch orders of ada',
      'start: total 3 orders',
      'done: total 3 orders',
      'result: 42 €',
    ], `${job}: order of events`);
    const last = Number(lines.at(-1).match(/^\s*(\d+) ms/)[1]);
    assert.ok(last >= 55, `${job}: three ${20} ms steps in sequence (ended at ${last} ms)`);
  }
  await screenshot(page, 'learn-concurrency');
  errors.assertNone();
});

test('concurrency: with precise memory info, JS memory per waiting task is measured too', { timeout: 120_000 }, async () => {
  const browser = await launchBrowser({ args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const errors = new ErrorLog();
    page.on('pageerror', (err) => errors.add('pageerror', String(err)));
    page.on('console', (msg) => { if (msg.type() === 'error') errors.add('console.error', msg.text()); });
    page.on('response', (response) => { if (response.status() >= 400) errors.add('http', `${response.status()} ${response.url()}`); });
    await page.goto(new URL('tests/e2e/pages/learn-section.html?section=concurrency', env.server.url).href);
    await page.waitForSelector('body[data-state="ready"]', { state: 'attached', timeout: 30_000 });
    const figures = await measure(page);
    for (const model of ['callbacks', 'promises']) {
      const f = figures.find((x) => x.model === model && x.figure === 'memory');
      assert.ok(Number.isFinite(f.value) && f.value > 0, `${model} memory per waiting task: ${f.text}`);
    }
    await screenshot(page, 'learn-concurrency-precise');
    errors.assertNone();
  } finally {
    await browser.close();
  }
});

test('in the element: the Learn tab mounts both sections; the tree and the worker run there', { timeout: 90_000 }, async () => {
  const { page, errors } = await env.openPage('index.html', { viewport: { width: 1280, height: 900 } });
  await page.waitForSelector('futures-playground[data-state="ready"]', { state: 'attached', timeout: 30_000 });
  await page.locator('futures-playground button[role="tab"][data-tab="learn"]').click();
  SCOPE = 'futures-playground [data-panel="learn"]';
  try {
    await page.waitForSelector(`${SECTION('future-tree')} button.ft-run`, { timeout: 20_000 });
    await runPreset(page, '04-race-losers');
    const all = await nodes(page);
    const sleeps = all.filter((n) => n.kind === 'sleep' && n.depth === 2);
    assert.deepEqual(sleeps.map((s) => s.state), ['cancelled', 'ready', 'cancelled'], 'slow, fast, medium');
    await page.locator(`${SECTION('concurrency')} button.cc-worker-run`).click();
    const worker = page.locator(`${SECTION('concurrency')} .cc-worker-out[data-available="true"]`);
    await worker.waitFor({ state: 'attached', timeout: 20_000 });
    assert.ok(Number(await worker.getAttribute('data-round-trip-ms')) > 0);
    await page.locator(`${SECTION('future-tree')}`).scrollIntoViewIfNeeded();
    await screenshot(page, 'learn-in-element');
    errors.assertNone();
  } finally {
    SCOPE = '#host';
  }
});
