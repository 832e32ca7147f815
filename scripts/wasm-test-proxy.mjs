#!/usr/bin/env node
// A forward HTTP proxy for `wasm-pack test` in a browser, loopback only. It
// sends every request to the test runner's server on a connection of its own
// with `Connection: close`, so the server never holds a browser's idle
// keep-alive connection.
//
// Why: wasm-bindgen-test-runner serves the test page with tiny_http 0.12, whose
// connection thread pool can leave a newly accepted connection queued with no
// thread to run it (TaskPool::spawn counts a worker that was already woken for
// another connection as idle, so its wake-up is lost). Each keep-alive
// connection keeps its thread until the browser closes it, so once the pool's
// threads all sit on idle keep-alive connections, the queued one is never
// served: one of the page's module requests never answers, the load event never
// fires, and chromedriver gives up ("Timed out receiving message from
// renderer"). With one request per connection every thread is free again
// after its response and picks up whatever was queued.
//
//   node scripts/wasm-test-proxy.mjs [--capabilities IN.json OUT.json]
//
// Prints `proxy 127.0.0.1:PORT` once listening (WASM_TEST_PROXY_VERBOSE=1 also
// logs each request to stderr). With --capabilities it first writes OUT.json:
// the WebDriver capabilities of IN.json (webdriver.json) plus what makes
// Chromium and Firefox send loopback requests through the proxy (by default
// both bypass a proxy for 127.0.0.1); point WASM_BINDGEN_TEST_WEBDRIVER_JSON at
// it. Anything but plain http
// to 127.0.0.1/localhost is refused. When the target cannot be reached the
// browser's connection is dropped, so fetch sees a network error, as without
// a proxy.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const verbose = Boolean(process.env.WASM_TEST_PROXY_VERBOSE);

const server = http.createServer((req, res) => {
  if (verbose) console.error(`proxy: ${req.method} ${req.url}`);
  let target;
  try {
    target = new URL(req.url);
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('the proxy takes absolute http URLs\n');
    return;
  }
  if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end('the proxy only reaches http on loopback\n');
    return;
  }
  const headers = { ...req.headers, connection: 'close' };
  delete headers['proxy-connection'];
  const upstream = http.request(
    {
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || 80,
      method: req.method,
      path: `${target.pathname}${target.search}`,
      headers,
      agent: false,
    },
    (answer) => {
      const out = { ...answer.headers };
      delete out.connection;
      delete out['keep-alive'];
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', () => res.destroy());
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
});
server.on('connect', (_req, socket) => socket.destroy());
/** `caps` with the proxy at `port` added for Chromium (flags) and Firefox (prefs). */
function withProxy(caps, port) {
  const chrome = caps['goog:chromeOptions'] ?? {};
  const firefox = caps['moz:firefoxOptions'] ?? {};
  return {
    ...caps,
    'goog:chromeOptions': {
      ...chrome,
      args: [...(chrome.args ?? []), `--proxy-server=http://127.0.0.1:${port}`, '--proxy-bypass-list=<-loopback>'],
    },
    'moz:firefoxOptions': {
      ...firefox,
      prefs: {
        ...(firefox.prefs ?? {}),
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': port,
        'network.proxy.allow_hijacking_localhost': true,
        'network.proxy.no_proxies_on': '',
      },
    },
  };
}

const at = process.argv.indexOf('--capabilities');
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (at >= 0) {
    const [input, output] = process.argv.slice(at + 1, at + 3);
    if (!input || !output) {
      console.error('usage: wasm-test-proxy.mjs [--capabilities IN.json OUT.json]');
      process.exit(2);
    }
    writeFileSync(output, `${JSON.stringify(withProxy(JSON.parse(readFileSync(input, 'utf8')), port), null, 2)}\n`);
  }
  console.log(`proxy 127.0.0.1:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
