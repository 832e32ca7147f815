#!/usr/bin/env node
// The benchmark driver: runs every case of bench/www/bench.js in headless
// Debian Chromium (playwright-core, the end-to-end tests' launcher), alternating
// the contenders round by round, plus the size case (wasm-opt, gzip, twiggy) and
// the page case (the real playground). Prints a table and writes
// bench/results/latest.json. Normally run by `bash scripts/bench.sh`.
//
//   node bench/run.mjs [--quick] [--only spawn,yield,sleeps,drop,fetch,size,page] [--rounds N]
//
// --quick: one round of each case with small N (checks that everything works).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';
import { CHROMIUM_ARGS, launchBrowser } from '../tests/e2e/harness.mjs';
import { minifyNames } from '../scripts/minify-names.mjs';
import { startServer } from '../scripts/serve.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

// ----- options -------------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = { quick: false, only: null, rounds: null };
for (let i = 0; i < argv.length; i++) {
  const [name, inline] = argv[i].split(/=(.*)/s, 2);
  const value = () => (inline !== undefined ? inline : argv[++i]);
  if (name === '--quick') opt.quick = true;
  else if (name === '--only') opt.only = new Set(value().split(','));
  else if (name === '--rounds') opt.rounds = Number(value());
  else if (name === '--help' || name === '-h') {
    console.log('usage: node bench/run.mjs [--quick] [--only case,case] [--rounds N]');
    process.exit(0);
  } else {
    console.error(`run.mjs: unknown argument ${argv[i]}`);
    process.exit(2);
  }
}
const Q = opt.quick;
const rounds = (full) => (Q ? 1 : opt.rounds ?? full);
const wanted = (name) => !opt.only || opt.only.has(name);

// ----- statistics ------------------------------------------------------------------

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function stats(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length, values };
}

// ----- the table ---------------------------------------------------------------------

/** Rows: { case, contender, metric, unit, stats, ref, ratio, goal, met } */
const rows = [];
const notes = [];

function row(caseName, contender, metric, unit, st, { ref = null, goal = null, met = null } = {}) {
  const r = { case: caseName, contender, metric, unit, ...st, ref: ref?.label ?? null, ratio: ref ? st.median / ref.median : null, goal, met };
  rows.push(r);
  return r;
}

const fmt = (x) => {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 10) return x.toFixed(2);
  return x.toFixed(3);
};

function printTable() {
  const head = ['case', 'contender', 'metric', 'median', 'spread (min–max)', 'ratio', 'goal', 'met'];
  const body = rows.map((r) => [
    r.case,
    r.contender,
    `${r.metric}${r.unit ? ` (${r.unit})` : ''}`,
    fmt(r.median),
    r.n > 1 ? `${fmt(r.min)}–${fmt(r.max)}` : '',
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}× ${r.ref}`,
    r.goal ?? '',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const b of body) console.log(line(b));
  for (const n of notes) console.log(`note: ${n}`);
}

// ----- browser cases ----------------------------------------------------------------

/** One run of `contender` in case `caseName`, in `page`: what the page's bench reports. */
const runOnce = (page, caseName, contender, params) =>
  page.evaluate(([c, who, p]) => window.bench.run(c, who, p), [caseName, contender, params]);

/**
 * Runs `contenders` alternately for `n` rounds, rotating who goes first, after
 * `warmup` rounds whose figures are dropped.
 */
async function alternate(page, caseName, contenders, params, n, warmup = 0) {
  const results = Object.fromEntries(contenders.map((c) => [c, []]));
  for (let round = 0; round < warmup; round++) {
    for (const contender of contenders) {
      await runOnce(page, caseName, contender, params);
    }
  }
  for (let round = 0; round < n; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length];
      const result = await runOnce(page, caseName, contender, params);
      results[contender].push(result);
    }
    process.stdout.write('.');
  }
  return results;
}

const pick = (list, key) => stats(list.map((r) => r[key]));

async function openBench(browser, server) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(new URL('bench/www/index.html', server.url).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { state: 'attached', timeout: 30_000 });
  if ((await page.evaluate(() => document.body.dataset.state)) !== 'ready') throw new Error(`bench page failed: ${errors.join('; ')}`);
  // The clock's step, as the page sees it: the smallest nonzero difference of two reads.
  const clock = await page.evaluate(() => {
    let step = Infinity;
    for (let i = 0, last = performance.now(); i < 200_000; i++) {
      const now = performance.now();
      if (now > last) step = Math.min(step, now - last);
      last = now;
    }
    return { isolated: self.crossOriginIsolated, stepUs: step * 1000 };
  });
  return { page, context, errors, clock };
}

/** One run of one contender in a page of its own: counts and heap growth undisturbed by the others. */
async function census(browser, server, caseName, contender, params) {
  const { page, context } = await openBench(browser, server);
  try {
    return await runOnce(page, caseName, contender, { ...params, census: true });
  } finally {
    await context.close();
  }
}

const raw = {};

async function caseSpawn(page) {
  const n = Q ? 2_000 : 100_000;
  console.log(`\n[1 spawn] ${n} trivial tasks, spawned and completed`);
  // Warm-up first: until V8 has compiled the hot wasm functions with its optimising
  // tier (it starts them on its baseline compiler, Liftoff), the first rounds of each
  // contender run 1.5–6× slower, and a median of a few rounds would mix both. Runs
  // of every contender in sequence in one page stayed uneven up to about the tenth
  // round (BENCHMARKS.md, section 1), so 15 rounds (a second or two) are dropped.
  const res = await alternate(page, 'spawn', ['wbg', 'ours', 'ours+observer', 'ours-handle', 'ours-warm'], { n }, rounds(9), Q ? 0 : 15);
  raw.spawn = { n, res };
  const wbg = { ...pick(res.wbg, 'ms'), label: 'wbg' };
  row('1 spawn', 'wasm-bindgen-futures spawn_local', 'time', 'ms', wbg);
  const ours = pick(res.ours, 'ms');
  row('1 spawn', 'ours spawn_detached (no observer)', 'time', 'ms', ours, { ref: wbg, goal: '≤ 1.0× wbg', met: ours.median <= wbg.median });
  const obs = pick(res['ours+observer'], 'ms');
  row('1 spawn', 'ours + recording observer', 'time', 'ms', obs, { ref: wbg, goal: '≤ 3× wbg', met: obs.median <= 3 * wbg.median });
  const handle = pick(res['ours-handle'], 'ms');
  row('1 spawn', 'ours spawn, JoinHandle dropped (diagnostic)', 'time', 'ms', handle, { ref: wbg });
  const warm = pick(res['ours-warm'], 'ms');
  row('1 spawn', 'ours, executor reused (diagnostic)', 'time', 'ms', warm, { ref: wbg });
  for (const [label, s] of [['wbg', wbg], ['ours', ours], ['ours+observer', obs], ['ours-handle', handle], ['ours-warm', warm]]) notes.push(`1 spawn: ${label} ${fmt((s.median * 1e6) / n)} ns per task`);
  notes.push(`1 spawn: the observer saw ${res['ours+observer'][0].events} events per run`);
}

async function caseYield(page) {
  const n = Q ? 10_000 : 1_000_000;
  console.log(`\n[2 yield] one task yielding ${n} times`);
  const contenders = ['wbg', 'ours', 'js'];
  const res = await alternate(page, 'yield', [...contenders, 'js-qm', 'js-qm-wasm', 'js-then'], { n }, rounds(5));
  const probe = await alternate(page, 'yield', contenders, { n, probe: true }, Q ? 1 : 2);
  raw.yield = { n, res, probe };
  const wbg = { ...pick(res.wbg, 'nsPerHop'), label: 'wbg' };
  row('2 yield', 'wasm-bindgen-futures', 'per hop', 'ns', wbg);
  const ours = pick(res.ours, 'nsPerHop');
  row('2 yield', 'ours', 'per hop', 'ns', ours, { ref: wbg, goal: '≤ 0.5× wbg', met: ours.median <= 0.5 * wbg.median });
  row('2 yield', 'bare JS await null (floor)', 'per hop', 'ns', pick(res.js, 'nsPerHop'), { ref: wbg });
  row('2 yield', 'JS Promise.then chain (floor)', 'per hop', 'ns', pick(res['js-then'], 'nsPerHop'), { ref: wbg });
  row('2 yield', 'JS queueMicrotask chain (floor)', 'per hop', 'ns', pick(res['js-qm'], 'nsPerHop'), { ref: wbg });
  row('2 yield', 'queueMicrotask + 1 call into wasm (wasm floor)', 'per hop', 'ns', pick(res['js-qm-wasm'], 'nsPerHop'), { ref: wbg });
  for (const [c, label] of [['wbg', 'wasm-bindgen-futures'], ['ours', 'ours'], ['js', 'bare JS await null']]) {
    const macro = pick(probe[c], 'macroGapMaxMs');
    const frame = pick(probe[c], 'frameGapMaxMs');
    const micro = pick(probe[c], 'jsPromiseGapMaxMs');
    const isOurs = c.startsWith('ours');
    row('2 yield', label, 'longest macrotask gap', 'ms', macro, isOurs ? { goal: '≤ 50 ms (bounded)', met: macro.max <= 50 } : {});
    row('2 yield', label, 'longest frame gap', 'ms', frame, isOurs ? { goal: '≤ 50 ms (bounded)', met: frame.max <= 50 } : {});
    row('2 yield', label, 'longest JS promise wait', 'ms', micro);
  }
}

async function caseSleeps(browser, server, page) {
  const n = Q ? 2_000 : 100_000;
  const seed = 0x5eed;
  console.log(`\n[3 sleeps] ${n} concurrent sleeps, 0–1000 ms, one task each`);
  const contenders = ['gloo', 'ours', 'js'];
  const res = await alternate(page, 'sleeps', contenders, { n, seed }, rounds(3));
  const counts = {};
  for (const c of contenders) counts[c] = await census(browser, server, 'sleeps', c, { n, seed });
  raw.sleeps = { n, seed, res, census: counts };
  const label = { gloo: 'gloo-timers TimeoutFuture', ours: 'ours sleep', js: 'bare JS setTimeout promise' };
  const gloo = { ...pick(res.gloo, 'createMs'), label: 'gloo' };
  const js99 = { ...pick(res.js, 'latenessP99'), label: 'JS' };
  for (const c of contenders) {
    const isOurs = c === 'ours';
    const create = pick(res[c], 'createMs');
    row('3 sleeps', label[c], 'create+register', 'ms', create, c === 'gloo' ? {} : { ref: gloo, goal: isOurs ? '≤ 0.25× gloo' : null, met: isOurs ? create.median <= 0.25 * gloo.median : null });
    row('3 sleeps', label[c], 'lateness p50', 'ms', pick(res[c], 'latenessP50'));
    const p99 = pick(res[c], 'latenessP99');
    row('3 sleeps', label[c], 'lateness p99', 'ms', p99, c === 'js' ? {} : { ref: js99, goal: isOurs ? '≤ 0.1× JS' : null, met: isOurs ? p99.median <= 0.1 * js99.median : null });
    const peak = stats([counts[c].peakNativeTimers]);
    row('3 sleeps', label[c], 'peak native timers', '', peak, isOurs ? { goal: '≤ 1', met: peak.max <= 1 } : {});
    row('3 sleeps', label[c], 'wasm heap growth', 'KiB', stats([counts[c].wasmHeapGrowth / 1024]));
    if (counts[c].jsHeapGrowth === counts[c].jsHeapGrowth) row('3 sleeps', label[c], 'JS heap growth (approx.)', 'KiB', stats([counts[c].jsHeapGrowth / 1024]));
  }
  notes.push(`3 sleeps: ours had ${res.ours[0].registeredAtTurnEnd} deadlines registered at the end of the first executor turn; native setTimeout calls in the census run: ours ${counts.ours.nativeTimersSet}, gloo ${counts.gloo.nativeTimersSet}, JS ${counts.js.nativeTimersSet}`);
}

async function caseDrop(browser, server, page) {
  const n = Q ? 2_000 : 100_000;
  const seed = 0xd20b;
  console.log(`\n[4 drop] ${n} sleeps created, polled once, dropped`);
  const contenders = ['gloo', 'ours', 'js'];
  const res = await alternate(page, 'drop', contenders, { n, seed }, rounds(5));
  const counts = {};
  for (const c of contenders) counts[c] = await census(browser, server, 'drop', c, { n, seed });
  raw.drop = { n, seed, res, census: counts };
  const label = { gloo: 'gloo-timers TimeoutFuture', ours: 'ours sleep', js: 'bare JS setTimeout/clearTimeout' };
  const gloo = { ...pick(res.gloo, 'ms'), label: 'gloo' };
  for (const c of contenders) {
    const isOurs = c === 'ours';
    const t = pick(res[c], 'ms');
    row('4 drop', label[c], 'time', 'ms', t, c === 'gloo' ? {} : { ref: gloo, goal: isOurs ? '≤ 0.1× gloo' : null, met: isOurs ? t.median <= 0.1 * gloo.median : null });
    const left = counts[c].liveNativeTimersAfter + (counts[c].pendingAfter ?? 0) + (counts[c].nativeArmedAfter ? 1 : 0);
    row('4 drop', label[c], 'left after (native + reactor)', '', stats([left]), isOurs ? { goal: '0', met: left === 0 } : {});
    row('4 drop', label[c], 'peak native timers', '', stats([counts[c].peakNativeTimers]));
  }
  const clock = [];
  for (let i = 0; i < 3; i++) clock.push(await page.evaluate(() => window.bench.clockCost(200_000)));
  row('4 drop', 'performance.now() read from wasm (diagnostic)', 'per read', 'ns', stats(clock));
  notes.push(`4 drop: ours registered ${counts.ours.registered} deadlines, ${counts.ours.pendingAfter} left in the reactor, native timer armed after: ${counts.ours.nativeArmedAfter}`);
}

async function caseFetch(page) {
  const n = Q ? 200 : 10_000;
  console.log(`\n[5 fetch] ${n} sequential fetches of a blob: URL`);
  const res = await alternate(page, 'fetch', ['wbg', 'ours', 'js'], { n }, rounds(3)); // ~15-25 s per 10k: a median of 3, not the mean of 2 that one slow round decides
  raw.fetch = { n, res };
  const wbg = { ...pick(res.wbg, 'usPerRequest'), label: 'wbg' };
  row('5 fetch', 'JsFuture(window.fetch) in spawn_local', 'per request', 'µs', wbg);
  const ours = pick(res.ours, 'usPerRequest');
  row('5 fetch', 'ours reactor::fetch', 'per request', 'µs', ours, { ref: wbg, goal: '≤ 1.1× wbg', met: ours.median <= 1.1 * wbg.median });
  row('5 fetch', 'bare JS await fetch', 'per request', 'µs', pick(res.js, 'usPerRequest'), { ref: wbg });
}

// ----- case 6: size ------------------------------------------------------------------

function tool(name, args, options = {}) {
  return execFileSync(name, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options });
}

function caseSize() {
  console.log('\n[6 size] the engine\'s wasm, wasm-opt as the release build runs it, gzip, twiggy');
  const outDir = path.join(RESULTS_DIR, 'size');
  mkdirSync(outDir, { recursive: true });
  const gz = (file) => gzipSync(readFileSync(file), { level: zlib.Z_BEST_COMPRESSION }).length;
  const raw6 = { variants: {} };
  const shipped = path.join(ROOT, 'pkg', 'futures_playground_bg.wasm');
  const variants = [];
  const manifest = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const shippedLevel = manifest.match(/^\[profile\.release\][^[]*?^opt-level\s*=\s*"?(\w+)"?/ms)?.[1] ?? '?';
  // The release build's wasm-opt flags (a TOML array of strings, which is JSON too): the
  // opt-level variants below get the same, so the one at the shipped level is pkg/'s module.
  const optFlags = JSON.parse(manifest.match(/^wasm-opt\s*=\s*(\[.*\])\s*$/m)?.[1] ?? '["-Oz"]');
  if (existsSync(shipped)) variants.push({ name: `pkg/ as built (opt-level "${shippedLevel}", wasm-opt as Cargo.toml)`, file: shipped, optimise: false });
  for (const level of ['s', 'z']) {
    const file = path.join(BENCH_DIR, 'target', 'size', level, 'futures_playground_bg.wasm');
    if (existsSync(file)) variants.push({ name: `opt-level "${level}" + wasm-opt as Cargo.toml`, file, optimise: true, level });
    else notes.push(`6 size: no ${path.relative(ROOT, file)} (scripts/bench.sh builds it; skipped)`);
  }
  let best = null;
  for (const v of variants) {
    let file = v.file;
    if (v.optimise) {
      file = path.join(outDir, `oz-${v.level}.wasm`);
      tool('wasm-opt', [...optFlags, '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', v.file, '-o', file]);
      // And the names shared with the glue shortened, as scripts/build.sh does for pkg/.
      writeFileSync(file, minifyNames(readFileSync(file)).wasm);
      // A named copy for twiggy (-g keeps the names section; not what ships).
      tool('wasm-opt', [...optFlags, '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue', v.file, '-o', path.join(outDir, `oz-${v.level}-named.wasm`)]);
    }
    const bytes = readFileSync(file).length;
    const gzipped = gz(file);
    raw6.variants[v.name] = { bytes, gzipped };
    row('6 size', v.name, 'raw', 'KiB', stats([bytes / 1024]));
    const r = row('6 size', v.name, 'gzipped', 'KiB', stats([gzipped / 1024]), { goal: '≤ 60 KB', met: gzipped <= 60_000 });
    if (v.optimise && (!best || gzipped < best.gzipped)) best = { ...v, gzipped, bytes, row: r };
  }
  if (best) {
    notes.push(`6 size: smaller with wasm-opt ${optFlags.join(' ')}: opt-level "${best.level}" (${best.gzipped} B gzipped, ${best.bytes} B raw)`);
    const named = path.join(outDir, `oz-${best.level}-named.wasm`);
    try {
      const top = tool('twiggy', ['top', '-n', '15', named]);
      raw6.twiggy = top;
      console.log(`twiggy top -n 15 (opt-level "${best.level}", the same wasm-opt flags, names kept):\n${top}`);
      copyFileSync(named, path.join(outDir, 'best-named.wasm'));
      // Where the bytes go, by crate and module (code and data items; names section left out).
      const items = JSON.parse(tool('twiggy', ['top', '-n', '100000', '-f', 'json', named]));
      const groups = {};
      for (const { name, shallow_size: size } of items) {
        if (/names" subsection|^Σ|^\.\.\. and/.test(name)) continue;
        const bare = name.replace(/^<+/, '').replace(/\[[0-9a-f]+\]/g, '');
        let group = 'other';
        const m = bare.match(/^futures_playground::(\w+)(?:::(\w+))?/);
        if (m) group = `futures_playground::${m[1]}${m[1] === 'engines' || m[1] === 'reactor' || m[1] === 'executor' || m[1] === 'scenario' ? `::${m[2] ?? ''}` : ''}`;
        else if (/^data segment/.test(bare)) group = 'data segments';
        else if (/externref shim|^__wbg|wasm_bindgen/.test(bare)) group = 'wasm-bindgen glue';
        else if (/^(core|alloc|std)::|^f64 as core|^(u|i)(8|16|32|64|size) as core|^str as core/.test(bare)) group = bare.match(/^(?:\w+ as )?(core::fmt|core|alloc|std)/)?.[1] ?? 'core';
        else if (/^(dlmalloc|talc)::/.test(bare)) group = `${bare.match(/^\w+/)[0]} (allocator)`;
        else if (/^(js_sys|web_sys|slab|hashbrown)/.test(bare)) group = bare.match(/^\w+/)[0];
        groups[group] = (groups[group] ?? 0) + size;
      }
      const sorted = Object.entries(groups).sort((a, b) => b[1] - a[1]);
      raw6.byModule = Object.fromEntries(sorted);
      console.log('bytes by crate/module (shallow, -Oz, before gzip):');
      for (const [g, b] of sorted.slice(0, 20)) console.log(`  ${String(b).padStart(7)}  ${g}`);
    } catch (err) {
      notes.push(`6 size: twiggy unavailable (${err.code ?? err.message.split('\n')[0]}); install it with \`cargo install twiggy\``);
    }
  }
  raw.size = raw6;
}

// ----- case 7: the page ----------------------------------------------------------------

const PAGE_PROGRAM = (reps) => `// ${reps} hops through the executor, drawn live\nrepeat ${reps} {\n  await yield_now();\n}\n`;

async function casePage(browser, server) {
  const reps = Q ? 200 : 700;
  const n = rounds(3);
  console.log(`\n[7 page] index.html: navigation to ready, then a run of ${reps} yields`);
  const runs = [];
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => {
      const b = (window.__bench = { longtasks: [], readyAt: null, states: [] });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      new MutationObserver(() => {
        const state = document.querySelector('futures-playground')?.dataset.state;
        if (state && b.states[b.states.length - 1]?.state !== state) b.states.push({ state, t: performance.now() });
        if (b.readyAt === null && state === 'ready') b.readyAt = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(new URL('index.html', server.url).href, { waitUntil: 'load' });
    await page.waitForSelector('futures-playground[data-state="ready"]', { state: 'attached', timeout: 30_000 });
    const readyMs = await page.evaluate(() => window.__bench.readyAt);
    const loadLong = await page.evaluate(() => window.__bench.longtasks.splice(0));
    await page.locator('futures-playground textarea').fill(PAGE_PROGRAM(reps));
    await page.waitForTimeout(400); // the editor's check runs after 250 ms: not part of the run
    await page.evaluate(() => window.__bench.longtasks.splice(0));
    const t0 = Date.now();
    await page.locator('futures-playground button.run').click();
    await page.waitForSelector('futures-playground[data-state="done"], futures-playground[data-state="error"]', { state: 'attached', timeout: 60_000 });
    const runWallMs = Date.now() - t0;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 200)))));
    const info = await page.evaluate(() => {
      const el = document.querySelector('futures-playground');
      const states = window.__bench.states;
      const running = states.findLast((s) => s.state === 'running')?.t ?? NaN;
      const done = states.findLast((s) => s.state === 'done')?.t ?? NaN;
      // Long tasks placed against the run: ms after it started, and whether they end after 'done' was set.
      const longtasks = window.__bench.longtasks.splice(0).map((t) => ({ ...t, fromRunStart: t.start - running, endsAfterDone: t.start + t.duration >= done }));
      return { state: el.dataset.state, runMs: done - running, events: { js: el.recorded?.js?.length ?? NaN, rust: el.recorded?.rust?.length ?? NaN }, longtasks };
    });
    if (info.state !== 'done') errors.push(`run ended in state ${info.state}`);
    runs.push({ readyMs, loadLongtasks: loadLong, runWallMs, ...info, errors });
    await context.close();
    process.stdout.write('.');
  }
  raw.page = { reps, runs };
  const who = `run of ${reps} yields, drawn live`;
  row('7 page', 'index.html on 127.0.0.1', 'navigation → ready', 'ms', stats(runs.map((r) => r.readyMs)));
  row('7 page', 'index.html on 127.0.0.1', 'longest task during load', 'ms', stats(runs.map((r) => Math.max(0, ...r.loadLongtasks.map((t) => t.duration)))));
  const longest = stats(runs.map((r) => Math.max(0, ...r.longtasks.map((t) => t.duration))));
  row('7 page', who, 'longest task', 'ms', longest, { goal: '≤ 50 ms', met: longest.max <= 50 });
  row('7 page', who, 'long tasks (> 50 ms)', '', stats(runs.map((r) => r.longtasks.length)));
  row('7 page', who, 'run, running → done', 'ms', stats(runs.map((r) => r.runMs)));
  const lt = runs[runs.length - 1].longtasks.map((t) => `${t.duration.toFixed(0)} ms at +${t.fromRunStart.toFixed(0)} ms${t.endsAfterDone ? ' (ends after done)' : ''}`);
  notes.push(`7 page: long tasks of the last run, from its start: ${lt.join(', ') || 'none'}`);
  const ev = runs[0].events;
  notes.push(`7 page: the run recorded ${ev.rust} Rust + ${ev.js} JS events (${ev.rust + ev.js} in all)`);
  for (const r of runs) if (r.errors.length) notes.push(`7 page: errors: ${r.errors.join('; ')}`);
}

// ----- main ------------------------------------------------------------------------

const t0 = Date.now();
mkdirSync(RESULTS_DIR, { recursive: true });
const server = await startServer({ root: ROOT, port: 0 });
// The bench page alone is cross-origin isolated: there `performance.now()` has a 5 µs
// resolution rather than 100 µs, a step that would be 1–2 % of a case-1 run. The
// playground page (case 7) is served as it ships, by the plain server.
const benchServer = await startServer({
  root: ROOT,
  port: 0,
  extraHeaders: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
});
const browser = await launchBrowser({ args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'] });
let failed = false;
try {
  const browserVersion = browser.version();
  console.log(`bench: Chromium ${browserVersion}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB${Q ? ', --quick' : ''}`);
  const needsBenchPage = ['spawn', 'yield', 'sleeps', 'drop', 'fetch'].some(wanted);
  const bench = needsBenchPage ? await openBench(browser, benchServer) : null;
  if (bench) notes.push(`bench page: cross-origin isolated: ${bench.clock.isolated}; performance.now() step ≈ ${fmt(bench.clock.stepUs)} µs`);
  if (wanted('spawn')) await caseSpawn(bench.page);
  if (wanted('yield')) await caseYield(bench.page);
  if (wanted('sleeps')) await caseSleeps(browser, benchServer, bench.page);
  if (wanted('drop')) await caseDrop(browser, benchServer, bench.page);
  if (wanted('fetch')) await caseFetch(bench.page);
  if (bench?.errors.length) notes.push(`bench page errors: ${bench.errors.join('; ')}`);
  await bench?.context.close();
  if (wanted('size')) caseSize();
  if (wanted('page')) await casePage(browser, server);

  printTable();
  const out = {
    date: new Date().toISOString(),
    quick: Q,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), load: os.loadavg() },
    browser: `Chromium ${browserVersion}`,
    node: process.version,
    durationS: (Date.now() - t0) / 1000,
    rows: rows.map(({ values, ...r }) => ({ ...r, values })),
    notes,
    raw,
  };
  const file = path.join(RESULTS_DIR, Q ? 'quick.json' : 'latest.json');
  writeFileSync(file, JSON.stringify(out, (k, v) => (v instanceof Float64Array ? undefined : v), 1));
  console.log(`\nbench: wrote ${path.relative(ROOT, file)} in ${out.durationS.toFixed(0)} s`);
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await browser.close().catch(() => {});
  await server.close();
  await benchServer.close();
}
process.exit(failed ? 1 : 0);
