// The Web Worker of Learn section 5 ("a Web Worker as an OS thread"): it says
// it is up as soon as its module runs, then answers each message at once.
self.postMessage({ type: 'ready', at: performance.now() });
self.addEventListener('message', (event) => {
  self.postMessage({ type: 'pong', n: event.data?.n });
});
