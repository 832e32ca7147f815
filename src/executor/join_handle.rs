//! The handle `spawn` returns: a future of the task's output.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::task::{Phase, Task, TaskId};

/// Awaits a spawned task's output.
///
/// - **Dropping the handle detaches the task**: it keeps running to
///   completion, and its output is dropped when it completes.
/// - [`abort`](JoinHandle::abort) cancels the task: its future is dropped
///   right away if it is waiting, or just after its current poll returns if it
///   is being polled (it aborted itself): never in the middle of a poll.
///   Awaiting the handle then gives [`JoinError::Cancelled`].
///
/// ```
/// use std::time::Duration;
/// use futures_playground::platform::ManualPlatform;
/// use futures_playground::{sleep, JoinError};
///
/// let (executor, clock) = ManualPlatform::executor();
/// let slow = executor.spawn(async {
///     sleep(Duration::from_secs(60)).await;
///     1
/// });
/// clock.run_until_stalled();
/// slow.abort(); // its future, and so its timer, is dropped now
/// assert_eq!(executor.pending_timers(), 0);
///
/// let outcome = executor.spawn(async move { slow.await });
/// clock.run_until_stalled();
/// assert!(outcome.is_finished());
/// # let result = std::rc::Rc::new(std::cell::Cell::new(None));
/// # let slot = result.clone();
/// # let check = executor.spawn(async move { slot.set(Some(outcome.await.unwrap())) });
/// # clock.run_until_stalled();
/// # assert_eq!(result.take(), Some(Err(JoinError::Cancelled)));
/// ```
pub struct JoinHandle<T> {
    task: Rc<Task>,
    _output: PhantomData<T>,
}

/// Why a [`JoinHandle`] gave no output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinError {
    /// The task was aborted, or its executor shut down, before it completed.
    Cancelled,
    /// The output was already taken by an earlier poll of this handle.
    OutputTaken,
    /// The task panicked in a poll, with this message. On wasm a panic is a
    /// trap that abandons the poll; the executor reports it at its next drain.
    Panicked(String),
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("task was cancelled"),
            JoinError::OutputTaken => f.write_str("task output was already taken"),
            JoinError::Panicked(message) => write!(f, "task panicked: {message}"),
        }
    }
}

impl std::error::Error for JoinError {}

impl<T: 'static> JoinHandle<T> {
    pub(crate) fn new(task: Rc<Task>) -> JoinHandle<T> {
        JoinHandle {
            task,
            _output: PhantomData,
        }
    }

    /// Cancels the task (see the type's documentation). A no-op once it has
    /// completed: its output can still be awaited.
    pub fn abort(&self) {
        // Without an executor, a task can only have been cancelled already.
        if let Some(executor) = self.task.executor.upgrade() {
            executor.abort(&self.task);
        }
    }

    pub fn id(&self) -> TaskId {
        self.task.id()
    }

    pub fn name(&self) -> &str {
        self.task.name()
    }

    /// The task's strong reference count: one for this handle, one while it
    /// is queued, one while it is being polled, one from its first `Pending`
    /// until it finishes (the list of started tasks), and one per waker
    /// clone someone keeps.
    /// The playground shows it beside the vtable calls that change it.
    pub fn task_ref_count(&self) -> usize {
        Rc::strong_count(&self.task)
    }

    /// Completed or cancelled.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl<T: 'static> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.task.phase.get() {
            Phase::Completed => {
                let mut output: Option<T> = None;
                self.task.body.take_output(&mut output);
                Poll::Ready(output.ok_or(JoinError::OutputTaken))
            }
            Phase::Cancelled => Poll::Ready(Err(match self.task.take_panic_message() {
                Some(message) => JoinError::Panicked(message.into()),
                None => JoinError::Cancelled,
            })),
            Phase::Idle | Phase::Running => {
                let stored = self.task.replace_join_waker(None);
                let waker = match stored {
                    Some(stored) if stored.will_wake(cx.waker()) => stored,
                    _ => cx.waker().clone(),
                };
                self.task.replace_join_waker(Some(waker));
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        self.task.has_join_handle.set(false);
        // Taken out first so that nothing is borrowed if the output's own
        // destructor panics.
        drop(self.task.replace_join_waker(None));
        drop(self.task.take_panic_message());
        self.task.body.drop_output();
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("task", &self.task.id())
            .field("phase", &self.task.phase.get())
            .finish()
    }
}
