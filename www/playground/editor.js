// The program editor: a <textarea> (which keeps native editing, IME, undo,
// mobile keyboards and accessibility) laid exactly over a highlighted <pre>
// with the same font metrics, plus a line-number gutter. Errors are drawn in
// the <pre> (underline at line:col) and the gutter (marker), since a textarea
// cannot style its own text.
import { el } from './dom.js';
import { tokenize } from './highlight.js';

export class Editor {
  constructor({ onInput, onRun, onPointAt, label = 'Program source' } = {}) {
    this.onInput = onInput ?? (() => {});
    this.onRun = onRun ?? (() => {});
    this.onPointAt = onPointAt ?? (() => {});
    this.diagnostics = [];
    this.opRange = null;
    this.escaped = false;

    this.gutter = el('div', { class: 'gutter', 'aria-hidden': 'true' });
    this.gutterInner = el('div', { class: 'gutter-inner' });
    this.gutter.append(this.gutterInner);
    this.code = el('code');
    this.pre = el('pre', { class: 'hl-layer', 'aria-hidden': 'true' }, this.code);
    this.textarea = el('textarea', {
      class: 'input',
      spellcheck: 'false',
      autocapitalize: 'off',
      autocomplete: 'off',
      autocorrect: 'off',
      wrap: 'off',
      'aria-label': label,
      'aria-describedby': 'editor-help',
      'aria-multiline': 'true',
    });
    this.measure = el('span', { class: 'measure', 'aria-hidden': 'true' }, 'MMMMMMMMMM');
    this.area = el('div', { class: 'code-area' }, this.pre, this.textarea, this.measure);
    this.root = el('div', { class: 'editor' }, this.gutter, this.area);

    this.textarea.addEventListener('input', () => {
      this.render();
      this.onInput(this.textarea.value);
    });
    this.textarea.addEventListener('scroll', () => this.syncScroll());
    this.textarea.addEventListener('keydown', (event) => this.keydown(event));
    this.textarea.addEventListener('mousemove', (event) => this.pointer(event));
    this.textarea.addEventListener('mouseleave', () => this.onPointAt(null, 'hover'));
    for (const type of ['keyup', 'click', 'focus']) {
      this.textarea.addEventListener(type, () => this.onPointAt(this.caret(), 'caret'));
    }
    this.textarea.addEventListener('blur', () => this.onPointAt(null, 'caret'));
  }

  get value() {
    return this.textarea.value;
  }

  /** Replaces the text (not an edit by the user: no onInput). */
  set value(text) {
    this.textarea.value = text;
    this.render();
    this.syncScroll();
  }

  keydown(event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      this.onRun();
      return;
    }
    if (event.key === 'Escape') {
      // Escape, then Tab, leaves the editor: Tab alone indents, and a
      // keyboard user must never be trapped.
      this.escaped = true;
      return;
    }
    if (event.key === 'Tab' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !this.escaped) {
      event.preventDefault();
      // execCommand keeps the browser's undo stack; fall back to a splice.
      if (!document.execCommand?.('insertText', false, '  ')) {
        const { selectionStart: s, selectionEnd: e, value } = this.textarea;
        this.textarea.value = `${value.slice(0, s)}  ${value.slice(e)}`;
        this.textarea.selectionStart = this.textarea.selectionEnd = s + 2;
        this.textarea.dispatchEvent(new Event('input'));
      }
      return;
    }
    this.escaped = false;
  }

  syncScroll() {
    const { scrollTop, scrollLeft } = this.textarea;
    this.pre.style.transform = `translate(${-scrollLeft}px, ${-scrollTop}px)`;
    this.gutterInner.style.transform = `translateY(${-scrollTop}px)`;
  }

  metrics() {
    const rect = this.measure.getBoundingClientRect();
    const style = getComputedStyle(this.textarea);
    return {
      charWidth: rect.width / 10 || 8,
      lineHeight: rect.height || parseFloat(style.lineHeight) || 20,
      padTop: parseFloat(style.paddingTop) || 0,
      padLeft: parseFloat(style.paddingLeft) || 0,
    };
  }

  pointer(event) {
    const m = this.metrics();
    const box = this.textarea.getBoundingClientRect();
    const y = event.clientY - box.top - m.padTop + this.textarea.scrollTop;
    const x = event.clientX - box.left - m.padLeft + this.textarea.scrollLeft;
    if (y < 0 || x < 0) return this.onPointAt(null, 'hover');
    this.onPointAt({ line: Math.floor(y / m.lineHeight) + 1, col: Math.floor(x / m.charWidth) + 1 }, 'hover');
  }

  caret() {
    const before = this.textarea.value.slice(0, this.textarea.selectionStart);
    const lines = before.split('\n');
    return { line: lines.length, col: lines[lines.length - 1].length + 1 };
  }

  /** Moves the caret to line:col and focuses the editor (from an error link). */
  goTo(line, col) {
    const lines = this.textarea.value.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i].length + 1;
    offset += Math.max(0, col - 1);
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
  }

  /** [{ line, col, message, engine }] drawn at their position. */
  setDiagnostics(list) {
    this.diagnostics = list;
    this.render();
  }

  /** { line, col, endLine, endCol } of the operation to emphasise, or null. */
  setOpRange(range) {
    const same = JSON.stringify(range) === JSON.stringify(this.opRange);
    this.opRange = range;
    if (!same) this.render();
  }

  render() {
    const text = this.textarea.value;
    const tokens = tokenize(text);
    const errorAt = new Map();
    for (const d of this.diagnostics) errorAt.set(`${d.line}:${d.col}`, d);
    const errorLines = new Map();
    for (const d of this.diagnostics) errorLines.set(d.line, [...(errorLines.get(d.line) ?? []), d]);
    const r = this.opRange;
    const inOp = (line, col) => r && !(line < r.line || line > r.endLine || (line === r.line && col < r.col) || (line === r.endLine && col >= r.endCol));

    const nodes = [];
    const placed = new Set();
    const mark = (d, child) => {
      placed.add(d);
      return el('span', { class: `err-mark ${d.kind ?? ''}`, 'data-line': d.line, 'data-col': d.col, title: d.message }, child);
    };
    for (const token of tokens) {
      // An error pointing at the newline (end of line) still gets a visible mark.
      const d = errorAt.get(`${token.line}:${token.col}`);
      if (token.type === 'nl') {
        if (d && !placed.has(d)) nodes.push(mark(d, ' '));
        nodes.push('\n');
        continue;
      }
      let node = token.type === 'space' ? token.text : el('span', { class: `tok-${token.type}` }, token.text);
      if (inOp(token.line, token.col)) node = el('span', { class: 'op-hl' }, node);
      if (d && !placed.has(d)) node = mark(d, node);
      nodes.push(node);
    }
    // Errors beyond the text (e.g. "unexpected end of input").
    for (const d of this.diagnostics) if (!placed.has(d)) nodes.push(mark(d, ' '));
    nodes.push('\n');
    this.code.replaceChildren(...nodes.map((n) => (typeof n === 'string' ? document.createTextNode(n) : n)));

    const lineCount = text.split('\n').length;
    const gutterLines = [];
    for (let line = 1; line <= lineCount; line++) {
      const errs = errorLines.get(line);
      gutterLines.push(el('div', {
        class: `ln${errs ? ' has-error' : ''}${r && line >= r.line && line <= r.endLine ? ' op-line' : ''}`,
        'data-line': line,
        title: errs ? errs.map((e) => e.message).join('\n') : null,
      }, String(line)));
    }
    this.gutterInner.replaceChildren(...gutterLines);
  }
}
