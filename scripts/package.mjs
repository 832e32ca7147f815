// Turns wasm-pack's pkg/ into the npm package `futures-playground`:
//   - the playground element (www/playground) copied into pkg/playground, its
//     import of the wasm module pointed at the package's own copy;
//   - package.json given its files, exports and types;
//   - the package README and the element's TypeScript types.
// Run by scripts/build.sh after `wasm-pack build`; usable alone:
//   node scripts/package.mjs [pkg-dir]
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = path.resolve(process.argv[2] ?? path.join(root, 'pkg'));
const element = path.join(pkg, 'playground');

if (!existsSync(path.join(pkg, 'package.json'))) {
  throw new Error(`${pkg} has no package.json: run wasm-pack build first`);
}

// The element, as the repository's page uses it.
rmSync(element, { recursive: true, force: true });
cpSync(path.join(root, 'www', 'playground'), element, { recursive: true });

// In the repository the element imports ../../pkg/futures_playground.js; in the
// package the module sits one folder up from the element.
const REPO_IMPORT = "'../../pkg/futures_playground.js'";
const PACKAGE_IMPORT = "'../futures_playground.js'";
let rewritten = 0;
for (const file of readdirSync(element).filter((f) => f.endsWith('.js'))) {
  const full = path.join(element, file);
  const text = readFileSync(full, 'utf8');
  if (text.includes(REPO_IMPORT)) {
    writeFileSync(full, text.replaceAll(REPO_IMPORT, PACKAGE_IMPORT));
    rewritten++;
  }
}
if (rewritten === 0) {
  throw new Error(`no element module imports ${REPO_IMPORT}: the element would not find the wasm module`);
}

cpSync(path.join(root, 'packaging', 'element.d.ts'), path.join(element, 'index.d.ts'));
cpSync(path.join(root, 'packaging', 'README.md'), path.join(pkg, 'README.md'));

const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
const files = new Set([...(manifest.files ?? []), 'playground', 'README.md']);
Object.assign(manifest, {
  files: [...files],
  exports: {
    '.': { types: './futures_playground.d.ts', default: './futures_playground.js' },
    './element': { types: './playground/index.d.ts', default: './playground/index.js' },
    './playground/*': './playground/*',
    './futures_playground_bg.wasm': './futures_playground_bg.wasm',
    './package.json': './package.json',
  },
  // Importing the element defines <futures-playground>: keep it in bundles.
  sideEffects: ['./snippets/*', './playground/index.js'],
  keywords: [...new Set([...(manifest.keywords ?? []), 'async', 'rust', 'promises', 'playground', 'web-component', 'teaching'])],
  homepage: manifest.repository?.url,
});
writeFileSync(path.join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`package: ${path.relative(root, pkg) || pkg} is the npm package ${manifest.name}@${manifest.version}`);
