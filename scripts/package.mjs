// Turns wasm-pack's pkg/ into the npm package `futures-playground`:
//   - the playground element (www/playground) copied into pkg/playground, its
//     imports of the wasm module and the presets pointed at the package's own;
//   - the main module index.js (+ index.d.ts): the wasm module's glue and the
//     presets (pkg/presets.js, which scripts/build.sh writes);
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

// In the repository the element imports the build in ../../pkg/ (the wasm module's
// glue, and the presets); in the package those modules sit one folder up from it.
const REPO_PREFIX = "'../../pkg/";
const PACKAGE_PREFIX = "'../";
const needed = ['futures_playground.js', 'presets.js'];
const found = new Set();
for (const file of readdirSync(element).filter((f) => f.endsWith('.js'))) {
  const full = path.join(element, file);
  const text = readFileSync(full, 'utf8');
  if (text.includes(REPO_PREFIX)) {
    for (const [, target] of text.matchAll(/'\.\.\/\.\.\/pkg\/([^']+)'/g)) found.add(target);
    writeFileSync(full, text.replaceAll(REPO_PREFIX, PACKAGE_PREFIX));
  }
}
for (const target of needed) {
  if (!found.has(target)) throw new Error(`no element module imports ${REPO_PREFIX}${target}': the element would not find it`);
  if (!existsSync(path.join(pkg, target))) throw new Error(`${pkg} has no ${target}: run scripts/build.sh`);
}

// The package's main module: the wasm module's glue and the presets, which are not
// in the wasm module (scripts/build.sh writes presets.js).
writeFileSync(
  path.join(pkg, 'index.js'),
  "export * from './futures_playground.js';\nexport { default } from './futures_playground.js';\nexport { presets } from './presets.js';\n",
);
writeFileSync(
  path.join(pkg, 'index.d.ts'),
  "import type { Preset } from './futures_playground.js';\n\nexport * from './futures_playground.js';\nexport { default } from './futures_playground.js';\n\n" +
    '/** The example programs, in the order the page lists them; a fresh copy at each call. */\n' +
    'export function presets(): Preset[];\n',
);

cpSync(path.join(root, 'packaging', 'element.d.ts'), path.join(element, 'index.d.ts'));
cpSync(path.join(root, 'packaging', 'README.md'), path.join(pkg, 'README.md'));

const manifest = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8'));
const files = new Set([...(manifest.files ?? []), 'index.js', 'index.d.ts', 'presets.js', 'playground', 'README.md']);
Object.assign(manifest, {
  files: [...files],
  main: 'index.js',
  types: 'index.d.ts',
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
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
