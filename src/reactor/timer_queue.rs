//! The reactor's deadlines, in order. Plain data: no clock, no platform, no
//! executor, so its ordering and cancellation are tested on their own.
//!
//! A timer is either *fixed* (its deadline is known: it waits in the ordered
//! map) or *unfixed*: registered with only its delay, during a drain, its
//! deadline to be fixed when the drain ends by [`TimerQueue::fix_all`] from
//! one reading of the clock for all of them (see `Shared::register_sleep`).
//! An unfixed timer dropped in the drain that registered it never touches
//! the map at all.

use std::collections::BTreeMap;
use std::task::Waker;
use std::time::Duration;

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

/// Names a timer registered without a deadline yet: a slot in the queue's
/// table of unfixed timers, and the registration number that slot was given
/// (so a slot reused by a later timer never answers for this one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnfixedKey {
    slot: u32,
    seq: u64,
}

/// What became of an unfixed timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfixed {
    /// Its deadline is not fixed yet: it waits for the end of its drain.
    Waiting,
    /// Its deadline was fixed: from now on it is this (fixed) timer.
    Fixed(TimerKey),
    /// It is not in this queue (removed, or the queue was replaced).
    Gone,
}

enum Slot {
    Waiting {
        seq: u64,
        delay: Duration,
        waker: Waker,
    },
    /// Fixed at the end of its drain; kept until its `Sleep` asks for the
    /// key (next poll or drop).
    Fixed(TimerKey),
    Free,
}

/// Pending deadlines, each with the waker to wake when it passes.
#[derive(Default)]
pub struct TimerQueue {
    entries: BTreeMap<TimerKey, Waker>,
    next_seq: u64,
    /// Unfixed timers (and fixed ones whose owner has not asked yet).
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    /// Slots registered since the last `fix_all`, in registration order;
    /// some may have been removed since.
    waiting: Vec<u32>,
    waiting_count: usize,
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

    /// Pending timers, fixed or not.
    pub fn len(&self) -> usize {
        self.entries.len() + self.waiting_count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    // ----- unfixed timers -------------------------------------------------------

    /// Registers a timer `delay` after a moment not known yet: the next
    /// [`fix_all`](TimerQueue::fix_all) fixes its deadline at `now + delay`.
    pub fn insert_unfixed(&mut self, delay: Duration, waker: Waker) -> UnfixedKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let entry = Slot::Waiting { seq, delay, waker };
        let slot = match self.free_slots.pop() {
            Some(slot) => {
                self.slots[slot as usize] = entry;
                slot
            }
            None => {
                self.slots.push(entry);
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 unfixed timers")
            }
        };
        self.waiting.push(slot);
        self.waiting_count += 1;
        UnfixedKey { slot, seq }
    }

    /// Whether any timer waits for its deadline to be fixed.
    pub fn has_unfixed(&self) -> bool {
        self.waiting_count > 0
    }

    /// Fixes every waiting timer's deadline at `now + delay` (ties in
    /// registration order), calling `fixed` with each one's key.
    pub fn fix_all(&mut self, now: Instant, mut fixed: impl FnMut(TimerKey)) {
        for slot in std::mem::take(&mut self.waiting) {
            let entry = &mut self.slots[slot as usize];
            let Slot::Waiting { seq, delay, .. } = *entry else {
                continue; // removed since, or reused and fixed already
            };
            let key = TimerKey {
                deadline: now + delay,
                seq,
            };
            let Slot::Waiting { waker, .. } = std::mem::replace(entry, Slot::Fixed(key)) else {
                unreachable!("matched just above");
            };
            self.entries.insert(key, waker);
            fixed(key);
        }
        self.waiting_count = 0;
    }

    /// Where `key` stands, without freeing anything.
    pub fn peek(&self, key: UnfixedKey) -> Unfixed {
        match self.slots.get(key.slot as usize) {
            Some(Slot::Waiting { seq, .. }) if *seq == key.seq => Unfixed::Waiting,
            Some(Slot::Fixed(fixed)) if fixed.seq == key.seq => Unfixed::Fixed(*fixed),
            _ => Unfixed::Gone,
        }
    }

    /// Where `key` stands; once it is fixed its slot is freed, so ask once
    /// and keep the answer.
    pub fn resolve(&mut self, key: UnfixedKey) -> Unfixed {
        match self.slots.get(key.slot as usize) {
            Some(Slot::Waiting { seq, .. }) if *seq == key.seq => Unfixed::Waiting,
            Some(Slot::Fixed(fixed)) if fixed.seq == key.seq => {
                let fixed = *fixed;
                self.free(key.slot);
                Unfixed::Fixed(fixed)
            }
            _ => Unfixed::Gone,
        }
    }

    /// Removes an unfixed timer that is still waiting, giving back its waker.
    pub fn remove_unfixed(&mut self, key: UnfixedKey) -> Option<Waker> {
        match self.slots.get(key.slot as usize) {
            Some(Slot::Waiting { seq, .. }) if *seq == key.seq => {}
            _ => return None,
        }
        let Slot::Waiting { waker, .. } = self.free(key.slot) else {
            unreachable!("matched just above");
        };
        self.waiting_count -= 1;
        Some(waker)
    }

    /// Like [`update_waker`](TimerQueue::update_waker), for a waiting unfixed timer.
    pub fn update_unfixed_waker(&mut self, key: UnfixedKey, waker: &Waker) -> Option<Waker> {
        match self.slots.get_mut(key.slot as usize) {
            Some(Slot::Waiting {
                seq, waker: stored, ..
            }) if *seq == key.seq && !stored.will_wake(waker) => {
                Some(std::mem::replace(stored, waker.clone()))
            }
            _ => None,
        }
    }

    fn free(&mut self, slot: u32) -> Slot {
        self.free_slots.push(slot);
        std::mem::replace(&mut self.slots[slot as usize], Slot::Free)
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
    fn unfixed_timers_are_fixed_together_and_keep_their_order() {
        let mut queue = TimerQueue::new();
        let early = queue.insert(at(5), Waker::noop().clone());
        let a = queue.insert_unfixed(Duration::from_millis(10), Waker::noop().clone());
        let dropped = queue.insert_unfixed(Duration::from_millis(1), Waker::noop().clone());
        let b = queue.insert_unfixed(Duration::from_millis(10), Waker::noop().clone());
        assert_eq!(queue.len(), 4);
        assert_eq!(
            queue.earliest(),
            Some(at(5)),
            "unfixed timers are not in order yet"
        );
        assert_eq!(queue.resolve(a), Unfixed::Waiting);
        assert_eq!(queue.peek(a), Unfixed::Waiting);
        assert!(queue.remove_unfixed(dropped).is_some());
        assert!(queue.remove_unfixed(dropped).is_none());
        assert_eq!(queue.resolve(dropped), Unfixed::Gone);
        assert_eq!(queue.len(), 3);
        let mut fixed = Vec::new();
        queue.fix_all(at(3), |key| fixed.push(key));
        assert!(!queue.has_unfixed());
        assert_eq!(
            fixed.iter().map(|k| k.deadline()).collect::<Vec<_>>(),
            [at(13), at(13)]
        );
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.peek(a), queue.peek(a), "peeking frees nothing");
        let Unfixed::Fixed(key_a) = queue.resolve(a) else {
            panic!("a was fixed")
        };
        assert_eq!(queue.resolve(a), Unfixed::Gone, "a slot answers once");
        let Unfixed::Fixed(key_b) = queue.resolve(b) else {
            panic!("b was fixed")
        };
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(early));
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(key_a));
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(key_b));
        assert!(queue.is_empty());
    }

    #[test]
    fn a_reused_slot_never_answers_for_its_old_timer() {
        let mut queue = TimerQueue::new();
        let old = queue.insert_unfixed(Duration::ZERO, Waker::noop().clone());
        assert!(queue.remove_unfixed(old).is_some());
        let new = queue.insert_unfixed(Duration::ZERO, Waker::noop().clone());
        assert_eq!(queue.resolve(old), Unfixed::Gone);
        assert!(queue.remove_unfixed(old).is_none());
        assert_eq!(queue.resolve(new), Unfixed::Waiting);
        let mut fixed = 0;
        queue.fix_all(at(1), |_| fixed += 1);
        assert_eq!(fixed, 1, "the removed one is skipped");
        assert!(matches!(queue.resolve(new), Unfixed::Fixed(_)));
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
