// The legend: every mark and colour the timeline uses, drawn with the same
// classes so it cannot drift from what the lanes show.
import { el } from './dom.js';

const item = (sample, text) => el('li', {}, el('span', { class: 'legend-sample', 'aria-hidden': 'true' }, sample), text);
const m = (cls) => el('span', { class: `mark ${cls}` });
const b = (cls) => el('span', { class: `bar ${cls}` });

export function legend() {
  return el('details', { class: 'legend', open: true },
    el('summary', {}, 'Legend'),
    el('ul', {},
      item(el('span', { class: 'swatch js' }), 'JS: the program as Promises (upper track of each lane)'),
      item(el('span', { class: 'swatch rust' }), 'Rust: the program as futures on our executor (lower track)'),
      item(b('k-wait js'), 'hollow bar: created, not started yet (the gap Rust\'s laziness makes)'),
      item(b('k-run js'), 'solid bar: started, running until it settles'),
      item(b('k-run err'), 'red end: settled with an error'),
      item(m('k-create'), 'create: the Promise / Future now exists'),
      item(m('k-start'), 'start: its work began (timer set, request sent, body runs)'),
      item(m('k-settle ok'), 'settle: finished with a value'),
      item(m('k-settle err'), 'settle with an error'),
      item(m('k-cancel'), 'cancel: dropped after it started (timer cleared, fetch aborted)'),
      item(m('k-drop'), 'drop: dropped without ever starting'),
      item(m('k-poll ready'), 'poll returning Ready (tall) or Pending (short); Rust only'),
      item(m('k-wake'), 'wake: a waker asked the executor to poll the task again'),
      item(b('k-busy'), 'task busy: inside a poll (main task and spawned tasks)'),
      item(m('k-log'), 'log: a line printed'),
      item(m('k-unhandled-rejection'), 'unhandled rejection (JS)'),
    ));
}
