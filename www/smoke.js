// Smoke page (smoke.html) for the futures-playground WebAssembly package (built into /pkg by
// scripts/build.sh). Plain ES module; renders text only via textContent.
//
// State for tests: document.body.dataset.state = 'loading' | 'ready' | 'running' | 'done' | 'error'.

const DEFAULT_MS = 100;
const MAX_MS = 10_000;

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`smoke page: missing element #${id}`);
  return el;
};

const ui = {
  version: $('version'),
  form: $('smoke-form'),
  ms: $('ms'),
  run: $('run'),
  error: $('error'),
  requested: $('requested'),
  elapsed: $('elapsed'),
  polls: $('polls'),
  wakes: $('wakes'),
  events: $('events'),
};

function setState(state) {
  document.body.dataset.state = state;
}

function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}

function showError(context, err) {
  ui.error.textContent = `${context}: ${describe(err)}`;
  ui.error.hidden = false;
  setState('error');
}

function clearError() {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

// A trap inside wasm (Rust panic with panic=abort) surfaces as an uncaught error
// or a rejected promise; make it visible instead of leaving the page stuck.
window.addEventListener('error', (event) => showError('Uncaught error', event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => showError('Unhandled rejection', event.reason));

function readMs() {
  const raw = ui.ms.value.trim();
  const ms = raw === '' ? DEFAULT_MS : Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_MS) {
    throw new RangeError(`sleep must be a whole number of milliseconds from 0 to ${MAX_MS}, got "${raw}"`);
  }
  return ms;
}

function formatMs(value) {
  return typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(1)} ms` : '–';
}

function setNumber(el, value, text) {
  el.textContent = text;
  if (typeof value === 'number' && Number.isFinite(value)) el.dataset.value = String(value);
  else delete el.dataset.value;
}

function renderResult(result) {
  if (result === null || typeof result !== 'object') {
    throw new TypeError(`smoke() resolved to ${describe(result)}, expected an object`);
  }
  const { requestedMs, elapsedMs, polls, wakes, events } = result;
  setNumber(ui.requested, requestedMs, typeof requestedMs === 'number' ? `${requestedMs} ms` : '–');
  setNumber(ui.elapsed, elapsedMs, formatMs(elapsedMs));
  setNumber(ui.polls, polls, String(polls ?? '–'));
  setNumber(ui.wakes, wakes, String(wakes ?? '–'));
  ui.elapsed.classList.toggle('late', elapsedMs < requestedMs);

  const items = (Array.isArray(events) ? events : []).map((event) => {
    const li = document.createElement('li');
    li.textContent = String(event);
    return li;
  });
  ui.events.replaceChildren(...items);
}

function resetResult() {
  for (const el of [ui.requested, ui.elapsed, ui.polls, ui.wakes]) setNumber(el, undefined, '–');
  ui.events.replaceChildren();
}

let smokeFn = null;
let running = false;

async function runSmoke() {
  if (!smokeFn || running) return;
  clearError();
  let ms;
  try {
    ms = readMs();
  } catch (err) {
    showError('Invalid input', err);
    return;
  }
  running = true;
  ui.run.disabled = true;
  resetResult();
  setState('running');
  try {
    const result = await smokeFn(ms);
    renderResult(result);
    // An uncaught error/rejection during the run (e.g. a wasm trap) keeps the page in 'error'.
    setState(ui.error.hidden ? 'done' : 'error');
  } catch (err) {
    showError('Smoke test failed', err);
  } finally {
    running = false;
    ui.run.disabled = false;
  }
}

async function main() {
  let wasm;
  try {
    wasm = await import('../pkg/futures_playground.js');
    await wasm.default();
  } catch (err) {
    ui.version.textContent = 'unavailable';
    showError('Could not load the WebAssembly package (did scripts/build.sh run?)', err);
    return;
  }
  ui.version.textContent = String(wasm.version());
  smokeFn = wasm.smoke;
  ui.run.disabled = false;
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    runSmoke();
  });
  setState('ready');
  await runSmoke();
}

main().catch((err) => showError('Smoke page failed', err));
