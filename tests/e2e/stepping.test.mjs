// Stepping the rust engine's executor one poll at a time (`startScenario` with
// `stepped: true`), in headless Chromium: each step polls exactly one task,
// timers keep real time and their wakes wait for the next step, and a stepped
// run can resume or be stopped, leaving nothing behind.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSetup } from './harness.mjs';
import { installSteppedProbe } from './shared-checks.mjs';

const env = sharedSetup();

async function open() {
  const { page, errors } = await env.openEngines();
  // A stepped run kept on the page, with its events and step-ready calls counted.
  await page.evaluate(installSteppedProbe);
  return { page, errors };
}

const now = (page, expression) => page.evaluate(expression);

test('each step polls one task; a timer wakes its task in real time, for the next step', { timeout: 30_000 }, async () => {
  const { page, errors } = await open();
  await page.evaluate(() => stepped('let a = sleep(300);\nlet b = sleep(200);\nawait b;\nawait a;\nlog("done");'));
  await page.evaluate(() => engines.pause(50));
  assert.equal(await now(page, () => current.polls()), 0, 'nothing is polled before the first step');
  assert.equal(await now(page, () => current.run.canStep()), true, 'main is queued');

  assert.equal(await now(page, () => current.run.step()), true);
  assert.equal(await now(page, () => current.polls()), 1, 'one step, one poll');
  assert.equal(await now(page, () => current.has('start', 'sleep(200)')), true);
  assert.equal(await now(page, () => current.has('start', 'sleep(300)')), false, 'a is only created');
  assert.equal(await now(page, () => current.run.canStep()), false, 'waiting for the timer');
  const readiesBefore = await now(page, () => current.readies);

  await page.evaluate(() => engines.pause(300));
  assert.equal(await now(page, () => current.polls()), 1, 'no poll happens by itself');
  assert.equal(await now(page, () => current.has('settle', 'sleep(200)')), false, 'the sleep settles only when polled');
  assert.equal(await now(page, () => current.run.canStep()), true, 'the timer fired on time and queued the wake');
  assert.ok((await now(page, () => current.readies)) > readiesBefore, 'onStepReady told the page');

  assert.equal(await now(page, () => current.run.step()), true);
  assert.equal(await now(page, () => current.has('start', 'sleep(300)')), true, 'the second poll starts a');
  await page.evaluate(() => engines.pause(350));
  assert.equal(await now(page, () => current.run.step()), true);
  await page.evaluate(() => engines.pause(20));
  const trace = await now(page, () => current.trace);
  assert.equal(trace?.ok, true, JSON.stringify(trace?.error));
  assert.deepEqual(trace.events.filter((e) => e.kind === 'log').map((e) => e.text), ['done']);
  assert.equal(await now(page, () => current.run.step()), false, 'nothing left to step');
  const counters = await page.evaluate(() => engines.counters());
  assert.equal(counters.liveTimers, 0);
  errors.assertNone();
});

test('resume lets the executor run on; stop ends a stepped run and leaves nothing', { timeout: 30_000 }, async () => {
  const { page, errors } = await open();
  await page.evaluate(() => stepped('repeat 3 { await yield_now(); }\nawait sleep(20);\nlog("end");'));
  await page.evaluate(() => current.run.step());
  await page.evaluate(() => current.run.resume());
  await page.waitForFunction(() => current.trace !== null, undefined, { timeout: 5_000 });
  const resumed = await now(page, () => current.trace);
  assert.equal(resumed.ok, true);
  assert.equal(await now(page, () => current.run.stepping), false);

  await page.evaluate(() => stepped('spawn(sleep(100000));\nawait sleep(100000);'));
  await page.evaluate(() => current.run.step());
  await page.evaluate(() => current.run.step());
  await page.evaluate(() => current.run.stop());
  await page.waitForFunction(() => current.trace !== null, undefined, { timeout: 5_000 });
  const stopped = await now(page, () => current.trace);
  assert.deepEqual(stopped.error, { kind: 'limit', message: 'run stopped', line: 0, col: 0 });
  assert.ok(stopped.events.some((e) => e.kind === 'cancel' && e.label === 'sleep(100000)'));
  await page.evaluate(() => engines.pause(30));
  assert.equal((await page.evaluate(() => engines.counters())).liveTimers, 0, 'no native timer left');
  errors.assertNone();
});

test('only the rust engine can be stepped', { timeout: 30_000 }, async () => {
  const { page, errors } = await open();
  const message = await page.evaluate(() => {
    try {
      fp.startScenario('log(1);', { engine: 'js', stepped: true });
      return 'no error';
    } catch (error) {
      return String(error);
    }
  });
  assert.match(message, /TypeError: .*only the rust engine can be stepped/);
  errors.assertNone();
});

test('an unknown engine is refused, and named', { timeout: 30_000 }, async () => {
  const { page, errors } = await open();
  const messages = await page.evaluate(() => [{ engine: 'python' }, {}].map((options) => {
    try {
      fp.startScenario('log(1);', options);
      return 'no error';
    } catch (error) {
      return String(error);
    }
  }));
  assert.deepEqual(messages, [
    'TypeError: runScenario: options.engine must be "js" or "rust", got "python"',
    'TypeError: runScenario: options.engine must be "js" or "rust", got no string',
  ]);
  errors.assertNone();
});
