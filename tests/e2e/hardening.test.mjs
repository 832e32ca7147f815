// What users and the browser will do to the engines: run every example a
// hundred times in one page (memory and live objects must stop growing), serve
// the page under the strict Content-Security-Policy, and meet failing servers:
// a 500, a body that trickles, a connection cut mid-body, a request that never
// answers. Needs scripts/build.sh first (scripts/test.sh does that).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSetup } from './harness.mjs';
import { faultCounters, faultRoutes } from './shared-checks.mjs';

/** What the fault endpoints saw (see shared-checks.mjs). */
const cut = faultCounters();
const routes = faultRoutes(cut);

const env = sharedSetup({ routes });

/** A fresh page with the package loaded. */
const open = () => env.openEngines();

/** Wasm memory, the module's live objects, and the page's live timers and fetches. */
function snapshot(page) {
  return page.evaluate(async () => {
    const wasm = await fp.default();
    return { memory: wasm.memory.buffer.byteLength, ...fp.debugCounters(), ...engines.counters() };
  });
}

test('every example 100 times on both engines: nothing grows after warm-up', { timeout: 300_000 }, async (t) => {
  const { page, errors } = await open();
  const presets = await page.evaluate(() => fp.presets().map((p) => ({ id: p.id, program: p.program })));
  const ROUNDS = 20;
  const PER_ROUND = 5;
  const memory = [];
  let warm = null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const preset of presets) {
      const traces = await page.evaluate(async ([source, n]) => {
        const runs = [];
        for (let i = 0; i < n; i++) {
          runs.push(fp.runScenario(source, { engine: 'js' }), fp.runScenario(source, { engine: 'rust' }));
        }
        return (await Promise.all(runs)).map((t) => ({ engine: t.engine, ok: t.ok, kind: t.error?.kind }));
      }, [preset.program, PER_ROUND]);
      for (const trace of traces) {
        const refused = preset.id === '10-moved-future' && trace.engine === 'rust';
        assert.ok(refused ? trace.kind === 'check' : trace.ok, `${preset.id} ${trace.engine}: ${JSON.stringify(trace)}`);
      }
    }
    await page.evaluate(() => engines.pause(50));
    const now = await snapshot(page);
    memory.push(now.memory);
    if (round === ROUNDS - 8) warm = now;
  }
  const end = await snapshot(page);
  t.diagnostic(`wasm memory after each round: ${memory.map((m) => (m / 2 ** 20).toFixed(1)).join(', ')} MiB`);
  // Linear memory only grows, to the highest peak so far; ten concurrent runs
  // reach slightly different peaks, so it may still step up in early rounds.
  // A leak grows it round after round; a healthy run stops growing.
  const settled = memory.slice(-8);
  assert.equal(settled.at(-1), settled[0], `wasm memory still growing in the last rounds: ${memory.join(', ')}`);
  for (const key of ['executors', 'tasks', 'jsClosures']) {
    assert.equal(end[key], warm[key], `${key}: ${warm[key]} after warm-up, ${end[key]} at the end`);
  }
  assert.equal(end.executors, 1, 'only the page default executor outlives the runs');
  assert.equal(end.tasks, 0, 'no task outlives its run');
  assert.equal(end.watchedPromises, 0);
  assert.equal(end.liveTimers, 0, 'no native timer outlives its run');
  assert.equal(end.fetchesInFlight, 0);
  errors.assertNone();
});

test('the page is served, and works, under the strict Content-Security-Policy', { timeout: 60_000 }, async () => {
  const { page, errors, response } = await env.openPage('index.html');
  const policy = (await response.allHeaders())['content-security-policy'];
  assert.equal(
    policy,
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' data: blob:",
  );
  await page.evaluate(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  await page.waitForSelector('futures-playground[data-state="ready"]', { state: 'attached', timeout: 20_000 });
  await page.locator('futures-playground button.run').click();
  await page.waitForSelector('futures-playground[data-state="done"]', { state: 'attached', timeout: 20_000 });
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  errors.assertNone();
});

test('failing servers: each engine shows what happened and leaves nothing hanging', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  const run = (source, engine, options = {}) => page.evaluate(([s, e, o]) => fp.runScenario(s, { engine: e, ...o }), [source, engine, options]);
  const logs = (trace) => trace.events.filter((e) => e.kind === 'log').map((e) => e.text);

  for (const engine of ['js', 'rust']) {
    // A 500 is a response, not an error.
    const error500 = await run('log(await fetch("/fault/500"));', engine);
    assert.equal(error500.ok, true, JSON.stringify(error500.error));
    assert.deepEqual(logs(error500), ['500'], engine);

    // A body that trickles: the status comes with the headers, at once.
    const started = Date.now();
    const slow = await run('log(await fetch("/fault/slow-body"));', engine);
    assert.deepEqual(logs(slow), ['200'], engine);
    assert.ok(Date.now() - started < 2_000, `${engine}: did not wait for the body`);

    // Cut mid-body: the status was already there.
    const cutShort = await run('log(await fetch("/fault/abort-mid-body"));', engine);
    assert.deepEqual(logs(cutShort), ['200'], engine);

    // Never answers: the time limit ends the run and gives the request up.
    const neverBefore = cut.never;
    const never = await run('log(await fetch("/fault/never"));', engine, { timeLimitMs: 300 });
    assert.equal(never.error?.kind, 'limit', `${engine}: ${JSON.stringify(never.error)}`);
    await page.evaluate(() => engines.pause(100));
    assert.equal(cut.never, neverBefore + 1, `${engine}: the unanswered request was aborted`);
  }
  // The rust engine drops the response once it has the status: the trickling
  // body is aborted, not downloaded to the end.
  assert.ok(cut.slowBody >= 1, 'the rust engine aborted the trickling body');
  await page.evaluate(() => engines.pause(100));
  assert.equal((await page.evaluate(() => engines.counters())).liveTimers, 0);
  assert.equal(await page.evaluate(() => fp.debugCounters().watchedPromises), 0);
  errors.entries = errors.entries.filter((entry) => !/Failed to load resource|ERR_/.test(entry));
  errors.assertNone();
});

test('a trap in a drain surfaces as the page error event, and a drain follows by itself', { timeout: 30_000 }, async () => {
  const { page, errors } = await open();
  const result = await page.evaluate(async () => {
    const { NativeScheduler } = await import('/src/platform/browser.js');
    const reported = new Promise((resolve) => {
      window.addEventListener('error', (event) => {
        event.preventDefault();
        resolve(event.error?.message ?? String(event.message));
      }, { once: true });
    });
    let drains = 0;
    const scheduler = new NativeScheduler(() => {
      drains++;
      if (drains === 1) throw new Error('trap in a drain');
    }, () => {});
    scheduler.scheduleDrain();
    const message = await reported;
    // No one asks: the scheduler drains again by itself after a drain that
    // threw, so the executor can finish the task whose poll trapped.
    await new Promise((resolve) => setTimeout(resolve, 10));
    scheduler.dispose();
    return { message, drains };
  });
  assert.deepEqual(result, { message: 'trap in a drain', drains: 2 });
  errors.entries = errors.entries.filter((entry) => !entry.includes('trap in a drain'));
  errors.assertNone();
});

test('a panic inside a Rust task: the page shows it, the engine comes back fresh, the next run works', { timeout: 60_000 }, async () => {
  const EL = 'futures-playground';
  const { page, errors } = await env.openPage('index.html');
  await page.waitForSelector(`${EL}[data-state="ready"]`, { state: 'attached', timeout: 20_000 });
  const program = 'log("start");\nawait sleep(300);\nlog("after the sleep");\nawait sleep(100);\nlog("end");\n';
  await page.locator(`${EL} textarea`).fill(program);
  const output = (engine) => page.locator(`${EL} ol.out[data-engine="${engine}"]`).innerText();
  await page.locator(`${EL} button.run`).click();
  await page.locator(`${EL} ol.out[data-engine="rust"]`).filter({ hasText: 'start' }).waitFor({ timeout: 10_000 });
  // Mid-run, while the Rust task waits on its timer: the next poll panics.
  await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugPanicInNextPoll('injected by the test'));
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 20_000 });

  const shown = await page.locator(`${EL} .engine-error.rust`).innerText();
  assert.match(shown, /the engine panicked: injected by the test/);
  assert.match(shown, /restarted/);
  assert.match(await output('js'), /end/, 'the JS side ran to its end');
  assert.doesNotMatch(await output('rust'), /after the sleep/, 'nothing ran after the panic');
  assert.equal(await page.locator(`${EL} textarea`).inputValue(), program, 'the program is kept');

  // The next run works, on a fresh instance, and leaves nothing behind.
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 20_000 });
  assert.equal(await page.locator(`${EL} .engine-error`).count(), 0, `${await page.locator(`${EL} .engine-errors`).innerText()}\n${errors.entries.join('\n')}`);
  assert.match(await output('rust'), /start[\s\S]*after the sleep[\s\S]*end/);
  const counters = await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugCounters());
  assert.equal(counters.tasks, 0, 'no task stranded');
  assert.equal(counters.watchedPromises, 0);

  // The trap itself is reported as the page's error, once; nothing else is.
  const traps = errors.entries.filter((entry) => /unreachable/.test(entry));
  assert.ok(traps.length >= 1, `the trap was reported: ${errors.entries.join('\n')}`);
  errors.entries = errors.entries.filter((entry) => !/unreachable/.test(entry));
  errors.assertNone();
});

test('a panic while stepping: the held run ends with the message; its handle is not touched; Run works after', { timeout: 60_000 }, async () => {
  const EL = 'futures-playground';
  const { page, errors } = await env.openPage('index.html');
  await page.waitForSelector(`${EL}[data-state="ready"]`, { state: 'attached', timeout: 20_000 });
  await page.locator(`${EL} textarea`).fill('log("one");\nawait sleep(50);\nlog("two");\n');
  const step = page.locator(`${EL} button.step`);
  await step.click(); // starts the stepped run: main polled once, now waits for its timer
  await page.waitForSelector(`${EL}[data-state="stepping"]`, { state: 'attached', timeout: 10_000 });
  await page.waitForFunction((el) => {
    const button = document.querySelector(el).shadowRoot.querySelector('button.step');
    return button && !button.disabled;
  }, EL, { timeout: 5_000 });
  await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugPanicInNextPoll('panic on a step'));
  await step.click(); // this poll panics
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 10_000 });
  assert.match(await page.locator(`${EL} .engine-error.rust`).innerText(), /the engine panicked: panic on a step/);

  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 20_000 });
  assert.equal(await page.locator(`${EL} .engine-error`).count(), 0);
  assert.match(await page.locator(`${EL} ol.out[data-engine="rust"]`).innerText(), /one[\s\S]*two/);
  errors.entries = errors.entries.filter((entry) => !/unreachable/.test(entry));
  errors.assertNone();
});
