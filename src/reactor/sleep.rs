//! `sleep`: a timer that registers with the reactor at its first poll.

use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use super::TimerKey;
use crate::executor::{current, Shared};
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
    Registered {
        executor: Weak<Shared>,
        key: TimerKey,
    },
    Fired,
}

impl Sleep {
    /// The deadline, once the first poll has fixed it.
    pub fn deadline(&self) -> Option<Instant> {
        match &self.state {
            State::Unregistered(Deadline::At(deadline)) => Some(*deadline),
            State::Unregistered(Deadline::After(_)) | State::Fired => None,
            State::Registered { key, .. } => Some(key.deadline()),
        }
    }

    /// Registered with a reactor and not yet fired.
    pub fn is_registered(&self) -> bool {
        matches!(self.state, State::Registered { .. })
    }

    /// The reactor's key for this sleep, for matching it with observed events.
    pub fn timer_key(&self) -> Option<TimerKey> {
        match self.state {
            State::Registered { key, .. } => Some(key),
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
                let deadline = match *deadline {
                    Deadline::At(at) => at,
                    Deadline::After(delay) => executor.now() + delay,
                };
                let key = executor.register_timer(deadline, cx.waker().clone());
                self.state = State::Registered {
                    executor: Rc::downgrade(&executor),
                    key,
                };
                Poll::Pending
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
        if let State::Registered { executor, key } = &self.state {
            if let Some(executor) = executor.upgrade() {
                executor.cancel_timer(*key);
            }
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
