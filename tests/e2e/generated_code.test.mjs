// The JavaScript the playground shows for a program is real code: for every
// preset, the generated JavaScript, run as a file by Node, prints exactly what
// the js engine logs for the same program in the browser. (The generated Rust
// is compiled and run by `cargo test`: tests/generated_rust.rs.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setup } from './harness.mjs';

let env;
let page;
let errors;
const workDir = mkdtempSync(path.join(tmpdir(), 'fp-generated-'));

before(async () => {
  env = await setup();
  ({ page, errors } = await env.openEngines());
}, { timeout: 60_000 });

after(async () => {
  await env?.teardown();
  rmSync(workDir, { recursive: true, force: true });
}, { timeout: 30_000 });

/** Runs a JavaScript file as Node runs a script someone pasted, and its printed lines. */
function runInNode(file) {
  // A browser reports an unhandled rejection and goes on; Node's default is to
  // exit. `warn` gives the browser's behaviour, so both print the same lines.
  const result = spawnSync(process.execPath, ['--unhandled-rejections=warn', file], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.status, 0, `node exited with ${result.status}: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
}

test('every preset: the generated JavaScript prints what the js engine logs', { timeout: 120_000 }, async () => {
  const presets = await page.evaluate(() => fp.presets());
  assert.ok(presets.length >= 10);
  for (const preset of presets) {
    const code = await page.evaluate((source) => fp.generateCode(source), preset.program);
    assert.equal(code.ok, true, `${preset.id}: ${JSON.stringify(code.error)}`);
    const file = path.join(workDir, `${preset.id}.mjs`);
    writeFileSync(file, code.javascript);
    const printed = runInNode(file);
    const trace = await page.evaluate((source) => fp.runScenario(source, { engine: 'js' }), preset.program);
    assert.equal(trace.ok, true, `${preset.id}: ${JSON.stringify(trace.error)}`);
    const logged = trace.events.filter((e) => e.kind === 'log').map((e) => e.text);
    assert.deepEqual(printed, logged, `${preset.id}: generated JavaScript and js engine differ`);
  }
  errors.assertNone();
});
