//! The bounds every run stays within, so that no program (a shared link
//! included) can hang the tab or flood it.

/// Limits on one run. Exceeding any ends the run with a `limit` error and
/// leaves no timer, request or task behind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Wall-clock time from the start of the run, in milliseconds.
    pub time_ms: f64,
    /// Statements executed plus expressions evaluated: bounds busy loops
    /// such as `repeat 2000000000 {}`.
    pub operations: u64,
    /// Sleeps whose timers are set and have not fired or been dropped.
    pub live_timers: usize,
    /// Spawned tasks (rust) not yet finished.
    pub live_tasks: usize,
    /// Trace events recorded.
    pub events: usize,
    /// Bytes printed by `log`.
    pub output_bytes: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        time_ms: 10_000.0,
        operations: 1_000_000,
        live_timers: 10_000,
        live_tasks: 10_000,
        events: 200_000,
        output_bytes: 1 << 20,
    };

    /// The most a caller may ask for as a time limit: one minute.
    pub const MAX_TIME_MS: f64 = 60_000.0;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// `x` as JavaScript's `String(x)` writes it, as the js engine's messages do.
/// In the browser this asks JavaScript, so the module needs none of
/// `core::fmt`'s float formatting (about 14 KB; BENCHMARKS.md, case 6);
/// natively Rust's `Display` writes the same for the limits' values.
pub(crate) fn number_text(x: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(
            js_sys::Number::from(x)
                .to_string_with_radix(10)
                .unwrap_or_default(),
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        x.to_string()
    }
}
