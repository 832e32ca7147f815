// <futures-playground>: one async program, run for real as JS Promises and as
// Rust futures, drawn side by side. Self-contained: its markup and styles live
// in its shadow root, the wasm URL comes from an attribute (or sits next to
// this module), and every instance keeps its own runs, draft and state.
//
// Attributes: preset (an example's id) or program (or the element's own text):
// the program to start with; panels (any of "editor code timeline executor
// output"; default all); height (a CSS height; the element scrolls inside);
// theme (light | dark | auto, the default: follows prefers-color-scheme);
// time-limit (ms); storage-key (draft key; default: id or position);
// no-url-fragment (do not read a share link from the URL); wasm-url (load the
// wasm module from elsewhere).
// State for tests and embedders: the host's data-state is
// loading | ready | running | stepping | done | stopped | error
// ("stepping": the Rust executor is held, one poll per Step; after Continue
// the run is "running" again).
//
// Run runs both engines live. Step (no run going) starts a stepped run: JS
// runs live, Rust's executor polls one queued task per Step (button, S or F10);
// timers and fetches keep real time and queue their wakes for the next step.
// Continue lets the Rust executor run on by itself; Stop stops both. The
// replay under the timeline (scrubber, ◀ ▶) only reads a recorded run.
import { el, fmtMs } from './dom.js';
import { Editor } from './editor.js';
import { CodeView, sourceOps } from './code-view.js';
import { Timeline, show } from './timeline.js';
import { ExecutorModel, executorAt, renderExecutor, taskName } from './executor-view.js';
import { TraceModel, modelAt, exprRange, rangeContains, ENGINES } from './trace-model.js';
import { Replay } from './replay.js';
import { encodeSource, decodeFragment, isShareFragment } from './share.js';
import { traceDownload } from './export.js';
import { legend } from './legend.js';
import { loadWasm } from './wasm.js';
import { presets } from './presets.js';

const CHECK_DELAY_MS = 250;
const MAX_OUTPUT_LINES = 400;
const LIVE_DRAW_INTERVAL_MS = 120;
const ENGINE_NAME = { js: 'JS', rust: 'Rust' };
const STEP_TITLE = 'Step the Rust executor: poll one queued task (S or F10). With no run going, starts a stepped run: JS runs live, Rust waits for each Step.';

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A program written inside the element's tags, without the indentation of the page's markup. */
function dedent(text) {
  const lines = text.replace(/^\s*\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^\s*/)[0].length));
  return Number.isFinite(indent) ? lines.map((l) => l.slice(indent)).join('\n') : '';
}

export class FuturesPlayground extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.runId = 0;
    this.run = null;
    this.recorded = { js: [], rust: [] };
    this.ops = [];
    this.pointers = { hover: null, caret: null, focus: null };
    this.stash = null;
    this.frame = 0;
    this.cursor = null;
  }

  static get observedAttributes() {
    return ['theme', 'panels', 'height'];
  }

  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.build();
    this.applyLayout();
    this.start().catch((err) => this.fail('Could not start the playground', err));
  }

  disconnectedCallback() {
    this.run?.controller.abort();
    if (this.learn?.dispose) {
      this.learn.dispose();
      this.learn = null;
      this.ui.learn.replaceChildren();
    }
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.darkQuery?.removeEventListener('change', this.onSchemeChange);
  }

  attributeChangedCallback() {
    if (this.built) this.applyLayout();
  }

  /** theme, panels and height, applied whenever they change. */
  applyLayout() {
    const theme = this.getAttribute('theme');
    if (!this.darkQuery) {
      this.darkQuery = matchMedia('(prefers-color-scheme: dark)');
      this.onSchemeChange = () => this.applyLayout();
      this.darkQuery.addEventListener('change', this.onSchemeChange);
    }
    const dark = theme === 'dark' || (theme !== 'light' && this.darkQuery.matches);
    this.dataset.theme = dark ? 'dark' : 'light';

    const wanted = (this.getAttribute('panels') ?? '').split(/[\s,]+/).filter(Boolean);
    for (const [name, section] of Object.entries(this.panels)) {
      section.hidden = wanted.length > 0 && !wanted.includes(name);
    }
    for (const column of this.ui.root.querySelectorAll('.col')) {
      column.hidden = [...column.children].every((section) => section.hidden);
    }
    this.ui.root.querySelector('.layout').classList.toggle('single', [...this.ui.root.querySelectorAll('.col')].some((c) => c.hidden));

    // CSSOM, not a style attribute: allowed under a strict style-src.
    this.style.height = this.getAttribute('height') ?? '';
  }

  /** The program the page's author gave: a preset, the program attribute, or the element's text. */
  authoredProgram() {
    const preset = this.getAttribute('preset');
    if (preset) {
      const found = this.presets.find((p) => p.id === preset);
      if (found) return { source: found.program, preset: found.id };
      this.notice(`There is no example called "${preset}"; the examples are: ${this.presets.map((p) => p.id).join(', ')}.`);
    }
    const text = this.getAttribute('program') ?? dedent(this.textContent ?? '');
    return text.trim() ? { source: text, preset: null } : null;
  }

  get storageKey() {
    const own = this.getAttribute('storage-key') || this.id;
    const index = [...document.querySelectorAll('futures-playground')].indexOf(this);
    return `futures-playground:draft:${own || `#${Math.max(0, index)}`}`;
  }

  build() {
    const css = el('link', { rel: 'stylesheet', href: new URL('./style.css', import.meta.url).href });
    const ui = {};
    this.ui = ui;

    ui.hiddenBanner = el('p', { class: 'banner warn hidden-tab', role: 'status', hidden: true },
      'This tab was in the background during the run. Browsers slow timers in hidden tabs, so this run\'s times may be stretched. Run again with the tab visible for true timings.');
    ui.notice = el('div', { class: 'banner error', role: 'alert', hidden: true });
    ui.info = el('div', { class: 'banner info', role: 'status', hidden: true });

    ui.preset = el('select', { class: 'preset', 'aria-label': 'Example program' }, el('option', { value: '' }, 'Your program'));
    ui.run = el('button', { type: 'button', class: 'primary run', disabled: true, title: 'Run both engines (Ctrl/Cmd+Enter)' }, 'Run');
    ui.step = el('button', { type: 'button', class: 'step', disabled: true, title: STEP_TITLE }, 'Step');
    ui.continue = el('button', { type: 'button', class: 'continue', hidden: true, title: 'Stop stepping: the Rust executor runs on by itself' }, 'Continue');
    ui.stop = el('button', { type: 'button', class: 'stop', disabled: true }, 'Stop');
    ui.stepLast = el('span', { class: 'step-last' });
    ui.stepReason = el('span', { class: 'step-reason', id: 'step-reason' });
    ui.stepBar = el('p', { class: 'stepbar', role: 'status', 'aria-live': 'polite', hidden: true },
      el('strong', { class: 'step-mode' }, 'Stepping Rust'), ui.stepLast, ui.stepReason);
    ui.copy = el('button', { type: 'button', class: 'copy-link', disabled: true }, 'Copy link');
    ui.export = el('button', { type: 'button', class: 'export', disabled: true, title: 'Chrome Trace Event JSON; opens in Perfetto (ui.perfetto.dev)' }, 'Export trace');
    ui.download = el('a', { class: 'download', hidden: true });
    ui.shareField = el('input', { type: 'text', class: 'share-url', readonly: true, hidden: true, 'aria-label': 'Share link' });
    ui.status = el('p', { class: 'status', role: 'status' }, 'Loading the WebAssembly package…');
    ui.restore = el('button', { type: 'button', class: 'restore link', hidden: true }, 'Restore your previous program');

    ui.presetTitle = el('h3', { class: 'preset-title' });
    ui.presetText = el('p', { class: 'preset-text' });
    ui.presetInfo = el('div', { class: 'preset-info', hidden: true }, ui.presetTitle, ui.presetText);

    this.editor = new Editor({
      onInput: (text) => this.edited(text),
      onRun: () => this.runBoth(),
      onPointAt: (pos, how) => this.pointAtSource(pos, how),
    });
    ui.diagnostics = el('ul', { class: 'diagnostics', 'aria-live': 'polite' });
    ui.help = el('p', { class: 'help', id: 'editor-help' }, 'Tab indents; Esc then Tab leaves the editor; Ctrl/Cmd+Enter runs; F10 steps.');

    this.codeJs = new CodeView('javascript', 'JavaScript', { onPoint: (expr, how) => this.pointAt(expr, how) });
    this.codeRust = new CodeView('rust', 'Rust', { onPoint: (expr, how) => this.pointAt(expr, how) });

    this.timeline = new Timeline({ onPoint: (expr, how) => this.pointAt(expr, how) });
    ui.engineErrors = el('div', { class: 'engine-errors' });
    this.replay = new Replay({ onCursor: (cursor) => this.setCursor(cursor) });
    ui.executor = el('div', { class: 'executor', 'aria-live': 'off' });
    ui.output = { js: el('ol', { class: 'out', 'data-engine': 'js' }), rust: el('ol', { class: 'out', 'data-engine': 'rust' }) };

    const panel = (cls, title, ...children) => el('section', { class: `panel ${cls}`, 'aria-label': title }, el('h2', {}, title), ...children);
    const toolbar = el('div', { class: 'toolbar' },
      el('label', { class: 'preset-label' }, el('span', {}, 'Example'), ui.preset),
      ui.run, ui.step, ui.continue, ui.stop, ui.copy, ui.export, ui.download);

    const panels = {
      editor: panel('program', 'Program', ui.presetInfo, this.editor.root, ui.help, ui.diagnostics),
      code: panel('generated', 'The same program, by hand', el('div', { class: 'gen-grid' }, this.codeJs.root, this.codeRust.root)),
      timeline: panel('timeline-panel', 'Timeline', legend(), this.timeline.root, ui.engineErrors, this.replay.root),
      executor: panel('executor-panel', 'Rust executor', ui.executor),
      output: panel('output-panel', 'Output',
        el('div', { class: 'out-grid' },
          el('div', {}, el('h3', {}, 'JS'), ui.output.js),
          el('div', {}, el('h3', {}, 'Rust'), ui.output.rust))),
    };
    this.panels = panels;
    ui.tabs = {
      playground: el('button', { type: 'button', role: 'tab', 'data-tab': 'playground', 'aria-selected': 'true', 'aria-controls': 'fp-playground', id: 'fp-tab-playground' }, 'Playground'),
      learn: el('button', { type: 'button', role: 'tab', 'data-tab': 'learn', 'aria-selected': 'false', 'aria-controls': 'fp-learn', id: 'fp-tab-learn', tabindex: '-1' }, 'Learn'),
    };
    ui.learn = el('div', { class: 'learn', role: 'tabpanel', id: 'fp-learn', 'data-panel': 'learn', 'aria-labelledby': 'fp-tab-learn', hidden: true });
    ui.root = el('div', { class: 'fp' },
      el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'futures-playground' }, ui.tabs.playground, ui.tabs.learn),
      el('div', { role: 'tabpanel', id: 'fp-playground', 'data-panel': 'playground', 'aria-labelledby': 'fp-tab-playground' },
        toolbar,
        el('div', { class: 'toolbar-extra' }, ui.status, ui.restore, ui.shareField),
        ui.stepBar,
        ui.hiddenBanner, ui.notice, ui.info,
        el('div', { class: 'layout' },
          el('div', { class: 'col left' }, panels.editor, panels.code),
          el('div', { class: 'col right' }, panels.timeline, panels.executor, panels.output))),
      ui.learn);
    this.shadowRoot.replaceChildren(css, ui.root);
    // On a phone the legend would push the lanes off screen: start it closed.
    if (matchMedia('(max-width: 640px)').matches) ui.root.querySelector('.legend')?.removeAttribute('open');

    for (const tab of Object.values(ui.tabs)) {
      tab.addEventListener('click', () => this.showTab(tab.dataset.tab));
      tab.addEventListener('keydown', (event) => {
        if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
        const other = tab.dataset.tab === 'learn' ? 'playground' : 'learn';
        this.showTab(other);
        ui.tabs[other].focus();
      });
    }
    ui.run.addEventListener('click', () => this.runBoth());
    ui.step.addEventListener('click', () => this.stepClick());
    ui.continue.addEventListener('click', () => this.continueRun());
    ui.stop.addEventListener('click', () => this.stopRun());
    ui.root.addEventListener('keydown', (event) => this.onKey(event));
    ui.copy.addEventListener('click', () => this.copyLink());
    ui.export.addEventListener('click', () => this.exportTrace());
    ui.preset.addEventListener('change', () => this.choosePreset(ui.preset.value));
    ui.restore.addEventListener('click', () => this.restoreStash());
    ui.shareField.addEventListener('focus', () => ui.shareField.select());

    this.onVisibility = () => {
      if (document.visibilityState === 'hidden' && this.run && !this.run.finished) {
        this.run.wasHidden = true;
        ui.hiddenBanner.hidden = false;
      }
    };
    document.addEventListener('visibilitychange', this.onVisibility);
    this.renderExecutorView(new ExecutorModel(), false);
    this.setState('loading');
  }

  setState(state) {
    this.dataset.state = state;
  }

  fail(context, err) {
    this.ui.notice.hidden = false;
    this.ui.notice.textContent = `${context}: ${err instanceof Error ? err.message : String(err)}`;
    this.ui.status.textContent = context;
    this.setState('error');
  }

  async start() {
    const url = this.getAttribute('wasm-url') ? new URL(this.getAttribute('wasm-url'), document.baseURI).href : null;
    this.wasm = await loadWasm(url);
    this.presets = presets();
    this.limits = this.wasm.defaultLimits();
    for (const p of this.presets) this.ui.preset.append(el('option', { value: p.id }, p.title));

    let source = null;
    const hash = location.hash;
    const draft = this.readDraft();
    if (!this.hasAttribute('no-url-fragment') && isShareFragment(hash)) {
      try {
        source = await decodeFragment(hash);
        if (draft !== null && draft !== source) this.stash = draft;
        this.info('Opened a shared program. Nothing has run: press Run to run it.');
      } catch (err) {
        this.notice(`This share link cannot be opened: ${err.message}. Your previous program is shown instead.`);
      }
    }
    const authored = source === null ? this.authoredProgram() : null;
    if (authored) {
      // The author's program comes first; a different draft stays one click away.
      source = authored.source;
      if (authored.preset) this.ui.preset.value = authored.preset;
      if (draft !== null && draft !== source) this.stash = draft;
    }
    if (source === null) source = draft;
    if (source === null) {
      source = this.presets[0]?.program ?? '';
      this.ui.preset.value = this.presets[0]?.id ?? '';
    }
    this.editor.value = source;
    this.syncPresetInfo();
    this.ui.restore.hidden = this.stash === null;
    this.checkNow();
    this.ui.run.disabled = false;
    this.ui.step.disabled = false;
    this.ui.copy.disabled = false;
    this.ui.status.textContent = `Ready. futures-playground ${this.wasm.version()}.`;
    this.setState('ready');
    // Learn was opened while the module loaded: build it now.
    if (!this.ui.learn.hidden) this.showTab('learn');
  }

  readDraft() {
    try {
      return localStorage.getItem(this.storageKey);
    } catch {
      return null;
    }
  }

  saveDraft(text) {
    try {
      localStorage.setItem(this.storageKey, text);
    } catch {
      // Storage full or blocked: the text stays in the editor.
    }
  }

  notice(text) {
    this.ui.notice.textContent = text;
    this.ui.notice.hidden = !text;
  }

  info(text) {
    this.ui.info.textContent = text;
    this.ui.info.hidden = !text;
  }

  edited(text) {
    this.saveDraft(text);
    this.syncPresetInfo();
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.checkNow(), CHECK_DELAY_MS);
  }

  syncPresetInfo() {
    const text = this.editor.value;
    const preset = this.presets?.find((p) => p.program === text) ?? this.presets?.find((p) => p.id === this.ui.preset.value);
    if (preset) {
      this.ui.preset.value = preset.id;
      this.ui.presetTitle.textContent = preset.title;
      this.ui.presetText.textContent = preset.program === text ? preset.explanation : `${preset.explanation} (You have edited this example.)`;
      this.ui.presetInfo.hidden = false;
    } else {
      this.ui.preset.value = '';
      this.ui.presetInfo.hidden = true;
    }
  }

  choosePreset(id) {
    const preset = this.presets.find((p) => p.id === id);
    if (!preset) return;
    const current = this.editor.value;
    if (current.trim() && !this.presets.some((p) => p.program === current)) {
      // Never lose what the user typed: keep it one click away.
      this.stash = current;
      this.ui.restore.hidden = false;
    }
    this.editor.value = preset.program;
    this.saveDraft(preset.program);
    this.syncPresetInfo();
    this.checkNow();
  }

  restoreStash() {
    if (this.stash === null) return;
    const previous = this.editor.value;
    this.editor.value = this.stash;
    this.saveDraft(this.stash);
    this.stash = previous;
    this.ui.restore.textContent = 'Swap back';
    this.syncPresetInfo();
    this.checkNow();
    this.info('');
  }

  /** Both engines' refusals, drawn in the editor and listed below it. */
  checkNow() {
    const source = this.editor.value;
    const result = this.wasm.checkScenario(source);
    const diagnostics = [];
    const items = [];
    for (const e of result.js) {
      diagnostics.push({ ...e, engine: 'both' });
      items.push(this.diagnosticItem(e, e.kind === 'parse' ? 'Syntax error' : 'Both engines refuse', 'both'));
    }
    if (!result.js.length) {
      for (const e of result.rust) {
        diagnostics.push({ ...e, engine: 'rust' });
        items.push(this.diagnosticItem(e, 'Rust refuses', 'rust'));
      }
    }
    this.checks = result;
    this.editor.setDiagnostics(diagnostics);
    this.ui.diagnostics.replaceChildren(...items);

    const parsed = this.wasm.parseScenario(source);
    this.ops = parsed.ok ? sourceOps(parsed.program) : [];
    const generated = this.wasm.generateCode(source);
    if (generated.ok) {
      this.codeJs.show(generated.javascript, this.ops);
      this.codeRust.show(generated.rust, this.ops);
    } else {
      const note = 'Fix the syntax error to see the generated code.';
      this.codeJs.message(note);
      this.codeRust.message(note);
    }
    this.applyPointer();
  }

  diagnosticItem(e, prefix, engine) {
    const go = el('button', { type: 'button', class: 'link', title: 'Go to the error' }, `${e.line}:${e.col}`);
    go.addEventListener('click', () => this.editor.goTo(e.line, e.col));
    return el('li', { class: `diag ${engine}`, 'data-engine': engine, 'data-line': e.line, 'data-col': e.col, 'data-kind': e.kind },
      el('strong', {}, `${prefix}: `), e.message, ' (', go, ')',
      engine === 'rust' ? el('span', { class: 'diag-note' }, ' — the JS side still runs.') : null);
  }

  // ---- pointing: source, generated code and timeline highlight together ----

  pointAtSource(pos, how) {
    let expr = null;
    if (pos) {
      let best = null;
      for (const op of this.ops) {
        const r = exprRange(op.line, op.col, op.label);
        if (rangeContains(r, pos.line, pos.col)) {
          const size = (r.endLine - r.line) * 1000 + (r.endCol - r.col);
          if (!best || size < best.size) best = { op, size };
        }
      }
      expr = best ? best.op.expr : null;
    }
    this.pointAt(expr, how);
  }

  pointAt(expr, how) {
    this.pointers[how === 'focus' ? 'focus' : how === 'caret' ? 'caret' : 'hover'] = expr;
    this.applyPointer();
  }

  applyPointer() {
    const expr = this.pointers.hover ?? this.pointers.focus ?? this.pointers.caret ?? null;
    const op = expr ? this.ops.find((o) => o.expr === expr) : null;
    this.editor.setOpRange(op ? exprRange(op.line, op.col, op.label) : null);
    this.timeline.highlight(expr);
    this.codeJs.highlight(expr);
    this.codeRust.highlight(expr);
    this.ui.root.dataset.highlight = expr ?? '';
  }

  // ---- running ----

  /** Shows the Playground or the Learn tab; Learn is built the first time. */
  async showTab(name) {
    const learn = name === 'learn';
    for (const [tab, button] of Object.entries(this.ui.tabs)) {
      button.setAttribute('aria-selected', String(tab === name));
      button.tabIndex = tab === name ? 0 : -1;
    }
    this.ui.root.querySelector('[data-panel="playground"]').hidden = learn;
    this.ui.learn.hidden = !learn;
    if (!learn || this.learn) return;
    if (!this.wasm) {
      this.ui.learn.replaceChildren(el('p', { role: 'status' }, 'Loading the WebAssembly package…'));
      return;
    }
    this.learn = 'loading';
    this.ui.learn.replaceChildren(el('p', { role: 'status' }, 'Loading the Learn sections…'));
    try {
      const { mountLearn } = await import('./learn/learn.js');
      this.learn = await mountLearn(this.ui.learn, { wasm: this.wasm, program: () => this.editor.value });
    } catch (error) {
      this.learn = null;
      this.ui.learn.replaceChildren(el('p', { class: 'banner error', role: 'alert' }, `The Learn tab failed to load: ${error?.message ?? error}`));
    }
  }

  /**
   * Runs both engines. `stepped`: the Rust side is a stepped run (JS still
   * runs live), and its first step is taken at once.
   */
  runBoth({ stepped = false } = {}) {
    if (!this.wasm) return;
    if (this.run && !this.run.finished) this.stopRun();
    const source = this.editor.value;
    this.checkNow();
    this.info('');
    this.notice('');
    if (this.checks.js.length) {
      const e = this.checks.js[0];
      this.ui.status.textContent = `Not run: ${e.kind === 'parse' ? 'syntax error' : 'error'}: ${e.message} (${e.line}:${e.col}).`;
      this.ui.status.setAttribute('role', 'alert');
      this.setState('error');
      this.editor.goTo(e.line, e.col);
      return;
    }
    this.ui.status.setAttribute('role', 'status');
    const id = ++this.runId;
    const controller = new AbortController();
    const run = {
      id,
      controller,
      source,
      finished: false,
      wasHidden: document.visibilityState === 'hidden',
      t0: performance.now(),
      status: { js: { state: 'running' }, rust: { state: 'running' } },
      pending: 0,
      mode: 'run', // run | step (held for steps) | continued (was stepped, runs on)
      stepper: null, // the Rust ScenarioRun of a stepped run, until it ends
      steps: 0,
      lastStep: null,
    };
    this.run = run;
    this.recorded = { js: [], rust: [] };
    this.model = new TraceModel();
    this.exec = new ExecutorModel();
    this.cursor = null;
    this.replay.reset();
    this.timeline.clear();
    this.ui.hiddenBanner.hidden = !run.wasHidden;
    for (const engine of ENGINES) this.ui.output[engine].replaceChildren();
    this.ui.export.disabled = true;
    this.ui.stepLast.textContent = '';
    const stepRust = stepped && !this.checks.rust.length;
    if (stepped && !stepRust) this.info('Rust refuses this program, so there is nothing to step: the JS side runs live.');
    if (stepRust) {
      run.mode = 'step';
      this.replay.lock('Replay opens when this stepped run ends. Meanwhile each Step polls the live Rust executor.');
    }
    this.setState(stepRust ? 'stepping' : 'running');
    this.ui.status.textContent = stepRust
      ? 'Stepping: the JS side runs live; the Rust executor polls one task per Step.'
      : 'Running both engines…';

    const timeLimitMs = Number(this.getAttribute('time-limit')) || undefined;
    for (const engine of ENGINES) {
      if (engine === 'rust' && this.checks.rust.length) {
        run.status.rust = { state: 'refused', error: this.checks.rust[0] };
        continue;
      }
      run.pending += 1;
      const onEvent = (event) => {
        // A run that was stopped or replaced may still report: ignore it.
        if (this.runId !== id) return;
        this.take(engine, event);
      };
      let promise;
      try {
        if (engine === 'rust' && stepRust) {
          const onStepReady = () => {
            if (this.runId === id) this.syncControls();
          };
          run.stepper = this.wasm.startScenario(source, { engine, stepped: true, onEvent, onStepReady, signal: controller.signal });
          promise = run.stepper.finished;
        } else {
          promise = this.wasm.runScenario(source, { engine, timeLimitMs, onEvent, signal: controller.signal });
        }
      } catch (err) {
        promise = Promise.reject(err);
      }
      const done = (result) => {
        // The run is over: nothing may call into its ScenarioRun any more.
        if (engine === 'rust' && run.stepper) {
          const stepper = run.stepper;
          run.stepper = null;
          // After a panic the module is a fresh instance: freeing an object
          // of the old one would free memory of the new one.
          if (!result?.restarted) stepper.free();
        }
        // After a panic, replace the module's instance now (any call does):
        // an export that copies an argument in would otherwise copy it into
        // the old instance's memory before its guard swaps instances.
        if (result?.restarted) this.wasm.version();
        this.finishEngine(run, engine, result);
      };
      promise.then(done, (err) => done({ ok: false, error: { kind: 'runtime', message: err instanceof Error ? err.message : String(err) }, events: null }));
    }
    this.renderEngineErrors();
    if (run.pending === 0) this.finishRun(run);
    if (run.mode === 'step') this.stepOnce();
    this.syncControls();
    this.schedule();
  }

  // ---- stepping the live Rust executor ----

  stepClick() {
    if (!this.wasm) return;
    if (!this.run || this.run.finished) this.runBoth({ stepped: true });
    else this.stepOnce();
  }

  /** Polls exactly one queued Rust task, if the run is held and one is queued. */
  stepOnce() {
    const run = this.run;
    const stepper = run?.stepper;
    if (!run || run.finished || run.mode !== 'step' || !stepper) return;
    const before = this.recorded.rust.length;
    // The events of the poll arrive through onEvent while step() runs.
    if (stepper.step()) {
      run.steps += 1;
      const events = this.recorded.rust.slice(before);
      const start = events.find((e) => e.kind === 'executor' && e.text === 'poll-start');
      const end = events.find((e) => e.kind === 'executor' && String(e.text).startsWith('poll-end'));
      const task = start?.task ?? end?.task ?? null;
      run.lastStep = {
        n: run.steps,
        task: task === null ? 'a task' : taskName(this.exec, task),
        result: end ? (String(end.text).split(':')[1] === 'ready' ? 'Ready' : 'Pending') : null,
        t: (end ?? start)?.t ?? null,
      };
    }
    this.lastDraw = 0; // draw the step at once, not at the next throttled frame
    this.syncControls();
    this.schedule();
  }

  continueRun() {
    const run = this.run;
    if (!run || run.finished || run.mode !== 'step' || !run.stepper) return;
    run.mode = 'continued';
    run.stepper.resume();
    this.replay.unlock();
    this.setState('running');
    this.ui.status.textContent = `Continued after ${plural(run.steps, 'step')}: the Rust executor runs on by itself.`;
    this.syncControls();
    this.schedule();
  }

  onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    const isF10 = event.key === 'F10';
    const isS = event.key === 's' || event.key === 'S';
    if (!isF10 && !isS) return;
    // S is a letter: never while typing. F10 (a debugger's "step over") steps from anywhere in the element.
    const target = event.composedPath()[0];
    const typing = target instanceof HTMLElement && (target.matches('textarea, input, select') || target.isContentEditable);
    if (isS && typing) return;
    event.preventDefault();
    if (this.ui.step.disabled) return;
    this.stepClick();
  }

  /** Buttons, the step bar and the Step button's reason, from the run's state. */
  syncControls() {
    const ui = this.ui;
    const run = this.run;
    const active = Boolean(run && !run.finished);
    const held = active && run.mode === 'step' && Boolean(run.stepper);
    const canStep = held && run.stepper.canStep();
    const hadFocus = this.shadowRoot.activeElement === ui.step;

    ui.run.textContent = active ? 'Restart' : 'Run';
    ui.stop.disabled = !active;
    ui.continue.hidden = !held;
    ui.continue.disabled = !held;

    if (!active) {
      ui.step.disabled = !this.wasm;
      ui.step.removeAttribute('aria-describedby');
      ui.step.title = STEP_TITLE;
      ui.stepBar.hidden = true;
      ui.stepBar.dataset.waiting = 'false';
      ui.stepReason.textContent = '';
      this.focusStepIfPending();
      return;
    }
    ui.step.disabled = !canStep;
    ui.step.setAttribute('aria-describedby', 'step-reason');
    ui.stepBar.hidden = run.mode === 'run';
    ui.stepBar.dataset.waiting = String(held && !canStep);
    const last = run.lastStep;
    ui.stepLast.textContent = last
      ? `Step ${last.n} polled ${last.task}${last.result ? ` → ${last.result}` : ''}${last.t !== null ? ` at ${fmtMs(last.t)}` : ''}.`
      : '';
    if (run.mode === 'run') {
      ui.step.title = 'This run goes by itself: Stop it or let it end, then Step starts a stepped run.';
      ui.stepReason.textContent = 'This run goes by itself; Step starts a stepped run once it has ended.';
    } else if (run.mode === 'continued') {
      ui.step.title = 'Continued: the Rust executor runs on by itself.';
      ui.stepReason.textContent = `Continued after ${plural(run.steps, 'step')}: the Rust executor runs on by itself until the run ends.`;
    } else if (!run.stepper) {
      ui.step.title = 'The Rust side has ended';
      ui.stepReason.textContent = `The Rust side has ended (${run.status.rust.error ? `${run.status.rust.error.kind} error` : 'ok'}); the JS side is still running.`;
    } else if (canStep) {
      ui.step.title = STEP_TITLE;
      const queue = this.exec.queue;
      const more = queue.length > 1 ? ` (${queue.length - 1} more queued)` : '';
      ui.stepReason.textContent = queue.length
        ? `Next step polls ${taskName(this.exec, queue[0])}${more}. Press Step, S or F10.`
        : 'A task is queued: press Step, S or F10 to poll it.';
    } else {
      ui.step.title = 'Waiting: no Rust task is queued';
      ui.stepReason.textContent = this.waitingReason();
    }
    // A focused button that gets disabled loses the keyboard: give it back
    // when the wake arrives, unless the user has moved on meanwhile.
    if (hadFocus && ui.step.disabled) this.stepFocusPending = true;
    this.focusStepIfPending();
  }

  focusStepIfPending() {
    if (!this.stepFocusPending || this.ui.step.disabled) return;
    this.stepFocusPending = false;
    const outside = document.activeElement;
    const inside = this.shadowRoot.activeElement;
    if ((outside === null || outside === document.body || outside === this) && (inside === null || inside === this.ui.step)) {
      this.ui.step.focus();
    }
  }

  /** Why no step can be taken now, from what the executor view knows. */
  waitingReason() {
    const exec = this.exec;
    if (exec.tasks.get(1)?.state === 'done') return 'The main task has finished: the run is ending.';
    const timers = [...exec.timers.values()];
    const fetches = [...exec.fetches.values()];
    const soonest = timers.map((timer) => ({ timer, due: exec.due(timer) }))
      .sort((a, b) => (a.due ?? Infinity) - (b.due ?? Infinity) || a.timer.deadlineAbs - b.timer.deadlineAbs)[0];
    const timerText = soonest
      ? `timer ${soonest.timer.id} fires${soonest.due !== null ? ` (due at ${fmtMs(soonest.due)})` : ''}`
      : null;
    const fetchText = fetches.length ? `${fetches[0].label} completes` : null;
    const when = [timerText, fetchText].filter(Boolean);
    if (!when.length) return 'Waiting: no task is queued, and no timer or fetch is pending to wake one.';
    return `Waiting: no task is queued. The reactor queues a wake when ${when.join(', or when ')}; Step comes back then.`;
  }

  take(engine, event) {
    this.recorded[engine].push(event);
    this.model.add(engine, event);
    if (engine === 'rust') this.exec.add(event);
    if (event.kind === 'log') this.appendOutput(engine, event);
    this.schedule();
  }

  appendOutput(engine, event) {
    const list = this.ui.output[engine];
    if (list.childElementCount >= MAX_OUTPUT_LINES) {
      if (!list.dataset.truncated) {
        list.dataset.truncated = 'true';
        list.append(el('li', { class: 'more' }, 'more lines not shown'));
      }
      return;
    }
    list.append(el('li', { 'data-t': event.t.toFixed(1) }, el('span', { class: 'out-t' }, fmtMs(event.t)), String(event.text ?? '')));
  }

  finishEngine(run, engine, result) {
    if (this.runId !== run.id) return;
    const events = Array.isArray(result?.events) ? result.events : null;
    if (events && events.length !== this.recorded[engine].length) {
      // The result holds the whole trace: trust it over what arrived live.
      this.recorded[engine] = events;
      this.model = modelAt(this.recorded);
      this.exec = executorAt(this.recorded.rust);
      this.ui.output[engine].replaceChildren();
      for (const e of events) if (e.kind === 'log') this.appendOutput(engine, e);
    }
    run.status[engine] = { state: result?.ok ? 'done' : 'error', error: result?.ok ? null : result?.error ?? { kind: 'runtime', message: 'unknown error' } };
    run.pending -= 1;
    this.renderEngineErrors();
    if (run.pending === 0) this.finishRun(run);
    else this.syncControls();
    this.schedule();
  }

  finishRun(run) {
    run.finished = true;
    run.tEnd = performance.now() - run.t0;
    this.replay.unlock();
    this.syncControls();
    this.ui.export.disabled = !(this.recorded.js.length || this.recorded.rust.length);
    this.replay.update(this.recorded, true);
    const parts = ENGINES.map((engine) => {
      const s = run.status[engine];
      if (s.state === 'refused') return `${ENGINE_NAME[engine]} refused`;
      return `${ENGINE_NAME[engine]} ${s.error ? `${s.error.kind} error` : 'ok'} in ${fmtMs(this.model.end[engine])}`;
    });
    const steps = run.mode === 'run' ? '' : ` Rust was stepped ${plural(run.steps, 'time')}${run.mode === 'continued' ? ', then continued' : ''}.`;
    this.ui.status.textContent = `${run.stopped ? 'Stopped' : 'Finished'}: ${parts.join(' · ')}.${steps}${run.wasHidden ? ' (Tab was hidden: timings may be stretched.)' : ''}`;
    this.setState(run.stopped ? 'stopped' : 'done');
  }

  stopRun() {
    const run = this.run;
    if (!run || run.finished) return;
    run.stopped = true;
    run.controller.abort();
    this.ui.status.textContent = 'Stopping…';
  }

  renderEngineErrors() {
    const run = this.run;
    const items = [];
    for (const engine of ENGINES) {
      const s = run?.status[engine];
      if (!s?.error) continue;
      const e = s.error;
      const where = e.line ? ` (${e.line}:${e.col})` : '';
      const title = s.state === 'refused' ? `${ENGINE_NAME[engine]} refuses to run` : e.kind === 'limit' ? `${ENGINE_NAME[engine]} stopped by a limit` : `${ENGINE_NAME[engine]} failed`;
      items.push(el('p', { class: `engine-error ${engine} ${e.kind}`, role: 'alert', 'data-engine': engine, 'data-kind': e.kind },
        el('strong', {}, `${title}: `), `${e.message}${where}`));
    }
    this.ui.engineErrors.replaceChildren(...items);
  }

  // ---- drawing ----

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      const live = this.run && !this.run.finished && !this.cursor;
      // A live run shares this thread with the page: redrawing the lanes and
      // the executor every frame would slow its timers down. Between full
      // draws only the clock moves (open bars grow via one CSS variable).
      if (live && now - (this.lastDraw ?? 0) < LIVE_DRAW_INTERVAL_MS) this.tick();
      else {
        this.lastDraw = now;
        this.draw();
      }
      if (live) this.schedule();
    });
  }

  tick() {
    const now = this.now();
    this.timeline.root.style.setProperty('--now-js', String(now.js));
    this.timeline.root.style.setProperty('--now-rust', String(now.rust));
  }

  now() {
    const run = this.run;
    if (!run) return { js: 0, rust: 0 };
    const live = run.finished ? run.tEnd : performance.now() - run.t0;
    const out = {};
    for (const engine of ENGINES) {
      out[engine] = run.status[engine].state === 'running' ? Math.max(live, this.model.end[engine]) : this.model.end[engine];
    }
    return out;
  }

  draw() {
    const run = this.run;
    if (!run) return;
    if (this.cursor) {
      const model = modelAt(this.recorded, this.cursor);
      const exec = executorAt(this.recorded.rust, this.cursor);
      const full = this.fullModel ?? this.model;
      const tmax = Math.max(full.end.js, full.end.rust);
      const t = this.cursor.t;
      this.timeline.render(model, {
        now: { js: Math.min(t, full.end.js), rust: Math.min(t, full.end.rust) },
        cursor: t,
        status: run.status,
        tmax: Math.max(10, tmax * 1.02),
      });
      this.renderExecutorView(exec, false);
      this.ui.root.dataset.view = 'replay';
    } else {
      const held = !run.finished && run.mode === 'step' && run.status.rust.state === 'running';
      const status = run.finished ? run.status
        : { js: { state: run.status.js.state }, rust: { state: held ? 'stepping' : run.status.rust.state } };
      this.timeline.render(this.model, { now: this.now(), status });
      this.renderExecutorView(this.exec, run.finished, held);
      this.ui.root.dataset.view = run.finished ? 'end' : 'live';
      if (!run.finished) this.replay.update(this.recorded, false);
      // Timers fire and fetches settle between steps: keep the reason current.
      if (held) this.syncControls();
    }
    this.applyPointer();
  }

  renderExecutorView(model, ended, stepping = false) {
    if (this.run && this.run.status.rust.state === 'refused') {
      this.ui.executor.replaceChildren(el('p', { class: 'empty' }, 'Rust refused the program before running it, so the executor never started.'));
      return;
    }
    renderExecutor(this.ui.executor, model, { ended, stepping });
  }

  setCursor(cursor) {
    this.cursor = cursor;
    this.fullModel = this.model;
    this.schedule();
  }

  // ---- share and export ----

  async copyLink() {
    const field = this.ui.shareField;
    try {
      const fragment = await encodeSource(this.editor.value);
      const url = new URL(location.href);
      url.hash = fragment;
      field.value = url.href;
      field.hidden = false;
      let copied = false;
      if (navigator.clipboard?.writeText) {
        try {
          await navigator.clipboard.writeText(url.href);
          copied = true;
        } catch {
          copied = false;
        }
      }
      if (copied) this.ui.status.textContent = 'Link copied. Opening it shows this program; nothing runs until Run is pressed.';
      else {
        field.focus();
        field.select();
        this.ui.status.textContent = 'Link selected below: press Ctrl+C (Cmd+C) to copy it.';
      }
    } catch (err) {
      this.notice(`Cannot make a link: ${err.message}`);
    }
  }

  exportTrace() {
    if (!this.run?.finished) return;
    if (this.lastDownloadUrl) URL.revokeObjectURL(this.lastDownloadUrl);
    const { url, name } = traceDownload(this.recorded, this.run.source);
    this.lastDownloadUrl = url;
    const a = this.ui.download;
    a.href = url;
    a.download = name;
    a.click();
    this.ui.status.textContent = `Trace saved as ${name}: open it in Perfetto (ui.perfetto.dev) or chrome://tracing.`;
  }
}

export function define(name = 'futures-playground') {
  if (!customElements.get(name)) customElements.define(name, FuturesPlayground);
}

// Keep `show` reachable for embedders that format values like the timeline.
export { show };
