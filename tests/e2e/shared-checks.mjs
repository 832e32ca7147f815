// What the Chromium (tests/e2e) and Firefox (tests/e2e-firefox) suites share
// besides the server: the failing endpoints, and what the page shows about a
// stepped run. Each driver runs the same check its own way.

/**
 * Server routes that fail the way networks do, counting what they saw in
 * `seen` ({ slowBody, slowBodyFull, never, neverHits, reset }): requests, and
 * connections closed before the endpoint finished answering.
 */
export function faultRoutes(seen) {
  return {
    '/fault/500': (req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('server error');
    },
    // Headers at once, then one byte every 100 ms for 3 s.
    '/fault/slow-body': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const timer = setInterval(() => {
        res.write('.');
        if (++sent === 30) {
          clearInterval(timer);
          seen.slowBodyFull++;
          res.end();
        }
      }, 100);
      res.on('close', () => {
        if (sent < 30) seen.slowBody++;
        clearInterval(timer);
      });
    },
    // Half a body, then the connection is destroyed.
    '/fault/abort-mid-body': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('x'.repeat(500));
      setTimeout(() => res.destroy(), 50);
    },
    // Never answers; counts the requests, and those given up on.
    '/fault/never': (req, res) => {
      seen.neverHits++;
      res.on('close', () => seen.never++);
    },
    // No response at all: the connection is closed at once (a network failure).
    '/fault/reset': (req, res) => {
      seen.reset++;
      req.socket.destroy();
    },
  };
}

/** A fresh set of counters for `faultRoutes`. */
export const faultCounters = () => ({ slowBody: 0, slowBodyFull: 0, never: 0, neverHits: 0, reset: 0 });

/**
 * What the page shows about a stepped run, read from the DOM. Runs in the
 * page, given the <futures-playground> element: self-contained.
 */
export function readStepView(host) {
  const root = host.shadowRoot;
  const step = root.querySelector('button.step');
  const reasonId = step.getAttribute('aria-describedby');
  const polls = root.querySelector('.tasks tr[data-task="1"] [data-field="polls"]');
  return {
    state: host.dataset.state,
    stepDisabled: step.disabled,
    reasonId,
    reason: reasonId ? root.getElementById(reasonId)?.textContent ?? null : null,
    last: root.querySelector('.step-last')?.textContent ?? '',
    barHidden: root.querySelector('.stepbar').hidden,
    continueHidden: root.querySelector('button.continue').hidden,
    queue: [...root.querySelectorAll('[data-part="queue"] .chip')].map((c) => ({ task: Number(c.dataset.task), next: c.hasAttribute('data-next') })),
    polls: polls ? Number(polls.textContent) : 0,
    stepFocused: root.activeElement === step,
  };
}

/**
 * Records what `readStepView` finds after every batch of changes in the
 * element, in `globalThis.stepViews`, until `takeStepViews` stops it. A state
 * shorter than the driver's round trips can then still be checked: after Step 1
 * of preset 01, Step waits only until a 200 ms timer fires, and a loaded
 * Firefox has read the page 940 ms after the click. Runs in the page, given the
 * element and `readStepView`: see `recordStepViewsIn`.
 */
export function recordStepViews(host, read) {
  const views = [read(host)];
  const observer = new MutationObserver(() => views.push(read(host)));
  const changes = { subtree: true, childList: true, attributes: true, characterData: true };
  observer.observe(host, { attributes: true });
  observer.observe(host.shadowRoot, changes);
  globalThis.stepViews = { views, observer };
}

/** The expression that starts `recordStepViews` on the element `selector`. */
export const recordStepViewsIn = (selector) =>
  `(${recordStepViews})(document.querySelector(${JSON.stringify(selector)}), ${readStepView})`;

/** Stops the recording and returns the views. Runs in the page: self-contained. */
export function takeStepViews() {
  const { views, observer } = globalThis.stepViews;
  observer.disconnect();
  delete globalThis.stepViews;
  return views;
}

/** The last recorded view that shows Step waiting after the step that `last` names. */
export const waitingAfter = (views, last) => views.filter((v) => last.test(v.last) && v.stepDisabled).at(-1);

/**
 * Moves the replay scrubber to moment `index`, as dragging it does. Runs in
 * the page, given the scrubber input: self-contained.
 */
export function setScrubber(input, index) {
  input.value = String(index);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * Installs `stepped(source)` in the engines test page: starts a stepped Rust
 * run and keeps, in `current`, its events, its onStepReady count, its trace
 * once finished, and `polls()` / `has(kind, label)` to read them. Runs in the
 * page: self-contained.
 */
export function installSteppedProbe() {
  globalThis.stepped = (source) => {
    const state = { events: [], readies: 0, trace: null };
    state.run = globalThis.fp.startScenario(source, {
      engine: 'rust',
      stepped: true,
      onEvent: (e) => state.events.push(e),
      onStepReady: () => state.readies++,
    });
    state.run.finished.then((trace) => (state.trace = trace));
    state.polls = () => state.events.filter((e) => e.kind === 'executor' && e.text === 'poll-start').length;
    state.has = (kind, label) => state.events.some((e) => e.kind === kind && e.label === label);
    globalThis.current = state;
    return true;
  };
}
