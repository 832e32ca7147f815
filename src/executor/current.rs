//! Which executor the code running right now belongs to.
//!
//! While an executor drains its queue it is *current*: `spawn` inside a task
//! spawns beside it, and a `sleep` first polled there registers with its
//! reactor. Several executors can live on one page (two playgrounds, say);
//! this is how each future finds its own.

use std::cell::RefCell;
use std::rc::Rc;

use super::shared::Shared;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

/// Makes `executor` current until the guard drops, then restores the previous one.
pub(crate) fn enter(executor: &Rc<Shared>) -> CurrentGuard {
    let previous = CURRENT.with(|current| current.replace(Some(executor.clone())));
    CurrentGuard { previous }
}

pub(crate) struct CurrentGuard {
    previous: Option<Rc<Shared>>,
}

impl Drop for CurrentGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let ours = CURRENT.with(|current| current.replace(previous));
        drop(ours);
    }
}

/// After a trap in one of `executor`'s polls, its drain's guard never ran:
/// the executor stays current, and alive, until this forgets it. Drains never
/// nest, so outside a drain nothing should be current.
pub(crate) fn forget_abandoned(executor: &Shared) {
    let stale = CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        if current
            .as_ref()
            .is_some_and(|current| std::ptr::eq(Rc::as_ptr(current), executor))
        {
            current.take()
        } else {
            None
        }
    });
    drop(stale);
}

/// The current executor; outside any drain, the page's default executor in
/// the browser, and `None` natively.
pub(crate) fn current() -> Option<Rc<Shared>> {
    CURRENT
        .with(|current| current.borrow().clone())
        .or_else(default_executor)
}

/// The page's default executor: the one `spawn` uses outside any task.
#[cfg(target_arch = "wasm32")]
pub(crate) fn default_executor() -> Option<Rc<Shared>> {
    thread_local! {
        static DEFAULT: super::Executor = super::Executor::browser();
    }
    DEFAULT.with(|executor| Some(executor.shared().clone()))
}

#[cfg(not(target_arch = "wasm32"))]
fn default_executor() -> Option<Rc<Shared>> {
    None
}
