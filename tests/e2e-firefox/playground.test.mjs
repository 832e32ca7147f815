// The playground page (index.html + <futures-playground>) in Firefox
// (firefox-esr over WebDriver BiDi, see harness.mjs), served by scripts/serve.mjs
// with its strict Content-Security-Policy: the module loads, an example runs on
// both engines and both timelines are drawn, Stop ends a run, a share link
// round-trips and a bad one shows an error. Every test fails on a page error,
// console.error or CSP violation. Clicks and selections are real input events;
// the editor is filled the way typing ends, with an `input` event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSP } from '../../scripts/serve.mjs';
import { sharedSetup } from '../e2e/harness.mjs';
import { loadCorpus } from '../share/corpus.mjs';
import { EL, assertClean, click, fill, find, frames, inEl, marks, runAndWait, screenshot, setupFirefox, texts, waitForElementState } from './harness.mjs';

const env = sharedSetup({}, setupFirefox);

async function open(path = 'index.html', { state = 'ready' } = {}) {
  const opened = await env.openPage(path);
  await waitForElementState(opened.page, state);
  return opened;
}

test('the page loads under the strict CSP; an example runs and draws both timelines', { timeout: 90_000 }, async () => {
  const opened = await open();
  const { page, response } = opened;
  assert.equal(response.headers()['content-security-policy'], CSP, 'the server sends its CSP');
  const select = await page.waitForSelector(inEl('select.preset'));
  const presetIds = await select.evaluate((s) => [...s.options].map((o) => o.value).filter(Boolean));
  assert.ok(presetIds.includes('01-timer-created-vs-polled'), `examples offered: ${presetIds.join(', ')}`);
  await select.select('01-timer-created-vs-polled');
  await page.waitForFunction(
    (el) => /created vs first polled/.test(document.querySelector(el).shadowRoot.querySelector('.preset-title')?.textContent ?? ''),
    { timeout: 5_000 },
    EL,
  );
  await runAndWait(page);
  const all = await marks(page);
  for (const engine of ['js', 'rust']) {
    assert.ok(all.some((m) => m.engine === engine), `${engine}: no marks in the timeline`);
    for (const op of ['sleep(300)', 'sleep(200)']) {
      assert.equal(find(all, engine, 'start', op).length, 1, `${engine}: one start of ${op}`);
      assert.equal(find(all, engine, 'settle', op).length, 1, `${engine}: one settle of ${op}`);
    }
  }
  // The example's point, in this browser too: JS starts sleep(300) when it is
  // made, Rust when it is first polled, after sleep(200) has finished.
  const jsStart = find(all, 'js', 'start', 'sleep(300)')[0].t;
  const rustStart = find(all, 'rust', 'start', 'sleep(300)')[0].t;
  const rustOther = find(all, 'rust', 'settle', 'sleep(200)')[0].t;
  assert.ok(jsStart < rustStart, `js starts sleep(300) at ${jsStart} ms, before rust at ${rustStart} ms`);
  assert.ok(rustStart >= rustOther, `rust starts sleep(300) (${rustStart} ms) once sleep(200) settled (${rustOther} ms)`);
  assert.ok(all.some((m) => m.engine === 'rust' && m.kind === 'poll'), 'rust poll marks');
  assert.ok(all.some((m) => m.engine === 'rust' && m.kind === 'wake'), 'rust wake marks');
  const totals = await page.$$eval(inEl('.total'), (n) => Object.fromEntries(n.map((x) => [x.dataset.engine, Number(x.dataset.total)])));
  assert.ok(totals.js > 0 && totals.rust > totals.js, `totals: ${JSON.stringify(totals)}`);
  const task = await page.$(inEl('.tasks tr[data-task="1"]'));
  assert.equal(await task.evaluate((n) => n.dataset.state), 'done', 'the main task is done');
  assert.match((await texts(page, '.code-view.rust pre')).join(''), /sleep\(Duration::from_millis\(300\)\)/);
  assert.match((await texts(page, '.code-view.javascript pre')).join(''), /const a = sleep\(300\)/);
  // Firefox shows the tab opened by the driver; no "hidden tab" warning.
  assert.equal(await page.$eval(inEl('.hidden-tab'), (n) => n.hidden), true, 'no hidden-tab warning');
  await assertClean(opened);
  await screenshot(page, 'playground-preset-01');
});

test('Stop ends a run; the next run shows nothing from the stopped one', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  await fill(page, 'log("one");\nawait sleep(700);\nlog("late one");\n');
  await click(page, 'button.run');
  await waitForElementState(page, 'running');
  await new Promise((r) => setTimeout(r, 150));
  await click(page, 'button.stop');
  await waitForElementState(page, 'stopped', 5_000);
  const stopped = await texts(page, '.engine-error');
  assert.ok(stopped.some((t) => /JS stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  assert.ok(stopped.some((t) => /Rust stopped by a limit: run stopped/.test(t)), stopped.join(' | '));
  await fill(page, 'log("two");\nawait sleep(300);\nlog("end two");\n');
  await runAndWait(page);
  const logs = (await marks(page)).filter((m) => m.kind === 'log').map((m) => m.text);
  assert.deepEqual([...new Set(logs)].sort(), ['end two', 'two']);
  const outputs = await texts(page, '.out li');
  assert.ok(outputs.length > 0 && outputs.every((t) => !/one/.test(t)), `no output from run 1: ${outputs.join(' | ')}`);
  assert.equal((await page.$$(inEl('.engine-error'))).length, 0, 'no error left over from the stopped run');
  await assertClean(opened);
});

test('share link round trip: same code in a fresh context, nothing runs until Run', { timeout: 60_000 }, async () => {
  const opened = await open();
  const { page } = opened;
  const program = '// shared program ✓ with unicode\nlet a = sleep(40, "é");\nlog(await a);\n';
  await fill(page, program);
  await click(page, 'button.copy-link');
  await page.waitForFunction(
    (el) => /#v1:/.test(document.querySelector(el).shadowRoot.querySelector('input.share-url')?.value ?? ''),
    { timeout: 5_000 },
    EL,
  );
  const link = await page.$eval(inEl('input.share-url'), (n) => n.value);
  assert.match(link, /#v1:[A-Za-z0-9_-]+$/);
  await assertClean(opened);

  const fresh = await open(link.slice(link.indexOf('index.html')));
  assert.equal(await fresh.page.$eval(inEl('textarea'), (n) => n.value), program, 'identical code');
  assert.match((await texts(fresh.page, '.banner.info')).join(''), /Nothing has run/);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(await fresh.page.$eval(EL, (n) => n.dataset.state), 'ready', 'no run happened');
  assert.equal((await marks(fresh.page)).length, 0, 'no marks before Run');
  await runAndWait(fresh.page);
  assert.ok((await texts(fresh.page, '.out[data-engine="rust"] li')).some((t) => t.endsWith('é')), 'the shared program ran');
  await assertClean(fresh);
});

test('malformed, truncated, oversized and unknown-version links show an error; the page stays usable', { timeout: 90_000 }, async () => {
  // Fragments of the share-link corpus, with the reason tests/share/expected.json gives.
  const wanted = ['bad-base64-chars', 'truncated-deflate', 'deflate-bomb-10MiB', 'invalid-utf8', 'other-version'];
  const corpus = loadCorpus().filter((e) => wanted.includes(e.name));
  assert.equal(corpus.length, wanted.length, 'the corpus has every fragment this test opens');
  for (const { name, fragment, expected } of corpus) {
    const opened = await open(`index.html${fragment}`);
    const { page } = opened;
    await page.waitForSelector(inEl('.banner.error'), { visible: true, timeout: 5_000 });
    const alert = (await texts(page, '.banner.error')).join('');
    assert.match(alert, /cannot be opened/, name);
    assert.ok(alert.includes(expected.error), `${name}: ${JSON.stringify(alert)} lacks ${JSON.stringify(expected.error)}`);
    assert.ok((await page.$eval(inEl('textarea'), (n) => n.value)).length > 0, 'the editor shows a program');
    if (name === 'other-version') {
      await fill(page, 'log("still works");\n');
      await runAndWait(page);
      assert.equal((await texts(page, '.out[data-engine="js"] li')).length, 1);
    }
    await assertClean(opened);
    await opened.context.close();
  }
});
