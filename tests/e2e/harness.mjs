// Shared helpers for end-to-end tests: the static server (in-process), the system
// Chromium driven by playwright-core (never a downloaded browser), error capture,
// and screenshots.
//
//   const env = await setup();                       // server + browser
//   const { page, errors } = await env.openPage('index.html');
//   ...; errors.assertNone(); await screenshot(page, 'name');
//   await env.teardown();
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { after, before } from 'node:test';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-output');
export const SCREENSHOT_DIR = path.join(OUTPUT_DIR, 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  '--disable-dev-shm-usage',
];

/** Path of the system Chromium: $CHROMIUM, else `which chromium`. */
export function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  let found = '';
  try {
    found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    // fall through
  }
  if (!found || !existsSync(found)) {
    throw new Error('chromium not found: run scripts/setup.sh (apt-get install chromium) or set CHROMIUM=/path/to/chromium');
  }
  return found;
}

/** Launch the system Chromium headless. */
export async function launchBrowser(options = {}) {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 30_000,
    ...options,
  });
}

/**
 * Collects everything that should fail a page test: uncaught page errors,
 * console.error messages, and context-level web errors.
 */
export class ErrorLog {
  constructor() {
    this.entries = [];
  }

  add(kind, text) {
    this.entries.push(`${kind}: ${text}`);
  }

  assertNone(message = 'page reported errors') {
    if (this.entries.length > 0) {
      throw new Error(`${message}:\n  ${this.entries.join('\n  ')}`);
    }
  }
}

function describeError(err) {
  if (err instanceof Error) return err.stack || `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * The server and browser plumbing every harness shares (Chromium here, Firefox in
 * tests/e2e-firefox/harness.mjs): start the server (port 0), `launch()` the
 * browser, and open pages in fresh contexts made by `newPage(browser, options)`,
 * which returns `{ page, context, errors }` with error capture already attached.
 * `waitForEngines(page)` waits for the engines' test page to load its package.
 */
export async function startSession({ root = REPO_ROOT, routes = {}, launch, newPage, waitForEngines }) {
  const server = await startServer({ root, port: 0, routes });
  let browser;
  try {
    browser = await launch();
  } catch (err) {
    await server.close();
    throw err;
  }
  const contexts = [];

  /** Open `relPath` (relative to the server root) in a fresh browser context. */
  async function openPage(relPath = 'index.html', options = {}) {
    const { page, context, errors } = await newPage(browser, options);
    contexts.push(context);
    const url = new URL(relPath, server.url).href;
    const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
    if (!response || !response.ok()) {
      throw new Error(`GET ${url} -> ${response ? response.status() : 'no response'}`);
    }
    return { page, context, errors, url, response };
  }

  /** The engines' test page (tests/e2e/pages/engines.html), once its package has loaded. */
  async function openEngines() {
    const opened = await openPage('tests/e2e/pages/engines.html');
    await waitForEngines(opened.page);
    return opened;
  }

  async function teardown() {
    for (const context of contexts) await context.close().catch(() => {});
    await browser.close().catch(() => {});
    await server.close();
  }

  return { server, browser, openPage, openEngines, teardown };
}

/** Start the server and the system Chromium; returns helpers and a teardown. */
export async function setup({ root = REPO_ROOT, routes = {} } = {}) {
  return startSession({
    root,
    routes,
    launch: () => launchBrowser(),
    /** A fresh context; errors are collected from the moment it exists. */
    async newPage(browser, { colorScheme = 'light', viewport = { width: 900, height: 800 } } = {}) {
      const context = await browser.newContext({ colorScheme, viewport });
      const errors = new ErrorLog();
      context.on('weberror', (webError) => errors.add('weberror', describeError(webError.error())));
      const page = await context.newPage();
      page.on('pageerror', (err) => errors.add('pageerror', describeError(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error') {
          const loc = msg.location();
          errors.add('console.error', `${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
        }
      });
      page.on('crash', () => errors.add('crash', 'page crashed'));
      return { page, context, errors };
    },
    waitForEngines: (page) => waitForState(page, 'ready', { timeout: 30_000 }),
  });
}

/** Save a full-page screenshot to test-output/screenshots/<name>.png; returns the path. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Wait until `body[data-state]` is one of `states`. If the page lands in 'error'
 * (and that was not expected), fail with the text of the error box.
 */
export async function waitForState(page, states, { timeout = 20_000 } = {}) {
  const wanted = Array.isArray(states) ? states : [states];
  const watch = [...new Set([...wanted, 'error'])];
  const selector = watch.map((s) => `body[data-state="${s}"]`).join(', ');
  await page.waitForSelector(selector, { state: 'attached', timeout });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (!wanted.includes(state)) {
    const alert = await page.locator('[role="alert"]').first().textContent().catch(() => '');
    throw new Error(`page reached state "${state}" instead of ${wanted.join('|')}: ${alert ?? ''}`);
  }
  return state;
}

/**
 * One test file's environment (the server and the browser of `setup`, or of
 * another harness's `start`, e.g. tests/e2e-firefox's setupFirefox), set up
 * before its first test and torn down after its last. The returned object
 * forwards to it once the tests run.
 */
export function sharedSetup(options = {}, start = setup) {
  let env;
  before(async () => {
    env = await start(options);
  }, { timeout: 60_000 });
  after(async () => {
    await env?.teardown();
  }, { timeout: 30_000 });
  return {
    openPage: (...args) => env.openPage(...args),
    openEngines: (...args) => env.openEngines(...args),
    get server() {
      return env.server;
    },
    get browser() {
      return env.browser;
    },
  };
}
