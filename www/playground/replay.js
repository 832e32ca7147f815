// Replay a recorded run. The scrubber moves through the moments at which
// something happened (arrow keys: one moment each), and ◀ ▶ jump to the Rust
// executor's previous / next recorded `poll-end`. This is replay only: it
// reads the recording. Stepping the live executor is the toolbar's Step.
import { el, fmtMs } from './dom.js';

const NOTE = 'Replay reads the recording: scrub through the run, or use ◀ ▶ for the Rust executor\'s previous / next poll.';

export class Replay {
  constructor({ onCursor }) {
    this.onCursor = onCursor;
    this.recorded = { js: [], rust: [] };
    this.times = [0];
    this.stepIndex = -1;
    this.finished = false;
    this.locked = false;

    this.range = el('input', { type: 'range', class: 'scrubber', min: '0', max: '0', value: '0', step: '1', disabled: true, 'aria-label': 'Replay: time in the recorded run' });
    this.output = el('output', { class: 'scrub-time' }, '–');
    this.prevButton = el('button', { type: 'button', class: 'replay-prev', disabled: true, 'aria-label': 'Previous recorded poll', title: 'Replay: back to the recorded Rust run\'s previous poll-end' }, '◀');
    this.nextButton = el('button', { type: 'button', class: 'replay-next', disabled: true, 'aria-label': 'Next recorded poll', title: 'Replay: on to the recorded Rust run\'s next poll-end' }, '▶');
    this.liveButton = el('button', { type: 'button', class: 'live', disabled: true }, 'Show end');
    this.note = el('p', { class: 'replay-note', 'aria-live': 'polite' }, NOTE);
    this.root = el('div', { class: 'replay', role: 'group', 'aria-label': 'Replay the recorded run' },
      el('div', { class: 'replay-row' },
        el('label', { class: 'scrub-label' }, 'Replay', this.range), this.output,
        el('span', { class: 'replay-steps', role: 'group', 'aria-label': 'Recorded polls' }, this.prevButton, this.nextButton),
        this.liveButton),
      this.note);

    this.range.addEventListener('input', () => {
      this.stepIndex = -1;
      const t = this.times[Number(this.range.value)] ?? 0;
      this.setCursor({ t, rustIndex: null }, `Replaying the recording at ${fmtMs(t, 1)}.`);
    });
    this.prevButton.addEventListener('click', () => this.stepBy(-1));
    this.nextButton.addEventListener('click', () => this.stepBy(1));
    this.liveButton.addEventListener('click', () => this.release());
  }

  /** New run: forget the old recording. */
  reset() {
    this.recorded = { js: [], rust: [] };
    this.times = [0];
    this.stepIndex = -1;
    this.finished = false;
    this.locked = false;
    this.cursor = null;
    this.range.max = '0';
    this.range.value = '0';
    this.range.disabled = true;
    this.prevButton.disabled = true;
    this.nextButton.disabled = true;
    this.liveButton.disabled = true;
    this.output.textContent = '–';
    this.note.textContent = NOTE;
  }

  /**
   * While the live executor is being stepped, replay stays closed: one Step
   * button at a time, and what is drawn is always the live run.
   */
  lock(note) {
    this.locked = true;
    this.range.disabled = true;
    this.prevButton.disabled = true;
    this.nextButton.disabled = true;
    this.liveButton.disabled = true;
    this.note.textContent = note;
  }

  unlock() {
    if (!this.locked) return;
    this.locked = false;
    this.note.textContent = NOTE;
    this.update(this.recorded, this.finished);
  }

  /** The recording so far; `finished` enables the scrubber. */
  update(recorded, finished) {
    this.recorded = recorded;
    this.finished = finished;
    if (this.locked) return;
    const polls = recorded.rust.some(isPollEnd);
    this.prevButton.disabled = !polls;
    this.nextButton.disabled = !polls;
    if (finished) {
      const set = new Set([0]);
      // Rounded up to the tenth of a millisecond: each scrubber moment shows
      // every event up to it, including the last (rounding down left an event
      // at 502.04 ms, or at 502.0000000000002, past the scrubber's end).
      for (const e of recorded.js) set.add(Math.ceil(e.t * 10) / 10);
      for (const e of recorded.rust) set.add(Math.ceil(e.t * 10) / 10);
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

  /** Moves to the recorded Rust run's next (dir 1) or previous (dir -1) poll-end. */
  stepBy(dir) {
    const rust = this.recorded.rust;
    const ends = [];
    for (let i = 0; i < rust.length; i++) if (isPollEnd(rust[i])) ends.push(i);
    if (!ends.length) return;
    let k;
    if (this.stepIndex >= 0) k = ends.indexOf(this.stepIndex) + dir;
    else if (this.cursor) {
      // From a scrubbed time: the first poll-end at or after it, or the last one before it.
      const t = this.cursor.t;
      k = dir > 0 ? ends.findIndex((i) => rust[i].t >= t) : findLastIndex(ends, (i) => rust[i].t < t);
      if (k < 0 && dir > 0) k = ends.length;
    } else {
      // From the end of the run (or the live edge): forward starts at the first poll.
      k = dir > 0 ? 0 : ends.length - 1;
    }
    if (k < 0) {
      this.note.textContent = 'That was the first poll of the recorded run.';
      return;
    }
    if (k >= ends.length) {
      this.note.textContent = this.finished ? 'That was the last poll of the recorded run. Scrub back or press Show end.' : 'No further poll recorded yet; the run is still going.';
      return;
    }
    const i = ends[k];
    this.stepIndex = i;
    const e = rust[i];
    // Line the scrubber up with the poll, at the last moment not after it.
    let m = 0;
    while (m + 1 < this.times.length && this.times[m + 1] <= e.t + 0.05) m++;
    if (this.finished) this.range.value = String(m);
    const result = String(e.text).split(':')[1] === 'ready' ? 'Ready' : 'Pending';
    this.setCursor({ t: e.t, rustIndex: i },
      `Poll ${k + 1}${this.finished ? ` of ${ends.length}` : ''}: task ${e.task ?? '?'} poll returned ${result} at ${fmtMs(e.t, 1)} (replaying the recorded run).`);
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
    this.note.textContent = NOTE;
    this.onCursor(null);
  }
}

function isPollEnd(e) {
  return e.kind === 'executor' && String(e.text).startsWith('poll-end');
}

function findLastIndex(list, pred) {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) return i;
  return -1;
}
