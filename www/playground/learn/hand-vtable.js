// Section 2: a vtable made by hand (drop, size, align, add, sub, mul), put
// beside a data address to make a &dyn Calculator, and called. Swapping two
// entries changes which function answers a method call.
import { el } from '../dom.js';

const METHODS = ['add', 'sub', 'mul'];

export function mount(container, { wasm }) {
  const slots = [0, 1, 2];
  const base = el('input', { type: 'number', class: 'base', value: '7', step: '1', 'aria-label': 'The value the pointer points at' });
  const x = el('input', { type: 'number', class: 'arg', value: '5', step: '1', 'aria-label': 'The argument' });
  const pickers = METHODS.map((method, slot) => {
    const select = el('select', { class: 'slot', 'data-slot': method, 'aria-label': `Function in the ${method} slot` },
      METHODS.map((m, i) => el('option', { value: String(i) }, `fn ${m}`)));
    select.value = String(slot);
    select.addEventListener('change', () => {
      slots[slot] = Number(select.value);
      call();
    });
    return select;
  });
  const swap = (a, b) => {
    [slots[a], slots[b]] = [slots[b], slots[a]];
    pickers.forEach((p, i) => { p.value = String(slots[i]); });
    call();
  };
  const out = el('div', { class: 'hand-out', 'aria-live': 'polite' });

  function call() {
    const b = Number(base.value);
    const arg = Number(x.value);
    const int = (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31;
    if (!int(b) || !int(arg)) {
      out.replaceChildren(el('p', { class: 'learn-error', role: 'alert' }, 'The value and the argument must be whole numbers that fit an i32.'));
      return;
    }
    const r = wasm.learnHandVtable(Uint32Array.from(slots), b, arg);
    const nameOf = (index) => METHODS[r.functions.indexOf(index)] ?? '?';
    const rows = [
      ['drop', String(r.words[0]), 'none: an i32 needs no drop'],
      ['size', String(r.words[1]), 'bytes of the value'],
      ['align', String(r.words[2]), 'its alignment'],
      ...METHODS.map((m, i) => [m, String(r.words[3 + i]), `function table index of fn ${nameOf(r.words[3 + i])}`]),
    ];
    out.replaceChildren(
      el('table', { class: 'learn-table vtable' },
        el('thead', {}, el('tr', {}, ['offset', 'slot', 'word', 'holds'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map(([slot, word, holds], i) => el('tr', { 'data-slot': slot, class: i >= 3 && slots[i - 3] !== i - 3 ? 'swapped' : '' },
          el('td', { class: 'mono' }, `+${i * 4}`), el('td', {}, slot), el('td', { class: 'mono' }, word), el('td', {}, holds))))),
      el('ul', { class: 'calls' }, METHODS.map((m, i) => {
        const answered = METHODS[slots[i]];
        return el('li', { 'data-method': m, 'data-answered-by': answered },
          el('code', {}, `calc.${m}(${arg})`), ` → ${r.results[i]} `,
          answered === m ? `(fn ${m} answered)` : el('strong', {}, `(fn ${answered} answered: the ${m} slot holds it)`));
      })));
  }

  container.append(
    el('p', {}, 'A trait object is a data address plus a vtable address. Here the vtable is an array built by hand: drop, size, align, then one function per method in declaration order (add, sub, mul). It is transmuted with the address of an i32 into a &dyn Calculator and called.'),
    el('p', { class: 'banner warn' }, 'This leans on rustc\'s current vtable layout, which is not a stable guarantee: a later compiler may lay vtables out differently, and then this breaks. By the language\'s rules it is undefined behaviour, and that is not theory: in this module\'s optimized build the compiler saw through the forged table and deleted the call altogether, until the code hid the table from it (std::hint::black_box). Do not do this outside a lesson.'),
    el('div', { class: 'learn-controls' },
      el('label', {}, 'value ', base), el('label', {}, 'argument ', x),
      ...METHODS.map((m, i) => el('label', {}, `${m} slot `, pickers[i]))),
    el('div', { class: 'learn-controls' },
      el('button', { type: 'button', class: 'swap', 'data-swap': 'add-sub', onclick: () => swap(0, 1) }, 'Swap add ↔ sub'),
      el('button', { type: 'button', class: 'swap', 'data-swap': 'add-mul', onclick: () => swap(0, 2) }, 'Swap add ↔ mul'),
      el('button', { type: 'button', class: 'call', onclick: call }, 'Call through &dyn Calculator')),
    out);
  base.addEventListener('change', call);
  x.addEventListener('change', call);
  call();
  return { dispose() {} };
}
