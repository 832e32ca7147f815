//! Where a running block keeps its bindings.
//!
//! A frame belongs to the program body or to one `async` block (which starts
//! with copies of the plain values it uses and the futures it moves in, as an
//! `async move` block does). Bindings are dropped in reverse order at the end
//! of the block that declared them, as Rust drops locals, so an unawaited
//! future's `drop` lands where a Rust user expects it.

use std::cell::RefCell;
use std::rc::Rc;

use super::ops::{OpFuture, Thing};
use crate::scenario::ast::BindingId;

pub(crate) enum Slot {
    Value(crate::engines::Value),
    Future(OpFuture),
    /// Moved out by a use; the checks guarantee it is not used again.
    Moved,
}

#[derive(Default)]
pub(crate) struct Frame {
    slots: RefCell<Vec<(BindingId, Slot)>>,
}

impl Frame {
    pub(crate) fn new() -> Rc<Frame> {
        Rc::new(Frame::default())
    }

    pub(crate) fn bind(&self, binding: BindingId, thing: Thing) {
        let slot = match thing {
            Thing::Value(value) => Slot::Value(value),
            Thing::Future(future) => Slot::Future(future),
        };
        self.slots.borrow_mut().push((binding, slot));
    }

    /// A use of `binding`: a plain value is copied, a future is moved out.
    /// `None` if it was moved already or never bound.
    pub(crate) fn take(&self, binding: BindingId) -> Option<Thing> {
        let mut slots = self.slots.borrow_mut();
        let (_, slot) = slots.iter_mut().rev().find(|(id, _)| *id == binding)?;
        match slot {
            Slot::Value(value) => Some(Thing::Value(value.clone())),
            Slot::Future(_) => match std::mem::replace(slot, Slot::Moved) {
                Slot::Future(future) => Some(Thing::Future(future)),
                _ => unreachable!("matched a future just above"),
            },
            Slot::Moved => None,
        }
    }

    pub(crate) fn mark(&self) -> usize {
        self.slots.borrow().len()
    }

    /// Drops the bindings made since `mark`, newest first.
    pub(crate) fn unwind_to(&self, mark: usize) {
        loop {
            // One at a time, with nothing borrowed while a future is dropped:
            // its `drop`/`cancel` event may reach arbitrary listeners.
            let popped = {
                let mut slots = self.slots.borrow_mut();
                if slots.len() <= mark {
                    break;
                }
                slots.pop()
            };
            drop(popped);
        }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        self.unwind_to(0);
    }
}

/// Drops a block's bindings when the block ends, however it ends: normally,
/// by an error, or by the whole future being dropped.
pub(crate) struct ScopeGuard {
    frame: Rc<Frame>,
    mark: usize,
}

impl ScopeGuard {
    pub(crate) fn enter(frame: &Rc<Frame>) -> ScopeGuard {
        ScopeGuard {
            frame: frame.clone(),
            mark: frame.mark(),
        }
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        self.frame.unwind_to(self.mark);
    }
}
