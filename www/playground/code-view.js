// The generated JavaScript and Rust, and the map from a source expression to
// the generated line that does the same thing. Generated code keeps the
// source's statement order, so expressions are matched in order, by the
// built-in's name in each language and the literal arguments.
import { el } from './dom.js';
import { tokenize } from './highlight.js';

/** Operations of a parsed program (parseScenario's JSON tree), in source order. */
export function sourceOps(programJson) {
  const ops = [];
  let tree;
  try {
    tree = JSON.parse(programJson);
  } catch {
    return ops;
  }
  const walk = (node, binding) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n, binding);
      return;
    }
    if (node.type === 'call' || node.type === 'async') {
      ops.push({
        expr: `${node.line}:${node.col}`,
        line: node.line,
        col: node.col,
        label: String(node.label ?? ''),
        callee: node.type === 'async' ? 'async' : node.callee,
        literals: (node.args ?? []).filter((a) => a.type === 'integer' || a.type === 'string').map((a) => String(a.value)),
        binding,
      });
    }
    const nextBinding = node.type === 'let' ? node.name : binding;
    for (const key of ['body', 'value', 'expr', 'args', 'tail']) walk(node[key], key === 'value' ? nextBinding : undefined);
  };
  walk(tree.body, undefined);
  return ops.sort((a, b) => a.line - b.line || a.col - b.col);
}

const CALLEE = {
  javascript: { sleep: ['sleep('], fetch: ['fetch('], join: ['Promise.all'], race: ['Promise.race'], spawn: [], yield_now: ['Promise.resolve()'], fail: ['Promise.reject', 'fail('], log: ['console.log', 'log('], async: ['async ()'] },
  rust: { sleep: ['sleep('], fetch: ['fetch('], join: ['join'], race: ['race('], spawn: ['spawn('], yield_now: ['yield_now()'], fail: ['fail('], log: ['println!'], async: ['async move', 'async {'] },
};

/** expr -> generated line number (1-based) for `lang`, in source order. */
export function mapLines(ops, code, lang) {
  const lines = code.split('\n');
  // The program body starts at `main`/`scenario`; helpers above it never match.
  let from = lines.findIndex((l) => /async fn scenario|async function main/.test(l));
  from = from < 0 ? 0 : from + 1;
  const map = new Map();
  let prevSourceLine = 0;
  let prevLine = from;
  for (const op of ops) {
    const wants = CALLEE[lang][op.callee] ?? [];
    const start = op.line === prevSourceLine ? prevLine : prevLine;
    let best = -1;
    let bestScore = 0;
    for (let i = start; i < Math.min(lines.length, start + 14); i++) {
      const line = lines[i];
      const calleeHit = wants.length === 0 || wants.some((w) => line.includes(w));
      if (!calleeHit) continue;
      let score = wants.length ? 2 : 0;
      for (const lit of op.literals) if (lit && line.includes(lit)) score += 1;
      if (op.binding && new RegExp(`\\b${op.binding}\\b`).test(line)) score += 1;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
      if (score >= 2 + op.literals.length + (op.binding ? 1 : 0)) break;
    }
    if (best >= 0) {
      map.set(op.expr, best + 1);
      prevLine = best;
    }
    prevSourceLine = op.line;
  }
  return map;
}

export class CodeView {
  constructor(lang, title, { onPoint } = {}) {
    this.lang = lang;
    this.onPoint = onPoint ?? (() => {});
    this.map = new Map();
    this.byLine = new Map();
    this.pre = el('pre', { class: 'gen', tabindex: '0', 'aria-label': `${title} (generated)` });
    this.root = el('figure', { class: `code-view ${lang}` }, el('figcaption', {}, title), this.pre);
    this.pre.addEventListener('mouseover', (e) => {
      const line = e.target.closest?.('.line');
      this.onPoint(line ? this.byLine.get(Number(line.dataset.line)) ?? null : null, 'hover');
    });
    this.pre.addEventListener('mouseleave', () => this.onPoint(null, 'hover'));
  }

  show(code, ops) {
    this.map = ops ? mapLines(ops, code, this.lang) : new Map();
    this.byLine = new Map();
    for (const [expr, line] of this.map) if (!this.byLine.has(line)) this.byLine.set(line, expr);
    const lines = [[]];
    for (const token of tokenize(code, this.lang)) {
      if (token.type === 'nl') lines.push([]);
      else lines[lines.length - 1].push(token.type === 'space' ? token.text : el('span', { class: `tok-${token.type}` }, token.text));
    }
    this.pre.replaceChildren(...lines.map((parts, i) => el('span', {
      class: `line${this.byLine.has(i + 1) ? ' has-op' : ''}`,
      'data-line': i + 1,
      'data-expr': this.byLine.get(i + 1) ?? null,
    }, parts, '\n')));
  }

  message(text) {
    this.map = new Map();
    this.byLine = new Map();
    this.pre.replaceChildren(el('span', { class: 'gen-note' }, text));
  }

  highlight(expr) {
    const line = expr ? this.map.get(expr) : undefined;
    for (const node of this.pre.children) {
      const on = line !== undefined && Number(node.dataset.line) === line;
      node.classList.toggle('is-hl', on);
      if (on && this.scrollOnHighlight) node.scrollIntoView({ block: 'nearest' });
    }
  }
}
