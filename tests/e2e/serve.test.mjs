// The development server's extra headers: the benchmarks serve their page
// cross-origin isolated with them (a 5 µs clock instead of 100 µs); the
// playground is served without, since a user's program may fetch from other
// origins, which an isolated page could not do without their consent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

test('extra headers go on every file served, beside the usual ones', async () => {
  const server = await startServer({ port: 0, extraHeaders: ISOLATION });
  try {
    for (const file of ['index.html', 'scripts/serve.mjs']) {
      const res = await fetch(new URL(file, server.url));
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', file);
      assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp', file);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', file);
      await res.arrayBuffer();
    }
    const html = await fetch(new URL('index.html', server.url));
    assert.match(html.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    await html.arrayBuffer();
  } finally {
    await server.close();
  }
});

test('without extra headers the playground is not cross-origin isolated', async () => {
  const server = await startServer({ port: 0 });
  try {
    const res = await fetch(new URL('index.html', server.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cross-origin-opener-policy'), null);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
    await res.arrayBuffer();
  } finally {
    await server.close();
  }
});
