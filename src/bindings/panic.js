// A panic in the module is a trap: the instance is left mid-way (borrows
// held, a poll abandoned, its stack pointer lowered) and is not to be trusted
// again. The Rust panic hook tells this module, then asks wasm-bindgen for a
// fresh instance at the next call into the module. Meanwhile:
// - every piece of glue made for the old instance (drain and timer
//   schedulers, run watches, promise watches) compares its `instance` with
//   `currentInstance` and stops calling into the old one;
// - every Rust run in flight is settled here, with the panic as its error,
//   since the instance that would have settled it is gone.

export let currentInstance = 0;

const runsInFlight = new Set();

export function enginePanicked(message) {
  currentInstance += 1;
  const settle = [...runsInFlight];
  runsInFlight.clear();
  // A microtask later: the trap is still unwinding out of the module now.
  queueMicrotask(() => {
    for (const resolve of settle) resolve(panicTrace(message));
  });
}

function panicTrace(message) {
  return {
    engine: 'rust',
    ok: false,
    error: {
      kind: 'runtime',
      message: `the engine panicked: ${message}. It was restarted: the next run starts on a fresh instance`,
      line: 0,
      col: 0,
    },
    // The events made before the panic reached the caller through onEvent;
    // the instance that recorded them is gone.
    events: null,
    restarted: true,
  };
}

// Settles `resolve` with the panic if the module panics before the run ends.
// Returns the function that stops watching (the run ended by itself).
export function settleOnPanic(resolve) {
  runsInFlight.add(resolve);
  return () => runsInFlight.delete(resolve);
}

export function instanceId() {
  return currentInstance;
}
