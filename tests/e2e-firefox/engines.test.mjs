// Every example on both engines in Firefox (firefox-esr over WebDriver BiDi) and
// in Chromium (playwright-core), through the engines' test page
// (tests/e2e/pages/engines.html) as the server sends it, strict CSP included.
// What one browser's engines produce is the expected value for the other's:
// outcome, error, and every event in order (kind, operation, label, value,
// error, log text); only times may differ. Afterwards neither browser has a
// native timer or fetch left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedSetup } from '../e2e/harness.mjs';
import { assertClean, setupFirefox } from './harness.mjs';

// Both browsers, each started before the first test and closed after the last.
const browsers = { chromium: sharedSetup(), firefox: sharedSetup({}, setupFirefox) };

/** A run on the engines' page, reduced to what must not depend on the browser. */
async function runIn(page, source, engine) {
  const result = await page.evaluate(([s, e]) => globalThis.engines.run(s, e, { settleMs: 30 }), [source, engine]);
  assert.equal(result.engine, engine);
  assert.equal(result.late, 0, `${engine}: onEvent called after the trace resolved`);
  assert.equal(result.streamed, result.total, `${engine}: onEvent saw every event`);
  return {
    ok: result.ok,
    error: result.error,
    events: result.events.map(({ seq, t, ...rest }) => {
      assert.ok(Number.isFinite(t) && t >= 0, `${engine}: event #${seq} has time ${t}`);
      return rest;
    }),
  };
}

const describeEvent = (e) => `${e.kind} ${e.label ?? ''}${e.text !== undefined ? ` ${e.text}` : ''}${e.ok === false ? ' (failed)' : ''}`;

/** The first place two event lists differ, for a readable failure. */
function firstDifference(a, b) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) {
      return `#${i}: chromium ${a[i] ? describeEvent(a[i]) : '(none)'} | firefox ${b[i] ? describeEvent(b[i]) : '(none)'}`;
    }
  }
  return 'none';
}

function groupByOp(events) {
  const ops = new Map();
  for (const e of events) {
    if (!ops.has(e.op)) ops.set(e.op, []);
    ops.get(e.op).push(e);
  }
  return ops;
}

/** The op's events with its last `settle` or `cancel` written as one word. */
const endsEither = (events) => events.map((e, i) => (i === events.length - 1 && (e.kind === 'settle' || e.kind === 'cancel') ? { kind: 'settle|cancel', op: e.op, label: e.label } : e));

/**
 * The same events: every operation goes through the same events in the same
 * order, the logs come in the same order, and nothing is missing or extra.
 * How different operations interleave is only reported, not compared: two
 * timers whose deadlines are close may swap on a loaded machine in any browser.
 * For the same reason an operation waiting on a deadline close to the end of the
 * run may settle in one run and be cancelled by the run's end in another
 * (example 11 did, when its main task waited 150 ms while a thousand tasks took
 * ~50 ms to start their 100 ms sleeps); such ends are counted in the verdict, the rest
 * of the operation must match.
 */
function assertSameEvents(what, expected, got) {
  const logs = (events) => events.filter((e) => e.kind === 'log');
  assert.ok(
    JSON.stringify(logs(got)) === JSON.stringify(logs(expected)),
    `${what}: logs differ at ${firstDifference(logs(expected), logs(got))}`,
  );
  const want = groupByOp(expected);
  const have = groupByOp(got);
  assert.deepEqual([...have.keys()].sort(), [...want.keys()].sort(), `${what}: not the same operations`);
  let raced = 0;
  for (const [op, events] of want) {
    if (JSON.stringify(have.get(op)) === JSON.stringify(events)) continue;
    const [a, b] = [endsEither(events), endsEither(have.get(op))];
    assert.ok(JSON.stringify(a) === JSON.stringify(b), `${what}: operation ${op} differs at ${firstDifference(events, have.get(op))}`);
    raced++;
  }
  assert.equal(got.length, expected.length, `${what}: event count`);
  const interleaving = firstDifference(expected, got);
  return [
    interleaving === 'none' ? 'same order' : `operations interleave differently from ${interleaving}`,
    ...(raced ? [`${raced} operations settled in one browser and were cancelled at the run's end in the other`] : []),
  ].join('; ');
}

test('every example gives the same trace on both engines in Firefox as in Chromium', { timeout: 240_000 }, async (t) => {
  const [c, f] = await Promise.all([browsers.chromium.openEngines(), browsers.firefox.openEngines()]);
  const presets = await c.page.evaluate(() => globalThis.fp.presets().map((p) => ({ id: p.id, program: p.program })));
  const firefoxPresets = await f.page.evaluate(() => globalThis.fp.presets().map((p) => ({ id: p.id, program: p.program })));
  assert.deepEqual(firefoxPresets, presets, 'both browsers load the same package');
  assert.ok(presets.length >= 10, `only ${presets.length} examples`);
  for (const preset of presets) {
    for (const engine of ['js', 'rust']) {
      const what = `${preset.id} ${engine}`;
      // One browser at a time, so neither run is slowed by the other. A cold
      // JIT or a loaded machine can still make one run cross a timer deadline
      // late; a difference must show twice in a row to fail.
      let verdict;
      for (let attempt = 1; attempt <= 2; attempt++) {
        const expected = await runIn(c.page, preset.program, engine);
        const got = await runIn(f.page, preset.program, engine);
        try {
          assert.ok(expected.events.length > 0 || expected.error, `${what}: Chromium produced nothing`);
          assert.equal(got.ok, expected.ok, `${what}: ok ${got.ok} in Firefox, ${expected.ok} in Chromium (${JSON.stringify(got.error)})`);
          assert.deepEqual(got.error, expected.error, `${what}: errors differ`);
          verdict = `same events (${expected.events.length}), ${assertSameEvents(what, expected.events, got.events)}`;
          break;
        } catch (err) {
          if (attempt === 2) throw err;
          t.diagnostic(`${what}: differs on the first try, running again: ${err.message.split('\n')[0]}`);
        }
      }
      t.diagnostic(`${what}: ${verdict}`);
    }
  }
  for (const [name, opened] of [['chromium', c], ['firefox', f]]) {
    await opened.page.evaluate(() => globalThis.engines.pause(60));
    const counters = await opened.page.evaluate(() => globalThis.engines.counters());
    assert.equal(counters.liveTimers, 0, `${name}: native timers left running: ${JSON.stringify(counters)}`);
    assert.equal(counters.fetchesInFlight, 0, `${name}: fetches left in flight: ${JSON.stringify(counters)}`);
  }
  c.errors.assertNone('Chromium reported errors');
  await assertClean(f);
});

test('a refused, a failing and a time-limited program end the same way in Firefox', { timeout: 60_000 }, async () => {
  const f = await browsers.firefox.openEngines();
  const c = await browsers.chromium.openEngines();
  const cases = [
    // Refused by the rust side's check (rustc's message and position); js runs it.
    ['let a = sleep(10); await a; await a;', {}],
    // A runtime failure on both engines.
    ['let a = async { await sleep(5); fail("boom") }; log(await a);', {}],
    // A run that a time limit ends: every timer it started is cleared.
    ['repeat 50 { spawn(sleep(2000)); } await sleep(5000);', { timeLimitMs: 200 }],
  ];
  for (const [source, options] of cases) {
    for (const engine of ['js', 'rust']) {
      const run = (page) => page.evaluate(async ([s, e, o]) => {
        const trace = await globalThis.fp.runScenario(s, { engine: e, ...o });
        return { ok: trace.ok, error: trace.error ?? null };
      }, [source, engine, options]);
      const expected = await run(c.page);
      const got = await run(f.page);
      assert.deepEqual(got, expected, `${engine}: ${source}`);
    }
  }
  await f.page.evaluate(() => globalThis.engines.pause(60));
  const counters = await f.page.evaluate(() => globalThis.engines.counters());
  assert.equal(counters.liveTimers, 0, `native timers left running in Firefox: ${JSON.stringify(counters)}`);
  c.errors.assertNone('Chromium reported errors');
  await assertClean(f);
});
