// Ends a run when its time limit passes or its AbortSignal fires. The
// returned function disposes the watch; after that the Rust callbacks, which
// are about to be freed, are never called.
export function watchRun(timeMs, signal, onTimeout, onAbort) {
  let alive = true;
  const timer = setTimeout(() => {
    if (alive) onTimeout();
  }, timeMs);
  const abort = () => {
    if (alive) onAbort();
  };
  if (signal) signal.addEventListener('abort', abort);
  return () => {
    alive = false;
    clearTimeout(timer);
    if (signal) signal.removeEventListener('abort', abort);
  };
}
