// The Rust executor's inside, folded from its `executor` events: run queue,
// reactor (timers, fetches), and per task state, polls, wakes, busy/idle time
// and waker vtable calls. Model and view are separate so replay and step can
// fold a prefix of the recording and draw it with the same code.
import { el, fmtMs } from './dom.js';
import { MAIN_OP } from './trace-model.js';

const RECENT = 5;
const MAX_TASK_ROWS = 40;

export class ExecutorModel {
  constructor() {
    this.tasks = new Map();
    this.queue = []; // task ids in the order they were queued
    this.timers = new Map(); // id -> { id, deadline (relative ms, or null), task }
    this.fetches = new Map(); // op -> { op, label, t }
    this.nativeTimer = null; // delay in ms of the one armed setTimeout, or null
    this.phase = 'idle'; // poll | wait | wake | idle
    this.current = null; // task being polled
    this.last = null; // text of the last executor event
    this.now = 0;
    this.origin = null; // performance.now() of t = 0, to make deadlines relative
  }

  task(id, e) {
    let task = this.tasks.get(id);
    if (!task) {
      task = {
        id,
        label: id === 1 ? 'main' : '',
        state: 'queued',
        polls: 0,
        wakes: 0,
        busy: 0,
        pollStart: null,
        spawned: e.t,
        ended: null,
        waker: { clone: 0, wake: 0, wake_by_ref: 0, drop: 0 },
        recent: [],
      };
      this.tasks.set(id, task);
    }
    if (e.op && e.op !== MAIN_OP && !task.label) task.label = String(e.label ?? '');
    return task;
  }

  enqueue(id) {
    if (!this.queue.includes(id)) this.queue.push(id);
  }

  dequeue(id) {
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
  }

  add(e) {
    if (!e || typeof e.t !== 'number') return;
    this.now = Math.max(this.now, e.t);
    if (e.kind === 'start' && /^fetch\(/.test(String(e.label))) {
      this.fetches.set(e.op, { op: e.op, label: e.label, t: e.t });
    } else if ((e.kind === 'settle' || e.kind === 'cancel') && this.fetches.has(e.op)) {
      this.fetches.delete(e.op);
    }
    if (e.kind !== 'executor') return;
    const text = String(e.text ?? '');
    this.last = text;
    const [name, a, b] = text.split(':');
    const task = typeof e.task === 'number' ? this.task(e.task, e) : null;
    if (task) {
      task.recent.push({ t: e.t, text });
      if (task.recent.length > RECENT) task.recent.shift();
    }
    switch (name) {
      case 'spawn':
        if (task) {
          task.state = 'queued';
          this.enqueue(task.id);
        }
        break;
      case 'poll-start':
        if (task) {
          this.dequeue(task.id);
          task.state = 'polling';
          task.polls += 1;
          task.pollStart = e.t;
          this.current = task.id;
        }
        this.phase = 'poll';
        break;
      case 'poll-end':
        if (task) {
          if (task.pollStart !== null) task.busy += e.t - task.pollStart;
          task.pollStart = null;
          if (a === 'ready') {
            task.state = 'done';
            task.ended = e.t;
          } else if (task.state === 'polling') {
            // A task that woke itself during the poll is already queued again.
            task.state = this.queue.includes(task.id) ? 'queued' : 'waiting';
          }
        }
        this.current = null;
        this.phase = this.queue.length ? 'wake' : 'wait';
        break;
      case 'wake':
      case 'wake-by-ref':
        if (task) {
          task.wakes += 1;
          task.waker[name === 'wake' ? 'wake' : 'wake_by_ref'] += 1;
          if (a === 'scheduled') {
            this.enqueue(task.id);
            if (task.state !== 'polling') task.state = 'queued';
          }
        }
        if (this.phase !== 'poll') this.phase = 'wake';
        break;
      case 'waker-clone':
        if (task) task.waker.clone += 1;
        break;
      case 'waker-drop':
        if (task) task.waker.drop += 1;
        break;
      case 'complete':
        if (task) {
          task.state = 'done';
          task.ended ??= e.t;
          this.dequeue(task.id);
        }
        break;
      case 'cancel':
        if (task) {
          task.state = 'cancelled';
          task.ended ??= e.t;
          this.dequeue(task.id);
        }
        break;
      case 'timer-register': {
        const deadline = Number(b);
        this.timers.set(a, { id: a, deadlineAbs: deadline, task: e.task ?? null, registered: e.t });
        break;
      }
      case 'timer-fire':
        // Fired from the native timer's callback: that timer is spent; a
        // re-arm is reported as its own native-timer-set.
        this.nativeTimer = null;
        this.timers.delete(a);
        break;
      case 'timer-cancel':
        this.timers.delete(a);
        break;
      case 'native-timer-set':
        this.nativeTimer = { delay: Number(a), at: e.t };
        // The delay points at the earliest deadline: that pins the clock
        // offset between the reactor's deadlines and this trace's times.
        this.calibrate(e.t + Number(a));
        break;
      case 'native-timer-clear':
        this.nativeTimer = null;
        break;
      case 'drain-end':
        if (this.phase !== 'poll') this.phase = this.queue.length ? 'wake' : 'wait';
        else this.phase = this.queue.length ? 'wake' : 'wait';
        break;
      default:
        break;
    }
  }

  calibrate(dueT) {
    if (this.origin !== null || this.timers.size === 0) return;
    let earliest = Infinity;
    for (const timer of this.timers.values()) earliest = Math.min(earliest, timer.deadlineAbs);
    if (Number.isFinite(earliest)) this.origin = earliest - dueT;
  }

  /** Deadline of a timer in this trace's time (ms since the run started), when known. */
  due(timer) {
    return this.origin === null ? null : timer.deadlineAbs - this.origin;
  }
}

export function executorAt(rustEvents, { t = Infinity, rustIndex = null } = {}) {
  const model = new ExecutorModel();
  for (let i = 0; i < rustEvents.length; i++) {
    if (rustIndex !== null ? i > rustIndex : rustEvents[i].t > t) break;
    model.add(rustEvents[i]);
  }
  if (Number.isFinite(t)) model.now = Math.max(model.now, t);
  return model;
}

const PHASES = [
  ['poll', 'Poll', 'the executor is polling a task'],
  ['wait', 'Wait', 'no task is queued: waiting for a timer or fetch to wake one'],
  ['wake', 'Wake', 'a waker queued a task; the executor will poll it next'],
];

/** `task 1 (main)`, `task 2 (spawn(…))`: a task as the page names it. */
export function taskName(model, id) {
  const task = model.tasks.get(id);
  const label = id === 1 ? 'main' : task?.label;
  return label ? `task ${id} (${label})` : `task ${id}`;
}

/**
 * Draws an ExecutorModel into `root` (replacing what was there). `stepping`:
 * the executor is held for the page's Step, so the head of the run queue is
 * what the next step polls.
 */
export function renderExecutor(root, model, { ended = false, stepping = false } = {}) {
  const phase = ended ? 'done' : model.phase;
  root.toggleAttribute('data-stepping', stepping && !ended);
  const phases = el('ol', { class: 'phases', 'aria-label': 'executor phase' },
    PHASES.map(([key, name, why]) =>
      el('li', { class: `phase${phase === key ? ' current' : ''}`, 'data-phase': key, title: why, 'aria-current': phase === key ? 'step' : null }, name)));
  const held = stepping && !ended && model.current === null;
  const now = el('p', { class: 'exec-now' },
    ended ? 'Run finished.'
      : model.current !== null ? `Polling task ${model.current}.`
        : held && model.queue.length ? `Held for a step: the next Step polls ${taskName(model, model.queue[0])}.`
          : held ? 'Held for steps, and no task is queued: waiting for a timer or a fetch to wake one.'
            : phase === 'wait' ? 'Idle: waiting for a timer or a fetch.' : phase === 'wake' ? 'A task is queued.' : 'Not started.');

  const queue = el('div', { class: 'exec-box', 'data-part': 'queue' },
    el('h4', {}, 'Run queue'),
    model.queue.length
      ? el('ol', { class: 'chips' }, model.queue.slice(0, 30).map((id, i) => (held && i === 0
        ? el('li', { class: 'chip next', 'data-task': id, 'data-next': '', title: 'The next Step polls this task' }, `task ${id}`, el('span', { class: 'chip-note' }, ' · next step'))
        : el('li', { class: 'chip', 'data-task': id }, `task ${id}`))),
        model.queue.length > 30 ? el('li', { class: 'chip more' }, `+${model.queue.length - 30}`) : null)
      : el('p', { class: 'empty' }, 'empty'));

  const timers = [...model.timers.values()];
  const reactor = el('div', { class: 'exec-box', 'data-part': 'reactor' },
    el('h4', {}, 'Reactor'),
    ended && (timers.length || model.nativeTimer) ? el('p', { class: 'native' }, 'As left when main finished; the executor dropped these with its tasks:') : null,
    el('p', { class: 'native' }, model.nativeTimer ? `one native setTimeout armed (${fmtMs(model.nativeTimer.delay)})` : 'no native timer armed'),
    timers.length
      ? el('ul', { class: 'chips' }, timers.slice(0, 24).map((timer) => {
        const due = model.due(timer);
        return el('li', { class: 'chip timer', 'data-timer': timer.id },
          `timer ${timer.id}${due !== null ? ` · due ${fmtMs(due)}` : ''}${timer.task ? ` · task ${timer.task}` : ''}`);
      }), timers.length > 24 ? el('li', { class: 'chip more' }, `+${timers.length - 24} timers`) : null)
      : el('p', { class: 'empty' }, 'no timers registered'),
    model.fetches.size
      ? el('ul', { class: 'chips' }, [...model.fetches.values()].map((f) => el('li', { class: 'chip fetch' }, `${f.label} in flight`)))
      : el('p', { class: 'empty' }, 'no fetch in flight'));

  const tasks = [...model.tasks.values()];
  const counts = {};
  for (const task of tasks) counts[task.state] = (counts[task.state] ?? 0) + 1;
  const rows = tasks.slice(0, MAX_TASK_ROWS).map((task) => {
    const busy = task.busy + (task.pollStart !== null ? model.now - task.pollStart : 0);
    const life = (task.ended ?? model.now) - task.spawned;
    const idle = Math.max(0, life - busy);
    const w = task.waker;
    return el('tr', { 'data-task': task.id, 'data-state': task.state },
      el('th', { scope: 'row' }, String(task.id)),
      el('td', { class: 'code', title: task.label }, task.label || '…'),
      el('td', {}, el('span', { class: `state ${task.state}` }, task.state)),
      el('td', { class: 'num', 'data-field': 'polls' }, String(task.polls)),
      el('td', { class: 'num', 'data-field': 'wakes' }, String(task.wakes)),
      el('td', { class: 'num' }, fmtMs(busy, 2)),
      el('td', { class: 'num' }, fmtMs(idle)),
      el('td', { class: 'num waker', title: 'clone / wake / wake_by_ref / drop' }, `${w.clone} / ${w.wake} / ${w.wake_by_ref} / ${w.drop}`),
      el('td', { class: 'recent' }, task.recent.map((r) => el('span', {}, r.text)).reverse()));
  });
  const more = tasks.length > MAX_TASK_ROWS
    ? el('p', { class: 'more-tasks' }, `+${tasks.length - MAX_TASK_ROWS} more tasks. All ${tasks.length}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}.`)
    : null;
  const table = el('div', { class: 'table-wrap' },
    el('table', { class: 'tasks' },
      el('caption', {}, `Tasks (${tasks.length})`),
      el('thead', {}, el('tr', {},
        ['Task', 'Future', 'State', 'Polls', 'Wakes', 'Busy', 'Idle', 'Waker: clone / wake / by_ref / drop', 'Recent (newest first)']
          .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows)));
  root.replaceChildren(...[el('div', { class: 'exec-top' }, phases, now), el('div', { class: 'exec-grid' }, queue, reactor), table, more].filter(Boolean));
}
