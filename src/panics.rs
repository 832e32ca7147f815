//! Panics: their messages, kept for whoever recovers, and the test-only way
//! to cause one inside a task.
//!
//! On wasm32 a panic is a trap: no destructor runs and the poll that
//! panicked never returns. The executor notices that poll the next time it
//! runs and finishes the task as panicked ([`JoinError::Panicked`]), with
//! the message the hook installed here kept.
//!
//! [`JoinError::Panicked`]: crate::JoinError::Panicked

use std::cell::Cell;
#[cfg(target_arch = "wasm32")]
use std::sync::atomic::{AtomicBool, Ordering};
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Once;

thread_local! {
    static LAST_MESSAGE: Cell<Option<String>> = const { Cell::new(None) };
    static ARMED: Cell<Option<String>> = const { Cell::new(None) };
}

/// Installs a panic hook (once; later calls do nothing) that keeps each
/// panic's message for [`take_last_message`], then calls `then` with it, then
/// the hook that was installed before, except in a release build for wasm32.
///
/// There the hook before is not kept. In this crate's module it is std's
/// default hook, which writes to a stderr that wasm32-unknown-unknown
/// discards, and taking it as a value links it whole, with its output
/// capture and thread names: 2.5 KB gzipped of the module (BENCHMARKS.md,
/// case 6). Debug builds keep it: the browser tests' harness installs its
/// own hook first, and prints the message with it.
pub fn capture_messages(then: fn(&str)) {
    // Once per process. On wasm32 the crate runs on one thread, so a flag
    // does what `Once` does, without linking it (0.13 KB gzipped,
    // BENCHMARKS.md case 6).
    #[cfg(target_arch = "wasm32")]
    {
        static INSTALLED: AtomicBool = AtomicBool::new(false);
        if !INSTALLED.swap(true, Ordering::Relaxed) {
            install(then);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(|| install(then));
    }
}

fn install(then: fn(&str)) {
    #[cfg(any(not(target_arch = "wasm32"), debug_assertions))]
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = match (
            payload.downcast_ref::<&str>(),
            payload.downcast_ref::<String>(),
        ) {
            (Some(text), _) => (*text).to_string(),
            (_, Some(text)) => text.clone(),
            _ => "a panic with no message".to_string(),
        };
        then(&message);
        LAST_MESSAGE.with(|last| last.set(Some(message)));
        #[cfg(any(not(target_arch = "wasm32"), debug_assertions))]
        previous(info);
    }));
}

/// The message of the last panic caught by the hook, if not taken yet.
pub fn take_last_message() -> Option<String> {
    LAST_MESSAGE.with(Cell::take)
}

/// Test-only: the next operation the rust engine polls panics with `message`.
/// No program can reach this; it exists so that tests can check how the
/// executor and the page recover from a panic inside a task.
pub fn panic_in_next_poll(message: &str) {
    ARMED.with(|armed| armed.set(Some(message.to_string())));
}

/// Panics if a test asked for it (see [`panic_in_next_poll`]).
#[inline]
pub(crate) fn panic_if_asked() {
    if let Some(message) = ARMED.with(Cell::take) {
        panic!("{message}");
    }
}
