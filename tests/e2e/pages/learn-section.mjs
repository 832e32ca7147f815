// Test page for the Learn tab's section modules: mounts the section named by
// ?section= into a shadow root (with the element's stylesheet, and
// ?theme=dark for the dark colours) with the real wasm module, in the frame
// learn.js gives it.
import init, * as wasm from '/pkg/futures_playground.js';
import { SECTIONS, sectionFrame } from '/www/playground/learn/learn.js';

const params = new URLSearchParams(location.search);
const name = params.get('section') ?? 'future-tree';

try {
  await init();
  const index = SECTIONS.findIndex((entry) => entry.id === name);
  if (index < 0) throw new Error(`no Learn section ${name}`);
  const module = await SECTIONS[index].load();
  const host = document.getElementById('host');
  host.dataset.theme = params.get('theme') === 'dark' ? 'dark' : 'light';
  host.setAttribute('theme', host.dataset.theme);
  const root = host.attachShadow({ mode: 'open' });
  root.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/www/playground/style.css' }));
  // The frame learn.js gives every section.
  const { node: section, body } = sectionFrame(SECTIONS[index], index);
  root.append(section);
  const mounted = module.mount(body, { wasm, program: () => document.getElementById('editor').value });
  window.learnSection = { module, mounted, section, unmount: () => { mounted.dispose(); section.remove(); } };
  document.body.dataset.state = 'ready';
} catch (err) {
  document.body.dataset.state = 'error';
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = String(err?.stack ?? err);
  document.body.append(p);
  throw err;
}
