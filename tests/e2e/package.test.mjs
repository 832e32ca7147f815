// The npm package as someone would use it: `npm pack` the built pkg/, install
// the tarball into a fresh folder, and embed <futures-playground> twice in a
// plain HTML page (no bundler) whose own CSS is chosen to clash; then the same
// from a page built by Vite importing the package by name. Both pages are
// served on 127.0.0.1 and must load, run, draw and raise no error.
// Needs scripts/build.sh first (scripts/test.sh does that).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../../scripts/serve.mjs';
import { REPO_ROOT, launchBrowser, screenshot } from './harness.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'fp-package-'));
let tarball;
let browser;
const servers = [];

/** Installs the packed tarball into a fresh project folder. */
function project(name, files) {
  const dir = path.join(work, name);
  mkdirSync(path.join(dir, 'public'), { recursive: true });
  // Without an icon the browser asks for /favicon.ico, and its 404 is a console error.
  writeFileSync(path.join(dir, 'public', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `fp-${name}`, private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, stdio: 'pipe' });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

before(async () => {
  execFileSync('npm', ['pack', '--pack-destination', work, '--loglevel=error'], { cwd: path.join(REPO_ROOT, 'pkg'), stdio: 'pipe' });
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  for (const server of servers) await server.close();
  rmSync(work, { recursive: true, force: true });
}, { timeout: 30_000 });

const PROGRAM = 'let a = sleep(120);\nlet b = sleep(60);\nawait b;\nawait a;\nlog("done");';

/** Host CSS that would break an element whose styles leaked either way. */
const CLASHING_CSS = `
* { font: 40px/3 serif !important; color: #f0f !important; box-sizing: content-box !important; }
div, section, pre, button, textarea { display: inline !important; margin: 33px !important; border: 9px dotted lime !important; }
button { visibility: hidden !important; }
.timeline, .lane, .mark, .panel, .run, .editor { display: none !important; }
`;

/** Opens `url`, runs both elements, and checks each drew its own runs. */
async function runBoth(url, shot, extra = async () => {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`));
  context.on('weberror', (error) => problems.push(`weberror: ${error.error().message}`));
  await page.goto(url);
  for (const id of ['first', 'second']) {
    await page.waitForSelector(`#${id}[data-state="ready"]`, { state: 'attached', timeout: 30_000 });
  }
  // The host CSS did not reach inside: the Run buttons are visible and clickable.
  // One after the other: each click scrolls its element into view, and a click
  // made while the other one scrolled the page could land beside its button.
  for (const id of ['first', 'second']) await page.locator(`#${id} button.run`).click();
  for (const id of ['first', 'second']) {
    try {
      await page.waitForSelector(`#${id}[data-state="done"]`, { state: 'attached', timeout: 30_000 });
    } catch (error) {
      // Once seen in a full run and not since: say where the run stood.
      const where = await page.locator(`#${id}`).evaluate((el) => ({
        state: el.dataset.state,
        status: el.shadowRoot?.querySelector('[role=status]')?.textContent ?? null,
      }));
      throw new Error(`#${id} never finished its run: ${JSON.stringify(where)}; page problems: ${JSON.stringify(problems)}`, { cause: error });
    }
  }
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const drawn = {};
  for (const id of ['first', 'second']) {
    drawn[id] = await page.locator(`#${id} .tl-lanes [data-kind]`).evaluateAll((nodes) =>
      nodes.map((n) => `${n.dataset.engine} ${n.dataset.kind} ${n.getAttribute('aria-label')}`));
    assert.ok(drawn[id].some((m) => m.startsWith('js start')), `${id}: JS marks drawn`);
    assert.ok(drawn[id].some((m) => m.startsWith('rust start')), `${id}: Rust marks drawn`);
  }
  // Each element ran its own program.
  assert.ok(drawn.first.some((m) => m.includes('sleep(300)')), 'first ran its preset');
  assert.ok(drawn.second.some((m) => m.includes('sleep(120)')), 'second ran its inline program');
  assert.ok(!drawn.first.some((m) => m.includes('sleep(120)')), 'runs stay apart');
  // The element's styles did not leak out: the host's own paragraph keeps the host's font.
  assert.equal(await page.locator('p.host').evaluate((n) => getComputedStyle(n).fontSize), '40px');
  // The Learn tab loads its sections (modules, styles, the worker) from the package too.
  await page.locator('#first button[role="tab"][data-tab="learn"]').click();
  await page.locator('#first section[data-section="concurrency"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('#first [data-panel="learn"] .learn-section [role="alert"]').count(), 0, 'every Learn section started');
  await page.locator('#first section[data-section="hand-vtable"] button[data-swap="add-sub"]').click();
  assert.equal(await page.locator('#first section[data-section="hand-vtable"] li[data-method="add"]').getAttribute('data-answered-by'), 'sub');
  await page.locator('#first section[data-section="concurrency"] button', { hasText: 'Start a worker' }).click();
  await page.locator('#first section[data-section="concurrency"]', { hasText: 'round trip takes' }).waitFor({ timeout: 15_000 });
  await page.locator('#first button[role="tab"][data-tab="playground"]').click();
  await extra(page);
  await screenshot(page, shot);
  await context.close();
  assert.deepEqual(problems, []);
}

test('a plain page with two elements and clashing host CSS, no bundler', { timeout: 120_000 }, async () => {
  const dir = project('plain', {
    'host.css': CLASHING_CSS,
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Two playgrounds</title>
    <link rel="icon" href="public/icon.svg">
    <link rel="stylesheet" href="host.css">
    <script type="module" src="./node_modules/futures-playground/playground/index.js"></script>
  </head>
  <body>
    <p class="host">A blog post with two playgrounds.</p>
    <futures-playground id="first" preset="01-timer-created-vs-polled" no-url-fragment></futures-playground>
    <futures-playground id="second" no-url-fragment panels="editor timeline output" height="600px" theme="dark">${PROGRAM}</futures-playground>
  </body>
</html>
`,
  });
  const server = await startServer({ root: dir, port: 0 });
  servers.push(server);
  await runBoth(`${server.url}index.html`, 'package-plain-page', async (page) => {
    // The second element's attributes: only three panels, its own height, dark.
    const second = page.locator('#second');
    for (const [panel, shown] of [['program', true], ['timeline-panel', true], ['output-panel', true], ['generated', false], ['executor-panel', false]]) {
      assert.equal(await second.locator(`section.${panel}`).isVisible(), shown, `second: ${panel} ${shown ? 'shown' : 'hidden'}`);
    }
    assert.equal(await second.getAttribute('data-theme'), 'dark');
    assert.equal(await second.evaluate((n) => n.getBoundingClientRect().height), 600);
    assert.equal(await page.locator('#first').getAttribute('data-theme'), 'light', 'auto follows the light scheme');
    assert.equal(await page.locator('#first section.executor-panel').isVisible(), true);
  });
});

test('a page built by Vite importing the package by name', { timeout: 180_000 }, async () => {
  const dir = project('vite', {
    'host.css': CLASHING_CSS,
    'main.js': `import 'futures-playground/element';
import init, { version } from 'futures-playground';
await init();
document.querySelector('p.host').dataset.version = version();
`,
    'index.html': `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Vite</title>
    <link rel="icon" href="/icon.svg">
    <link rel="stylesheet" href="./host.css">
    <script type="module" src="./main.js"></script>
  </head>
  <body>
    <p class="host">Built with Vite.</p>
    <futures-playground id="first" preset="01-timer-created-vs-polled" no-url-fragment></futures-playground>
    <futures-playground id="second" no-url-fragment program='${PROGRAM.replaceAll("'", '&#39;')}'></futures-playground>
  </body>
</html>
`,
  });
  const { build } = await import('vite');
  await build({ root: dir, logLevel: 'warn', build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' } });
  const server = await startServer({ root: path.join(dir, 'dist'), port: 0 });
  servers.push(server);
  await runBoth(`${server.url}index.html`, 'package-vite-page');
});
