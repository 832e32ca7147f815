// Learn, section 4: leaf and non-leaf futures. The program's futures as a
// tree (who owns whom), built from the parsed program, and each node's state
// updated live from a real run on the Rust engine: created, pending (with
// its poll count), ready(value), cancelled, or dropped without ever being
// polled. Leaves (timers, requests, yields) do the waiting; non-leaves
// (async blocks, join, race, tasks) only poll what they own.
import { el } from '../dom.js';
import { presets as listPresets } from '../presets.js';

const FUTURE_CALLS = new Set(['sleep', 'fetch', 'yield_now', 'fail', 'join', 'race', 'spawn']);
const LEAVES = new Set(['sleep', 'fetch', 'yield_now', 'fail']);
// Combinators and spawn take ownership of their operands.
const OWNERS = new Set(['join', 'race', 'spawn']);
const KIND_TEXT = {
  sleep: 'timer',
  fetch: 'request',
  yield_now: 'yield',
  fail: 'error',
  join: 'join',
  race: 'race',
  spawn: 'task (spawn)',
  async: 'async block',
  main: 'main task',
};
const MAIN_KEY = '0:0';

/** What a state reads as, in text (the chip and screen readers). */
function stateText(inst) {
  if (!inst) return 'not evaluated';
  switch (inst.state) {
    case 'created': return 'created, not polled';
    case 'pending': return 'pending';
    case 'ready': return `ready(${formatValue(inst.value)})`;
    case 'failed': return `failed: ${inst.error}`;
    case 'cancelled': return 'cancelled';
    case 'dropped': return 'dropped, never polled';
    default: return inst.state;
  }
}

function formatValue(v) {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/**
 * The futures of a program as an ownership tree. A future bound with `let`
 * stays where it was declared unless it is moved into something else (a
 * join, race, spawn, or an async block that captures it): then it is shown
 * there, as Rust's ownership has it.
 */
export function buildTree(program) {
  const bindings = new Map(); // binding -> { name, value, ctx }
  const firstUse = new Map(); // binding -> ctx of its first use
  const key = (n) => `${n.line}:${n.col}`;

  // Pass 1: where each binding is declared and first used.
  const scanStmts = (stmts, ctx) => {
    for (const s of stmts) {
      if (s.type === 'let') {
        scanExpr(s.value, ctx);
        bindings.set(s.binding, { name: s.name, value: s.value, ctx });
      } else if (s.type === 'expr') scanExpr(s.expr, ctx);
      else if (s.type === 'repeat') scanBlock(s.body, ctx);
    }
  };
  const scanBlock = (b, ctx) => {
    scanStmts(b.body, ctx);
    if (b.tail) scanExpr(b.tail, ctx);
  };
  const scanExpr = (e, ctx) => {
    if (e.type === 'await') scanExpr(e.expr, ctx);
    else if (e.type === 'async') scanBlock(e.body, key(e));
    else if (e.type === 'call') for (const a of e.args) scanExpr(a, OWNERS.has(e.callee) ? key(e) : ctx);
    else if (e.type === 'name' && e.binding !== null && !firstUse.has(e.binding)) firstUse.set(e.binding, ctx);
  };
  const isFuture = (e, seen = new Set()) => {
    if (e.type === 'async') return true;
    if (e.type === 'call') return FUTURE_CALLS.has(e.callee);
    if (e.type === 'name' && e.binding !== null && !seen.has(e.binding)) {
      seen.add(e.binding);
      const b = bindings.get(e.binding);
      return !!b && isFuture(b.value, seen);
    }
    return false;
  };
  scanStmts(program.body, MAIN_KEY);
  const moved = (b) => firstUse.has(b) && firstUse.get(b) !== bindings.get(b)?.ctx;

  // Pass 2: the tree.
  const nodes = new Map();
  const make = (k, kind, label, extra = {}) => {
    const node = { key: k, kind, label, leaf: LEAVES.has(kind), children: [], binding: null, inRepeat: 0, ...extra };
    nodes.set(k, node);
    return node;
  };
  const root = make(MAIN_KEY, 'main', 'main');
  const placed = new Set();
  const buildStmts = (stmts, parent, repeat) => {
    for (const s of stmts) {
      if (s.type === 'let') {
        if (isFuture(s.value)) {
          if (!moved(s.binding) && !placed.has(s.binding)) {
            placed.add(s.binding);
            buildExpr(s.value, parent, repeat, s.name);
          }
        } else buildExpr(s.value, parent, repeat);
      } else if (s.type === 'expr') buildExpr(s.expr, parent, repeat);
      else if (s.type === 'repeat') buildBlock(s.body, parent, repeat * s.count);
    }
  };
  const buildBlock = (b, parent, repeat) => {
    buildStmts(b.body, parent, repeat);
    if (b.tail) buildExpr(b.tail, parent, repeat);
  };
  const buildExpr = (e, parent, repeat, name = null) => {
    if (e.type === 'await') buildExpr(e.expr, parent, repeat);
    else if (e.type === 'async') {
      const node = make(key(e), 'async', e.label, { binding: name, inRepeat: repeat });
      parent.children.push(node);
      buildBlock(e.body, node, 1);
    } else if (e.type === 'call') {
      let owner = parent;
      if (FUTURE_CALLS.has(e.callee)) {
        owner = make(key(e), e.callee, e.label, { binding: name, inRepeat: repeat });
        parent.children.push(owner);
      }
      for (const a of e.args) buildExpr(a, owner, 1);
    } else if (e.type === 'name' && e.binding !== null && moved(e.binding) && !placed.has(e.binding)) {
      const b = bindings.get(e.binding);
      if (b && isFuture(b.value)) {
        placed.add(e.binding);
        buildExpr(b.value, parent, 1, b.name);
      }
    }
  };
  buildStmts(program.body, root, 1);
  return { root, nodes };
}

/** The live state of every node's instances, from a run's events. */
class TreeModel {
  constructor(nodes) {
    this.nodes = nodes;
    this.inst = new Map(); // node key -> Map(n -> { state, polls, value, error, wakes })
    this.dirty = new Set();
    this.events = 0;
  }

  instances(key) {
    let m = this.inst.get(key);
    if (!m) this.inst.set(key, (m = new Map()));
    return m;
  }

  /** Takes one trace event; returns whether it changed a node. */
  apply(ev) {
    this.events += 1;
    const [pos, nText] = String(ev.op ?? '').split('#');
    if (!this.nodes.has(pos)) return false;
    const n = Number(nText ?? 0);
    const all = this.instances(pos);
    let inst = all.get(n);
    const get = () => {
      if (!inst) all.set(n, (inst = { state: 'created', polls: 0, wakes: 0, value: null, error: null }));
      return inst;
    };
    if (pos === MAIN_KEY) {
      // The main task is not a traced operation: the executor's own events say what it does.
      if (ev.kind === 'wake') get().wakes += 1;
      else if (ev.kind === 'executor' && ev.text === 'poll-start' && ev.task !== undefined) {
        get().polls += 1;
        if (inst.state === 'created') inst.state = 'pending';
      } else if (ev.kind === 'executor' && ev.text === 'poll-end:ready') get().state = 'ready';
      else if (ev.kind === 'executor' && ev.text === 'cancel') get().state = 'cancelled';
      else if (ev.kind === 'executor' && ev.text === 'spawn') get();
      else return false;
      this.dirty.add(pos);
      return true;
    }
    switch (ev.kind) {
      case 'create': get(); break;
      case 'start': get().state = 'pending'; break;
      case 'poll':
        get().polls += 1;
        if (!ev.ready) inst.state = 'pending';
        break;
      case 'settle':
        get();
        if (ev.ok) {
          inst.state = 'ready';
          inst.value = ev.value;
        } else {
          inst.state = 'failed';
          inst.error = ev.error;
        }
        break;
      case 'cancel': get().state = 'cancelled'; break;
      case 'drop': get().state = 'dropped'; break;
      case 'wake': get().wakes += 1; break;
      default: return false;
    }
    this.dirty.add(pos);
    return true;
  }
}

const STATES = ['none', 'created', 'pending', 'ready', 'failed', 'cancelled', 'dropped'];
const LEGEND = {
  none: 'not evaluated yet',
  created: 'created, not polled',
  pending: 'pending (polled, not ready)',
  ready: 'ready(value)',
  failed: 'failed',
  cancelled: 'cancelled: dropped while pending',
  dropped: 'dropped, never polled',
};

export function mount(container, ctx) {
  const presets = listPresets();
  const select = el('select', { class: 'ft-program', 'aria-label': 'Program to run' },
    el('option', { value: '' }, 'The program in the editor'),
    presets.map((p) => el('option', { value: p.id }, `${p.id.slice(0, 2)} · ${p.title}`)));
  const runButton = el('button', { type: 'button', class: 'ft-run primary' }, 'Run');
  const stopButton = el('button', { type: 'button', class: 'ft-stop', disabled: true }, 'Stop');
  const status = el('p', { class: 'ft-status', role: 'status' }, 'Pick a program and press Run to watch its futures.');
  const source = el('pre', { class: 'ft-source' });
  const treeBox = el('div', { class: 'ft-tree' });
  const legend = el('ul', { class: 'ft-legend', 'aria-label': 'Legend' },
    el('li', {}, el('span', { class: 'ft-kind', 'data-leaf': 'true' }, 'leaf'), ' does the waiting itself: timer, request, yield'),
    el('li', {}, el('span', { class: 'ft-kind', 'data-leaf': 'false' }, 'non-leaf'), ' only polls the futures it owns: async block, join, race, task'),
    el('li', {}, el('span', { class: 'ft-kind', 'data-leaf': 'false' }, 'task (spawn)'), ' is polled by the executor itself; where it sits, its parent holds only the JoinHandle'),
    STATES.map((s) => el('li', {}, el('span', { class: 'ft-state', 'data-state': s }, LEGEND[s]))));

  container.append(
    el('p', { class: 'ft-intro' },
      'A Rust future is a tree: the task at the root polls its future, which polls the futures it owns, down to the leaves, ',
      'which register a timer or send a request and hold on to the waker. Nothing below a node runs unless that node polls it. ',
      'The tree here is built from the program, and every node follows a real run on the Rust engine as it happens.'),
    el('div', { class: 'ft-controls' }, el('label', {}, 'Program ', select), runButton, stopButton),
    el('details', { class: 'ft-source-box' }, el('summary', {}, 'Program text'), source),
    legend,
    status,
    treeBox,
  );

  let run = null;
  let model = null;
  let rows = new Map();
  let frame = 0;
  let disposed = false;
  let runId = 0;

  const programText = () => {
    const chosen = presets.find((p) => p.id === select.value);
    return chosen ? chosen.program : String(ctx.program() ?? '');
  };
  const showSource = () => { source.textContent = programText(); };
  select.addEventListener('change', showSource);
  showSource();

  function renderNode(node) {
    const kind = el('span', { class: 'ft-kind', 'data-leaf': String(node.leaf) }, node.leaf ? 'leaf' : 'non-leaf',
      el('span', { class: 'ft-kind-name' }, ` · ${KIND_TEXT[node.kind]}`));
    const chip = el('span', { class: 'ft-state', 'data-state': 'none' }, stateText(null));
    const polls = el('span', { class: 'ft-polls' });
    const count = el('span', { class: 'ft-instances' });
    const row = el('div', { class: 'ft-row' },
      kind,
      el('code', { class: 'ft-label' }, node.binding ? `${node.binding} = ` : '', node.label.length > 60 ? `${node.label.slice(0, 57)}…` : node.label),
      node.inRepeat > 1 ? el('span', { class: 'ft-repeat' }, `in repeat ×${node.inRepeat}`) : null,
      chip, polls, count);
    const li = el('li', { class: 'ft-node', 'data-node': node.key, 'data-leaf': String(node.leaf), 'data-kind': node.kind, 'data-state': 'none', 'data-polls': '0', 'data-instances': '0' }, row);
    rows.set(node.key, { li, chip, polls, count });
    if (node.children.length) li.append(el('ul', { class: 'ft-children' }, node.children.map(renderNode)));
    return li;
  }

  function paint() {
    frame = 0;
    if (!model || disposed) return;
    for (const key of model.dirty) {
      const row = rows.get(key);
      const all = model.inst.get(key);
      if (!row || !all || all.size === 0) continue;
      const latestN = Math.max(...all.keys());
      const latest = all.get(latestN);
      const polls = [...all.values()].reduce((sum, i) => sum + i.polls, 0);
      const wakes = [...all.values()].reduce((sum, i) => sum + i.wakes, 0);
      row.li.dataset.state = latest.state;
      row.li.dataset.polls = String(polls);
      row.li.dataset.instances = String(all.size);
      row.chip.dataset.state = latest.state;
      row.chip.textContent = (all.size > 1 ? `#${latestN}: ` : '') + stateText(latest);
      row.polls.textContent = `polled ${polls}×${wakes ? `, woken ${wakes}×` : ''}`;
      if (all.size > 1) {
        const counts = {};
        for (const i of all.values()) counts[i.state] = (counts[i.state] ?? 0) + 1;
        row.count.textContent = `${all.size} instances (#0–#${latestN}): ${Object.entries(counts).map(([s, c]) => `${c} ${s}`).join(', ')}`;
      }
    }
    model.dirty.clear();
  }

  const schedule = () => {
    if (!frame && !disposed) frame = requestAnimationFrame(paint);
  };

  function start() {
    stop();
    const src = programText();
    source.textContent = src;
    const parsed = ctx.wasm.parseScenario(src);
    treeBox.replaceChildren();
    rows = new Map();
    if (!parsed.ok) {
      status.textContent = `The program does not parse: ${parsed.error.message} (line ${parsed.error.line}, column ${parsed.error.col}).`;
      container.dataset.run = 'error';
      return;
    }
    const { root, nodes } = buildTree(JSON.parse(parsed.program));
    const leaves = [...nodes.values()].filter((n) => n.leaf).length;
    treeBox.append(el('ul', { class: 'ft-root', 'aria-label': `Futures of the program: ${nodes.size} nodes, ${leaves} leaves` }, renderNode(root)));
    model = new TreeModel(nodes);
    const mine = ++runId;
    const onEvent = (ev) => {
      if (mine !== runId || disposed) return;
      if (model.apply(ev)) schedule();
    };
    const started = performance.now();
    let handle;
    try {
      handle = ctx.wasm.startScenario(src, { engine: 'rust', onEvent });
    } catch (err) {
      status.textContent = `Could not start the run: ${err.message}`;
      return;
    }
    run = handle;
    container.dataset.run = 'running';
    status.textContent = 'Running on the Rust engine…';
    runButton.disabled = true;
    stopButton.disabled = false;
    handle.finished.then((trace) => {
      if (!trace.restarted) handle.free();
      if (run === handle) run = null;
      if (mine !== runId || disposed) return;
      runButton.disabled = false;
      stopButton.disabled = true;
      paint();
      const ms = Math.round(performance.now() - started);
      container.dataset.run = trace.ok ? 'done' : 'failed';
      status.textContent = trace.ok
        ? `Finished in ${ms} ms, ${model.events} events. Every future still alive at the end of main was dropped then.`
        : `${trace.error.kind === 'check' ? 'Refused before running' : 'Ended'}: ${trace.error.message}${trace.error.line ? ` (line ${trace.error.line}, column ${trace.error.col})` : ''}.`;
    });
  }

  function stop() {
    if (run) {
      run.stop();
      status.textContent = 'Stopping…';
    }
  }

  runButton.addEventListener('click', start);
  stopButton.addEventListener('click', stop);

  return {
    dispose() {
      disposed = true;
      runId += 1;
      if (frame) cancelAnimationFrame(frame);
      run?.stop();
    },
  };
}
