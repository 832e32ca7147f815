// Section 3: the executor's RawWakerVTable, and a future driven by hand: the
// person is the executor (Poll), the timer reactor holds the waker (Wait) and
// calls wake when the timer fires (Wake).
import { el } from '../dom.js';

const VTABLE = [
  ['clone', '+1', 'Someone keeps the waker (a sleep, for the reactor): the new waker owns one more count of the task.'],
  ['wake', '−1, then +1 while queued', 'Consumes the waker: its count goes; the task goes into the run queue, which holds it.'],
  ['wake_by_ref', '0, then +1 while queued', 'Wakes without consuming: the waker keeps its count.'],
  ['drop', '−1', 'A waker is thrown away without waking.'],
];

const PHASE_TEXT = {
  queued: 'Queued: woken, waiting for the executor to poll it.',
  waiting: 'Waiting: the last poll returned Pending; the reactor holds its waker.',
  ready: 'Ready: the future has finished.',
};

export function mount(container, { wasm }) {
  let demo = null;
  const ms = el('input', { type: 'number', class: 'sleep-ms', value: '1500', min: '0', max: '60000', step: '100', 'aria-label': 'Sleep, in milliseconds' });
  const start = el('button', { type: 'button', class: 'new-task' }, 'New task');
  const poll = el('button', { type: 'button', class: 'poll primary', disabled: true }, 'Poll (you are the executor)');
  const stages = Object.fromEntries(['Poll', 'Wait', 'Wake'].map((s) => [s, el('li', { 'data-stage': s.toLowerCase() }, el('strong', {}, s), ' ', el('span', {}, { Poll: 'executor', Wait: 'reactor', Wake: 'reactor → executor' }[s]))]));
  const state = el('p', { class: 'waker-state', role: 'status' }, 'Press New task: a task `async { sleep(ms).await }` on an executor that polls only when you say.');
  const calls = el('ol', { class: 'waker-calls', 'aria-label': 'What happened, in order' });

  let lastPhase = null;
  // After a panic the module is replaced by a fresh instance (see the
  // bindings' panic.js): an object of the old one throws when used, and
  // freeing it would free memory of the new one. So it is tested, not freed.
  const usable = (d) => {
    try {
      d.state();
      return true;
    } catch {
      return false;
    }
  };
  const release = () => {
    if (demo && usable(demo)) demo.free();
    demo = null;
  };
  const refresh = () => {
    if (!demo) return;
    if (!usable(demo)) {
      demo = null;
      poll.disabled = true;
      state.textContent = 'The engine was restarted after a panic: press New task.';
      return;
    }
    for (const c of demo.takeCalls()) calls.append(el('li', { 'data-what': c.what }, el('code', {}, c.what), ` by ${c.who}`));
    const s = demo.state();
    state.dataset.phase = s.phase;
    state.textContent = `${PHASE_TEXT[s.phase]} The task's reference count is ${s.refCount}.`;
    poll.disabled = s.phase !== 'queued';
    stages.Poll.classList.toggle('on', s.phase === 'queued');
    stages.Wait.classList.toggle('on', s.phase === 'waiting');
    // Wake: the reactor's wake just moved the task from waiting to queued.
    stages.Wake.classList.toggle('on', lastPhase === 'waiting' && s.phase === 'queued');
    lastPhase = s.phase;
  };
  const woken = () => refresh();

  start.addEventListener('click', () => {
    const wait = Number(ms.value);
    if (!Number.isFinite(wait) || wait < 0 || wait > 60000) {
      state.textContent = 'The sleep must be between 0 and 60000 ms.';
      return;
    }
    release();
    calls.replaceChildren();
    demo = new wasm.WakerDemo(wait, woken);
    lastPhase = null;
    refresh();
  });
  poll.addEventListener('click', () => {
    if (demo && usable(demo)) demo.poll();
    refresh();
  });

  container.append(
    el('p', {}, 'Every waker of our executor is an Rc<Task> behind one static RawWakerVTable. Its four functions, and what each does to the task\'s reference count:'),
    el('table', { class: 'learn-table vtable-fns' },
      el('thead', {}, el('tr', {}, ['function', 'count', 'what it means'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, VTABLE.map(([fn, count, text]) => el('tr', {}, el('th', { scope: 'row' }, el('code', {}, fn)), el('td', {}, count), el('td', {}, text))))),
    el('ol', { class: 'stages', 'aria-label': 'Who does what' }, Object.values(stages)),
    el('div', { class: 'learn-controls' }, el('label', {}, 'sleep (ms) ', ms), start, poll),
    state, calls);
  return {
    dispose() {
      release();
    },
  };
}
