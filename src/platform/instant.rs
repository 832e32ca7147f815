use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// A reading of a [`Platform`](super::Platform)'s monotonic clock: the time
/// elapsed since that platform's origin (in the browser, `performance.now()`'s
/// origin, the page's start).
///
/// `std::time::Instant` cannot be used: it is unavailable on
/// `wasm32-unknown-unknown`, and tests need a clock they control.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Duration);

impl Instant {
    /// The platform's origin.
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// The instant `elapsed` after the platform's origin.
    pub const fn from_elapsed(elapsed: Duration) -> Instant {
        Instant(elapsed)
    }

    /// An instant from fractional milliseconds, as `performance.now()` gives
    /// them. Negative, NaN and infinite readings are clamped into range.
    pub fn from_millis_f64(millis: f64) -> Instant {
        let nanos = (millis * 1_000_000.0).clamp(0.0, u64::MAX as f64);
        Instant(Duration::from_nanos(nanos as u64))
    }

    /// Time elapsed since the platform's origin.
    pub const fn elapsed_since_origin(self) -> Duration {
        self.0
    }

    /// Fractional milliseconds since the origin, for traces shown to people.
    pub fn as_millis_f64(self) -> f64 {
        self.0.as_secs_f64() * 1000.0
    }

    /// `self - earlier`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// Saturates instead of overflowing: a deadline centuries away is as good
    /// as "never" for a timer.
    fn add(self, delay: Duration) -> Instant {
        Instant(self.0.saturating_add(delay))
    }
}

impl Sub for Instant {
    type Output = Duration;

    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({:.3} ms)", self.as_millis_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip_and_clamping() {
        assert_eq!(
            Instant::from_millis_f64(1.5).elapsed_since_origin(),
            Duration::from_micros(1500)
        );
        assert_eq!(Instant::from_millis_f64(-3.0), Instant::ZERO);
        assert_eq!(Instant::from_millis_f64(f64::NAN), Instant::ZERO);
        assert!(Instant::from_millis_f64(f64::INFINITY) > Instant::from_millis_f64(1e12));
    }

    #[test]
    fn addition_saturates() {
        let far = Instant::from_elapsed(Duration::MAX) + Duration::from_secs(1);
        assert_eq!(far.elapsed_since_origin(), Duration::MAX);
        assert_eq!(Instant::ZERO - far, Duration::ZERO);
    }
}
