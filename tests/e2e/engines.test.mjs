// End-to-end tests of the two engines (SCENARIO.md): the same program on the js
// engine (real Promises, eager) and on the rust engine (real futures, lazy), in
// headless Chromium, through the package's `runScenario` (pkg/, built by
// scripts/build.sh). Page: tests/e2e/pages/engines.{html,mjs}, which counts live
// native timers and in-flight fetches.
//
// Orders are compared exactly; times only within generous tolerances (timers may
// fire late on a loaded machine, never meaningfully early). Every test fails on a
// page error, console error or web error (harness), except console lines a test
// expects (a 404 or a failed request logs "Failed to load resource").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharedSetup } from './harness.mjs';

/** How late a timer-driven event may be (loaded 2-core CI machine). */
const LATE = 150;
/** How early (clock granularity, run start vs timer set). */
const EARLY = 5;

const env = sharedSetup();

/** A fresh page with the package loaded. */
const open = () => env.openEngines();

/**
 * Ends a test: no late events, no live native timer or fetch left, and no page
 * error except console lines matching `allowed`.
 */
async function finish(page, errors, { allowed = [] } = {}) {
  await page.evaluate(() => engines.pause(60));
  const counters = await page.evaluate(() => engines.counters());
  assert.equal(counters.liveTimers, 0, `native timers left running: ${JSON.stringify(counters)}`);
  assert.equal(counters.fetchesInFlight, 0, `fetches left in flight: ${JSON.stringify(counters)}`);
  errors.entries = errors.entries.filter((entry) => !allowed.some((re) => re.test(entry)));
  errors.assertNone();
}

/** Runs `source` on one engine in the page (see engines.mjs `run`). */
async function run(page, source, engine, options = {}) {
  const result = await page.evaluate(([s, e, o]) => engines.run(s, e, o), [source, engine, { settleMs: 30, ...options }]);
  assert.equal(result.engine, engine);
  assert.equal(result.late, 0, `${engine}: onEvent called after the trace resolved`);
  assert.equal(result.streamed, result.total, `${engine}: onEvent saw every event`);
  return result;
}

async function both(page, source, options) {
  const js = await run(page, source, 'js', options);
  // The contract: `cancel` is the rust engine's alone (a drop); js never cancels.
  assert.equal(js.events.filter((e) => e.kind === 'cancel').length, 0, 'js emitted cancel');
  return { js, rust: await run(page, source, 'rust', options) };
}

/** `kind label` lines of the events (optionally of some kinds only), for order comparisons. */
/** What a stopped run emits for work it tears down: js `clear`s, rust `cancel`s (drops). */
const stopKind = (r) => (r.engine === 'js' ? 'clear' : 'cancel');

function lines(result, kinds = ['create', 'start', 'settle', 'cancel', 'clear', 'log', 'drop', 'unhandled-rejection']) {
  return result.events
    .filter((e) => kinds.includes(e.kind))
    .map((e) => (e.kind === 'log' ? `log ${e.text}` : `${e.kind} ${e.label}`));
}

function logs(result) {
  return result.events.filter((e) => e.kind === 'log').map((e) => e.text);
}

/** The one event of `kind` for `label` (the first if `nth` is not given). */
function ev(result, kind, label, nth = 0) {
  const found = result.events.filter((e) => e.kind === kind && (e.label === label || (kind === 'log' && e.text === label)));
  assert.ok(found.length > nth, `${result.engine}: no ${kind} event #${nth} for ${label}\n${lines(result).join('\n')}`);
  return found[nth];
}

function none(result, kind, label) {
  const found = result.events.filter((e) => e.kind === kind && e.label === label);
  assert.equal(found.length, 0, `${result.engine}: unexpected ${kind} of ${label}`);
}

/** `t` is `expected` ms, within the tolerance. */
function near(t, expected, what, late = LATE) {
  assert.ok(t >= expected - EARLY && t <= expected + late, `${what}: t=${t.toFixed(1)} ms, expected ≈${expected} ms`);
}

function before_(result, a, b) {
  assert.ok(a.seq < b.seq, `${result.engine}: expected ${a.kind} ${a.label ?? ''} before ${b.kind} ${b.label ?? ''}\n${lines(result).join('\n')}`);
}

function assertError(result, kind, messagePart, line, col) {
  assert.equal(result.ok, false, `${result.engine}: expected a ${kind} error`);
  assert.equal(result.error.kind, kind, `${result.engine}: ${JSON.stringify(result.error)}`);
  assert.ok(result.error.message.includes(messagePart), `${result.engine}: message ${JSON.stringify(result.error.message)} lacks ${JSON.stringify(messagePart)}`);
  if (line !== undefined) assert.deepEqual([result.error.line, result.error.col], [line, col], `${result.engine}: position`);
}

// ---------------------------------------------------------------------------

describe('js engine = hand-written JavaScript, down to the microtask', () => {
  // Each program next to the same program written by hand; the hand-written
  // versions live in the page function below (page.evaluate is not subject to the
  // page's CSP), keyed by name.
  const CASES = {
    asyncAtOnce:
      'let a = async { log("a1"); await yield_now(); log("a2"); }; log("m1"); await yield_now(); log("m2"); await a;',
    nestedAwaits:
      'let a = async { log("a1"); await yield_now(); log("a2"); await yield_now(); log("a3"); 5 }; let b = async { log("b1"); let v = await a; log("b2", v); }; log("m1"); await yield_now(); log("m2"); await yield_now(); log("m3"); await b; log("m4");',
    joinOrder:
      'let j = join(async { log("x1"); await yield_now(); log("x2"); 1 }, async { log("y1"); 2 }, 3); let r = async { await yield_now(); log("r1"); await yield_now(); log("r2"); await yield_now(); log("r3"); }; log("v", await j); await r;',
    raceOrder:
      'let w = race(async { await yield_now(); await yield_now(); log("slow"); 1 }, async { await yield_now(); log("fast"); 2 }); let t = async { await yield_now(); log("t1"); await yield_now(); log("t2"); await yield_now(); log("t3"); await yield_now(); log("t4"); }; log("won", await w); await t;',
    nestedAsync:
      'let a = async { log("o1"); let b = async { log("i1"); await yield_now(); log("i2"); 3 }; log("o2"); let v = await b; log("o3", v); v }; log("m1"); await 5; log("m2"); log("got", await a);',
    repeatClosures:
      'repeat 3 { let x = async { log("x"); await yield_now(); log("y"); }; log("z"); } log("m"); await yield_now(); log("n");',
    timersAndFail:
      'let a = async { await sleep(20); log("a"); 1 }; let b = async { await sleep(5); log("b"); 2 }; log(await join(a, b)); let c = fail("boom"); let d = async { await yield_now(); log("d"); }; let e = async { await c; log("never"); }; await d; await yield_now(); log("end");',
    returnsPromise:
      'let a = async { await yield_now(); log("in a"); sleep(5, 9) }; let s = spawn(async { log("s1"); await yield_now(); log("s2"); }); log("main"); log(await a); await s;',
    raceRejects:
      'let r = race(fail("e1"), sleep(5)); let q = async { await yield_now(); log("q1"); await yield_now(); log("q2"); await yield_now(); log("q3"); }; let x = async { let v = await r; log("nope", v); }; await q; log("done");',
    closureByReference:
      'let n = 1; let a = async { await yield_now(); log("a sees", n); }; let n = 2; log("n", n); await a;',
  };

  test('logs in the same order as the hand-written programs', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const expected = await page.evaluate(async () => {
      const sleep = (ms, value = null) => new Promise((resolve) => setTimeout(() => resolve(value), ms));
      const show = (v) => (Array.isArray(v) ? `[${v.map(show).join(', ')}]` : v === undefined || v === null ? 'null' : String(v));
      // The page must not see the hand-written unhandled rejections as errors.
      const swallow = (event) => event.preventDefault();
      globalThis.addEventListener('unhandledrejection', swallow);
      const hand = {
        async asyncAtOnce(log) {
          const a = (async () => { log('a1'); await Promise.resolve(); log('a2'); })();
          log('m1'); await Promise.resolve(); log('m2'); await a;
        },
        async nestedAwaits(log) {
          const a = (async () => { log('a1'); await Promise.resolve(); log('a2'); await Promise.resolve(); log('a3'); return 5; })();
          const b = (async () => { log('b1'); const v = await a; log('b2', v); })();
          log('m1'); await Promise.resolve(); log('m2'); await Promise.resolve(); log('m3'); await b; log('m4');
        },
        async joinOrder(log) {
          const j = Promise.all([(async () => { log('x1'); await Promise.resolve(); log('x2'); return 1; })(), (async () => { log('y1'); return 2; })(), 3]);
          const r = (async () => { await Promise.resolve(); log('r1'); await Promise.resolve(); log('r2'); await Promise.resolve(); log('r3'); })();
          log('v', await j); await r;
        },
        async raceOrder(log) {
          const w = Promise.race([(async () => { await Promise.resolve(); await Promise.resolve(); log('slow'); return 1; })(), (async () => { await Promise.resolve(); log('fast'); return 2; })()]);
          const t = (async () => { await Promise.resolve(); log('t1'); await Promise.resolve(); log('t2'); await Promise.resolve(); log('t3'); await Promise.resolve(); log('t4'); })();
          log('won', await w); await t;
        },
        async nestedAsync(log) {
          const a = (async () => { log('o1'); const b = (async () => { log('i1'); await Promise.resolve(); log('i2'); return 3; })(); log('o2'); const v = await b; log('o3', v); return v; })();
          log('m1'); await 5; log('m2'); log('got', await a);
        },
        async repeatClosures(log) {
          for (let i = 0; i < 3; i++) { const x = (async () => { log('x'); await Promise.resolve(); log('y'); })(); log('z'); }
          log('m'); await Promise.resolve(); log('n');
        },
        async timersAndFail(log) {
          const a = (async () => { await sleep(20); log('a'); return 1; })();
          const b = (async () => { await sleep(5); log('b'); return 2; })();
          log(await Promise.all([a, b]));
          const c = Promise.reject(new Error('boom'));
          const d = (async () => { await Promise.resolve(); log('d'); })();
          const e = (async () => { await c; log('never'); })();
          await d; await Promise.resolve(); log('end');
        },
        async returnsPromise(log) {
          const a = (async () => { await Promise.resolve(); log('in a'); return sleep(5, 9); })();
          const s = (async () => { log('s1'); await Promise.resolve(); log('s2'); })();
          log('main'); log(await a); await s;
        },
        async raceRejects(log) {
          const r = Promise.race([Promise.reject(new Error('e1')), sleep(5)]);
          const q = (async () => { await Promise.resolve(); log('q1'); await Promise.resolve(); log('q2'); await Promise.resolve(); log('q3'); })();
          const x = (async () => { const v = await r; log('nope', v); })();
          await q; log('done');
        },
        async closureByReference(log) {
          // Two scenario bindings named n are two variables (n, n$2) in JS.
          const n = 1; const a = (async () => { await Promise.resolve(); log('a sees', n); })(); const n$2 = 2; log('n', n$2); await a;
        },
      };
      const out = {};
      for (const [name, fn] of Object.entries(hand)) {
        const lines = [];
        await fn((...values) => lines.push(values.map(show).join(' ')));
        await sleep(30);
        out[name] = lines;
      }
      globalThis.removeEventListener('unhandledrejection', swallow);
      return out;
    });
    for (const [name, source] of Object.entries(CASES)) {
      const js = await run(page, source, 'js');
      assert.equal(js.ok, true, `${name}: ${JSON.stringify(js.error)}`);
      assert.deepEqual(logs(js), expected[name], `${name}: js engine vs hand-written JS`);
    }
    await finish(page, errors);
  });

  test('every settle is recorded before whatever awaited it goes on', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const js = await run(page, 'let w = race(sleep(80, 1), sleep(20, 2)); log("won", await w); let j = join(yield_now(), sleep(10, 3), 4); log("all", await j); let a = async { await sleep(5); 6 }; log("a", await a);', 'js');
    assert.equal(js.ok, true);
    before_(js, ev(js, 'settle', 'race(sleep(80, 1), sleep(20, 2))'), ev(js, 'log', 'won 2'));
    before_(js, ev(js, 'settle', 'sleep(20, 2)'), ev(js, 'settle', 'race(sleep(80, 1), sleep(20, 2))'));
    before_(js, ev(js, 'settle', 'join(yield_now(), sleep(10, 3), 4)'), ev(js, 'log', 'all [null, 3, 4]'));
    assert.deepEqual(ev(js, 'settle', 'join(yield_now(), sleep(10, 3), 4)').value, [null, 3, 4]);
    before_(js, ev(js, 'settle', 'async { await sleep(5); 6 }'), ev(js, 'log', 'a 6'));
    assert.equal(ev(js, 'settle', 'async { await sleep(5); 6 }').value, 6);
    // The loser keeps running and settles later.
    near(ev(js, 'settle', 'sleep(80, 1)').t, 80, 'race loser settles');
    await finish(page, errors);
  });
});

// ---------------------------------------------------------------------------

describe('both engines, construct by construct', () => {
  test('the contract example: eager timers vs lazy timers', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let a = sleep(300); let b = sleep(200); await b; await a; log("done");');
    for (const r of [js, rust]) assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
    // js: both timers set at once; done at ≈300.
    near(ev(js, 'start', 'sleep(300)').t, 0, 'js a starts');
    near(ev(js, 'start', 'sleep(200)').t, 0, 'js b starts');
    near(ev(js, 'settle', 'sleep(200)').t, 200, 'js b settles');
    near(ev(js, 'settle', 'sleep(300)').t, 300, 'js a settles');
    near(ev(js, 'log', 'done').t, 300, 'js done');
    assert.deepEqual(lines(js), [
      'create sleep(300)', 'start sleep(300)', 'create sleep(200)', 'start sleep(200)',
      'settle sleep(200)', 'settle sleep(300)', 'log done',
    ]);
    // rust: b starts at ≈0, a only when awaited (≈200); done at ≈500.
    near(ev(rust, 'start', 'sleep(200)').t, 0, 'rust b starts');
    near(ev(rust, 'start', 'sleep(300)').t, 200, 'rust a starts');
    near(ev(rust, 'log', 'done').t, 500, 'rust done');
    assert.deepEqual(lines(rust), [
      'create sleep(300)', 'create sleep(200)', 'start sleep(200)', 'settle sleep(200)',
      'start sleep(300)', 'settle sleep(300)', 'log done',
    ]);
    await finish(page, errors);
  });

  test('sequential awaits vs join', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const seq = await both(page, 'let a = sleep(150); let b = sleep(150); await a; await b; log("seq");');
    near(ev(seq.js, 'log', 'seq').t, 150, 'js: both timers ran at once');
    near(ev(seq.rust, 'log', 'seq').t, 300, 'rust: b started only when awaited');
    const joined = await both(page, 'let a = sleep(150, 1); let b = sleep(150, 2); log(await join(a, b));');
    for (const r of [joined.js, joined.rust]) {
      assert.equal(r.ok, true);
      assert.deepEqual(logs(r), ['[1, 2]']);
      near(ev(r, 'log', '[1, 2]').t, 150, `${r.engine}: join runs both at once`);
      assert.deepEqual(ev(r, 'settle', 'join(a, b)').value, [1, 2]);
    }
    // rust: join starts, then polls its operands in order.
    const rj = joined.rust;
    before_(rj, ev(rj, 'start', 'join(a, b)'), ev(rj, 'start', 'sleep(150, 1)'));
    before_(rj, ev(rj, 'start', 'sleep(150, 1)'), ev(rj, 'start', 'sleep(150, 2)'));
    await finish(page, errors);
  });

  test('race: js losers keep running; rust losers are cancelled at the winner', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let w = race(sleep(200, 1), sleep(50, 2)); log(await w); await sleep(250);');
    for (const r of [js, rust]) {
      assert.equal(r.ok, true);
      assert.deepEqual(logs(r), ['2']);
      near(ev(r, 'settle', 'race(sleep(200, 1), sleep(50, 2))').t, 50, `${r.engine}: race settles with the winner`);
    }
    near(ev(js, 'settle', 'sleep(200, 1)').t, 200, 'js loser settles later');
    none(js, 'cancel', 'sleep(200, 1)');
    near(ev(rust, 'cancel', 'sleep(200, 1)').t, 50, 'rust loser cancelled at the winner');
    none(rust, 'settle', 'sleep(200, 1)');
    before_(rust, ev(rust, 'cancel', 'sleep(200, 1)'), ev(rust, 'settle', 'race(sleep(200, 1), sleep(50, 2))'));
    await finish(page, errors);
  });

  test('fetch: sent when evaluated (js) vs when first polled (rust); status values', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let a = fetch("/index.html"); await sleep(150); log(await a); let b = fetch("/missing"); log(await b); let c = fetch("data:text/plain,hi"); log(await c);');
    for (const r of [js, rust]) {
      assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
      assert.deepEqual(logs(r), ['200', '404', '200'], `${r.engine}: a non-2xx status is a value`);
      assert.equal(ev(r, 'settle', 'fetch("/index.html")').value, 200);
      assert.equal(ev(r, 'settle', 'fetch("/missing")').value, 404);
    }
    near(ev(js, 'start', 'fetch("/index.html")').t, 0, 'js sends at once');
    before_(js, ev(js, 'start', 'fetch("/index.html")'), ev(js, 'create', 'sleep(150)'));
    near(ev(rust, 'start', 'fetch("/index.html")').t, 150, 'rust sends when awaited');
    before_(rust, ev(rust, 'settle', 'sleep(150)'), ev(rust, 'start', 'fetch("/index.html")'));
    await finish(page, errors, { allowed: [/Failed to load resource: the server responded with a status of 404/] });
  });

  test('fetch: a network failure is an error at the fetch', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    await page.route('**/network-failure', (route) => route.abort('failed'));
    const { js, rust } = await both(page, 'log("before");\nlet a = fetch("/network-failure");\nlog(await a);');
    for (const r of [js, rust]) {
      assertError(r, 'runtime', 'Failed to fetch', 2, 9);
      assert.deepEqual(logs(r), ['before']);
      const settle = ev(r, 'settle', 'fetch("/network-failure")');
      assert.equal(settle.ok, false);
      assert.ok(settle.error.includes('Failed to fetch'), `${r.engine}: ${settle.error}`);
    }
    await finish(page, errors, { allowed: [/Failed to load resource: net::ERR_FAILED/] });
  });

  test('never-awaited: a promise still runs (js); a future is created and dropped (rust)', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let a = sleep(100); log("x");');
    assert.deepEqual(lines(js), ['create sleep(100)', 'start sleep(100)', 'log x', 'settle sleep(100)']);
    near(ev(js, 'settle', 'sleep(100)').t, 100, 'js: the run waits for the timer');
    assert.ok(js.wallMs >= 100 - EARLY, `js run lasted ${js.wallMs} ms`);
    assert.deepEqual(lines(rust), ['create sleep(100)', 'log x', 'drop sleep(100)']);
    assert.ok(rust.wallMs < 100, `rust run ends with main: ${rust.wallMs} ms`);
    await finish(page, errors);
  });

  test('async block: body at once (js) vs when polled (rust)', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const source = 'let a = async { log("a1"); await yield_now(); log("a2"); 7 }; log("m1"); await yield_now(); log("m2"); log(await a);';
    const { js, rust } = await both(page, source);
    assert.deepEqual(logs(js), ['a1', 'm1', 'a2', 'm2', '7']);
    assert.deepEqual(logs(rust), ['m1', 'm2', 'a1', 'a2', '7']);
    const label = 'async { log("a1"); await yield_now(); log("a2"); 7 }';
    for (const r of [js, rust]) assert.equal(ev(r, 'settle', label).value, 7);
    before_(js, ev(js, 'start', label), ev(js, 'log', 'a1'));
    before_(js, ev(js, 'log', 'a2'), ev(js, 'settle', label));
    before_(rust, ev(rust, 'log', 'm2'), ev(rust, 'start', label));
    await finish(page, errors);
  });

  test('spawn: js is the promise itself; rust starts a task on the next turn and cancels it at the end', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let s = spawn(sleep(100)); await yield_now(); log("main done");');
    assert.deepEqual(lines(js, ['create', 'start', 'settle', 'cancel', 'log']).filter((l) => !l.endsWith('yield_now()')), [
      'create sleep(100)', 'start sleep(100)', 'create spawn(sleep(100))', 'start spawn(sleep(100))',
      'log main done', 'settle sleep(100)', 'settle spawn(sleep(100))',
    ]);
    near(ev(js, 'settle', 'spawn(sleep(100))').t, 100, 'js spawn settles with its operand');
    // rust: the task is first polled on the next turn (while main awaits yield_now), so it starts though never awaited.
    before_(rust, ev(rust, 'create', 'spawn(sleep(100))'), ev(rust, 'start', 'spawn(sleep(100))'));
    before_(rust, ev(rust, 'start', 'spawn(sleep(100))'), ev(rust, 'log', 'main done'));
    before_(rust, ev(rust, 'log', 'main done'), ev(rust, 'cancel', 'spawn(sleep(100))'));
    ev(rust, 'cancel', 'sleep(100)');
    none(rust, 'settle', 'sleep(100)');
    assert.ok(rust.wallMs < 100, `rust ends with main: ${rust.wallMs} ms`);

    const awaited = await both(page, 'let s = spawn(async { await sleep(50); 5 }); log(await s);');
    for (const r of [awaited.js, awaited.rust]) {
      assert.equal(r.ok, true);
      assert.deepEqual(logs(r), ['5']);
      assert.equal(ev(r, 'settle', 'spawn(async { await sleep(50); 5 })').value, 5);
    }
    await finish(page, errors);
  });

  test('unawaited fail: a real unhandled rejection (js, handled quietly); nothing at all (rust)', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let f = fail("boom"); await sleep(20); log("after");');
    for (const r of [js, rust]) assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
    const settle = ev(js, 'settle', 'fail("boom")');
    assert.deepEqual([settle.ok, settle.error], [false, 'boom']);
    const unhandled = ev(js, 'unhandled-rejection', 'fail("boom")');
    assert.equal(unhandled.error, 'boom');
    assert.equal(unhandled.op, settle.op);
    assert.deepEqual(lines(rust), ['create fail("boom")', 'create sleep(20)', 'start sleep(20)', 'settle sleep(20)', 'log after', 'drop fail("boom")']);
    // At the very end of the program, and from an async block nobody awaits.
    const last = await run(page, 'let a = async { await yield_now(); await fail("late"); };\nfail("last");', 'js');
    assert.equal(last.ok, true);
    assert.deepEqual(
      last.events.filter((e) => e.kind === 'unhandled-rejection').map((e) => `${e.label} ${e.error}`).sort(),
      ['async { await yield_now(); await fail("late"); } late', 'fail("last") last'],
    );
    // Awaited, it fails the run at the fail, on both.
    const awaited = await both(page, 'log("a");\nawait fail("bad");\nlog("b");');
    for (const r of [awaited.js, awaited.rust]) {
      assertError(r, 'runtime', 'bad', 2, 7);
      assert.deepEqual(logs(r), ['a']);
      none(r, 'unhandled-rejection', 'fail("bad")');
    }
    await finish(page, errors); // no pageerror / weberror: the js rejection was handled quietly
  });

  test('an error propagates out of async blocks and join to the top', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const source = 'let a = async { await sleep(20); await fail("inner"); log("no"); };\nlet j = join(a, sleep(80));\nawait j;\nlog("no");';
    const { js, rust } = await both(page, source);
    for (const r of [js, rust]) {
      assertError(r, 'runtime', 'inner', 1, 40);
      assert.deepEqual(logs(r), []);
      assert.equal(ev(r, 'settle', 'join(a, sleep(80))').ok, false);
    }
    // js: the run still waits for the timer it started; rust: join drops its other operand.
    near(ev(js, 'settle', 'sleep(80)').t, 80, 'js: the other timer still fires');
    ev(rust, 'cancel', 'sleep(80)');
    await finish(page, errors);
  });

  test('yield_now: the same interleaving on both for a join of yielding blocks', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'let a = async { log("a1"); await yield_now(); log("a2"); }; let b = async { log("b1"); await yield_now(); log("b2"); }; await join(a, b); log("end");');
    assert.deepEqual(logs(js), ['a1', 'b1', 'a2', 'b2', 'end']);
    assert.deepEqual(logs(rust), ['a1', 'b1', 'a2', 'b2', 'end']);
    await finish(page, errors);
  });

  test('a moved future: refused by rust (check), fine in js', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const source = 'let a = sleep(10); await a; await a; log("twice");';
    const checked = await page.evaluate((s) => fp.checkScenario(s), source);
    assert.deepEqual(checked.js, []);
    assert.equal(checked.rust.length, 1);
    assert.deepEqual(checked.rust[0], { kind: 'check', message: 'use of moved value: `a`', line: 1, col: 35 });
    const { js, rust } = await both(page, source);
    assert.equal(js.ok, true);
    assert.deepEqual(logs(js), ['twice']);
    assertError(rust, 'check', 'use of moved value: `a`', 1, 35);
    assert.equal(rust.events.length, 0);
    await finish(page, errors);
  });

  test('many concurrent timers', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const spawned = await both(page, 'repeat 1000 { spawn(sleep(100)); } await sleep(600); log("done");');
    for (const r of [spawned.js, spawned.rust]) {
      assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
      const settles = r.events.filter((e) => e.kind === 'settle' && e.label === 'sleep(100)');
      assert.equal(settles.length, 1000, `${r.engine}: every timer fired`);
      // (main waits long enough for the rust tasks, first polled after main's own timer is set)
      const last = Math.max(...settles.map((e) => e.t));
      assert.ok(last < ev(r, 'log', 'done').t, `${r.engine}: all fired by ${last} ms`);
      near(ev(r, 'log', 'done').t, 600, `${r.engine}: done`, 4 * LATE); // 1000 tasks' worth of trace: slow when loaded
    }
    const operands = Array.from({ length: 300 }, (_, i) => `sleep(${50 + (i % 7)}, ${i})`).join(', ');
    const joined = await both(page, `let j = join(${operands}); let v = await j; log("joined");`);
    for (const r of [joined.js, joined.rust]) {
      assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
      const settle = r.events.find((e) => e.kind === 'settle' && e.label.startsWith('join('));
      assert.deepEqual(settle.value, Array.from({ length: 300 }, (_, i) => i));
      near(ev(r, 'log', 'joined').t, 56, `${r.engine}: joined`, 4 * LATE);
    }
    await finish(page, errors);
  });

  test('op ids count evaluations of one position; labels are source text', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'repeat 3 {\n  await sleep(1);\n}');
    for (const r of [js, rust]) {
      const creates = r.events.filter((e) => e.kind === 'create');
      assert.deepEqual(creates.map((e) => e.op), ['2:9#0', '2:9#1', '2:9#2']);
      assert.ok(creates.every((e) => e.label === 'sleep(1)'));
      assert.deepEqual(r.events.map((e) => e.seq), [...r.events.map((e) => e.seq)].sort((a, b) => a - b));
    }
    // seq counts every event of the trace from 0.
    const raw = await page.evaluate(() => fp.runScenario('log(1); log(2);', { engine: 'js' }));
    assert.deepEqual(raw.events.map((e) => e.seq), [0, 1]);
    assert.ok(raw.events.every((e) => typeof e.t === 'number' && e.t >= 0));
    await finish(page, errors);
  });

  test('a rust event has the fields its kind has, in one fixed order, and no others', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const source = 'let a = join(sleep(5, 1), yield_now(), sleep(1, "two")); log(await a, "x"); let f = spawn(fail("boom")); await yield_now(); await f;';
    // Keys are read in the page: a field present but undefined would not survive the trip out.
    const shapes = await page.evaluate(async (s) => {
      const shape = (e) => ({ keys: Object.keys(e), undefinedKeys: Object.keys(e).filter((k) => e[k] === undefined), event: e });
      const streamed = [];
      const live = await fp.runScenario(s, { engine: 'rust', onEvent: (e) => streamed.push(shape(e)) });
      const after = await fp.runScenario(s, { engine: 'rust' });
      return { ok: [live.ok, after.ok], errors: [live.error, after.error], streamed, after: after.events.map(shape) };
    }, source);
    assert.deepEqual(shapes.ok, [false, false], `both runs end with the failure: ${JSON.stringify(shapes.errors)}`);
    assert.ok(shapes.errors.every((e) => e.kind === 'runtime' && e.message === 'boom'), JSON.stringify(shapes.errors));
    const order = ['seq', 't', 'kind', 'op', 'label', 'ok', 'value', 'error', 'ready', 'text', 'task'];
    for (const [how, list] of [['streamed', shapes.streamed], ['not streamed', shapes.after]]) {
      assert.ok(list.length > 10, `${how}: ${list.length} events`);
      for (const { keys, undefinedKeys, event } of list) {
        const what = `${how}: ${JSON.stringify(event)}`;
        assert.deepEqual(keys.slice(0, 5), order.slice(0, 5), what);
        assert.deepEqual(keys, order.filter((k) => keys.includes(k)), what);
        assert.deepEqual(undefinedKeys, [], what);
        assert.equal(typeof event.seq, 'number', what);
        if (event.kind === 'settle') assert.ok(event.ok ? 'value' in event && !('error' in event) : 'error' in event && !('value' in event), what);
        else assert.ok(!('ok' in event) && !('value' in event) && !('error' in event), what);
        assert.equal('ready' in event, event.kind === 'poll', what);
        if (['log', 'executor', 'wake'].includes(event.kind)) assert.equal(typeof event.text, 'string', what);
        if ('task' in event) assert.equal(typeof event.task, 'number', what);
      }
    }
    const settle = shapes.after.map((s) => s.event).filter((e) => e.kind === 'settle');
    assert.deepEqual(settle.find((e) => e.label === 'join(sleep(5, 1), yield_now(), sleep(1, "two"))').value, [1, null, 'two']);
    assert.equal(settle.find((e) => e.label === 'fail("boom")').error, 'boom');
    assert.ok(shapes.after.some((s) => s.event.kind === 'poll' && s.event.ready === true), 'a Ready poll');
    assert.ok(shapes.after.some((s) => s.event.kind === 'poll' && s.event.ready === false), 'a Pending poll');
    assert.equal(shapes.after.filter((s) => s.event.kind === 'log').length, 1);
    await finish(page, errors);
  });
});

// ---------------------------------------------------------------------------

describe('limits, bad input and stopping, on both engines', () => {
  test('operations: a huge repeat ends quickly with a limit error', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'repeat 2000000000 {}');
    for (const r of [js, rust]) {
      assertError(r, 'limit', 'operations', 1, 1);
      assert.ok(r.wallMs < 5000, `${r.engine}: took ${r.wallMs} ms`);
    }
    await finish(page, errors);
  });

  test('output bytes', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, `repeat 100000 { log("${'x'.repeat(64)}"); }`);
    for (const r of [js, rust]) assertError(r, 'limit', 'printed more than', 1, 17);
    assert.equal(logs(js).length, logs(rust).length, 'the same output before the limit');
    await finish(page, errors);
  });

  test('events', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'repeat 150000 { yield_now(); }', { lite: true });
    const limits = await page.evaluate(() => fp.defaultLimits());
    for (const r of [js, rust]) {
      assertError(r, 'limit', 'trace events');
      assert.equal(r.total, limits.events, `${r.engine}: recorded exactly the cap`);
    }
    await finish(page, errors);
  });

  test('live timers: everything started is cleared', { timeout: 60_000 }, async () => {
    const { page, errors } = await open();
    const source = 'repeat 6000 { spawn(join(sleep(100000), sleep(100000))); } await sleep(10);';
    const { js, rust } = await both(page, source, { lite: true });
    const limits = await page.evaluate(() => fp.defaultLimits());
    for (const r of [js, rust]) {
      assertError(r, 'limit', `more than ${limits.liveTimers} timers were live at once`);
      const started = r.counts['start sleep(100000)'];
      // (rust: main's own `sleep(10)` is one of the live timers)
      assert.ok(started >= limits.liveTimers - 1, `${r.engine}: ${started} timers started`);
      assert.equal(r.counts[`${stopKind(r)} sleep(100000)`], started, `${r.engine}: every started timer cleared or cancelled`);
      assert.equal(r.counts['settle sleep(100000)'] ?? 0, 0);
    }
    await finish(page, errors);
  });

  test('time limit', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'log("a");\nawait sleep(100000);\nlog("b");', { timeLimitMs: 300 });
    for (const r of [js, rust]) {
      assertError(r, 'limit', 'time limit of 300 ms', 0, 0);
      near(r.wallMs, 300, `${r.engine}: ended at the limit`);
      near(ev(r, stopKind(r), 'sleep(100000)').t, 300, `${r.engine}: timer cleared or cancelled`);
      assert.deepEqual(logs(r), ['a']);
    }
    // A busy program is stopped too (the js engine checks the clock while it steps).
    // 900k loop turns (under the operations limit) take well over 1 ms on either engine.
    const busy = await both(page, 'repeat 900000 { }', { timeLimitMs: 1 });
    for (const r of [busy.js, busy.rust]) assertError(r, 'limit', 'time limit of 1 ms');
    await finish(page, errors);
  });

  test('refused before running: unknown built-in, 1 MB program, deep nesting', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const unknown = await both(page, 'log(1);\nfoo(1);');
    for (const r of [unknown.js, unknown.rust]) {
      assertError(r, 'parse', 'unknown built-in `foo`', 2, 1);
      assert.equal(r.events.length, 0, 'nothing ran');
    }
    const big = await both(page, 'log(1);'.repeat(150_000));
    for (const r of [big.js, big.rust]) {
      assertError(r, 'limit', 'program is too long', 1, 1);
      assert.equal(r.events.length, 0);
    }
    const deep = await both(page, `let x = ${'await '.repeat(100)}1;`);
    for (const r of [deep.js, deep.rust]) {
      assertError(r, 'limit', 'nesting is too deep');
      assert.equal(r.events.length, 0);
    }
    // Deep but within the limit: runs, the same on both.
    const ok = await both(page, `log(${'await async { '.repeat(30)}"deep"${' }'.repeat(30)});`);
    for (const r of [ok.js, ok.rust]) {
      assert.equal(r.ok, true, `${r.engine}: ${JSON.stringify(r.error)}`);
      assert.deepEqual(logs(r), ['deep']);
      assert.equal(r.events.filter((e) => e.kind === 'settle').length, 30);
    }
    await finish(page, errors);
  });

  test('stopped from outside: the documented error, nothing left running, the next run works', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const source = 'let f = fetch("/slow-never-answers"); let s = sleep(100000); log("started"); await s;';
    await page.route('**/slow-never-answers', () => {}); // never fulfilled
    const { js, rust } = await both(page, source, { abortAfterMs: 150, settleMs: 200 });
    for (const r of [js, rust]) {
      assert.deepEqual(r.error, { kind: 'limit', message: 'run stopped', line: 0, col: 0 });
      near(r.wallMs, 150, `${r.engine}: stopped`);
      ev(r, stopKind(r), 'sleep(100000)');
      assert.deepEqual(logs(r), ['started']);
    }
    ev(js, 'clear', 'fetch("/slow-never-answers")'); // rust never sent it: dropped
    // The fetch was aborted, the timers cleared (finish checks), and the next run works.
    const again = await both(page, 'await sleep(10); log("again");');
    for (const r of [again.js, again.rust]) {
      assert.equal(r.ok, true);
      assert.deepEqual(logs(r), ['again']);
    }
    // A signal already aborted: stopped before anything runs.
    const pre = await page.evaluate(async () => {
      const c = new AbortController();
      c.abort();
      const out = [];
      for (const engine of ['js', 'rust']) {
        const t = await fp.runScenario('log("x");', { engine, signal: c.signal });
        out.push({ error: t.error, logs: t.events.filter((e) => e.kind === 'log').length });
      }
      return out;
    });
    for (const p of pre) assert.deepEqual(p, { error: { kind: 'limit', message: 'run stopped', line: 0, col: 0 }, logs: 0 });
    await finish(page, errors, { allowed: [/slow-never-answers/] });
  });

  test('a throwing onEvent listener does not break a run', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const { js, rust } = await both(page, 'await sleep(10); log("ok");', { throwingListener: true });
    for (const r of [js, rust]) {
      assert.equal(r.ok, true);
      assert.deepEqual(logs(r), ['ok']);
    }
    await finish(page, errors);
  });

  test('runs at the same time keep to their own promises and rejections', { timeout: 30_000 }, async () => {
    const { page, errors } = await open();
    const results = await page.evaluate(() => Promise.all([
      engines.run('let f = fail("one"); await sleep(50); log("1");', 'js'),
      engines.run('await sleep(20); let f = fail("two"); let g = fail("three"); await sleep(50); log("2");', 'js'),
      engines.run('let f = fail("four"); await sleep(30); log("3");', 'rust'),
    ]));
    const [a, b, c] = results;
    const unhandled = (r) => r.events.filter((e) => e.kind === 'unhandled-rejection').map((e) => e.error);
    assert.deepEqual(unhandled(a), ['one']);
    assert.deepEqual(unhandled(b).sort(), ['three', 'two']);
    assert.deepEqual(unhandled(c), []);
    for (const r of results) assert.equal(r.ok, true, JSON.stringify(r.error));
    // A rejection that belongs to no run still reaches the page: the listener only takes its own.
    const foreign = await page.evaluate(async () => {
      let seen = 0;
      const spy = (event) => {
        seen++;
        event.preventDefault();
      };
      globalThis.addEventListener('unhandledrejection', spy);
      const running = fp.runScenario('await sleep(50);', { engine: 'js' });
      Promise.reject(new Error('not a run\'s'));
      const trace = await running;
      globalThis.removeEventListener('unhandledrejection', spy);
      return { seen, kinds: trace.events.map((e) => e.kind) };
    });
    assert.equal(foreign.seen, 1);
    assert.ok(!foreign.kinds.includes('unhandled-rejection'));
    await finish(page, errors);
  });
});
