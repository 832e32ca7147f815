// Folds trace events into per-operation state that the timeline draws.
// Pure data, no DOM: the same fold serves the live run (events appended as
// they arrive) and replay/step (a fresh fold over a prefix of the recording).

export const MAIN_OP = '0:0#0';
export const ENGINES = ['js', 'rust'];

// Per lane, marks beyond this are counted, not kept: a runaway loop of polls
// must not turn into a million DOM nodes.
export const MAX_POINTS_PER_LANE = 80;

/** "LINE:COL#N" -> { line, col, n, expr: "LINE:COL" } */
export function parseOp(op) {
  const m = /^(\d+):(\d+)#(\d+)$/.exec(String(op ?? ''));
  if (!m) return { line: 0, col: 0, n: 0, expr: '0:0' };
  return { line: Number(m[1]), col: Number(m[2]), n: Number(m[3]), expr: `${m[1]}:${m[2]}` };
}

function emptyLane() {
  return {
    create: null,
    start: null,
    settle: null,
    ok: null,
    value: undefined,
    error: undefined,
    cancel: null,
    drop: null,
    points: [], // polls, wakes, logs, rejections: { kind, t, ready?, text? }
    hiddenPoints: 0,
    busy: [], // rust task poll slices [start, end|null]
    hiddenBusy: 0,
    last: 0,
  };
}

export class TraceModel {
  constructor() {
    this.ops = new Map();
    this.end = { js: 0, rust: 0 };
    this.count = { js: 0, rust: 0 };
    this.version = 0;
  }

  lane(e) {
    let op = this.ops.get(e.op);
    if (!op) {
      const pos = parseOp(e.op);
      op = {
        op: e.op,
        ...pos,
        label: e.op === MAIN_OP ? 'main task' : String(e.label ?? ''),
        version: 0,
        js: emptyLane(),
        rust: emptyLane(),
      };
      this.ops.set(e.op, op);
    }
    return op;
  }

  /** Adds one event of `engine`; kinds not known here are ignored. */
  add(engine, e) {
    if (!e || typeof e.t !== 'number') return;
    this.count[engine] += 1;
    if (e.t > this.end[engine]) this.end[engine] = e.t;
    const kind = e.kind;
    if (kind === 'executor') {
      const text = String(e.text ?? '');
      if (text !== 'poll-start' && !text.startsWith('poll-end')) return;
      const op = this.lane(e);
      const lane = op[engine];
      if (text === 'poll-start') {
        if (lane.busy.length < MAX_POINTS_PER_LANE) lane.busy.push([e.t, null]);
        else lane.hiddenBusy += 1;
      } else {
        const open = lane.busy[lane.busy.length - 1];
        if (open && open[1] === null) open[1] = e.t;
      }
      this.touch(op, lane, e.t);
      return;
    }
    if (!['create', 'start', 'settle', 'cancel', 'drop', 'log', 'poll', 'wake', 'unhandled-rejection'].includes(kind)) return;
    // A wake on the main task is reported against "main"; it has its own lane.
    if (e.op === MAIN_OP && kind !== 'wake') return;
    const op = this.lane(e);
    const lane = op[engine];
    switch (kind) {
      case 'create':
      case 'start':
      case 'cancel':
      case 'drop':
        if (lane[kind] === null) lane[kind] = e.t;
        break;
      case 'settle':
        if (lane.settle === null) {
          lane.settle = e.t;
          lane.ok = e.ok !== false;
          lane.value = e.value;
          lane.error = e.error;
        }
        break;
      default:
        if (lane.points.length < MAX_POINTS_PER_LANE) {
          lane.points.push({ kind, t: e.t, ready: e.ready, text: e.text ?? e.error });
        } else {
          lane.hiddenPoints += 1;
        }
    }
    this.touch(op, lane, e.t);
  }

  touch(op, lane, t) {
    lane.last = Math.max(lane.last, t);
    op.version += 1;
    this.version += 1;
  }

  /** Operations in source order (main task first), then by evaluation count. */
  sorted() {
    return [...this.ops.values()].sort((a, b) => a.line - b.line || a.col - b.col || a.n - b.n);
  }
}

/** A fold over the recorded events up to a cursor (time, and for rust an optional event index). */
export function modelAt(recorded, { t = Infinity, rustIndex = null } = {}) {
  const model = new TraceModel();
  for (const e of recorded.js) {
    if (e.t > t) break;
    model.add('js', e);
  }
  const rust = recorded.rust;
  for (let i = 0; i < rust.length; i++) {
    if (rustIndex !== null ? i > rustIndex : rust[i].t > t) break;
    model.add('rust', rust[i]);
  }
  return model;
}

/** Range of an expression's source text, from its start and its label. */
export function exprRange(line, col, label) {
  const lines = String(label).split('\n');
  const endLine = line + lines.length - 1;
  const endCol = lines.length === 1 ? col + lines[0].length : lines[lines.length - 1].length + 1;
  return { line, col, endLine, endCol };
}

export function rangeContains(r, line, col) {
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && col < r.col) return false;
  if (line === r.endLine && col >= r.endCol) return false;
  return true;
}
