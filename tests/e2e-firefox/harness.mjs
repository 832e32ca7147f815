// End-to-end helpers for Firefox: Debian's firefox-esr driven over WebDriver BiDi
// by puppeteer-core (which never downloads a browser: it is only ever given the
// system binary). Playwright's Firefox is a patched build that cannot be
// downloaded here, so these tests use a second driver; the page checks are the
// ones that matter in any browser (see the test files).
//
//   const env = await setupFirefox();                 // server + firefox-esr
//   const opened = await env.openPage('index.html');  // { page, errors, response, ... }
//   ...; await assertClean(opened);
//   await env.teardown();
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { ErrorLog, REPO_ROOT, SCREENSHOT_DIR, startSession } from '../e2e/harness.mjs';

/** Path of the system Firefox: $FIREFOX, else `which firefox-esr` (Debian), else `which firefox`. */
export function firefoxPath() {
  if (process.env.FIREFOX) return process.env.FIREFOX;
  for (const name of ['firefox-esr', 'firefox']) {
    try {
      const found = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (found && existsSync(found)) return found;
    } catch {
      // try the next name
    }
  }
  throw new Error('firefox not found: run scripts/setup.sh (apt-get install firefox-esr) or set FIREFOX=/path/to/firefox');
}

/**
 * Launch the system Firefox headless, over WebDriver BiDi. With `downloadDir`,
 * downloads are saved there without asking, by Firefox's own preferences, for
 * every context. puppeteer gives no download event to wait on: poll the
 * directory (see waitForDownload).
 */
export async function launchFirefox({ downloadDir } = {}) {
  const downloads = downloadDir
    ? {
        'browser.download.dir': downloadDir,
        'browser.download.folderList': 2,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.download.manager.showWhenStarting': false,
      }
    : {};
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    timeout: 60_000,
    protocolTimeout: 60_000,
    extraPrefsFirefox: {
      // No update checks, telemetry or first-run pages in a test browser.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      ...downloads,
    },
  });
}

function describeError(err) {
  if (err instanceof Error) return err.stack ? `${err.name}: ${err.message}\n${err.stack}` : `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Start the server and the system Firefox; returns the same helpers as tests/e2e's
 * `setup`. `downloadDir`: where the browser saves downloads (see launchFirefox).
 */
export async function setupFirefox({ root = REPO_ROOT, routes = {}, downloadDir } = {}) {
  return startSession({
    root,
    routes,
    launch: () => launchFirefox({ downloadDir }),
    /**
     * A fresh browser context (its own storage, like a fresh Playwright context).
     * Collects page errors, console.error lines and Content-Security-Policy
     * violations from before the first script runs.
     */
    async newPage(browser, { viewport = { width: 1280, height: 800 } } = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport(viewport);
      const errors = new ErrorLog();
      page.on('pageerror', (err) => errors.add('pageerror', describeError(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error') {
          const loc = msg.location();
          errors.add('console.error', `${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
        }
      });
      await page.evaluateOnNewDocument(() => {
        globalThis.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          globalThis.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
        });
        // Kept to tell apart the rejections a page handled (see assertClean).
        globalThis.__rejections = [];
        globalThis.addEventListener('unhandledrejection', (e) => globalThis.__rejections.push(e));
      });
      return { page, context, errors };
    },
    waitForEngines: (page) => waitForBodyState(page, 'ready', { timeout: 30_000 }),
  });
}

/**
 * Fails on any page error, console.error or CSP violation of the page so far.
 *
 * Firefox's WebDriver BiDi log reports every unhandled promise rejection as a
 * JavaScript error, even one whose `unhandledrejection` event the page cancelled
 * with preventDefault() (the js engine does that for the rejections a program
 * leaves unhandled on purpose, example 08, and records them in its trace).
 * Chromium reports none of those. So a page error is dropped when it is the
 * reason of a rejection the page cancelled; every other one fails the test.
 */
export async function assertClean({ page, errors }) {
  const { violations, handled } = await page.evaluate(() => ({
    violations: globalThis.__cspViolations ?? ['(the violation listener is missing)'],
    handled: (globalThis.__rejections ?? []).filter((e) => e.defaultPrevented).map((e) => String(e.reason)),
  }));
  errors.entries = errors.entries.filter((entry) => {
    const match = /^pageerror: Error: (.*)$/m.exec(entry);
    if (!match) return true;
    const at = handled.indexOf(match[1]);
    if (at < 0) return true;
    handled.splice(at, 1);
    return false;
  });
  for (const v of violations) errors.add('csp', v);
  errors.assertNone();
}

/** Wait until `body[data-state]` is `state`; fails with the page's alert text if it reaches 'error'. */
export async function waitForBodyState(page, state, { timeout = 20_000 } = {}) {
  await page.waitForSelector(`body[data-state="${state}"], body[data-state="error"]`, { timeout });
  const now = await page.evaluate(() => document.body.dataset.state);
  if (now !== state) {
    const alert = await page.evaluate(() => document.querySelector('[role="alert"]')?.textContent ?? '');
    throw new Error(`page reached state "${now}" instead of ${state}: ${alert}`);
  }
}

/** Save a full-page screenshot to test-output/screenshots/firefox-<name>.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `firefox-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---- The playground element, driven through its open shadow root. ----

export const EL = 'futures-playground';

/** A selector inside the element's (open) shadow root. */
export const inEl = (selector) => `${EL} >>> ${selector}`;

/**
 * Waits until `selector` matches inside the element's shadow root, by polling:
 * puppeteer's waitForSelector watches the document with a MutationObserver,
 * which misses what changes inside a shadow root.
 */
export const waitInEl = (page, selector, { timeout = 10_000 } = {}) =>
  page.waitForFunction(
    (el, inner) => Boolean(document.querySelector(el)?.shadowRoot?.querySelector(inner)),
    { timeout, polling: 50 },
    EL,
    selector,
  );

export const waitForElementState = (page, state, timeout = 20_000) =>
  page.waitForSelector(`${EL}[data-state="${state}"]`, { timeout });

export async function click(page, selector) {
  const handle = await page.waitForSelector(inEl(selector), { visible: true, timeout: 10_000 });
  await handle.click();
}

/** Puts `text` in the editor the way typing ends, with an `input` event. */
export async function fill(page, text) {
  const area = await page.waitForSelector(inEl('textarea'), { timeout: 10_000 });
  await area.evaluate((node, value) => {
    node.focus();
    node.value = value;
    node.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
  }, text);
}

/**
 * Waits until a finished file matching `pattern` is in `dir` and returns its
 * path. Firefox writes the data to a `<random>.json.part` file, makes an empty
 * file of the final name, and only then moves the data over it (seen here:
 * the final name exists with 0 bytes while the `.part` has all of them), so
 * finished is: non-empty, no `<name>.part`, the same size on two polls in a row.
 */
export async function waitForDownload(dir, pattern, { timeout = 10_000 } = {}) {
  const { readdir, stat } = await import('node:fs/promises');
  const until = Date.now() + timeout;
  let last = null;
  for (;;) {
    const names = await readdir(dir);
    const name = names.find((n) => pattern.test(n) && !n.endsWith('.part'));
    if (name && !names.includes(`${name}.part`)) {
      const { size } = await stat(path.join(dir, name));
      if (size > 0 && last === `${name}:${size}`) return path.join(dir, name);
      last = `${name}:${size}`;
    } else {
      last = null;
    }
    if (Date.now() > until) throw new Error(`no finished download matching ${pattern} in ${dir} after ${timeout} ms: ${names.join(', ') || '(empty)'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

export const texts = (page, selector) => page.$$eval(inEl(selector), (nodes) => nodes.map((n) => n.textContent));

export async function runAndWait(page) {
  await click(page, 'button.run');
  await waitForElementState(page, 'done');
  await frames(page);
}

/** Picks an example in the element's select, and waits until it took. */
export async function choosePreset(page, id) {
  const select = await page.waitForSelector(inEl('select.preset'));
  await select.select(id);
  await page.waitForFunction(
    (el, want) => document.querySelector(el).shadowRoot.querySelector('select.preset').value === want,
    { timeout: 5_000, polling: 50 },
    EL,
    id,
  );
}

/** Every mark and bar in the timeline as plain data. */
export const marks = (page) => page.$$eval(inEl('.tl-lanes [data-kind]'), (nodes) => nodes.map((n) => ({
  engine: n.dataset.engine,
  kind: n.dataset.kind,
  t: Number(n.dataset.t),
  label: n.getAttribute('aria-label'),
  text: n.dataset.text,
})));

/** The marks of one operation, by the start of its label (e.g. 'sleep(300)'). */
export const find = (list, engine, kind, label) => list.filter((m) => m.engine === engine && m.kind === kind && m.label.startsWith(`${engine} ${label}`));
