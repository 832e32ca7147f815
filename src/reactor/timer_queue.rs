//! The reactor's deadlines, in order. Plain data: no clock, no platform, no
//! executor, so its ordering and cancellation are tested on their own.

use std::collections::BTreeMap;
use std::task::Waker;

use crate::platform::Instant;

/// Names one registered deadline. Keys are never reused within a queue, so a
/// stale key can only miss, never hit another timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerKey {
    deadline: Instant,
    /// Registration order: ties on a deadline fire first-registered first.
    seq: u64,
}

impl TimerKey {
    pub fn deadline(self) -> Instant {
        self.deadline
    }

    /// A number that tells timers apart in traces.
    pub fn id(self) -> u64 {
        self.seq
    }
}

/// Pending deadlines, each with the waker to wake when it passes.
#[derive(Default)]
pub struct TimerQueue {
    entries: BTreeMap<TimerKey, Waker>,
    next_seq: u64,
}

impl TimerQueue {
    pub fn new() -> TimerQueue {
        TimerQueue::default()
    }

    pub fn insert(&mut self, deadline: Instant, waker: Waker) -> TimerKey {
        let key = TimerKey {
            deadline,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.entries.insert(key, waker);
        key
    }

    /// Removes a pending timer, giving back its waker; `None` if it already
    /// fired or was removed.
    pub fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        self.entries.remove(&key)
    }

    pub fn contains(&self, key: TimerKey) -> bool {
        self.entries.contains_key(&key)
    }

    /// Stores `waker` for a pending timer unless the stored one already
    /// wakes the same task; returns the waker it replaced, for the caller to
    /// drop outside any borrow.
    pub fn update_waker(&mut self, key: TimerKey, waker: &Waker) -> Option<Waker> {
        let stored = self.entries.get_mut(&key)?;
        if stored.will_wake(waker) {
            return None;
        }
        Some(std::mem::replace(stored, waker.clone()))
    }

    pub fn earliest(&self) -> Option<Instant> {
        self.entries.first_key_value().map(|(key, _)| key.deadline)
    }

    /// Removes and returns the earliest timer if its deadline is at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<(TimerKey, Waker)> {
        let entry = self.entries.first_entry()?;
        if entry.key().deadline > now {
            return None;
        }
        let key = *entry.key();
        Some((key, entry.remove()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;
    use std::time::Duration;

    fn at(ms: u64) -> Instant {
        Instant::from_elapsed(Duration::from_millis(ms))
    }

    #[test]
    fn pops_due_timers_in_deadline_then_registration_order() {
        let mut queue = TimerQueue::new();
        let late = queue.insert(at(30), Waker::noop().clone());
        let first = queue.insert(at(10), Waker::noop().clone());
        let tie = queue.insert(at(10), Waker::noop().clone());
        assert_eq!(queue.earliest(), Some(at(10)));
        assert!(queue.pop_due(at(9)).is_none());
        assert_eq!(queue.pop_due(at(10)).map(|(k, _)| k), Some(first));
        assert_eq!(queue.pop_due(at(10)).map(|(k, _)| k), Some(tie));
        assert!(queue.pop_due(at(29)).is_none());
        assert_eq!(queue.pop_due(at(100)).map(|(k, _)| k), Some(late));
        assert!(queue.is_empty());
    }

    #[test]
    fn removed_timers_never_pop_and_stale_keys_miss() {
        let mut queue = TimerQueue::new();
        let a = queue.insert(at(5), Waker::noop().clone());
        let b = queue.insert(at(5), Waker::noop().clone());
        assert!(queue.remove(a).is_some());
        assert!(queue.remove(a).is_none());
        assert!(!queue.contains(a));
        assert_eq!(queue.pop_due(at(5)).map(|(k, _)| k), Some(b));
        assert!(queue.remove(b).is_none());
        assert_eq!(queue.earliest(), None);
    }
}
