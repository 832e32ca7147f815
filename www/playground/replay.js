// Replay and step over a recorded run. The real executor cannot be paused
// from the page, so both work on the recording: the scrubber moves through
// the moments at which something happened (arrow keys: one moment each), and
// Step jumps to the Rust executor's next `poll-end`.
import { el, fmtMs } from './dom.js';

export class Replay {
  constructor({ onCursor }) {
    this.onCursor = onCursor;
    this.recorded = { js: [], rust: [] };
    this.times = [0];
    this.stepIndex = -1;
    this.finished = false;

    this.range = el('input', { type: 'range', class: 'scrubber', min: '0', max: '0', value: '0', step: '1', disabled: true, 'aria-label': 'Replay: time in the recorded run' });
    this.output = el('output', { class: 'scrub-time' }, '–');
    this.stepButton = el('button', { type: 'button', class: 'step', disabled: true, title: 'Advance the recorded Rust run to the executor\'s next poll-end' }, 'Step ▸');
    this.liveButton = el('button', { type: 'button', class: 'live', disabled: true }, 'Show end');
    this.note = el('p', { class: 'replay-note', 'aria-live': 'polite' }, 'Step and replay go through the recorded run; the live run itself is never paused.');
    this.root = el('div', { class: 'replay', role: 'group', 'aria-label': 'Replay and step' },
      el('div', { class: 'replay-row' },
        el('label', { class: 'scrub-label' }, 'Replay', this.range), this.output, this.stepButton, this.liveButton),
      this.note);

    this.range.addEventListener('input', () => {
      this.stepIndex = -1;
      const t = this.times[Number(this.range.value)] ?? 0;
      this.setCursor({ t, rustIndex: null }, `Replaying the recording at ${fmtMs(t, 1)}.`);
    });
    this.stepButton.addEventListener('click', () => this.step());
    this.liveButton.addEventListener('click', () => this.release());
  }

  /** New run: forget the old recording. */
  reset() {
    this.recorded = { js: [], rust: [] };
    this.times = [0];
    this.stepIndex = -1;
    this.finished = false;
    this.cursor = null;
    this.range.max = '0';
    this.range.value = '0';
    this.range.disabled = true;
    this.stepButton.disabled = true;
    this.liveButton.disabled = true;
    this.output.textContent = '–';
    this.note.textContent = 'Step and replay go through the recorded run; the live run itself is never paused.';
  }

  /** The recording so far; `finished` enables the scrubber. */
  update(recorded, finished) {
    this.recorded = recorded;
    this.finished = finished;
    this.stepButton.disabled = !recorded.rust.some(isPollEnd);
    if (finished) {
      const set = new Set([0]);
      for (const e of recorded.js) set.add(Math.round(e.t * 10) / 10);
      for (const e of recorded.rust) set.add(Math.round(e.t * 10) / 10);
      this.times = [...set].sort((a, b) => a - b);
      this.range.max = String(this.times.length - 1);
      this.range.disabled = this.times.length < 2;
      if (!this.cursor) {
        this.range.value = this.range.max;
        this.showTime(this.times[this.times.length - 1]);
      }
    }
  }

  showTime(t) {
    this.output.textContent = `${fmtMs(t, 1)}`;
    this.range.setAttribute('aria-valuetext', `${fmtMs(t, 1)} into the run`);
  }

  setCursor(cursor, note) {
    this.cursor = cursor;
    this.liveButton.disabled = false;
    this.liveButton.textContent = this.finished ? 'Show end' : 'Back to live';
    this.showTime(cursor.t);
    this.note.textContent = note;
    this.onCursor(cursor);
  }

  step() {
    const rust = this.recorded.rust;
    let i = this.stepIndex + 1;
    if (this.stepIndex < 0 && this.cursor) {
      // From a scrubbed time, continue with the first poll-end after it.
      while (i < rust.length && rust[i].t < this.cursor.t) i++;
    }
    while (i < rust.length && !isPollEnd(rust[i])) i++;
    if (i >= rust.length) {
      this.note.textContent = this.finished ? 'That was the last poll of the recorded run. Scrub back or press Show end.' : 'No further poll recorded yet; the run is still going.';
      return;
    }
    this.stepIndex = i;
    const e = rust[i];
    const n = rust.slice(0, i + 1).filter(isPollEnd).length;
    // Line the scrubber up with the step, at the last moment not after it.
    let k = 0;
    while (k + 1 < this.times.length && this.times[k + 1] <= e.t + 0.05) k++;
    if (this.finished) this.range.value = String(k);
    this.setCursor({ t: e.t, rustIndex: i },
      `Step ${n}: task ${e.task ?? '?'} poll returned ${String(e.text).split(':')[1] === 'ready' ? 'Ready' : 'Pending'} at ${fmtMs(e.t, 1)} (steps through the recorded run).`);
  }

  /** Leave replay: show the live run, or the end of a finished one. */
  release() {
    this.cursor = null;
    this.stepIndex = -1;
    this.liveButton.disabled = true;
    if (this.finished) {
      this.range.value = this.range.max;
      this.showTime(this.times[this.times.length - 1]);
    }
    this.note.textContent = 'Step and replay go through the recorded run; the live run itself is never paused.';
    this.onCursor(null);
  }
}

function isPollEnd(e) {
  return e.kind === 'executor' && String(e.text).startsWith('poll-end');
}
