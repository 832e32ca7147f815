// The Learn tab, sections 1–3, in the real page: the tab itself, pointer
// sizes and fat pointers read from the wasm module, the hand-made vtable and
// its swap, and the hand-driven future with our waker. Needs scripts/build.sh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, sharedSetup } from './harness.mjs';

const EL = 'futures-playground';
const env = sharedSetup();

async function openLearn() {
  const opened = await env.openPage('index.html', { viewport: { width: 1200, height: 900 } });
  const { page } = opened;
  await page.waitForSelector(`${EL}[data-state="ready"]`, { state: 'attached', timeout: 20_000 });
  await page.locator(`${EL} button[role="tab"][data-tab="learn"]`).click();
  await page.locator(`${EL} [data-panel="learn"] section[data-section="fat-pointers"] table.layouts`).waitFor({ timeout: 10_000 });
  return opened;
}

const section = (page, id) => page.locator(`${EL} section[data-section="${id}"]`);

test('the Learn tab opens beside the playground, and back; the program is kept', { timeout: 60_000 }, async () => {
  const { page, errors } = await env.openPage('index.html');
  await page.waitForSelector(`${EL}[data-state="ready"]`, { state: 'attached', timeout: 20_000 });
  const program = await page.locator(`${EL} textarea`).inputValue();
  const learnTab = page.locator(`${EL} button[role="tab"][data-tab="learn"]`);
  await learnTab.click();
  assert.equal(await learnTab.getAttribute('aria-selected'), 'true');
  await page.locator(`${EL} [data-panel="learn"] section[data-section="concurrency"]`).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator(`${EL} [data-panel="playground"]`).isHidden(), true);
  const ids = await page.locator(`${EL} [data-panel="learn"] section[data-section]`).evaluateAll((s) => s.map((n) => n.dataset.section));
  assert.deepEqual(ids, ['fat-pointers', 'hand-vtable', 'our-waker', 'future-tree', 'concurrency']);
  // Arrow keys move between tabs, as a tablist should.
  await learnTab.press('ArrowLeft');
  assert.equal(await page.locator(`${EL} [data-panel="learn"]`).isHidden(), true);
  assert.equal(await page.locator(`${EL} textarea`).inputValue(), program);
  errors.assertNone();
});

test('fat pointers: wasm32 sizes, a live &[i32] and a live &dyn with its vtable', { timeout: 60_000 }, async () => {
  const { page, errors } = await openLearn();
  const s = section(page, 'fat-pointers');
  const size = (type) => s.locator(`tr[data-type="${type}"] td.size`).innerText();
  assert.equal(await size('usize'), '4 B');
  assert.equal(await size('&[i32]'), '8 B');
  assert.equal(await size('&dyn Animal'), '8 B');
  assert.equal(await size('Box<dyn Animal>'), '8 B');
  assert.equal(await size('Option<&u64>'), '4 B');

  await s.locator('input.slice-values').fill('10, 20, 30');
  await s.locator('button.read-slice').click();
  const word1 = await s.locator('.slice-out tr[data-word="1"]').innerText();
  assert.match(word1, /\b3\b/);
  assert.match(word1, /len\(\) 3 ✓/);
  assert.match(await s.locator('.slice-out tr[data-word="0"]').innerText(), /as_ptr\(\) 0x[0-9a-f]{8} ✓/);
  await s.locator('input.slice-values').fill('1, two');
  await s.locator('button.read-slice').click();
  assert.match(await s.locator('.slice-out [role="alert"]').innerText(), /whole numbers/);

  await s.locator('button.read-dyn').click();
  const slots = await s.locator('.dyn-out table.vtable tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(slots.length, 5);
  assert.deepEqual(slots.map((r) => r[1]), ['drop_in_place::<Dog>', 'size', 'align', '<Dog as Animal>::legs', '<Dog as Animal>::sound']);
  assert.deepEqual(slots.map((r) => r[4]), ['✓', '✓', '✓', '✓', '✓']);
  assert.equal(slots[1][2], '16');
  assert.match(slots[3][3], /function table index \d+ → wasm function \d+/);
  await screenshot(page, 'learn-fat-pointers');
  errors.assertNone();
});

test('hand-made vtable: the honest table answers each method; a swap makes the other answer', { timeout: 60_000 }, async () => {
  const { page, errors } = await openLearn();
  const s = section(page, 'hand-vtable');
  const results = () => s.locator('.calls li').evaluateAll((items) => items.map((li) => [li.dataset.method, li.dataset.answeredBy, li.textContent]));
  let r = await results();
  assert.deepEqual(r.map(([m, by]) => [m, by]), [['add', 'add'], ['sub', 'sub'], ['mul', 'mul']]);
  assert.match(r[0][2], /calc\.add\(5\) → 12/);
  assert.match(r[2][2], /calc\.mul\(5\) → 35/);

  await s.locator('button[data-swap="add-sub"]').click();
  r = await results();
  assert.deepEqual(r.map(([m, by]) => [m, by]), [['add', 'sub'], ['sub', 'add'], ['mul', 'mul']]);
  assert.match(r[0][2], /calc\.add\(5\) → 2 .*fn sub answered/);
  assert.match(r[1][2], /calc\.sub\(5\) → 12/);
  assert.equal(await s.locator('tr.swapped').count(), 2);

  await s.locator('input.base').fill('99999999999');
  await s.locator('input.base').dispatchEvent('change');
  assert.match(await s.locator('.hand-out [role="alert"]').innerText(), /whole numbers/);
  await screenshot(page, 'learn-hand-vtable');
  errors.assertNone();
});

test('our waker: poll, Pending, the reactor wakes, poll, Ready; each vtable call shown', { timeout: 60_000 }, async () => {
  const { page, errors } = await openLearn();
  const s = section(page, 'our-waker');
  await s.locator('input.sleep-ms').fill('400');
  await s.locator('button.new-task').click();
  const phase = () => s.locator('.waker-state').getAttribute('data-phase');
  assert.equal(await phase(), 'queued');
  const poll = s.locator('button.poll');
  await poll.click();
  assert.equal(await phase(), 'waiting');
  assert.equal(await poll.isDisabled(), true, 'nothing to poll while the reactor holds the waker');
  let calls = await s.locator('.waker-calls li').evaluateAll((l) => l.map((li) => li.dataset.what));
  // The sleep clones the waker to hand it to the reactor with its deadline.
  assert.deepEqual(calls.slice(0, 4), ['poll', 'clone', 'timer registered', 'Pending']);
  // The timer fires after 400 ms: the reactor wakes the task.
  await s.locator('.waker-state[data-phase="queued"]').waitFor({ timeout: 5_000 });
  assert.equal(await s.locator('.stages li[data-stage="wake"]').getAttribute('class'), 'on');
  calls = await s.locator('.waker-calls li').evaluateAll((l) => l.map((li) => li.dataset.what));
  assert.ok(calls.includes('timer fired') && calls.includes('wake'), calls.join(', '));
  await poll.click();
  assert.equal(await phase(), 'ready');
  calls = await s.locator('.waker-calls li').evaluateAll((l) => l.map((li) => li.dataset.what));
  assert.deepEqual(calls.slice(-2), ['Ready', 'task complete']);
  await screenshot(page, 'learn-our-waker');
  errors.assertNone();
});

test('our waker after a panic elsewhere: the old task is let go, not used or freed; a new one works', { timeout: 60_000 }, async () => {
  const { page, errors } = await openLearn();
  const s = section(page, 'our-waker');
  await s.locator('button.new-task').click();
  assert.equal(await s.locator('.waker-state').getAttribute('data-phase'), 'queued');
  // A Rust run panics: the module is replaced by a fresh instance.
  const trace = await page.evaluate(async () => {
    const fp = await import('/pkg/futures_playground.js');
    fp.debugPanicInNextPoll('a panic in another run');
    return fp.runScenario('await sleep(1);', { engine: 'rust' });
  });
  assert.equal(trace.restarted, true);
  await s.locator('button.poll').click();
  assert.match(await s.locator('.waker-state').innerText(), /restarted after a panic/);
  assert.equal(await s.locator('button.poll').isDisabled(), true);
  await s.locator('input.sleep-ms').fill('100');
  await s.locator('button.new-task').click();
  await s.locator('button.poll').click();
  await s.locator('.waker-state[data-phase="queued"]').waitFor({ timeout: 5_000 });
  await s.locator('button.poll').click();
  assert.equal(await s.locator('.waker-state').getAttribute('data-phase'), 'ready');
  errors.entries = errors.entries.filter((entry) => !/unreachable/.test(entry));
  errors.assertNone();
});

test('Learn opened while the module still loads: it is built once the module is ready', { timeout: 60_000 }, async () => {
  const opened = await env.openPage('index.html', { viewport: { width: 1200, height: 900 } });
  const { page, errors } = opened;
  // Hold the wasm module back so the tab is clicked before it is ready.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/futures_playground_bg.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await page.locator(`${EL} button[role="tab"][data-tab="learn"]`).click();
  assert.match(await page.locator(`${EL} [data-panel="learn"]`).innerText(), /Loading the WebAssembly package/);
  release();
  await page.locator(`${EL} section[data-section="fat-pointers"] table.layouts`).waitFor({ timeout: 20_000 });
  errors.assertNone();
});

test('learnHandVtable, called directly: a slot list that is not three numbers in 0..3 is a RangeError', { timeout: 30_000 }, async () => {
  const { page, errors } = await env.openEngines();
  const refused = await page.evaluate(() => [[0, 1], [0, 1, 3], [0, 1, 2, 0], []].map((slots) => {
    try {
      fp.learnHandVtable(slots, 10, 3);
      return 'accepted';
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
  }));
  assert.deepEqual(refused, Array(4).fill('RangeError: slots must be three numbers in 0..3'));
  // The module is still usable, and a swap answers with the other function.
  assert.deepEqual(await page.evaluate(() => fp.learnHandVtable([1, 0, 2], 10, 3).results), [7, 13, 30]);
  errors.assertNone();
});
