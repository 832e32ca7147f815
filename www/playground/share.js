// Share links: `#v1:` + base64url(deflate-raw(UTF-8 source)). The fragment
// never reaches a server, and everything read from it is bounded: link
// length, decoded size (a small link can inflate to gigabytes), strict UTF-8.

export const PREFIX = 'v1:';
export const MAX_SOURCE_BYTES = 64 * 1024;
export const MAX_FRAGMENT_CHARS = 96 * 1024;

export class ShareError extends Error {}

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareError('the link contains characters that are not base64url');
  if (text.length % 4 === 1) throw new ShareError('the link is truncated');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

async function pump(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ShareError(`the program is larger than ${limit / 1024} KiB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function streamOf(bytes) {
  return new Blob([bytes]).stream();
}

/** The fragment (without '#') for `source`. */
export async function encodeSource(source) {
  // TextEncoder would write a lone surrogate as U+FFFD: the link would open another program.
  if (!source.isWellFormed()) throw new ShareError('the program contains a lone surrogate (text that is not valid Unicode)');
  const bytes = new TextEncoder().encode(source);
  if (bytes.length > MAX_SOURCE_BYTES) throw new ShareError(`the program is larger than ${MAX_SOURCE_BYTES / 1024} KiB`);
  const packed = await pump(streamOf(bytes).pipeThrough(new CompressionStream('deflate-raw')), Infinity);
  const fragment = PREFIX + toBase64Url(packed);
  if (fragment.length > MAX_FRAGMENT_CHARS) throw new ShareError('the link would be too long');
  return fragment;
}

/** True when the fragment looks like a share link of any version (so an error is worth showing). */
export function isShareFragment(hash) {
  return /^#?v\d+:/.test(hash);
}

/** Source text from a fragment ('#v1:…' or 'v1:…'); throws ShareError with a reason. */
export async function decodeFragment(hash) {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  const version = /^v(\d+):/.exec(fragment);
  if (!version) throw new ShareError('this is not a futures-playground link');
  if (fragment.slice(0, version[0].length) !== PREFIX) {
    const shown = version[1].length > 12 ? `${version[1].slice(0, 12)}…` : version[1];
    throw new ShareError(`links of version ${shown} are not supported (this page reads v1)`);
  }
  if (fragment.length > MAX_FRAGMENT_CHARS) throw new ShareError('the link is too long');
  const packed = fromBase64Url(fragment.slice(PREFIX.length));
  if (packed.length === 0) throw new ShareError('the link is empty');
  let bytes;
  try {
    bytes = await pump(streamOf(packed).pipeThrough(new DecompressionStream('deflate-raw')), MAX_SOURCE_BYTES);
  } catch (err) {
    if (err instanceof ShareError) throw err;
    throw new ShareError('the link is damaged or truncated (it does not decompress)');
  }
  try {
    // ignoreBOM: a program that starts with U+FEFF keeps it (by default the decoder drops it).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ShareError('the link does not hold UTF-8 text');
  }
}
