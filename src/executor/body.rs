//! A task's future and its output, stored inside the task's own allocation.
//!
//! A spawned future is polled where it lies, never moved out for a poll: that
//! is what lets a task be one allocation (a future moved in and out of a
//! `Cell` would have to be boxed on its own). Polling in place needs a
//! `&mut` to the future while the task itself is shared, so the future sits
//! in an `UnsafeCell`; this module is the only code that reaches into it, and
//! [`FutureState`] is what makes every such access the only one:
//!
//! - `poll` takes the `&mut` only when the state is `Present`, and sets
//!   `Polling` for as long as it holds it;
//! - `drop_future` drops the future in place only when it is `Present`: never
//!   under a running poll (the executor never asks that; invariant 6), and
//!   never twice;
//! - the output is a plain `Cell`, moved in and out, never borrowed.
//!
//! The future is pinned: the allocation never moves, and the future is only
//! ever dropped in place.

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What the executor can do with a task's future and output, whatever their
/// types: the part of a task behind its `dyn`.
pub(crate) trait Body {
    /// Polls the future; on `Ready` the output is kept for [`take_output`](Body::take_output).
    /// A future that is gone, or already being polled, is not polled (`Pending`).
    fn poll(&self, cx: &mut Context<'_>) -> Poll<()>;

    /// Drops the future now, where it lies. A no-op if it is already gone.
    ///
    /// A future still marked as being polled is a poll that never returned:
    /// on wasm a panic is a trap that abandons the poll's frames mid-way. Its
    /// future is then forgotten, never dropped (its destructor could find
    /// state that the trap left half-changed): a leak, in an instance that
    /// the page replaces after a panic anyway.
    fn drop_future(&self);

    /// Moves the output into `slot`, an `&mut Option<Output>`; leaves `None`
    /// there if the output was taken already (or `slot` is of another type).
    fn take_output(&self, slot: &mut dyn Any);

    /// Drops the output, if it is there.
    fn drop_output(&self);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FutureState {
    /// In place, and not borrowed.
    Present,
    /// Borrowed by a running poll (or abandoned by one that trapped).
    Polling,
    /// Dropped, or forgotten after a trap.
    Gone,
}

/// The [`Body`] of a task spawned with the future `F`.
pub(crate) struct FutureBody<F: Future> {
    state: Cell<FutureState>,
    future: UnsafeCell<ManuallyDrop<F>>,
    output: Cell<Option<F::Output>>,
}

impl<F: Future> FutureBody<F> {
    pub(crate) fn new(future: F) -> FutureBody<F> {
        FutureBody {
            state: Cell::new(FutureState::Present),
            future: UnsafeCell::new(ManuallyDrop::new(future)),
            output: Cell::new(None),
        }
    }
}

/// Ends a poll's hold on the future, on return and (natively) on unwind: a
/// poll that panicked leaves its future droppable, as Rust guarantees for
/// any value a panic unwinds past. A wasm trap runs no destructors, so this
/// never runs there and the future stays `Polling`.
struct EndPoll<'a>(&'a Cell<FutureState>);

impl Drop for EndPoll<'_> {
    fn drop(&mut self) {
        if self.0.get() == FutureState::Polling {
            self.0.set(FutureState::Present);
        }
    }
}

impl<F: Future> Body for FutureBody<F>
where
    F::Output: 'static,
{
    fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.state.get() != FutureState::Present {
            return Poll::Pending;
        }
        self.state.set(FutureState::Polling);
        let _end = EndPoll(&self.state);
        // SAFETY: the state was `Present` and is now `Polling` until `_end`
        // drops, so no other reference to the future exists or can be made
        // meanwhile (`poll` and `drop_future` both check the state first).
        // Pinning holds: the future lives in the task's allocation, which
        // never moves, and it leaves only by being dropped in place.
        let future = unsafe { Pin::new_unchecked(&mut **self.future.get()) };
        match future.poll(cx) {
            Poll::Ready(output) => {
                self.output.set(Some(output));
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn drop_future(&self) {
        match self.state.get() {
            FutureState::Present => {
                // Gone first: whatever the destructor does (wake or abort
                // this task, drop its join handle) finds nothing to poll or drop.
                self.state.set(FutureState::Gone);
                // SAFETY: the future was `Present`, so nothing borrows it, and
                // `Gone` keeps anything from borrowing or dropping it again;
                // it is dropped in place, as its pin requires.
                unsafe { ManuallyDrop::drop(&mut *self.future.get()) };
            }
            FutureState::Polling => self.state.set(FutureState::Gone),
            FutureState::Gone => {}
        }
    }

    fn take_output(&self, slot: &mut dyn Any) {
        let slot = slot.downcast_mut::<Option<F::Output>>();
        debug_assert!(
            slot.is_some(),
            "a join handle's type is its task's output type"
        );
        if let Some(slot) = slot {
            *slot = self.output.take();
        }
    }

    fn drop_output(&self) {
        drop(self.output.take());
    }
}

impl<F: Future> Drop for FutureBody<F> {
    fn drop(&mut self) {
        if self.state.get() == FutureState::Present {
            // SAFETY: `&mut self`: nothing else can reach the future, and it
            // is dropped once, in place, never touched after.
            unsafe { ManuallyDrop::drop(self.future.get_mut()) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::task::Waker;

    struct CountsDrops(Rc<Cell<u32>>);

    impl Drop for CountsDrops {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }

    #[test]
    fn the_future_is_dropped_once_whether_dropped_early_or_with_the_body() {
        let drops = Rc::new(Cell::new(0));
        let guard = CountsDrops(drops.clone());
        let body = FutureBody::new(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(body.poll(&mut cx), Poll::Pending);
        body.drop_future();
        assert_eq!(drops.get(), 1);
        body.drop_future();
        assert_eq!(
            body.poll(&mut cx),
            Poll::Pending,
            "a dropped future is not polled"
        );
        drop(body);
        assert_eq!(drops.get(), 1);

        let guard = CountsDrops(drops.clone());
        drop(FutureBody::new(async move { drop(guard) }));
        assert_eq!(drops.get(), 2, "never polled, dropped with the body");
    }

    #[test]
    fn the_output_is_taken_once() {
        let body = FutureBody::new(async { String::from("done") });
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(body.poll(&mut cx), Poll::Ready(()));
        body.drop_future();
        let mut slot: Option<String> = None;
        body.take_output(&mut slot);
        assert_eq!(slot.as_deref(), Some("done"));
        body.take_output(&mut slot);
        assert_eq!(slot, None);
    }

    /// What a trap leaves: a drop asked for while the future is marked as
    /// being polled forgets it (natively, a poll asking for its own drop is
    /// the one way to be there). Leaks by design, which Miri would report.
    #[test]
    #[cfg_attr(miri, ignore = "the forgotten future is leaked on purpose")]
    fn a_future_still_marked_as_polled_is_forgotten_never_dropped() {
        use std::cell::RefCell;
        use std::rc::Weak;

        let drops = Rc::new(Cell::new(0));
        let guard = CountsDrops(drops.clone());
        let itself: Rc<RefCell<Weak<dyn Body>>> = Rc::new(RefCell::new(Weak::<
            FutureBody<std::future::Pending<()>>,
        >::new()));
        let reach = itself.clone();
        let body = Rc::new(FutureBody::new(std::future::poll_fn(move |_| {
            let _keep = &guard;
            if let Some(body) = reach.borrow().upgrade() {
                body.drop_future();
            }
            Poll::<()>::Pending
        })));
        *itself.borrow_mut() = Rc::downgrade(&body) as Weak<dyn Body>;
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(body.poll(&mut cx), Poll::Pending);
        assert_eq!(drops.get(), 0, "not dropped under its own poll");
        assert_eq!(
            body.poll(&mut cx),
            Poll::Pending,
            "a forgotten future is not polled again"
        );
        body.drop_future();
        drop(body);
        assert_eq!(
            drops.get(),
            0,
            "forgotten: never dropped, not even with the body"
        );
    }

    #[test]
    fn a_poll_that_panicked_leaves_its_future_droppable() {
        let drops = Rc::new(Cell::new(0));
        let guard = CountsDrops(drops.clone());
        let body = FutureBody::new(std::future::poll_fn(move |_| -> Poll<()> {
            let _keep = &guard;
            panic!("in the poll")
        }));
        let mut cx = Context::from_waker(Waker::noop());
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body.poll(&mut cx)));
        assert!(unwound.is_err());
        assert_eq!(drops.get(), 0);
        body.drop_future();
        assert_eq!(drops.get(), 1);
    }
}
