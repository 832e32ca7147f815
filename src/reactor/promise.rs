//! Waiting for a JS `Promise` from Rust without a closure per promise.
//!
//! Every watched promise reports to one thread-wide callback with the id it
//! was watched under. A [`PromiseWait`] dropped before its promise settles
//! forgets its id; the late settlement then finds nothing and is ignored, so
//! nothing is leaked and no freed closure is ever called.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::vec_map::VecMap;

#[wasm_bindgen(module = "/src/reactor/promise.js")]
extern "C" {
    #[wasm_bindgen(js_name = watchPromise)]
    fn watch_promise(promise: &Promise, id: f64, callback: &JsValue);
}

struct Watched {
    result: Option<Result<JsValue, JsValue>>,
    waker: Option<Waker>,
}

struct Table {
    watched: RefCell<VecMap<u64, Watched>>,
    next_id: Cell<u64>,
    on_settle: Closure<dyn Fn(f64, bool, JsValue)>,
}

thread_local! {
    static TABLE: Table = Table {
        watched: RefCell::new(VecMap::new()),
        next_id: Cell::new(0),
        on_settle: Closure::new(on_settle),
    };
}

fn on_settle(id: f64, ok: bool, value: JsValue) {
    let waker = TABLE.with(|table| {
        let mut watched = table.watched.borrow_mut();
        let entry = watched.get_mut(&(id as u64))?;
        entry.result = Some(if ok { Ok(value) } else { Err(value) });
        entry.waker.take()
    });
    // Woken with the table released: the wake may poll nothing synchronously,
    // but a foreign waker could do anything.
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Resolves to the promise's value (`Ok`) or rejection (`Err`).
/// Starts watching at the first poll.
pub(crate) struct PromiseWait {
    promise: Option<Promise>,
    id: Option<u64>,
}

impl PromiseWait {
    pub(crate) fn new(promise: Promise) -> PromiseWait {
        PromiseWait {
            promise: Some(promise),
            id: None,
        }
    }

    /// Promises being watched right now, across the thread (for leak checks).
    pub(crate) fn watched_count() -> usize {
        TABLE.with(|table| table.watched.borrow().len())
    }
}

impl Future for PromiseWait {
    type Output = Result<JsValue, JsValue>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = match self.id {
            Some(id) => id,
            None => {
                let Some(promise) = self.promise.take() else {
                    panic!("PromiseWait polled after it completed");
                };
                let id = TABLE.with(|table| {
                    let id = table.next_id.get();
                    table.next_id.set(id + 1);
                    table.watched.borrow_mut().insert(
                        id,
                        Watched {
                            result: None,
                            waker: None,
                        },
                    );
                    watch_promise(&promise, id as f64, table.on_settle.as_ref());
                    id
                });
                self.id = Some(id);
                id
            }
        };
        TABLE.with(|table| {
            let mut watched = table.watched.borrow_mut();
            let entry = watched
                .get_mut(&id)
                .expect("a watched promise stays in the table until taken");
            if let Some(result) = entry.result.take() {
                watched.remove(&id);
                drop(watched);
                self.id = None;
                return Poll::Ready(result);
            }
            match &entry.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => entry.waker = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
    }
}

impl Drop for PromiseWait {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let forgotten = TABLE.with(|table| table.watched.borrow_mut().remove(&id));
            drop(forgotten);
        }
    }
}
