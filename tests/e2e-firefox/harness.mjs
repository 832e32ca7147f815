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

/** Launch the system Firefox headless, over WebDriver BiDi. */
export async function launchFirefox() {
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
    },
  });
}

function describeError(err) {
  if (err instanceof Error) return err.stack ? `${err.name}: ${err.message}\n${err.stack}` : `${err.name}: ${err.message}`;
  return String(err);
}

/** Start the server and the system Firefox; returns the same helpers as tests/e2e's `setup`. */
export async function setupFirefox({ root = REPO_ROOT, routes = {} } = {}) {
  return startSession({
    root,
    routes,
    launch: launchFirefox,
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
