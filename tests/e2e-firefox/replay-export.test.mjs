// Replay and trace export in Firefox (firefox-esr over WebDriver BiDi, see
// harness.mjs), ported from tests/e2e/playground.test.mjs: ◀ ▶ walk a recorded
// Rust run one poll-end at a time, the scrubber moves the timeline and the
// executor view back and forth, and Export saves a Chrome Trace Event JSON file.
// The download is real: this file's Firefox saves downloads to a temporary
// directory (Firefox preferences, see launchFirefox), and the test reads the
// saved file; it also reads the same blob through the page and checks both agree.
// Every test fails on a page error, console.error or CSP violation.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { sharedSetup } from '../e2e/harness.mjs';
import { setScrubber } from '../e2e/shared-checks.mjs';
import { EL, assertClean, choosePreset, click, find, frames, inEl, marks, runAndWait, setupFirefox, waitForDownload, waitForElementState, waitInEl } from './harness.mjs';

const downloadDir = mkdtempSync(path.join(tmpdir(), 'fp-firefox-downloads-'));
after(() => rmSync(downloadDir, { recursive: true, force: true }));
const env = sharedSetup({ downloadDir }, setupFirefox);

async function open() {
  const opened = await env.openPage('index.html');
  await waitForElementState(opened.page, 'ready');
  return opened;
}

const text = async (page, selector) => (await page.$$eval(inEl(selector), (nodes) => nodes.map((n) => n.textContent))).join('');

test('replay ◀ ▶ walk the recorded Rust run one poll-end at a time', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await choosePreset(page, '01-timer-created-vs-polled');
  await runAndWait(page);
  const full = (await marks(page)).length;
  await click(page, 'button.replay-next');
  assert.match(await text(page, '.replay-note'), /Poll 1 of \d+: task 1 poll returned Pending .*recorded run/);
  await waitInEl(page, '.tl-cursor:not([hidden])');
  assert.equal(await page.$eval(inEl('.fp'), (n) => n.dataset.view), 'replay');
  await frames(page);
  const first = await marks(page);
  assert.ok(first.length < full, `poll 1 shows part of the run (${first.length} < ${full})`);
  assert.equal(find(first, 'rust', 'start', 'sleep(300)').length, 0, 'after poll 1, Rust has not started sleep(300)');
  assert.equal(await page.$eval(inEl('.tasks tr[data-task="1"]'), (n) => n.dataset.state), 'waiting');
  assert.ok((await page.$$(inEl('.chip.timer'))).length >= 1, 'a timer is registered in the reactor');
  await click(page, 'button.replay-next');
  await frames(page);
  assert.match(await text(page, '.replay-note'), /Poll 2 of \d+:/);
  const second = await marks(page);
  assert.equal(find(second, 'rust', 'start', 'sleep(300)').length, 1, 'after poll 2, Rust started sleep(300)');
  assert.equal(find(second, 'rust', 'settle', 'sleep(300)').length, 0);
  // And back: ◀ returns to poll 1, before sleep(300) started.
  await click(page, 'button.replay-prev');
  await frames(page);
  assert.match(await text(page, '.replay-note'), /Poll 1 of \d+:/);
  assert.equal(find(await marks(page), 'rust', 'start', 'sleep(300)').length, 0, 'back at poll 1');
  await click(page, 'button.replay-prev');
  assert.match(await text(page, '.replay-note'), /first poll/);
  await click(page, 'button.live');
  await frames(page);
  assert.equal((await marks(page)).length, full, 'Show end brings the whole run back');
  await assertClean(opened);
});

test('replay: the scrubber moves the timeline and executor view back and forth', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await choosePreset(page, '01-timer-created-vs-polled');
  await runAndWait(page);
  const full = await marks(page);
  const scrub = await page.waitForSelector(inEl('input.scrubber'));
  assert.equal(await scrub.evaluate((n) => n.disabled), false);
  const max = Number(await scrub.evaluate((n) => n.getAttribute('max')));
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
  assert.equal(await scrub.evaluate((n) => n.value), '2');
  // The moment JS's sleep(300) settles: JS is done, Rust's sleep(300) is still running.
  const jsSettle = find(full, 'js', 'settle', 'sleep(300)')[0].t;
  let mid = await page.evaluate((el, t) => document.querySelector(el).replay.times.findIndex((x) => x >= t - 0.06), EL, jsSettle);
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
  assert.match(await text(page, '.scrub-time'), /ms/);
  // Forward again, to the last moment: everything is shown there. (Scrubber
  // moments used to be rounded to the nearest tenth of a millisecond, so an
  // event just past the last one, e.g. at 502.04 ms, was never shown; they are
  // rounded up now.)
  const midMarks = now.length;
  await setIndex(max);
  now = await marks(page);
  assert.ok(now.length > midMarks, `forward again: more of the run (${now.length} > ${midMarks} marks)`);
  assert.equal(find(now, 'rust', 'start', 'sleep(300)').length, 1, 'forward again: Rust sleep(300) still started');
  assert.equal(find(now, 'rust', 'settle', 'sleep(300)').length, 1, 'forward again: settled');
  assert.equal(now.length, full.length, 'the last moment shows the whole run');
  await setIndex(1);
  now = await marks(page);
  assert.equal(find(now, 'rust', 'settle', 'sleep(300)').length, 0, 'and back again');
  await assertClean(opened);
});

test('export: a Chrome Trace Event JSON download', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await choosePreset(page, '07-spawn-makes-rust-eager');
  await runAndWait(page);
  await click(page, 'button.export');
  await page.waitForFunction(
    (el) => /^blob:/.test(document.querySelector(el).shadowRoot.querySelector('a.download')?.href ?? ''),
    { timeout: 5_000, polling: 50 },
    EL,
  );
  const link = await page.$eval(inEl('a.download'), (a) => ({ href: a.href, name: a.download }));
  assert.match(link.name, /^futures-playground-trace-[\d-T]+\.json$/);
  assert.match(await text(page, '.status'), new RegExp(`Trace saved as ${link.name}`));

  // The file Firefox saved.
  const file = await waitForDownload(downloadDir, new RegExp(`^${link.name.replace(/\./g, '\\.')}$`));
  const json = JSON.parse(await readFile(file, 'utf8'));
  assert.ok(Array.isArray(json.traceEvents) && json.traceEvents.length > 10, `${json.traceEvents?.length} events`);
  const phases = new Set(json.traceEvents.map((e) => e.ph));
  assert.ok(phases.has('X') && phases.has('i') && phases.has('M'), [...phases].join(','));
  const pids = new Set(json.traceEvents.filter((e) => e.ph !== 'M').map((e) => e.pid));
  assert.deepEqual([...pids].sort(), [1, 2]);
  assert.ok(json.traceEvents.every((e) => e.ph === 'M' || (Number.isInteger(e.ts) && typeof e.tid === 'number')));
  assert.equal(json.otherData?.generator, 'futures-playground');
  const program = await page.$eval(inEl('textarea'), (n) => n.value);
  assert.equal(json.otherData.source, program, 'the trace carries the program that ran');
  // What the timeline shows is in the file: every Rust poll of the run is an X event.
  const rustPolls = json.traceEvents.filter((e) => e.pid === 2 && e.ph === 'X' && e.cat === 'executor');
  assert.ok(rustPolls.length >= 2, `${rustPolls.length} rust polls`);
  assert.ok(json.traceEvents.some((e) => e.pid === 1 && e.ph === 'X' && /^sleep\(/.test(e.name)), 'a JS sleep span');

  // The same bytes through the page: the blob the link points at.
  const fromPage = await page.evaluate(async (href) => (await fetch(href)).text(), link.href);
  assert.deepEqual(JSON.parse(fromPage), json, 'the saved file is the blob the page made');
  await assertClean(opened);
});

