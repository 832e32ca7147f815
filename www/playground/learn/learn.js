// The Learn tab: five sections, each running live in the page. Each section
// module exports mount(container, ctx) -> { dispose() }, with
// ctx = { wasm, program } (the loaded module; the editor's program now); its
// id and title are listed here, once.
import { el } from '../dom.js';

// Loaded one by one (literal paths, so bundlers see them): a section that
// fails to load is reported in its place and the others still work.
export const SECTIONS = [
  { id: 'fat-pointers', title: 'Fat pointers, measured', load: () => import('./fat-pointers.js') },
  { id: 'hand-vtable', title: 'A hand-made vtable', load: () => import('./hand-vtable.js') },
  { id: 'our-waker', title: 'Our waker', load: () => import('./our-waker.js') },
  { id: 'future-tree', title: 'Leaf and non-leaf futures', load: () => import('./future-tree.js') },
  { id: 'concurrency', title: 'Ways to do concurrency', load: () => import('./concurrency.js') },
];

/** A section's frame: its <section>, heading, and the body it mounts into. */
export function sectionFrame(section, index) {
  const body = el('div', { class: 'learn-body' });
  const node = el('section', { class: 'learn-section panel', 'data-section': section.id, 'aria-labelledby': `learn-${section.id}` },
    el('h2', { id: `learn-${section.id}` }, `${index + 1}. ${section.title}`), body);
  return { node, body };
}

export async function mountLearn(root, ctx) {
  const modules = await Promise.allSettled(SECTIONS.map((s) => s.load()));
  const mounted = [];
  const nav = el('nav', { class: 'learn-nav', 'aria-label': 'Learn sections' },
    el('ol', {}, SECTIONS.map((s, i) => el('li', {}, el('a', { href: `#learn-${s.id}`, 'data-target': s.id }, `${i + 1}. ${s.title}`)))));
  // Links inside a shadow root do not scroll to their targets by themselves.
  nav.addEventListener('click', (event) => {
    const target = event.target.closest('a[data-target]');
    if (!target) return;
    event.preventDefault();
    root.querySelector(`[data-section="${target.dataset.target}"]`)?.scrollIntoView({ block: 'start' });
  });
  const sections = SECTIONS.map((section, index) => {
    const { node, body } = sectionFrame(section, index);
    try {
      const loaded = modules[index];
      if (loaded.status === 'rejected') throw loaded.reason;
      mounted.push(loaded.value.mount(body, ctx));
    } catch (error) {
      body.replaceChildren(el('p', { class: 'banner error', role: 'alert' }, `This section failed to start: ${error?.message ?? error}`));
    }
    return node;
  });
  root.replaceChildren(nav, ...sections);
  return {
    dispose() {
      for (const m of mounted) m?.dispose?.();
    },
  };
}
