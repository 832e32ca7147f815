#!/usr/bin/env node
// Dependency-free static file server for the repository root (development only).
//
//   node scripts/serve.mjs [--port N] [--root DIR]     (PORT env also works; 0 = any free port)
//
// Prints exactly one line, `serving http://127.0.0.1:PORT/`, once listening.
// Also importable: `const { url, close } = await startServer({ root, port })`.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

// The pages load only same-origin ES modules and stylesheets, so no inline
// <script>/<style>/style="" attributes are allowed. 'wasm-unsafe-eval' permits
// WebAssembly compilation without permitting JS eval.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' data: blob:";

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

function isInside(root, candidate) {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function handle(root, extraHeaders, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'bad request\n');
  }
  if (pathname.includes('\0')) return send(res, 400, 'bad request\n');
  // Reject any `..` segment outright (after decoding, so %2e%2e is caught too).
  if (pathname.split(/[\\/]/).includes('..')) return send(res, 403, 'forbidden\n');

  let file = path.resolve(root, '.' + pathname);
  if (!isInside(root, file)) return send(res, 403, 'forbidden\n');

  let info;
  try {
    info = await stat(file);
    if (info.isDirectory()) {
      if (!pathname.endsWith('/')) {
        // Collapse leading slashes so the Location can never be protocol-relative (`//host`).
        return send(res, 301, '', { Location: encodeURI('/' + pathname.replace(/^[\\/]+/, '') + '/') });
      }
      file = path.join(file, 'index.html');
      info = await stat(file);
    }
    // Symlinks must not escape the root either.
    const real = await realpath(file);
    if (!isInside(root, real)) return send(res, 403, 'forbidden\n');
  } catch {
    return send(res, 404, 'not found\n');
  }
  if (!info.isFile()) return send(res, 404, 'not found\n');

  const ext = path.extname(file).toLowerCase();
  const type = MIME_TYPES[ext] ?? 'application/octet-stream';
  const headers = {
    'Content-Type': type,
    'Content-Length': info.size,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CSP;
  res.writeHead(200, { ...headers, ...extraHeaders });
  if (req.method === 'HEAD') return res.end();
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Start the server. Resolves once listening. `extraHeaders` go on every file
 * served (the benchmarks ask for cross-origin isolation with them).
 * @param {{ root?: string, port?: number, host?: string, routes?: object, extraHeaders?: object }} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startServer({ root = DEFAULT_ROOT, port = 8000, host = HOST, routes = {}, extraHeaders = {} } = {}) {
  const absRoot = await realpath(path.resolve(root));
  const server = createServer((req, res) => {
    // Tests add their own endpoints (slow, failing, never answering) by path.
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) return route(req, res);
    handle(absRoot, extraHeaders, req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy(err);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  return {
    url: `http://${host}:${actualPort}/`,
    port: actualPort,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

function parseArgs(argv) {
  const opts = { port: process.env.PORT ?? '8000', root: DEFAULT_ROOT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (name === '--port' || name === '-p') opts.port = value();
    else if (name === '--root') opts.root = value();
    else if (name === '--help' || name === '-h') {
      console.log('usage: node scripts/serve.mjs [--port N] [--root DIR]   (PORT env; 0 = any free port)');
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument ${arg}`);
      process.exit(2);
    }
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve.mjs: invalid port ${JSON.stringify(opts.port)}`);
    process.exit(2);
  }
  return { port, root: opts.root };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { port, root } = parseArgs(process.argv.slice(2));
  try {
    const server = await startServer({ root, port });
    console.log(`serving ${server.url}`);
    const stop = () => server.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(`serve.mjs: ${err.message}`);
    process.exit(1);
  }
}
