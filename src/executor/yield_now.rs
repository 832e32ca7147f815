use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Gives other tasks a turn: the first poll wakes its own task and returns
/// `Pending`, the next returns `Ready`.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future [`yield_now`] returns.
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
