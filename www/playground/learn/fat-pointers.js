// Section 1: pointer sizes as this module was compiled (wasm32), and the two
// words of a live &[i32] and &dyn Animal, with the vtable read from memory.
import { el } from '../dom.js';
import { check, hex } from './format.js';

export function mount(container, { wasm }) {
  const { wordBytes, layouts } = wasm.learnPointerLayouts();
  const table = el('table', { class: 'learn-table layouts' },
    el('thead', {}, el('tr', {}, ['Type', 'size', 'align', 'words', 'the words are'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, layouts.map((l) => el('tr', { 'data-type': l.name },
      el('th', { scope: 'row' }, el('code', {}, l.name)),
      el('td', { class: 'num size' }, `${l.size} B`), el('td', { class: 'num' }, `${l.align}`),
      el('td', { class: 'num words' }, `${l.words}`), el('td', {}, l.why)))));
  const fat = layouts.find((l) => l.name === '&[i32]');

  // A live &[i32].
  const values = el('input', { type: 'text', class: 'slice-values', value: '3, 1, 4, 1, 5', 'aria-label': 'Elements of the slice' });
  const sliceOut = el('div', { class: 'slice-out', 'aria-live': 'polite' });
  const readSlice = () => {
    const parts = values.value.split(',').map((s) => s.trim()).filter(Boolean);
    const numbers = parts.map(Number);
    if (!parts.length || numbers.some((n) => !Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)) {
      sliceOut.replaceChildren(el('p', { class: 'learn-error', role: 'alert' }, 'Give whole numbers between -2147483648 and 2147483647, separated by commas.'));
      return;
    }
    const r = wasm.learnSliceWords(Int32Array.from(numbers));
    sliceOut.replaceChildren(el('table', { class: 'learn-table words' }, el('tbody', {},
      el('tr', { 'data-word': 0 }, el('th', { scope: 'row' }, 'word 0'), el('td', { class: 'mono' }, hex(r.words[0])),
        el('td', {}, `= as_ptr() ${hex(r.dataAddress)} ${check(r.words[0] === r.dataAddress)}: where element 0 (${r.elements[0]}) lives in linear memory`)),
      el('tr', { 'data-word': 1 }, el('th', { scope: 'row' }, 'word 1'), el('td', { class: 'mono' }, String(r.words[1])),
        el('td', {}, `= len() ${r.len} ${check(r.words[1] === r.len)}: a count of elements, not bytes`)))));
  };
  values.addEventListener('keydown', (e) => { if (e.key === 'Enter') readSlice(); });

  // A live &dyn Animal.
  const dynOut = el('div', { class: 'dyn-out', 'aria-live': 'polite' });
  const readDyn = () => {
    const r = wasm.learnDynWords(4);
    const fnTable = wasm.learnFunctionTable();
    const vtable = r.words[0] === r.dataAddress ? r.words[1] : r.words[0];
    const describe = (entry, index) => {
      if (index === 1 || index === 2) return `${entry.value} bytes`;
      if (index === 0 && entry.value === 0) return 'none (no drop glue)';
      // Read, never called: the release build's wasm-opt runs --closed-world (Cargo.toml).
      const fn = entry.value < fnTable.length ? fnTable.get(entry.value) : null;
      return fn ? `function table index ${entry.value} → wasm function ${fn.name} (${fn.length} params)` : `function table index ${entry.value}`;
    };
    dynOut.replaceChildren(
      el('table', { class: 'learn-table words' }, el('tbody', {},
        el('tr', { 'data-word': 0 }, el('th', { scope: 'row' }, 'word 0'), el('td', { class: 'mono' }, hex(r.words[0])), el('td', {}, `data: the Dog at ${hex(r.dataAddress)} ${check(r.words[0] === r.dataAddress)}`)),
        el('tr', { 'data-word': 1 }, el('th', { scope: 'row' }, 'word 1'), el('td', { class: 'mono' }, hex(r.words[1])), el('td', {}, 'vtable: the table below')))),
      el('table', { class: 'learn-table vtable', 'aria-label': `The vtable at ${hex(vtable)}` },
        el('thead', {}, el('tr', {}, ['offset', 'slot', 'read from memory', 'what it is', 'as expected'].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, r.entries.map((entry, index) => el('tr', { 'data-slot': index },
          el('td', { class: 'mono' }, `+${index * 4}`), el('td', {}, el('code', {}, entry.slot)),
          el('td', { class: 'mono' }, String(entry.value)), el('td', {}, describe(entry, index)),
          el('td', { class: 'ok' }, entry.expected === undefined ? '' : check(entry.value === entry.expected)))))),
      el('p', {}, `Called through the pointer: legs() = ${r.legs}, sound() = "${r.sound}".`));
  };

  container.append(
    el('p', {}, `This module runs as wasm32: a word is ${wordBytes} bytes, so a fat pointer is ${fat.size} bytes, not the 16 that texts written for 64-bit machines show. These sizes are size_of/align_of as compiled, read now:`),
    table,
    el('h3', {}, 'A live &[i32]'),
    el('div', { class: 'learn-controls' }, el('label', {}, 'Elements ', values), el('button', { type: 'button', class: 'read-slice', onclick: readSlice }, 'Read the pointer')),
    sliceOut,
    el('h3', {}, 'A live &dyn Animal (a Dog)'),
    el('p', {}, 'On wasm a function has no address in memory: a vtable\'s function entries are indices into the module\'s function table, which the page looks up.'),
    el('button', { type: 'button', class: 'read-dyn', onclick: readDyn }, 'Read the pointer and its vtable'),
    dynOut);
  return { dispose() {} };
}
