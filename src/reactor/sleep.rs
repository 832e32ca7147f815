//! `sleep`: a timer that registers with the reactor at its first poll.

use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use super::{TimerKey, Unfixed, UnfixedKey};
use crate::executor::{current, Shared, SleepKey};
use crate::platform::Instant;

/// Completes `delay` after it is **first polled** (not after it is created):
/// creating a `Sleep` does nothing at all, which is the lazy half of what the
/// playground shows.
///
/// The first poll always returns `Pending`, even for a zero delay, so a
/// `sleep(0)` yields to the host's event loop as `setTimeout(0)` does.
/// Dropping it before it fires removes its deadline from the reactor at once.
///
/// ```
/// use std::time::Duration;
/// use futures_playground::platform::ManualPlatform;
/// use futures_playground::sleep;
///
/// let (executor, clock) = ManualPlatform::executor();
/// let a = sleep(Duration::from_millis(300)); // made, not started
/// let b = sleep(Duration::from_millis(200));
/// executor.spawn(async move {
///     b.await; // b starts now
///     a.await; // a starts only now, 200 ms later
/// });
/// clock.run_until_idle();
/// assert_eq!(executor.now().as_millis_f64(), 500.0);
/// ```
pub fn sleep(delay: Duration) -> Sleep {
    Sleep {
        state: State::Unregistered(Deadline::After(delay)),
    }
}

/// Completes at `deadline` on the executor's clock; registers at first poll,
/// like [`sleep`].
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        state: State::Unregistered(Deadline::At(deadline)),
    }
}

/// The future [`sleep`] and [`sleep_until`] return.
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    state: State,
}

enum Deadline {
    After(Duration),
    At(Instant),
}

enum State {
    Unregistered(Deadline),
    /// First polled in a drain: registered with its delay; the deadline is
    /// fixed when that drain ends.
    Unfixed {
        executor: Weak<Shared>,
        key: UnfixedKey,
    },
    Registered {
        executor: Weak<Shared>,
        key: TimerKey,
    },
    Fired,
}

impl Sleep {
    /// The deadline, once fixed: at the first poll, or for a sleep first
    /// polled in a drain with no observer, when that drain ends. Such a
    /// sleep learns its key only at its next poll, so between its firing and
    /// that poll this is `None` again (the reactor has forgotten it).
    pub fn deadline(&self) -> Option<Instant> {
        match &self.state {
            State::Unregistered(Deadline::At(deadline)) => Some(*deadline),
            State::Unregistered(Deadline::After(_)) | State::Fired => None,
            State::Unfixed { .. } => self.timer_key().map(TimerKey::deadline),
            State::Registered { key, .. } => Some(key.deadline()),
        }
    }

    /// Registered with a reactor and not yet fired.
    pub fn is_registered(&self) -> bool {
        matches!(self.state, State::Registered { .. } | State::Unfixed { .. })
    }

    /// The reactor's key for this sleep, for matching it with observed
    /// events; `None` until its deadline is fixed (and, as for
    /// [`deadline`](Sleep::deadline), for a sleep fixed at a drain's end
    /// that has fired and not been polled since).
    pub fn timer_key(&self) -> Option<TimerKey> {
        match &self.state {
            State::Registered { key, .. } => Some(*key),
            State::Unfixed { executor, key } => match executor.upgrade()?.find_sleep(*key) {
                Unfixed::Fixed(key) => Some(key),
                Unfixed::Waiting | Unfixed::Gone => None,
            },
            _ => None,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.state {
            State::Fired => Poll::Ready(()),
            State::Unregistered(deadline) => {
                let executor: Rc<Shared> =
                    current().expect("a Sleep was polled outside any executor: spawn it on one");
                let waker = cx.waker().clone();
                self.state = match *deadline {
                    Deadline::At(at) => State::Registered {
                        executor: Rc::downgrade(&executor),
                        key: executor.register_timer(at, waker),
                    },
                    Deadline::After(delay) => match executor.register_sleep(delay, waker) {
                        SleepKey::Fixed(key) => State::Registered {
                            executor: Rc::downgrade(&executor),
                            key,
                        },
                        SleepKey::Unfixed(key) => State::Unfixed {
                            executor: Rc::downgrade(&executor),
                            key,
                        },
                    },
                };
                Poll::Pending
            }
            State::Unfixed { executor, key } => {
                let key = *key;
                let Some(executor) = executor.upgrade() else {
                    return Poll::Pending; // as for a registered sleep
                };
                match executor.find_sleep(key) {
                    Unfixed::Waiting => {
                        // Polled again in the drain that registered it: not due.
                        executor.update_sleep_waker(key, cx.waker());
                        Poll::Pending
                    }
                    Unfixed::Fixed(key) => {
                        self.state = State::Registered {
                            executor: Rc::downgrade(&executor),
                            key,
                        };
                        self.poll(cx)
                    }
                    Unfixed::Gone => {
                        self.state = State::Fired;
                        Poll::Ready(())
                    }
                }
            }
            State::Registered { executor, key } => {
                let key = *key;
                let Some(executor) = executor.upgrade() else {
                    // The executor is gone: nothing will ever fire this.
                    return Poll::Pending;
                };
                if !executor.timer_is_pending(key) {
                    self.state = State::Fired;
                    return Poll::Ready(());
                }
                if executor.now() >= key.deadline() {
                    // Due, but polled before the native timer got to it.
                    executor.fire_timer_now(key);
                    self.state = State::Fired;
                    return Poll::Ready(());
                }
                // Fire wakes whichever waker polled it last.
                executor.update_timer_waker(key, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        match &self.state {
            State::Registered { executor, key } => {
                if let Some(executor) = executor.upgrade() {
                    executor.cancel_timer(*key);
                }
            }
            State::Unfixed { executor, key } => {
                if let Some(executor) = executor.upgrade() {
                    executor.cancel_sleep(*key);
                }
            }
            State::Unregistered(_) | State::Fired => {}
        }
    }
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline())
            .field("registered", &self.is_registered())
            .finish()
    }
}
