//! The Learn tab's live demonstrations: what the page shows about pointers,
//! vtables and wakers is read from this module as it runs, on the target it
//! runs on (wasm32 in the page: 4-byte pointers).
//!
//! - [`layout`]: sizes and alignments of thin and fat pointers, and the two
//!   words of a live `&[i32]` and `&dyn Trait`, with the vtable's entries
//!   read from memory.
//! - [`hand_vtable`]: a vtable built by hand and called through `&dyn`.
//!
//! Both read or forge rustc's *current* fat-pointer and vtable layout, which
//! the language does not guarantee. That is the lesson, and the reason the
//! code reading it is here and nowhere else. Miri rejects it, so the tests
//! that exercise it are skipped under Miri.

pub mod hand_vtable;
pub mod layout;
