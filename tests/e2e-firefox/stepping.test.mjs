// Stepping in Firefox (firefox-esr over WebDriver BiDi, see harness.mjs), ported
// from tests/e2e/stepping.test.mjs and the Step tests of
// tests/e2e/playground.test.mjs: the rust engine's executor polled one task at a
// time (`startScenario` with `stepped: true`) on the engines' test page, and the
// playground's Step, Continue and Stop. Timers keep real time and their wakes
// wait for the next step; a stepped run can go on by itself or be stopped,
// leaving nothing behind. Every test fails on a page error, console.error or
// CSP violation. Changes inside the element's shadow root are awaited by
// polling (puppeteer's waitForSelector does not see them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSetup } from '../e2e/harness.mjs';
import { installSteppedProbe, readStepView, recordStepViewsIn, takeStepViews, waitingAfter } from '../e2e/shared-checks.mjs';
import { EL, assertClean, choosePreset, click, fill, find, frames, inEl, marks, setupFirefox, texts, waitForElementState, waitInEl } from './harness.mjs';

const env = sharedSetup({}, setupFirefox);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// ---- the engine: startScenario({ stepped: true }) on the engines' page ----

async function openEngines() {
  const opened = await env.openEngines();
  // A stepped run kept on the page, with its events and step-ready calls counted.
  // (A plain function, no eval: the page runs under the strict CSP.)
  await opened.page.evaluate(installSteppedProbe);
  return opened;
}

const now = (page, fn) => page.evaluate(fn);
const pageSleep = (page, ms) => page.evaluate((n) => globalThis.engines.pause(n), ms);

test('engine: each step polls one task; a timer wakes its task in real time, for the next step', { timeout: 60_000 }, async () => {
  const opened = await openEngines();
  const { page } = opened;
  await page.evaluate(() => globalThis.stepped('let a = sleep(300);\nlet b = sleep(200);\nawait b;\nawait a;\nlog("done");'));
  await pageSleep(page, 50);
  assert.equal(await now(page, () => globalThis.current.polls()), 0, 'nothing is polled before the first step');
  assert.equal(await now(page, () => globalThis.current.run.canStep()), true, 'main is queued');

  assert.equal(await now(page, () => globalThis.current.run.step()), true);
  assert.equal(await now(page, () => globalThis.current.polls()), 1, 'one step, one poll');
  assert.equal(await now(page, () => globalThis.current.has('start', 'sleep(200)')), true);
  assert.equal(await now(page, () => globalThis.current.has('start', 'sleep(300)')), false, 'a is only created');
  assert.equal(await now(page, () => globalThis.current.run.canStep()), false, 'waiting for the timer');
  const readiesBefore = await now(page, () => globalThis.current.readies);

  await pageSleep(page, 300);
  assert.equal(await now(page, () => globalThis.current.polls()), 1, 'no poll happens by itself');
  assert.equal(await now(page, () => globalThis.current.has('settle', 'sleep(200)')), false, 'the sleep settles only when polled');
  assert.equal(await now(page, () => globalThis.current.run.canStep()), true, 'the timer fired on time and queued the wake');
  assert.ok((await now(page, () => globalThis.current.readies)) > readiesBefore, 'onStepReady told the page');

  assert.equal(await now(page, () => globalThis.current.run.step()), true);
  assert.equal(await now(page, () => globalThis.current.polls()), 2);
  assert.equal(await now(page, () => globalThis.current.has('settle', 'sleep(200)')), true, 'polled: sleep(200) settles');
  assert.equal(await now(page, () => globalThis.current.has('start', 'sleep(300)')), true, 'the second poll starts a');
  assert.equal(await now(page, () => globalThis.current.run.canStep()), false, 'waiting for a');
  await pageSleep(page, 350);
  assert.equal(await now(page, () => globalThis.current.run.step()), true);
  await pageSleep(page, 20);
  const trace = await now(page, () => globalThis.current.trace);
  assert.equal(trace?.ok, true, JSON.stringify(trace?.error));
  assert.deepEqual(trace.events.filter((e) => e.kind === 'log').map((e) => e.text), ['done']);
  assert.equal(await now(page, () => globalThis.current.polls()), 3, 'three steps, three polls');
  assert.equal(await now(page, () => globalThis.current.run.step()), false, 'nothing left to step');
  assert.equal((await page.evaluate(() => globalThis.engines.counters())).liveTimers, 0);
  assert.equal(await page.evaluate(() => globalThis.fp.debugCounters().watchedPromises), 0);
  await assertClean(opened);
});

test('engine: resume lets the executor run on; stop ends a stepped run and leaves nothing', { timeout: 60_000 }, async () => {
  const opened = await openEngines();
  const { page } = opened;
  await page.evaluate(() => globalThis.stepped('repeat 3 { await yield_now(); }\nawait sleep(20);\nlog("end");'));
  await page.evaluate(() => globalThis.current.run.step());
  assert.equal(await now(page, () => globalThis.current.polls()), 1);
  await page.evaluate(() => globalThis.current.run.resume());
  await page.waitForFunction(() => globalThis.current.trace !== null, { timeout: 5_000, polling: 50 });
  const resumed = await now(page, () => globalThis.current.trace);
  assert.equal(resumed.ok, true, JSON.stringify(resumed.error));
  assert.deepEqual(resumed.events.filter((e) => e.kind === 'log').map((e) => e.text), ['end']);
  assert.ok((await now(page, () => globalThis.current.polls())) >= 5, 'the executor polled on by itself');
  assert.equal(await now(page, () => globalThis.current.run.stepping), false);

  await page.evaluate(() => globalThis.stepped('spawn(sleep(100000));\nawait sleep(100000);'));
  await page.evaluate(() => globalThis.current.run.step());
  await page.evaluate(() => globalThis.current.run.step());
  assert.ok((await page.evaluate(() => globalThis.engines.counters())).liveTimers >= 1, 'the sleeps hold native timers');
  await page.evaluate(() => globalThis.current.run.stop());
  await page.waitForFunction(() => globalThis.current.trace !== null, { timeout: 5_000, polling: 50 });
  const stopped = await now(page, () => globalThis.current.trace);
  assert.deepEqual(stopped.error, { kind: 'limit', message: 'run stopped', line: 0, col: 0 });
  assert.ok(stopped.events.some((e) => e.kind === 'cancel' && e.label === 'sleep(100000)'), 'the sleeps are cancelled');
  await pageSleep(page, 30);
  assert.equal((await page.evaluate(() => globalThis.engines.counters())).liveTimers, 0, 'no native timer left');
  assert.equal(await page.evaluate(() => globalThis.fp.debugCounters().watchedPromises), 0);
  await assertClean(opened);
});

test('engine: only the rust engine can be stepped', { timeout: 30_000 }, async () => {
  const opened = await openEngines();
  const message = await opened.page.evaluate(() => {
    try {
      globalThis.fp.startScenario('log(1);', { engine: 'js', stepped: true });
      return 'no error';
    } catch (error) {
      return String(error);
    }
  });
  assert.match(message, /TypeError: .*only the rust engine can be stepped/);
  await assertClean(opened);
});

// ---- the playground: Step, Continue, Stop ----

async function open({ viewport = DESKTOP } = {}) {
  const opened = await env.openPage('index.html', { viewport });
  await waitForElementState(opened.page, 'ready');
  return opened;
}

const withoutTime = (list) => list.map((x) => x.replace(/^[\d.]+ ms/, ''));

/** What the page shows about the stepped run, read from the DOM. */
const stepView = (page) => page.$eval(EL, readStepView);

const stepEnabled = (page, timeout = 3_000) => waitInEl(page, 'button.step:not([disabled])', { timeout });

test('Step: the Rust executor polls one task per Step; timers keep real time; JS runs live', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await choosePreset(page, '01-timer-created-vs-polled');
  assert.equal(await page.$eval(inEl('button.step'), (b) => b.disabled), false, 'Step can start a run');

  // Step 1 starts the run and polls the main task once.
  await page.evaluate(recordStepViewsIn(EL));
  const clicked = Date.now();
  await click(page, 'button.step');
  await waitForElementState(page, 'stepping', 5_000);
  await frames(page);
  let view = await stepView(page);
  assert.equal(view.state, 'stepping');
  assert.equal(view.polls, 1, 'main polled once');
  assert.match(view.last, /Step 1 polled task 1 \(main\) → Pending/);
  let all = await marks(page);
  assert.equal(find(all, 'rust', 'start', 'sleep(200)').length, 1, 'Rust sleep(200) started');
  assert.equal(find(all, 'rust', 'create', 'sleep(300)').length, 1, 'Rust sleep(300) created');
  assert.equal(find(all, 'rust', 'start', 'sleep(300)').length, 0, 'Rust sleep(300) only created');
  // Nothing is queued: Step waits for the reactor, and says why. Read from the
  // recording: by the time the driver reads the page the timer may have fired.
  const waiting = waitingAfter(await page.evaluate(takeStepViews), /Step 1 polled task 1 \(main\) → Pending/);
  assert.ok(waiting, `Step waited for the timer after step 1 (read ${Date.now() - clicked} ms after the click)`);
  assert.match(waiting.reason, /Waiting: no task is queued\. The reactor queues a wake when timer \d+ fires \(due at \d+ ms\)/);
  assert.deepEqual(waiting.queue, [], 'run queue empty');
  assert.equal(waiting.reasonId, 'step-reason');
  assert.equal(waiting.continueHidden, false, 'Continue is offered');

  // The 200 ms timer fires in real time and queues main's wake: Step comes back (onStepReady).
  await stepEnabled(page);
  assert.ok(Date.now() - clicked >= 150, `Step came back with the timer, not before (${Date.now() - clicked} ms)`);
  await frames(page);
  view = await stepView(page);
  assert.deepEqual(view.queue, [{ task: 1, next: true }], 'main is queued, marked as the next step');
  assert.match(view.reason, /Next step polls task 1 \(main\)/);
  assert.equal(view.stepFocused, true, 'the keyboard focus came back to Step');
  // ...and no Rust poll happens by itself, while JS finishes its side live.
  await new Promise((r) => setTimeout(r, Math.max(0, 450 - (Date.now() - clicked))));
  await waitInEl(page, '.total[data-engine="js"][data-state="done"]', { timeout: 3_000 });
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 1, 'still one Rust poll, 250+ ms after the timer fired');
  assert.equal(view.state, 'stepping');
  all = await marks(page);
  assert.equal(find(all, 'rust', 'settle', 'sleep(200)').length, 0, 'Rust sleep(200) settles only when polled');
  assert.equal(find(all, 'js', 'settle', 'sleep(300)').length, 1, 'JS ran on, live');
  assert.match((await texts(page, '.total[data-engine="rust"]')).join(''), /stepping…/);

  // Step 2 (keyboard: Enter on the focused Step): main polls b to Ready, then starts sleep(300).
  await page.evaluate(recordStepViewsIn(EL));
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (el) => /Step 2 polled/.test(document.querySelector(el).shadowRoot.querySelector('.step-last')?.textContent ?? ''),
    { timeout: 3_000, polling: 20 },
    EL,
  );
  const steppedAt = Date.now();
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 2);
  assert.match(view.last, /Step 2 polled task 1 \(main\) → Pending/);
  all = await marks(page);
  assert.equal(find(all, 'rust', 'settle', 'sleep(200)').length, 1);
  assert.equal(find(all, 'rust', 'start', 'sleep(300)').length, 1, 'Rust sleep(300) starts at step 2');
  const waiting2 = waitingAfter(await page.evaluate(takeStepViews), /Step 2 polled task 1 \(main\) → Pending/);
  assert.ok(waiting2, `waited for the 300 ms timer after step 2 (read ${Date.now() - steppedAt} ms after it)`);
  assert.match(waiting2.reason, /Waiting: no task is queued\. The reactor queues a wake when timer \d+ fires/);

  // Step 3 (F10) once the timer has fired: main finishes.
  await stepEnabled(page);
  assert.ok(Date.now() - steppedAt >= 250, `Step came back with the 300 ms timer (${Date.now() - steppedAt} ms)`);
  await page.keyboard.press('F10');
  await waitForElementState(page, 'done', 5_000);
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 3);
  assert.equal(view.barHidden, true);
  assert.equal(view.continueHidden, true);
  assert.equal(view.stepDisabled, false, 'Step can start another stepped run');
  assert.deepEqual(withoutTime(await texts(page, '.out[data-engine="rust"] li')), ['done']);
  assert.equal((await page.$$(inEl('.engine-error'))).length, 0);
  assert.match((await texts(page, '.status')).join(''), /Finished: JS ok .* Rust ok .* stepped 3 times/);
  // The finished stepped run can be replayed like any other.
  assert.equal(await page.$eval(inEl('input.scrubber'), (n) => n.disabled), false);
  await click(page, 'button.replay-next');
  assert.match((await texts(page, '.replay-note')).join(''), /Poll 1 of 3:/);
  await assertClean(opened);
});

test('Continue: after a step, the Rust executor runs on by itself', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await choosePreset(page, '01-timer-created-vs-polled');
  await click(page, 'button.step');
  await waitForElementState(page, 'stepping', 5_000);
  assert.equal(await page.$eval(inEl('input.scrubber'), (n) => n.disabled), true, 'replay waits for the run to end');
  await click(page, 'button.continue');
  const view = await stepView(page);
  assert.equal(view.state, 'running');
  assert.equal(view.stepDisabled, true, 'no stepping after Continue');
  assert.match(view.reason, /Continued after 1 step/);
  await waitForElementState(page, 'done', 5_000);
  await frames(page);
  const end = await stepView(page);
  assert.ok(end.polls >= 3, `Rust polled on by itself (${end.polls} polls)`);
  assert.equal(await page.$eval(inEl('.tasks tr[data-task="1"]'), (n) => n.dataset.state), 'done');
  assert.deepEqual(withoutTime(await texts(page, '.out[data-engine="rust"] li')), ['done']);
  assert.match((await texts(page, '.status')).join(''), /Rust ok .*stepped 1 time, then continued/);
  await assertClean(opened);
});

test('Stop during stepping ends both sides; the next Run shows nothing from the stepped run (phone)', { timeout: 60_000 }, async () => {
  const opened = await open({ viewport: PHONE });
  const { page } = opened;
  await fill(page, 'log("one");\nawait sleep(700);\nlog("late one");\n');
  await click(page, 'button.step');
  await waitForElementState(page, 'stepping', 5_000);
  assert.match((await stepView(page)).last, /Step 1 polled task 1 \(main\) → Pending/);
  await click(page, 'button.stop');
  await waitForElementState(page, 'stopped', 5_000);
  const stopped = await texts(page, '.engine-error');
  assert.ok(stopped.some((t) => /JS stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  assert.ok(stopped.some((t) => /Rust stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  const view = await stepView(page);
  assert.equal(view.barHidden, true);
  assert.equal(view.continueHidden, true);
  assert.equal(view.stepDisabled, false);
  const counters = await page.evaluate(async () => (await import('/pkg/futures_playground.js')).debugCounters());
  assert.equal(counters.watchedPromises, 0, 'no promise watched after Stop');
  assert.equal(counters.tasks, 0, 'no task left after Stop');
  await fill(page, 'log("two");\nawait sleep(300);\nlog("end two");\n');
  await click(page, 'button.run');
  await waitForElementState(page, 'done');
  await frames(page);
  const logs = (await marks(page)).filter((m) => m.kind === 'log').map((m) => m.text);
  assert.deepEqual([...new Set(logs)].sort(), ['end two', 'two']);
  const outputs = await texts(page, '.out li');
  assert.ok(outputs.length > 0 && outputs.every((t) => !/one/.test(t)), `no output from the stepped run: ${outputs.join(' | ')}`);
  assert.equal((await page.$$(inEl('.engine-error'))).length, 0, 'no error left over from the stopped run');
  assert.ok((await stepView(page)).polls >= 2, 'the new run polled by itself');
  await assertClean(opened);
});
