#!/usr/bin/env node
// Fuzzes the share-link codec (www/playground/share.js) with fast-check for a
// bounded time: node scripts/fuzz-share.mjs [seconds, default 60]. Fresh seeds
// in rounds, alternating the two properties of tests/share/properties.mjs
// (decode any string -> a bounded source or a ShareError, never anything else or
// a hang; encode -> decode gives every valid source back).
//
// A failure is shrunk to a small input, written to fuzz/corpus-run/share_link/
// (ignored by git) and the run exits 1. Keep a decoder finding by copying the
// .fragment into fuzz/corpus/share_link/ (every test run replays that folder;
// give it an entry in tests/share/expected.json once fixed); a round-trip
// finding goes into the `examples` of tests/share/decoder.test.mjs.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { checkRoundTrip, classify, fragmentArb, sourceArb } from '../tests/share/properties.mjs';

const seconds = Number(process.argv[2] ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error(`fuzz-share: the time must be a positive number of seconds, got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}
const OUT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fuzz', 'corpus-run', 'share_link');

const properties = [
  { name: 'decode', prop: fc.asyncProperty(fragmentArb, async (f) => { await classify(f); }), ext: 'fragment' },
  { name: 'roundtrip', prop: fc.asyncProperty(sourceArb, checkRoundTrip), ext: 'source' },
];

const deadline = Date.now() + seconds * 1000;
const runs = { decode: 0, roundtrip: 0 };
let round = 0;
while (Date.now() < deadline) {
  const { name, prop, ext } = properties[round++ % properties.length];
  const seed = Math.floor(Math.random() * 2 ** 31);
  const result = await fc.check(prop, {
    seed,
    numRuns: 1_000_000,
    interruptAfterTimeLimit: Math.min(1_000, Math.max(1, deadline - Date.now())),
    markInterruptAsFailure: false,
  });
  runs[name] += result.numRuns;
  if (result.failed) {
    const input = result.counterexample?.[0];
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    mkdirSync(OUT_DIR, { recursive: true });
    const file = path.join(OUT_DIR, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.${ext}`);
    writeFileSync(file, text);
    console.error(`fuzz-share: ${name} property FAILED (seed ${seed}, path ${result.counterexamplePath}):`);
    console.error(`  ${result.errorInstance?.message ?? result.error}`);
    console.error(`  input written to ${path.relative(process.cwd(), file)}`);
    process.exit(1);
  }
}
console.log(`fuzz-share: no failure in ${seconds}s: ${runs.decode} decodes of generated fragments, ${runs.roundtrip} round trips`);
