// Test page for the Learn tab's section modules: mounts the section named by
// ?section= into a shadow root (with the element's stylesheet, and
// ?theme=dark for the dark colours) with the real wasm module, as learn.js does.
import init, * as wasm from '/pkg/futures_playground.js';

const params = new URLSearchParams(location.search);
const name = params.get('section') ?? 'future-tree';

try {
  await init();
  const module = await import(`/www/playground/learn/${name}.js`);
  const host = document.getElementById('host');
  host.dataset.theme = params.get('theme') === 'dark' ? 'dark' : 'light';
  host.setAttribute('theme', host.dataset.theme);
  const root = host.attachShadow({ mode: 'open' });
  root.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/www/playground/style.css' }));
  // As learn.js builds it: section[data-section] > h2 + div.learn-body, the container.
  const section = document.createElement('section');
  section.dataset.section = module.id;
  const h2 = document.createElement('h2');
  h2.textContent = module.title;
  const body = document.createElement('div');
  body.className = 'learn-body';
  section.append(h2, body);
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
