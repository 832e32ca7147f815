//! The executor's list of started tasks, linked through the tasks themselves
//! (their extras, made when a task is first listed if it has none yet).
//!
//! Shutdown must reach every task that has neither completed nor been
//! cancelled, wherever its wakers are. A task not polled yet is in the run
//! queue, and one in its first poll is the executor's `polling` task; a task
//! whose poll has returned `Pending` once is *started*, and joins this list
//! until it finishes. So a task that completes in its first poll, as most
//! short tasks do, is never listed at all.
//!
//! The list holds exactly one strong reference to each started task (the
//! head, or its predecessor's `next`) and a weak one back (`prev`), so
//! linking and unlinking cost a few reference count changes (and, for a
//! task without extras, its one extra allocation) and never grow or move a
//! container. Tasks are listed in the order of their first polls,
//! which is the order they were spawned in (the run queue is first in,
//! first out), newest first.
//!
//! Every link is a `Cell`, moved in and out, never borrowed (invariant 1).

use std::cell::Cell;
use std::rc::{Rc, Weak};

use super::task::Task;

/// A task's place in the list: set while it is started, empty otherwise.
#[derive(Default)]
pub(crate) struct Links {
    next: Cell<Option<Rc<Task>>>,
    prev: Cell<Option<Weak<Task>>>,
    listed: Cell<bool>,
}

impl Links {
    pub(crate) fn is_listed(&self) -> bool {
        self.listed.get()
    }
}

/// The links of a task about to be listed, made with its extras if need be.
fn links(task: &Task) -> &Links {
    &task.extras().links
}

/// The links of a listed task: it has its extras since it was listed.
fn links_of_listed(task: &Task) -> &Links {
    debug_assert!(task.is_listed());
    links(task)
}

/// The started tasks of one executor, newest first.
#[derive(Default)]
pub(crate) struct TaskList {
    head: Cell<Option<Rc<Task>>>,
    len: Cell<usize>,
}

impl TaskList {
    pub(crate) fn len(&self) -> usize {
        self.len.get()
    }

    /// Adds `task` at the head.
    pub(crate) fn link(&self, task: &Rc<Task>) {
        let links = links(task);
        debug_assert!(!links.listed.get(), "a task is linked once");
        let old_head = self.head.take();
        if let Some(old_head) = &old_head {
            links_of_listed(old_head)
                .prev
                .set(Some(Rc::downgrade(task)));
        }
        links.next.set(old_head);
        links.listed.set(true);
        self.head.set(Some(task.clone()));
        self.len.set(self.len.get() + 1);
    }

    /// Removes `task` if it is listed; a no-op otherwise. Returns the list's
    /// reference to it, for the caller to drop when nothing is borrowed.
    pub(crate) fn unlink(&self, task: &Task) -> Option<Rc<Task>> {
        if !task.is_listed() {
            return None;
        }
        let links = links_of_listed(task);
        links.listed.set(false);
        let next = links.next.take();
        let prev = links.prev.take().and_then(|prev| prev.upgrade());
        if let Some(next) = &next {
            links_of_listed(next)
                .prev
                .set(prev.as_ref().map(Rc::downgrade));
        }
        let this = match &prev {
            Some(prev) => links_of_listed(prev).next.replace(next),
            None => self.head.replace(next),
        };
        self.len.set(self.len.get() - 1);
        this
    }

    /// Unlinks every task, newest first, one at a time (never a recursive
    /// drop down the chain).
    pub(crate) fn take_all(&self) -> Vec<Rc<Task>> {
        let mut tasks = Vec::with_capacity(self.len());
        while let Some(task) = self.head.take() {
            let links = links_of_listed(&task);
            let next = links.next.take();
            if let Some(next) = &next {
                links_of_listed(next).prev.set(None);
            }
            links.listed.set(false);
            self.head.set(next);
            tasks.push(task);
        }
        self.len.set(0);
        tasks
    }

    /// Calls `f` on every listed task, newest first. `f` must not link or
    /// unlink tasks.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Task)) {
        let mut cursor = self.head.take();
        self.head.set(cursor.clone());
        while let Some(task) = cursor {
            f(&task);
            let links = links_of_listed(&task);
            let next = links.next.take();
            links.next.set(next.clone());
            cursor = next;
        }
    }
}

impl Drop for TaskList {
    fn drop(&mut self) {
        // Iteratively: dropping the head would otherwise drop the chain recursively.
        drop(self.take_all());
    }
}
