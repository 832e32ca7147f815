// Reports a promise's settlement to one long-lived Rust callback by id, so
// waiting for a promise needs no closure of its own, and a settlement that
// arrives after the Rust side gave up is simply ignored there.
export function watchPromise(promise, id, callback) {
  promise.then(
    (value) => callback(id, true, value),
    (error) => callback(id, false, error),
  );
}
