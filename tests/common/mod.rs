//! Helpers shared by the native executor tests.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use futures_playground::executor::{Event, Executor};
use futures_playground::platform::ManualPlatform;

/// The end of every test: nothing queued, alive or armed, and every drop
/// counter balanced.
pub fn assert_quiescent(executor: &Executor, platform: &ManualPlatform) {
    assert!(!platform.drain_requested() || executor.queued_tasks() == 0);
    platform.run_until_stalled();
    assert_eq!(executor.queued_tasks(), 0, "run queue not empty");
    assert_eq!(
        executor.live_tasks(),
        0,
        "live tasks left: {:?}",
        executor.live_task_list()
    );
    assert_eq!(executor.pending_timers(), 0, "timers left in the reactor");
    assert_eq!(
        executor.native_timer_deadline(),
        None,
        "native timer still armed"
    );
    assert_eq!(
        platform.timer_deadline(),
        None,
        "platform timer still armed"
    );
}

/// Fails, naming the tasks, if tasks are alive but nothing can ever run them:
/// no drain requested and no timer armed (a leaf returned Pending without
/// keeping its waker).
pub fn assert_not_stalled(executor: &Executor, platform: &ManualPlatform) {
    if executor.live_tasks() > 0
        && !platform.drain_requested()
        && platform.timer_deadline().is_none()
    {
        panic!(
            "stalled: live tasks but nothing will wake them: {:?}",
            executor.live_task_list()
        );
    }
}

/// Counts drops of the value it is put in.
#[derive(Clone, Default)]
pub struct DropCounter(Rc<Cell<usize>>);

impl DropCounter {
    pub fn new() -> DropCounter {
        DropCounter::default()
    }
    pub fn token(&self) -> DropToken {
        DropToken(self.0.clone())
    }
    pub fn drops(&self) -> usize {
        self.0.get()
    }
}

pub struct DropToken(Rc<Cell<usize>>);

impl Drop for DropToken {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

/// Records every observer event as text, for asserting on sequences.
pub fn record_events(executor: &Executor) -> Rc<RefCell<Vec<String>>> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    executor.set_observer(Some(Rc::new(move |event: Event<'_>| {
        sink.borrow_mut().push(format!("{event:?}"));
    })));
    log
}

/// A future that is `Pending` until a flag is set; it keeps its waker.
#[derive(Clone, Default)]
pub struct Gate {
    open: Rc<Cell<bool>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }
    pub fn open(&self) {
        self.open.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }
    pub fn wait(&self) -> GateWait {
        GateWait(self.clone())
    }
    pub fn stored_waker(&self) -> Option<Waker> {
        self.waker.borrow().clone()
    }
}

pub struct GateWait(Gate);

impl Future for GateWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.open.get() {
            return Poll::Ready(());
        }
        *self.0.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A waker from outside the executor that counts its wakes.
#[derive(Default)]
pub struct CountingWaker {
    pub wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

impl CountingWaker {
    pub fn new() -> (Arc<CountingWaker>, Waker) {
        let counter = Arc::new(CountingWaker::default());
        let waker = Waker::from(counter.clone());
        (counter, waker)
    }
    pub fn count(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

/// Polls `inner` once per call with a waker chosen by the test.
pub fn poll_fn<T>(f: impl FnMut(&mut Context<'_>) -> Poll<T>) -> impl Future<Output = T> {
    std::future::poll_fn(f)
}

/// Fewer iterations under Miri, which is slow.
pub fn scaled(n: usize) -> usize {
    if cfg!(miri) {
        (n / 100).max(10)
    } else {
        n
    }
}
