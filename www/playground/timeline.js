// The timeline: one lane per operation, JS above Rust, on one shared time
// axis. Positions are CSS custom properties (--t, --t2) over the axis length
// (--tmax), so growing the axis during a live run or moving the cursor is a
// single style change, not a relayout of every mark from script.
import { el, fmtMs } from './dom.js';
import { ENGINES, MAIN_OP } from './trace-model.js';

// More instances than this of one source expression (a `repeat`) are folded
// into a summary row: the lanes stay readable and the DOM stays small.
export const GROUP_CAP = 6;

const ENGINE_NAME = { js: 'JS', rust: 'Rust' };

export function niceCeil(v) {
  const x = Math.max(v, 10);
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function tickStep(tmax) {
  const raw = tmax / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

const setT = (node, t, t2) => {
  node.style.setProperty('--t', String(t));
  if (t2 !== undefined) node.style.setProperty('--t2', String(t2));
  return node;
};

function mark(engine, op, kind, t, extra = {}) {
  const { label = op.label, describe = kind, cls = '', attrs = {} } = extra;
  return setT(el('span', {
    class: `mark k-${kind} ${cls}`,
    role: 'img',
    'data-engine': engine,
    'data-kind': kind,
    'data-op': op.op,
    'data-t': t.toFixed(1),
    'aria-label': `${engine} ${label} ${describe} at ${Math.round(t)} ms`,
    title: `${ENGINE_NAME[engine]} · ${label}\n${describe} at ${fmtMs(t, 1)}`,
    ...attrs,
  }), t);
}

function bar(engine, op, kind, t, t2, describe, cls = '') {
  const node = el('span', {
    class: `bar k-${kind} ${cls}${t2 === null ? ' open' : ''}`,
    role: 'img',
    'data-engine': engine,
    'data-kind': kind,
    'data-op': op.op,
    'data-t': t.toFixed(1),
    'data-t2': t2 === null ? null : t2.toFixed(1),
    'aria-label': `${engine} ${op.label} ${describe} from ${Math.round(t)} ms${t2 === null ? '' : ` to ${Math.round(t2)} ms`}`,
    title: `${ENGINE_NAME[engine]} · ${op.label}\n${describe}: ${fmtMs(t, 1)} → ${t2 === null ? 'now' : fmtMs(t2, 1)}`,
  });
  return setT(node, t, t2 === null ? undefined : t2);
}

function trackMarks(engine, op) {
  const lane = op[engine];
  const out = [];
  if (lane.create !== null) {
    const end = lane.start ?? lane.drop ?? lane.cancel ?? lane.settle ?? null;
    const why = lane.start !== null ? 'created, not started' : lane.drop !== null ? 'created, never started' : 'created, not started yet';
    out.push(bar(engine, op, 'wait', lane.create, end, why));
  }
  for (const [s, e] of lane.busy) out.push(bar(engine, op, 'busy', s, e, 'polled (busy)'));
  if (lane.start !== null) {
    const end = lane.settle ?? lane.cancel ?? null;
    const cls = lane.settle !== null ? (lane.ok ? 'ok' : 'err') : lane.cancel !== null ? 'cancelled' : '';
    out.push(bar(engine, op, 'run', lane.start, end, 'running', cls));
  }
  if (lane.create !== null) out.push(mark(engine, op, 'create', lane.create, { describe: 'create' }));
  if (lane.start !== null) out.push(mark(engine, op, 'start', lane.start, { describe: 'start' }));
  for (const p of lane.points) {
    if (p.kind === 'poll') {
      out.push(mark(engine, op, 'poll', p.t, { describe: p.ready ? 'poll (Ready)' : 'poll (Pending)', cls: p.ready ? 'ready' : 'pending', attrs: { 'data-ready': String(!!p.ready) } }));
    } else if (p.kind === 'wake') {
      out.push(mark(engine, op, 'wake', p.t, { describe: `wake (${p.text ?? ''})` }));
    } else if (p.kind === 'log') {
      out.push(mark(engine, op, 'log', p.t, { describe: `log "${p.text ?? ''}"`, attrs: { 'data-text': p.text ?? '' } }));
    } else {
      out.push(mark(engine, op, p.kind, p.t, { describe: `${p.kind}${p.text ? ` (${p.text})` : ''}` }));
    }
  }
  if (lane.settle !== null) {
    const what = lane.ok ? `settle ok${lane.value !== undefined ? ` (${show(lane.value)})` : ''}` : `settle error (${show(lane.error)})`;
    out.push(mark(engine, op, 'settle', lane.settle, { describe: what, cls: lane.ok ? 'ok' : 'err', attrs: { 'data-ok': String(lane.ok) } }));
  }
  if (lane.cancel !== null) out.push(mark(engine, op, 'cancel', lane.cancel, { describe: 'cancel (dropped while running)' }));
  if (lane.drop !== null) out.push(mark(engine, op, 'drop', lane.drop, { describe: 'drop (never started)' }));
  const hidden = lane.hiddenPoints + lane.hiddenBusy;
  if (hidden) out.push(el('span', { class: 'hidden-count', title: `${hidden} more marks not drawn` }, `+${hidden}`));
  return out;
}

export function show(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (typeof v === 'object') return v.message ? String(v.message) : JSON.stringify(v);
  return String(v);
}

function laneSummary(op) {
  return ENGINES.map((engine) => {
    const l = op[engine];
    if (l.create === null && l.start === null && !l.points.length && !l.busy.length) return `${ENGINE_NAME[engine]}: nothing`;
    const parts = [];
    if (l.create !== null) parts.push(`created ${Math.round(l.create)}`);
    if (l.start !== null) parts.push(`started ${Math.round(l.start)}`);
    if (l.settle !== null) parts.push(`${l.ok ? 'settled' : 'failed'} ${Math.round(l.settle)}`);
    if (l.cancel !== null) parts.push(`cancelled ${Math.round(l.cancel)}`);
    if (l.drop !== null) parts.push(`dropped ${Math.round(l.drop)}`);
    return `${ENGINE_NAME[engine]}: ${parts.join(', ') || 'events'} ms`;
  }).join('; ');
}

export class Timeline {
  constructor({ onPoint } = {}) {
    this.onPoint = onPoint ?? (() => {});
    this.rows = new Map(); // key -> { node, version }
    this.totals = el('p', { class: 'tl-totals', 'aria-live': 'polite' });
    this.ticks = el('div', { class: 'axis-track' });
    this.cursor = el('div', { class: 'tl-cursor', 'aria-hidden': 'true', hidden: true });
    this.ends = el('div', { class: 'tl-ends', 'aria-hidden': 'true' });
    this.lanes = el('div', { class: 'tl-lanes', role: 'list', 'aria-label': 'operations' });
    this.empty = el('p', { class: 'tl-empty' }, 'Press Run: each operation of the program gets a lane here, JS on top, Rust below, on one time axis.');
    this.body = el('div', { class: 'tl-body' },
      el('div', { class: 'tl-axis', 'aria-hidden': 'true' }, el('div', { class: 'axis-spacer' }, 'ms'), this.ticks),
      this.lanes, this.cursor, this.ends);
    this.root = el('div', { class: 'timeline' }, this.totals, this.empty, this.body);
    this.lastTmax = null;
    this.lanes.addEventListener('mouseover', (e) => this.point(e, 'hover'));
    this.lanes.addEventListener('mouseleave', () => this.onPoint(null, 'hover'));
    this.lanes.addEventListener('focusin', (e) => this.point(e, 'focus'));
    this.lanes.addEventListener('focusout', () => this.onPoint(null, 'focus'));
  }

  point(event, how) {
    const lane = event.target.closest?.('.lane');
    this.onPoint(lane ? lane.dataset.expr : null, how);
  }

  clear() {
    this.rows.clear();
    this.lanes.replaceChildren();
    this.totals.replaceChildren();
    this.ends.replaceChildren();
    this.cursor.hidden = true;
    this.empty.hidden = false;
    this.lastTmax = null;
  }

  /**
   * Draws `model` with open bars reaching `now` per engine; `cursor` (ms) draws
   * the replay line; `status` per engine: { state, error } for the totals.
   */
  render(model, { now = { js: 0, rust: 0 }, cursor = null, status = {}, tmax: fixedTmax = null } = {}) {
    const maxT = Math.max(model.end.js, model.end.rust, now.js ?? 0, now.rust ?? 0);
    const tmax = fixedTmax ?? niceCeil(maxT * 1.02);
    const style = this.root.style;
    style.setProperty('--tmax', String(tmax));
    style.setProperty('--now-js', String(now.js ?? 0));
    style.setProperty('--now-rust', String(now.rust ?? 0));
    if (tmax !== this.lastTmax) {
      this.lastTmax = tmax;
      const step = tickStep(tmax);
      const ticks = [];
      for (let t = 0; t <= tmax + 1e-9; t += step) ticks.push(setT(el('span', { class: 'tick' }, `${Math.round(t)}`), t));
      this.ticks.replaceChildren(...ticks);
    }
    if (cursor === null) this.cursor.hidden = true;
    else {
      this.cursor.hidden = false;
      setT(this.cursor, cursor);
    }

    const ops = model.sorted();
    this.empty.hidden = ops.length > 0;
    const groups = new Map();
    for (const op of ops) {
      const key = op.op === MAIN_OP ? MAIN_OP : op.expr;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(op);
    }
    const order = [];
    for (const [expr, list] of groups) {
      for (const op of list.slice(0, GROUP_CAP)) order.push(this.row(op));
      if (list.length > GROUP_CAP) order.push(this.summaryRow(expr, list.slice(GROUP_CAP)));
    }
    const current = [...this.lanes.children];
    if (current.length !== order.length || current.some((n, i) => n !== order[i])) this.lanes.replaceChildren(...order);

    const totals = [];
    const ends = [];
    for (const engine of ENGINES) {
      const s = status[engine] ?? {};
      const t = model.end[engine];
      const state = s.state ?? (model.count[engine] ? 'done' : 'idle');
      const text = state === 'running' ? `running… ${fmtMs(now[engine] ?? t)}`
        : state === 'stepping' ? `stepping… ${fmtMs(now[engine] ?? t)}`
        : state === 'refused' ? 'refused before running'
          : state === 'idle' ? 'not run'
            : `${fmtMs(t)}${s.error ? ` · ${s.error.kind} error` : ''}`;
      totals.push(el('span', { class: `total ${engine}`, 'data-engine': engine, 'data-state': state, 'data-total': t.toFixed(1) },
        el('span', { class: 'swatch' }), `${ENGINE_NAME[engine]} total: `, el('strong', {}, text)));
      if (model.count[engine] && state !== 'running' && state !== 'stepping') {
        ends.push(setT(el('span', { class: `end-flag ${engine}`, title: `${ENGINE_NAME[engine]} ends at ${fmtMs(t, 1)}` }), t));
      }
    }
    this.totals.replaceChildren(...totals);
    this.ends.replaceChildren(...ends);
  }

  row(op) {
    const key = op.op;
    let row = this.rows.get(key);
    if (!row) {
      const label = op.op === MAIN_OP ? 'main task' : op.label;
      const tracks = el('div', { class: 'tracks' });
      const node = el('div', {
        class: `lane${op.op === MAIN_OP ? ' main-lane' : ''}`,
        role: 'listitem',
        tabindex: '0',
        'data-op': op.op,
        'data-expr': op.op === MAIN_OP ? '' : op.expr,
      },
      el('div', { class: 'lane-label', title: label },
        el('code', { class: 'lane-code' }, firstLine(label)),
        el('span', { class: 'lane-pos' }, op.op === MAIN_OP ? 'Rust only' : `${op.line}:${op.col}${op.n ? ` #${op.n}` : ''}`)),
      tracks);
      row = { node, tracks, version: -1 };
      this.rows.set(key, row);
    }
    if (row.version !== op.version) {
      row.version = op.version;
      row.tracks.replaceChildren(...ENGINES.map((engine) =>
        el('div', { class: `track ${engine}`, 'data-engine': engine, 'aria-label': `${ENGINE_NAME[engine]} ${op.label}` },
          el('span', { class: 'track-tag', 'aria-hidden': 'true' }, ENGINE_NAME[engine]), trackMarks(engine, op))));
      row.node.setAttribute('aria-label', `${op.op === MAIN_OP ? 'main task' : op.label} at line ${op.line}, column ${op.col}${op.n ? `, evaluation ${op.n + 1}` : ''}. ${laneSummary(op)}`);
    }
    return row.node;
  }

  summaryRow(expr, rest) {
    const key = `more:${expr}`;
    let row = this.rows.get(key);
    if (!row) {
      const text = el('span', { class: 'more-text' });
      const node = el('div', { class: 'lane more-lane', role: 'listitem', tabindex: '0', 'data-expr': expr, 'data-summary': 'true' },
        el('div', { class: 'lane-label' }, el('code', { class: 'lane-code' }, firstLine(rest[0].label)), el('span', { class: 'lane-pos' }, `${expr} …`)), text);
      row = { node, text, version: -1 };
      this.rows.set(key, row);
    }
    const version = rest.reduce((v, op) => v + op.version, rest.length * 1e6);
    if (row.version !== version) {
      row.version = version;
      const parts = ENGINES.map((engine) => {
        const c = { settled: 0, failed: 0, cancelled: 0, dropped: 0, running: 0 };
        for (const op of rest) {
          const l = op[engine];
          if (l.settle !== null) c[l.ok ? 'settled' : 'failed'] += 1;
          else if (l.cancel !== null) c.cancelled += 1;
          else if (l.drop !== null) c.dropped += 1;
          else if (l.create !== null || l.start !== null) c.running += 1;
        }
        const list = Object.entries(c).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
        return `${ENGINE_NAME[engine]}: ${list}`;
      });
      const text = `+${rest.length} more evaluations not drawn (${parts.join(' · ')})`;
      row.text.textContent = text;
      row.node.setAttribute('aria-label', `${rest[0].label}: ${text}`);
    }
    return row.node;
  }

  /** Emphasises the lanes of one source expression ("LINE:COL"), or none. */
  highlight(expr) {
    for (const node of this.lanes.children) node.classList.toggle('is-hl', !!expr && node.dataset.expr === expr);
  }
}

function firstLine(label) {
  const lines = String(label).split('\n');
  return lines.length > 1 ? `${lines[0]} … ${lines[lines.length - 1].trim()}` : lines[0];
}
