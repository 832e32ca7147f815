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
        write!(f, "Instant({} ms)", Millis3(self.0))
    }
}

/// A duration in milliseconds with three decimals, as `{:.3}` writes the
/// `f64`, from integers: `core::fmt`'s float formatting is about 14 KB of the
/// wasm module (BENCHMARKS.md, case 6), so traces and `Debug` use this.
pub(crate) struct Millis3(pub(crate) Duration);

impl fmt::Display for Millis3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rounded to the nearest microsecond, halves up; whole seconds and
        // the rest apart, so no 128-bit arithmetic and no overflow.
        let mut secs = self.0.as_secs();
        let mut micros = (self.0.subsec_nanos() + 500) / 1000;
        if micros == 1_000_000 {
            secs = secs.saturating_add(1);
            micros = 0;
        }
        let (ms, frac) = (micros / 1000, micros % 1000);
        if secs == 0 {
            write!(f, "{ms}.{frac:03}")
        } else {
            write!(f, "{secs}{ms:03}.{frac:03}")
        }
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

    #[test]
    fn millis3_writes_what_f64_formatting_wrote() {
        for nanos in [
            0u64,
            1,
            499,
            500,
            999_499,
            999_500,
            1_000_000,
            1_234_567,
            999_999_999,
            1_000_000_000,
            12_345_678_901,
            86_400_000_000_000,
        ] {
            let d = Duration::from_nanos(nanos);
            let ours = Millis3(d).to_string();
            let float = format!("{:.3}", d.as_secs_f64() * 1e3);
            // The float's own rounding can differ on an exact half microsecond.
            if nanos % 1000 != 500 {
                assert_eq!(ours, float, "{nanos} ns");
            }
        }
        assert_eq!(Millis3(Duration::from_nanos(1_500)).to_string(), "0.002");
        assert_eq!(
            Millis3(Duration::from_millis(2_147_483_647)).to_string(),
            "2147483647.000"
        );
    }
}
