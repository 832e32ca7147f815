// A finished run as Chrome Trace Event JSON (loads in Perfetto and
// chrome://tracing): one process per engine, one thread per operation (and,
// for Rust, per executor task), timestamps in microseconds.
import { show } from './timeline.js';

const PID = { js: 1, rust: 2 };

export function toChromeTrace(recorded, source = '') {
  const events = [];
  const meta = (pid, tid, name, value) => events.push({ ph: 'M', pid, tid, name, args: { name: value } });
  meta(PID.js, 0, 'process_name', 'JS Promises (eager)');
  meta(PID.rust, 0, 'process_name', 'Rust futures (lazy)');
  for (const engine of ['js', 'rust']) {
    const pid = PID[engine];
    const tids = new Map();
    const tidOf = (key, name) => {
      if (!tids.has(key)) {
        tids.set(key, tids.size + 1);
        meta(pid, tids.size, 'thread_name', name);
      }
      return tids.get(key);
    };
    const open = new Map();
    const us = (t) => Math.round(t * 1000);
    for (const e of recorded[engine] ?? []) {
      if (e.kind === 'executor') {
        const task = e.task;
        const text = String(e.text ?? '');
        const tid = tidOf(task !== undefined ? `task:${task}` : 'executor', task !== undefined ? `task ${task}${task === 1 ? ' (main)' : ''}` : 'executor');
        if (text === 'poll-start') open.set(`poll:${task}`, e.t);
        else if (text.startsWith('poll-end') && open.has(`poll:${task}`)) {
          const start = open.get(`poll:${task}`);
          open.delete(`poll:${task}`);
          events.push({ ph: 'X', pid, tid, name: `poll task ${task}`, cat: 'executor', ts: us(start), dur: Math.max(1, us(e.t) - us(start)), args: { result: text.split(':')[1] } });
        } else events.push({ ph: 'i', s: 't', pid, tid, name: text, cat: 'executor', ts: us(e.t) });
        continue;
      }
      const tid = tidOf(e.op, `${e.op} ${e.label}`);
      const name = String(e.label ?? e.kind);
      if (e.kind === 'create') open.set(`create:${e.op}`, e.t);
      if (e.kind === 'start') {
        if (open.has(`create:${e.op}`)) {
          const c = open.get(`create:${e.op}`);
          if (e.t > c) events.push({ ph: 'X', pid, tid, name: `${name} (created, waiting)`, cat: 'waiting', ts: us(c), dur: us(e.t) - us(c) });
        }
        open.delete(`create:${e.op}`);
        open.set(`start:${e.op}`, e.t);
      }
      if ((e.kind === 'settle' || e.kind === 'cancel') && open.has(`start:${e.op}`)) {
        const s = open.get(`start:${e.op}`);
        open.delete(`start:${e.op}`);
        events.push({
          ph: 'X', pid, tid, name, cat: e.kind === 'cancel' ? 'cancelled' : e.ok === false ? 'error' : 'ok', ts: us(s), dur: Math.max(1, us(e.t) - us(s)),
          args: e.kind === 'cancel' ? { cancelled: true } : { ok: e.ok !== false, result: show(e.ok === false ? e.error : e.value) },
        });
      }
      const args = {};
      for (const k of ['text', 'ready', 'ok']) if (e[k] !== undefined) args[k] = e[k];
      events.push({ ph: 'i', s: 't', pid, tid, name: `${e.kind}: ${name}`, cat: e.kind, ts: us(e.t), args });
    }
  }
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { generator: 'futures-playground', source } };
}

/** A Blob URL and file name for the trace (the caller revokes the URL). */
export function traceDownload(recorded, source) {
  const json = JSON.stringify(toChromeTrace(recorded, source));
  const blob = new Blob([json], { type: 'application/json' });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return { url: URL.createObjectURL(blob), name: `futures-playground-trace-${stamp}.json` };
}
