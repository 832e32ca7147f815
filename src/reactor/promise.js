// Reports a promise's settlement to one long-lived Rust callback by id, so
// waiting for a promise needs no closure of its own, and a settlement that
// arrives after the Rust side gave up is simply ignored there.
//
// After a panic the module is replaced (bindings/panic.js): a settlement
// meant for the old instance is dropped.
import { currentInstance } from '../bindings/panic.js';

export function watchPromise(promise, id, callback) {
  const instance = currentInstance;
  promise.then(
    (value) => {
      if (instance === currentInstance) callback(id, true, value);
    },
    (error) => {
      if (instance === currentInstance) callback(id, false, error);
    },
  );
}
