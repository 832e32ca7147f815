// End-to-end tests of the playground page (index.html + <futures-playground>):
// both engines run for real in headless Chromium, and every assertion reads
// the DOM/ARIA state (data-* attributes, aria-labels), never pixels.
// Needs `scripts/build.sh` first (scripts/test.sh does that).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { test } from 'node:test';
import { screenshot, sharedSetup } from './harness.mjs';
import { readStepView, recordStepViewsIn, setScrubber, takeStepViews, waitingAfter } from './shared-checks.mjs';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const EL = 'futures-playground';

const env = sharedSetup();

async function open(path = 'index.html', { viewport = DESKTOP, colorScheme = 'light', state = 'ready' } = {}) {
  const opened = await env.openPage(path, { viewport, colorScheme });
  await opened.page.waitForSelector(`${EL}[data-state="${state}"]`, { state: 'attached', timeout: 20_000 });
  return opened;
}

async function choosePreset(page, id) {
  await page.locator(`${EL} select.preset`).selectOption(id);
}

async function runAndWait(page, { timeout = 20_000 } = {}) {
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout });
  // Let the last animation frame draw.
  await frames(page);
}

/** Every mark and bar in the timeline as plain data. */
async function marks(page) {
  return page.locator(`${EL} .tl-lanes [data-kind]`).evaluateAll((nodes) => nodes.map((n) => ({
    engine: n.dataset.engine,
    kind: n.dataset.kind,
    op: n.dataset.op,
    t: Number(n.dataset.t),
    label: n.getAttribute('aria-label'),
    text: n.dataset.text,
  })));
}

// Marks of one operation, by the start of its label (e.g. 'sleep(300, "slow")').
const find = (list, engine, kind, label) => list.filter((m) => m.engine === engine && m.kind === kind && m.label.startsWith(`${engine} ${label}`));

const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

test('preset 01: JS starts both timers at once, Rust starts sleep(300) only when awaited', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '01-timer-created-vs-polled');
  assert.match(await page.locator(`${EL} .preset-title`).textContent(), /created vs first polled/);
  assert.match(await page.locator(`${EL} .preset-text`).textContent(), /first polled/);
  await runAndWait(page);
  const all = await marks(page);
  const jsStart = find(all, 'js', 'start', 'sleep(300)');
  const rustStart = find(all, 'rust', 'start', 'sleep(300)');
  assert.equal(jsStart.length, 1, 'one JS start of sleep(300)');
  assert.equal(rustStart.length, 1, 'one Rust start of sleep(300)');
  assert.ok(jsStart[0].t < 60, `JS sleep(300) starts at once (got ${jsStart[0].t} ms)`);
  assert.ok(rustStart[0].t > 180 && rustStart[0].t < 400, `Rust sleep(300) starts after b (got ${rustStart[0].t} ms)`);
  assert.match(rustStart[0].label, /^rust sleep\(300\) start at \d+ ms$/);
  // The hollow "created, not started" bar shows the gap on the Rust side.
  const wait = find(all, 'rust', 'wait', 'sleep(300)');
  assert.equal(wait.length, 1);
  // Rust polls and wakes are drawn.
  assert.ok(all.some((m) => m.engine === 'rust' && m.kind === 'poll'), 'rust poll marks');
  assert.ok(all.some((m) => m.engine === 'rust' && m.kind === 'wake'), 'rust wake marks');
  // Totals: JS ≈ 300 ms, Rust ≈ 500 ms.
  const totals = await page.locator(`${EL} .total`).evaluateAll((n) => Object.fromEntries(n.map((x) => [x.dataset.engine, Number(x.dataset.total)])));
  assert.ok(totals.js >= 290 && totals.js < 450, `JS total ${totals.js}`);
  assert.ok(totals.rust >= 490 && totals.rust < 700, `Rust total ${totals.rust}`);
  // Executor view: the main task finished, with its polls and waker calls counted.
  const task = page.locator(`${EL} .tasks tr[data-task="1"]`);
  assert.equal(await task.getAttribute('data-state'), 'done');
  assert.ok(Number(await task.locator('[data-field="polls"]').textContent()) >= 3);
  // Generated code is shown.
  assert.match(await page.locator(`${EL} .code-view.rust pre`).textContent(), /sleep\(Duration::from_millis\(300\)\)/);
  assert.match(await page.locator(`${EL} .code-view.javascript pre`).textContent(), /const a = sleep\(300\)/);
  // Hovering a lane highlights the expression in the source and the generated code.
  // `let a = sleep(300);` is the first line of the example (its explanation is shown apart).
  await page.locator(`${EL} .lane[data-op="1:9#0"]`).hover();
  assert.ok(await page.locator(`${EL} .editor .op-hl`).count() > 0, 'source highlighted');
  assert.match(await page.locator(`${EL} .code-view.rust .line.is-hl`).textContent(), /let a = sleep/);
  assert.match(await page.locator(`${EL} .code-view.javascript .line.is-hl`).textContent(), /const a = sleep/);
  await page.mouse.move(0, 0);
  errors.assertNone();
  await screenshot(page, 'playground-desktop-light');
});

test('preset 04 race: Rust losers are cancelled, JS losers settle', { timeout: 60_000 }, async () => {
  const { page, errors } = await open('index.html', { colorScheme: 'dark' });
  await choosePreset(page, '04-race-losers');
  await runAndWait(page);
  const all = await marks(page);
  for (const loser of ['sleep(300, "slow")', 'sleep(200, "medium")']) {
    assert.equal(find(all, 'rust', 'cancel', loser).length, 1, `rust ${loser} cancelled`);
    assert.equal(find(all, 'rust', 'settle', loser).length, 0, `rust ${loser} never settles`);
    assert.equal(find(all, 'js', 'settle', loser).length, 1, `js ${loser} settles`);
    assert.equal(find(all, 'js', 'cancel', loser).length, 0, `js ${loser} not cancelled`);
  }
  const cancel = find(all, 'rust', 'cancel', 'sleep(300, "slow")')[0];
  assert.ok(cancel.t > 80 && cancel.t < 250, `cancelled when the winner is ready (${cancel.t} ms)`);
  errors.assertNone();
  await screenshot(page, 'playground-desktop-dark-race');
});

test('preset 05: the never-awaited Rust future is dropped without starting; JS timer runs', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '05-never-awaited');
  await runAndWait(page);
  const all = await marks(page);
  const label = 'sleep(100, "nobody waits for me")';
  assert.equal(find(all, 'rust', 'drop', label).length, 1, 'rust drop mark');
  assert.equal(find(all, 'rust', 'start', label).length, 0, 'rust never starts it');
  assert.equal(find(all, 'js', 'start', label).length, 1, 'js starts it');
  assert.equal(find(all, 'js', 'settle', label).length, 1, 'js timer fires');
  errors.assertNone();
});

test('a syntax error is marked at its line and column, and Run runs nothing', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(`${EL} textarea`).fill('let a = sleep(100);\nawait sleep(50;\nlog("x");\n');
  const diag = page.locator(`${EL} .diag`).first();
  await diag.waitFor({ timeout: 5_000 });
  const line = Number(await diag.getAttribute('data-line'));
  const col = Number(await diag.getAttribute('data-col'));
  assert.equal(line, 2, 'error on line 2');
  assert.ok(col >= 14 && col <= 16, `error column near the missing ")" (got ${col})`);
  assert.match(await diag.textContent(), /Syntax error/);
  const mark = page.locator(`${EL} .editor .err-mark`);
  assert.equal(await mark.getAttribute('data-line'), String(line));
  assert.equal(await mark.getAttribute('data-col'), String(col));
  assert.equal(await page.locator(`${EL} .ln[data-line="2"]`).getAttribute('class'), 'ln has-error');
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="error"]`, { state: 'attached', timeout: 5_000 });
  assert.match(await page.locator(`${EL} .status`).textContent(), /Not run: syntax error/);
  assert.equal((await marks(page)).length, 0, 'nothing ran');
  errors.assertNone();
  await screenshot(page, 'playground-syntax-error');
});

test('a program JS runs and Rust refuses: Rust\'s reason is shown and the JS timeline drawn', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(`${EL} textarea`).fill('let timer = sleep(100, "ready");\nlog(await timer);\nlog(await timer);\n');
  const diag = page.locator(`${EL} .diag.rust`);
  await diag.waitFor({ timeout: 5_000 });
  assert.match(await diag.textContent(), /Rust refuses: use of moved value: `timer` \(3:11\)/);
  assert.equal(await page.locator(`${EL} .editor .err-mark`).getAttribute('data-col'), '11');
  await runAndWait(page);
  const all = await marks(page);
  assert.ok(find(all, 'js', 'settle', 'sleep(100').length === 1, 'JS ran');
  assert.equal(all.filter((m) => m.engine === 'rust').length, 0, 'Rust ran nothing');
  const refusal = page.locator(`${EL} .engine-error[data-engine="rust"]`);
  assert.match(await refusal.textContent(), /Rust refuses to run: use of moved value: `timer` \(3:11\)/);
  assert.equal(await page.locator(`${EL} .total[data-engine="rust"]`).getAttribute('data-state'), 'refused');
  assert.deepEqual(await page.locator(`${EL} .out[data-engine="js"] li`).allTextContents().then((l) => l.map((s) => s.replace(/^[\d.]+ ms/, ''))), ['ready', 'ready']);
  errors.assertNone();
  await screenshot(page, 'playground-rust-refuses');
});

test('replay ◀ ▶ walk the recorded Rust run one poll-end at a time', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '01-timer-created-vs-polled');
  await runAndWait(page);
  const full = (await marks(page)).length;
  const next = page.locator(`${EL} button.replay-next`);
  const prev = page.locator(`${EL} button.replay-prev`);
  await next.click();
  const note = page.locator(`${EL} .replay-note`);
  assert.match(await note.textContent(), /Poll 1 of \d+: task 1 poll returned Pending .*recorded run/);
  await page.waitForFunction(() => document.querySelector('futures-playground').shadowRoot.querySelector('.tl-cursor:not([hidden])'));
  assert.equal(await page.locator(`${EL} .fp`).getAttribute('data-view'), 'replay');
  const first = await marks(page);
  assert.ok(first.length < full, `poll 1 shows part of the run (${first.length} < ${full})`);
  assert.equal(find(first, 'rust', 'start', 'sleep(300)').length, 0, 'after poll 1, Rust has not started sleep(300)');
  assert.equal(await page.locator(`${EL} .tasks tr[data-task="1"]`).getAttribute('data-state'), 'waiting');
  assert.ok(await page.locator(`${EL} .chip.timer`).count() >= 1, 'a timer is registered in the reactor');
  await next.click();
  await frames(page);
  assert.match(await note.textContent(), /Poll 2 of \d+:/);
  const second = await marks(page);
  assert.equal(find(second, 'rust', 'start', 'sleep(300)').length, 1, 'after poll 2, Rust started sleep(300)');
  assert.equal(find(second, 'rust', 'settle', 'sleep(300)').length, 0);
  await screenshot(page, 'playground-step');
  // And back: ◀ returns to poll 1, before sleep(300) started.
  await prev.click();
  await frames(page);
  assert.match(await note.textContent(), /Poll 1 of \d+:/);
  assert.equal(find(await marks(page), 'rust', 'start', 'sleep(300)').length, 0, 'back at poll 1');
  await prev.click();
  assert.match(await note.textContent(), /first poll/);
  await page.locator(`${EL} button.live`).click();
  await frames(page);
  assert.equal((await marks(page)).length, full, 'Show end brings the whole run back');
  errors.assertNone();
});

test('replay: the scrubber moves the timeline and executor view back and forth', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '01-timer-created-vs-polled');
  await runAndWait(page);
  const full = await marks(page);
  const scrub = page.locator(`${EL} input.scrubber`);
  assert.equal(await scrub.isDisabled(), false);
  const max = Number(await scrub.getAttribute('max'));
  const setIndex = async (i) => {
    await scrub.evaluate(setScrubber, i);
    await frames(page);
  };
  await setIndex(0);
  let now = await marks(page);
  assert.equal(now.filter((m) => m.kind === 'settle').length, 0, 'at t=0 nothing has settled');
  // Keyboard: arrow keys move one recorded moment at a time.
  await scrub.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await frames(page);
  assert.equal(await scrub.inputValue(), '2');
  // The moment JS's sleep(300) settles: JS is done, Rust's sleep(300) is still running.
  const jsSettle = find(full, 'js', 'settle', 'sleep(300)')[0].t;
  let mid = await page.evaluate((t) => document.querySelector('futures-playground').replay.times.findIndex((x) => x >= t - 0.06), jsSettle);
  assert.ok(mid > 0);
  // Marks show rounded times: the moment found may be a hair before the settle; step up to it.
  for (let tries = 0; tries < 5; tries++, mid++) {
    await setIndex(mid);
    now = await marks(page);
    if (find(now, 'js', 'settle', 'sleep(300)').length === 1) break;
  }
  assert.equal(find(now, 'js', 'settle', 'sleep(300)').length, 1, 'JS sleep(300) settled by then');
  assert.equal(find(now, 'rust', 'start', 'sleep(300)').length, 1, 'Rust sleep(300) started');
  assert.equal(find(now, 'rust', 'settle', 'sleep(300)').length, 0, 'Rust sleep(300) not yet settled');
  assert.match(await page.locator(`${EL} .scrub-time`).textContent(), /ms/);
  await screenshot(page, 'playground-replay');
  await setIndex(max);
  now = await marks(page);
  assert.equal(find(now, 'rust', 'settle', 'sleep(300)').length, 1, 'forward again: settled');
  assert.equal(now.length, full.length, 'the last moment shows the whole run');
  await setIndex(1);
  now = await marks(page);
  assert.equal(find(now, 'rust', 'settle', 'sleep(300)').length, 0, 'and back again');
  errors.assertNone();
});

test('Stop ends a run; the next run shows nothing from the stopped one', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(`${EL} textarea`).fill('log("one");\nawait sleep(700);\nlog("late one");\n');
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="running"]`, { state: 'attached' });
  await page.waitForTimeout(150);
  await page.locator(`${EL} button.stop`).click();
  await page.waitForSelector(`${EL}[data-state="stopped"]`, { state: 'attached', timeout: 5_000 });
  const stopped = await page.locator(`${EL} .engine-error`).allTextContents();
  assert.ok(stopped.some((t) => /JS stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  assert.ok(stopped.some((t) => /Rust stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  await page.locator(`${EL} textarea`).fill('log("two");\nawait sleep(1000);\nlog("end two");\n');
  await runAndWait(page);
  const all = await marks(page);
  const logs = all.filter((m) => m.kind === 'log').map((m) => m.text);
  assert.deepEqual([...new Set(logs)].sort(), ['end two', 'two']);
  const outputs = await page.locator(`${EL} .out li`).allTextContents();
  assert.ok(outputs.every((t) => !/one/.test(t)), `no output from run 1: ${outputs.join(' | ')}`);
  assert.equal(await page.locator(`${EL} .engine-error`).count(), 0, 'no error left over from the stopped run');
  errors.assertNone();
});

test('a time limit ends a runaway program with a clear message per engine', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(EL).evaluate((n) => n.setAttribute('time-limit', '300'));
  await page.locator(`${EL} textarea`).fill('await sleep(5000);\nlog("never");\n');
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 10_000 });
  const msgs = await page.locator(`${EL} .engine-error.limit`).allTextContents();
  assert.equal(msgs.length, 2, msgs.join(' | '));
  assert.ok(msgs.every((t) => /stopped by a limit/.test(t)));
  errors.assertNone();
});

test('share link round trip: same code in a fresh context, nothing runs until Run', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  const program = '// shared program ✓ with unicode\nlet a = sleep(40, "é");\nlog(await a);\n';
  await page.locator(`${EL} textarea`).fill(program);
  await page.locator(`${EL} button.copy-link`).click();
  const field = page.locator(`${EL} input.share-url`);
  await field.waitFor({ timeout: 5_000 });
  const link = await field.inputValue();
  assert.match(link, /#v1:[A-Za-z0-9_-]+$/);
  errors.assertNone();

  const path = link.slice(link.indexOf('index.html'));
  const fresh = await open(path);
  assert.equal(await fresh.page.locator(`${EL} textarea`).inputValue(), program, 'identical code');
  assert.match(await fresh.page.locator(`${EL} .banner.info`).textContent(), /Nothing has run/);
  await fresh.page.waitForTimeout(400);
  assert.equal(await fresh.page.locator(EL).getAttribute('data-state'), 'ready', 'no run happened');
  assert.equal((await marks(fresh.page)).length, 0, 'no marks before Run');
  assert.equal(await fresh.page.locator(`${EL} .out li`).count(), 0, 'no output before Run');
  await runAndWait(fresh.page);
  assert.ok((await fresh.page.locator(`${EL} .out[data-engine="rust"] li`).allTextContents()).some((t) => t.endsWith('é')));
  fresh.errors.assertNone();
  await screenshot(fresh.page, 'playground-shared-link');
});

test('malformed, truncated, oversized and unknown-version links show an error; the page stays usable', { timeout: 90_000 }, async () => {
  const big = deflateRawSync(Buffer.from('log("x");\n'.repeat(10_000))).toString('base64url');
  const good = deflateRawSync(Buffer.from('log("hello from a link");\n')).toString('base64url');
  const cases = [
    ['#v1:@@@not-base64', /not base64url/],
    [`#v1:${good.slice(0, 7)}`, /truncated|damaged/],
    [`#v1:${big}`, /larger than 64 KiB/],
    ['#v7:abc', /version 7/],
  ];
  for (const [hash, reason] of cases) {
    const { page, errors } = await open(`index.html${hash}`);
    const alert = page.locator(`${EL} .banner.error`);
    await alert.waitFor({ timeout: 5_000 });
    assert.match(await alert.textContent(), /cannot be opened/);
    assert.match(await alert.textContent(), reason);
    const text = await page.locator(`${EL} textarea`).inputValue();
    assert.ok(text.length > 0, 'the editor shows the previous draft or an example');
    if (hash.startsWith('#v7')) {
      await page.locator(`${EL} textarea`).fill('log("still works");\n');
      await runAndWait(page);
      assert.equal(await page.locator(`${EL} .out[data-engine="js"] li`).count(), 1);
      await screenshot(page, 'playground-bad-link');
    }
    errors.assertNone();
  }
});

test('the draft survives a reload', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(`${EL} textarea`).fill('// my draft\nawait sleep(1);\n');
  await page.reload();
  await page.waitForSelector(`${EL}[data-state="ready"]`, { state: 'attached', timeout: 20_000 });
  assert.equal(await page.locator(`${EL} textarea`).inputValue(), '// my draft\nawait sleep(1);\n');
  // Picking an example keeps the draft one click away.
  await choosePreset(page, '03-sequential-vs-join');
  await page.locator(`${EL} button.restore`).click();
  assert.equal(await page.locator(`${EL} textarea`).inputValue(), '// my draft\nawait sleep(1);\n');
  errors.assertNone();
});

test('export: a Chrome Trace Event JSON download', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '07-spawn-makes-rust-eager');
  await runAndWait(page);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10_000 }),
    page.locator(`${EL} button.export`).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.json$/);
  const json = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.ok(Array.isArray(json.traceEvents) && json.traceEvents.length > 10);
  const phases = new Set(json.traceEvents.map((e) => e.ph));
  assert.ok(phases.has('X') && phases.has('i'), [...phases].join(','));
  const pids = new Set(json.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.pid));
  assert.deepEqual([...pids].sort(), [1, 2]);
  assert.ok(json.traceEvents.every((e) => e.ph === 'M' || (Number.isInteger(e.ts) && typeof e.tid === 'number')));
  errors.assertNone();
});

test('many concurrent timers stay responsive; phone layout', { timeout: 90_000 }, async () => {
  const { page, errors } = await open('index.html', { viewport: PHONE });
  await choosePreset(page, '11-many-concurrent-timers');
  await runAndWait(page, { timeout: 30_000 });
  const lanes = await page.locator(`${EL} .lane`).count();
  assert.ok(lanes < 60, `lanes are folded (${lanes})`);
  assert.ok(await page.locator(`${EL} .more-lane`).count() >= 1, 'a summary row for the repeated expression');
  assert.match(await page.locator(`${EL} .more-tasks`).textContent(), /more tasks/);
  errors.assertNone();
  await screenshot(page, 'playground-phone-many-timers');

  const small = await open('index.html', { viewport: PHONE, colorScheme: 'dark' });
  await choosePreset(small.page, '01-timer-created-vs-polled');
  await runAndWait(small.page);
  small.errors.assertNone();
  await screenshot(small.page, 'playground-phone-dark');
});

// ---- live stepping: the toolbar's Step holds the Rust executor, one poll per step ----

/** What the page shows about the stepped run, read from the DOM. */
const stepView = (page) => page.locator(EL).evaluate(readStepView);

const stepEnabled = (page, timeout = 3_000) => page.waitForFunction(
  () => !document.querySelector('futures-playground').shadowRoot.querySelector('button.step').disabled, undefined, { timeout });

test('Step: the Rust executor polls one task per Step; timers keep real time; JS runs live', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '01-timer-created-vs-polled');
  const step = page.locator(`${EL} button.step`);
  assert.equal(await step.isDisabled(), false, 'Step can start a run');

  // Step 1 starts the run and polls the main task once.
  await page.evaluate(recordStepViewsIn(EL));
  const clicked = Date.now();
  await step.click();
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
  assert.equal(waiting.reasonId, 'step-reason');
  assert.match(waiting.reason, /Waiting: no task is queued\. The reactor queues a wake when timer \d+ fires \(due at \d+ ms\)/);
  assert.deepEqual(waiting.queue, [], 'run queue empty');
  assert.equal(waiting.continueHidden, false, 'Continue is offered');
  await screenshot(page, 'playground-stepping-step-1'); // waiting, or woken already if the read came late

  // The 200 ms timer fires in real time and queues main's wake: Step comes back (onStepReady).
  await stepEnabled(page);
  assert.ok(Date.now() - clicked >= 150, `Step came back with the timer, not before (${Date.now() - clicked} ms)`);
  await frames(page);
  view = await stepView(page);
  assert.deepEqual(view.queue, [{ task: 1, next: true }], 'main is queued, marked as the next step');
  assert.match(view.reason, /Next step polls task 1 \(main\)/);
  assert.equal(view.stepFocused, true, 'the keyboard focus came back to Step');
  // ...and no Rust poll happens by itself, while JS finishes its side live.
  await page.waitForTimeout(Math.max(0, 450 - (Date.now() - clicked)));
  assert.ok(Date.now() - clicked >= 450);
  await page.waitForSelector(`${EL} .total[data-engine="js"][data-state="done"]`, { state: 'attached', timeout: 3_000 });
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 1, 'still one Rust poll, 250+ ms after the timer fired');
  assert.equal(view.state, 'stepping');
  all = await marks(page);
  assert.equal(find(all, 'rust', 'settle', 'sleep(200)').length, 0, 'Rust sleep(200) settles only when polled');
  assert.equal(find(all, 'js', 'settle', 'sleep(300)').length, 1, 'JS ran on, live');
  assert.match(await page.locator(`${EL} .total[data-engine="rust"]`).textContent(), /stepping…/);
  await screenshot(page, 'playground-stepping');

  // Step 2 (keyboard: Enter on the focused Step): main polls b to Ready, then starts sleep(300).
  await page.evaluate(recordStepViewsIn(EL));
  await page.keyboard.press('Enter');
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 2);
  assert.match(view.last, /Step 2 polled task 1 \(main\) → Pending/);
  all = await marks(page);
  assert.equal(find(all, 'rust', 'settle', 'sleep(200)').length, 1);
  assert.equal(find(all, 'rust', 'start', 'sleep(300)').length, 1, 'Rust sleep(300) starts at step 2');
  const waiting2 = waitingAfter(await page.evaluate(takeStepViews), /Step 2 polled task 1 \(main\) → Pending/);
  assert.ok(waiting2, 'waited for the 300 ms timer after step 2');
  assert.match(waiting2.reason, /Waiting: no task is queued\. The reactor queues a wake when timer \d+ fires/);

  // Step 3 (F10) once the timer has fired: main finishes.
  await stepEnabled(page);
  await page.keyboard.press('F10');
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 5_000 });
  await frames(page);
  view = await stepView(page);
  assert.equal(view.polls, 3);
  assert.equal(view.barHidden, true);
  assert.equal(view.continueHidden, true);
  assert.equal(view.stepDisabled, false, 'Step can start another stepped run');
  assert.deepEqual(await page.locator(`${EL} .out[data-engine="rust"] li`).allTextContents().then((l) => l.map((x) => x.replace(/^[\d.]+ ms/, ''))), ['done']);
  assert.equal(await page.locator(`${EL} .engine-error`).count(), 0);
  assert.match(await page.locator(`${EL} .status`).textContent(), /Finished: JS ok .* Rust ok .* stepped 3 times/);
  // The finished stepped run can be replayed like any other.
  assert.equal(await page.locator(`${EL} input.scrubber`).isDisabled(), false);
  await page.locator(`${EL} button.replay-next`).click();
  assert.match(await page.locator(`${EL} .replay-note`).textContent(), /Poll 1 of 3:/);
  errors.assertNone();
  await screenshot(page, 'playground-stepped-done');
});

test('Continue: after a step, the Rust executor runs on by itself', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await choosePreset(page, '01-timer-created-vs-polled');
  await page.locator(`${EL} button.step`).click();
  await page.waitForSelector(`${EL}[data-state="stepping"]`, { state: 'attached' });
  assert.equal(await page.locator(`${EL} input.scrubber`).isDisabled(), true, 'replay waits for the run to end');
  await page.locator(`${EL} button.continue`).click();
  const view = await stepView(page);
  assert.equal(view.state, 'running');
  assert.equal(view.stepDisabled, true, 'no stepping after Continue');
  assert.match(view.reason, /Continued after 1 step/);
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 5_000 });
  await frames(page);
  const end = await stepView(page);
  assert.ok(end.polls >= 3, `Rust polled on by itself (${end.polls} polls)`);
  assert.equal(await page.locator(`${EL} .tasks tr[data-task="1"]`).getAttribute('data-state'), 'done');
  assert.deepEqual(await page.locator(`${EL} .out[data-engine="rust"] li`).allTextContents().then((l) => l.map((x) => x.replace(/^[\d.]+ ms/, ''))), ['done']);
  assert.match(await page.locator(`${EL} .status`).textContent(), /Rust ok .*stepped 1 time, then continued/);
  errors.assertNone();
});

test('Stop during stepping ends both sides; the next Run shows nothing from the stepped run (phone, dark)', { timeout: 60_000 }, async () => {
  const { page, errors } = await open('index.html', { viewport: PHONE, colorScheme: 'dark' });
  await page.locator(`${EL} textarea`).fill('log("one");\nawait sleep(700);\nlog("late one");\n');
  await page.locator(`${EL} button.step`).click();
  await page.waitForSelector(`${EL}[data-state="stepping"]`, { state: 'attached' });
  assert.match((await stepView(page)).last, /Step 1 polled task 1 \(main\) → Pending/);
  await screenshot(page, 'playground-phone-stepping');
  await page.locator(`${EL} button.stop`).click();
  await page.waitForSelector(`${EL}[data-state="stopped"]`, { state: 'attached', timeout: 5_000 });
  const stopped = await page.locator(`${EL} .engine-error`).allTextContents();
  assert.ok(stopped.some((t) => /JS stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  assert.ok(stopped.some((t) => /Rust stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  const view = await stepView(page);
  assert.equal(view.barHidden, true);
  assert.equal(view.continueHidden, true);
  assert.equal(view.stepDisabled, false);
  await page.locator(`${EL} textarea`).fill('log("two");\nawait sleep(300);\nlog("end two");\n');
  await runAndWait(page);
  const logs = (await marks(page)).filter((m) => m.kind === 'log').map((m) => m.text);
  assert.deepEqual([...new Set(logs)].sort(), ['end two', 'two']);
  const outputs = await page.locator(`${EL} .out li`).allTextContents();
  assert.ok(outputs.every((t) => !/one/.test(t)), `no output from the stepped run: ${outputs.join(' | ')}`);
  assert.equal(await page.locator(`${EL} .engine-error`).count(), 0, 'no error left over from the stopped run');
  assert.equal((await stepView(page)).polls >= 2, true, 'the new run polled by itself');
  errors.assertNone();
});

test('a run in a hidden tab shows the throttling warning', { timeout: 60_000 }, async () => {
  const { page, errors } = await open();
  await page.locator(`${EL} textarea`).fill('await sleep(400);\nlog("done");');
  await page.locator(`${EL} button.run`).click();
  await page.waitForSelector(`${EL}[data-state="running"]`, { state: 'attached', timeout: 10_000 });
  // Headless Chromium never hides its tab: tell the page it was hidden, as a browser would.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const banner = page.locator(`${EL} .hidden-tab`);
  assert.equal(await banner.isVisible(), true, 'the warning shows');
  assert.match(await banner.textContent(), /hidden|background/i);
  await page.waitForSelector(`${EL}[data-state="done"]`, { state: 'attached', timeout: 20_000 });
  errors.assertNone();
});
