// Properties of the share-link codec (www/playground/share.js), shared by the
// test run (tests/share/decoder.test.mjs: the corpus plus a short seeded run) and
// the time-bounded fuzz run (scripts/fuzz-share.mjs, from scripts/fuzz.sh):
//
//   1. decodeFragment(any string) gives a source of at most MAX_SOURCE_BYTES of
//      UTF-8, or rejects with a ShareError: never another exception, never a hang.
//   2. encodeSource(s) then decodeFragment gives s back for every well-formed
//      string of at most MAX_SOURCE_BYTES; a larger or ill-formed one is a
//      ShareError from encodeSource, never a link that decodes to something else.
//
// Node 20 has CompressionStream, DecompressionStream, Blob, atob and btoa, so the
// module runs here as it does in the page.
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { decodeFragment, encodeSource, MAX_SOURCE_BYTES, PREFIX, ShareError } from '../../www/playground/share.js';

/** How long one decode may take before it counts as a hang (a deflate bomb is cut at 64 KiB long before). */
export const DECODE_DEADLINE_MS = 5_000;

const utf8Length = (s) => new TextEncoder().encode(s).length;

/** Fails with a message naming the input; `fragment` is shown as JSON, cut if long. */
export class PropertyFailure extends Error {
  constructor(message, fragment) {
    const shown = JSON.stringify(fragment.length > 300 ? `${fragment.slice(0, 300)}…` : fragment);
    super(`${message} (input ${shown}, ${fragment.length} chars)`);
    this.fragment = fragment;
  }
}

/**
 * Decode `fragment` and check property 1. Resolves to `{ ok: true, source }` or
 * `{ ok: false, error }` (the ShareError's message); rejects with a PropertyFailure.
 */
export async function classify(fragment) {
  let timer;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(() => resolve('hang'), DECODE_DEADLINE_MS);
  });
  const started = performance.now();
  let outcome;
  try {
    outcome = await Promise.race([
      decodeFragment(fragment).then((source) => ({ ok: true, source }), (error) => ({ ok: false, error })),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
  if (outcome === 'hang') throw new PropertyFailure(`decodeFragment did not settle within ${DECODE_DEADLINE_MS} ms`, fragment);
  if (!outcome.ok) {
    if (!(outcome.error instanceof ShareError)) {
      throw new PropertyFailure(`decodeFragment threw ${outcome.error?.name ?? typeof outcome.error}: ${outcome.error?.message ?? outcome.error}, not a ShareError`, fragment);
    }
    if (!outcome.error.message) throw new PropertyFailure('a ShareError without a message', fragment);
    return { ok: false, error: outcome.error.message, ms: performance.now() - started };
  }
  if (typeof outcome.source !== 'string') throw new PropertyFailure(`decodeFragment gave a ${typeof outcome.source}`, fragment);
  const bytes = utf8Length(outcome.source);
  if (bytes > MAX_SOURCE_BYTES) throw new PropertyFailure(`decoded ${bytes} bytes, over the ${MAX_SOURCE_BYTES} byte bound`, fragment);
  return { ok: true, source: outcome.source, ms: performance.now() - started };
}

/** Check property 2 for `source`; rejects with a PropertyFailure. */
export async function checkRoundTrip(source) {
  const fits = source.isWellFormed() && utf8Length(source) <= MAX_SOURCE_BYTES;
  let fragment;
  try {
    fragment = await encodeSource(source);
  } catch (err) {
    if (fits) throw new PropertyFailure(`encodeSource refused a valid source: ${err?.message}`, source);
    if (!(err instanceof ShareError)) throw new PropertyFailure(`encodeSource threw ${err?.name}, not a ShareError`, source);
    return;
  }
  if (!fits) throw new PropertyFailure('encodeSource made a link of a source it cannot give back', source);
  if (!fragment.startsWith(PREFIX)) throw new PropertyFailure(`the link does not start with ${PREFIX}`, source);
  const back = await classify(`#${fragment}`);
  if (!back.ok) throw new PropertyFailure(`its own link does not decode: ${back.error}`, source);
  if (back.source !== source) throw new PropertyFailure('the link decodes to another source', source);
}

// ---- arbitraries ---------------------------------------------------------------

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Any UTF-16 code unit, lone surrogates included. */
const anyUnit = fc.nat(0xffff).map((n) => String.fromCharCode(n));

/** Characters that text codecs like to treat specially, at the start or anywhere. */
const TRICKY = ['\uFEFF', '\uFEFF\uFEFF', '\u0000', '\r\n', '\r', '\uFFFD', '\u{10FFFF}', '\u2028', '\uD800', '\uDC00', '\u{1F600}'];

/** Source texts: mostly program-like, any Unicode, sometimes ill-formed, sometimes near the size bound. */
export const sourceArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 5 })), { maxLength: 8 }).map((parts) => parts.join('')) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: anyUnit, maxLength: 50 }) },
  {
    weight: 1,
    // Near and over the bound: a piece repeated to around 64 KiB of UTF-8.
    arbitrary: fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.integer({ min: -64, max: 64 })).map(([piece, delta]) => {
      const n = Math.max(1, Math.floor(MAX_SOURCE_BYTES / utf8Length(piece)) + delta);
      return piece.repeat(n);
    }),
  },
);

/** Payload bytes that decompress: to text, to random bytes, or to far more than the bound. */
const deflatedArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((s) => deflateRawSync(Buffer.from(s))),
  fc.uint8Array({ maxLength: 300 }).map((b) => deflateRawSync(b)),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: MAX_SOURCE_BYTES - 8, max: 4 * MAX_SOURCE_BYTES })).map(([byte, n]) => deflateRawSync(Buffer.alloc(n, byte))),
);

/** Edits to a string: delete, insert or replace a character, or cut the end. */
const editsArb = fc.array(
  fc.record({
    at: fc.nat(),
    op: fc.constantFrom('delete', 'insert', 'replace', 'cut'),
    ch: fc.oneof(fc.constantFrom(...BASE64URL), anyUnit, fc.constantFrom('=', '+', '/', '%', '#', ' ', '\n')),
  }),
  { maxLength: 4 },
);

function applyEdits(text, edits) {
  let s = text;
  for (const { at, op, ch } of edits) {
    const i = s.length === 0 ? 0 : at % (s.length + 1);
    if (op === 'delete') s = s.slice(0, i) + s.slice(i + 1);
    else if (op === 'insert') s = s.slice(0, i) + ch + s.slice(i);
    else if (op === 'replace') s = s.slice(0, i) + ch + s.slice(i + 1);
    else s = s.slice(0, i);
  }
  return s;
}

/** Fragments: anything at all, things that look like links, real links damaged. */
export const fragmentArb = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 200 }).map((s) => `#${PREFIX}${s}`),
  fc.uint8Array({ maxLength: 300 }).map((b) => `#${PREFIX}${b64url(b)}`),
  fc.tuple(fc.constantFrom('', '#', '#v', '#v0:', '#v2:', '#v1', '#V1:', 'v1:', '#v1:', '#v1::', '##v1:'), deflatedArb).map(([p, b]) => p + b64url(b)),
  fc.tuple(deflatedArb, editsArb).map(([b, edits]) => applyEdits(`#${PREFIX}${b64url(b)}`, edits)),
);
