//! The reactor's deadlines, earliest first. Plain data: no clock, no
//! platform, no executor, so its ordering and cancellation are tested on
//! their own.
//!
//! Every registered timer has a slot in one table, which holds its waker. A
//! timer is either *fixed* (its deadline is known: its key is in the heap of
//! deadlines) or *unfixed*: registered with only its delay, during a drain,
//! its deadline to be fixed when the drain ends by [`TimerQueue::fix_all`]
//! from one reading of the clock for all of them (see
//! `Shared::register_sleep`). An unfixed timer dropped in the drain that
//! registered it never touches the heap at all.
//!
//! Why a heap, not an ordered map (`BTreeMap`, as async-io keeps its
//! timers): the reactor only ever needs the earliest deadline, and the
//! map's node code made the wasm module 8.3 K larger (3.6 KB gzipped) than
//! this `BinaryHeap` of keys does (BENCHMARKS.md, case 6). A removed timer
//! frees its slot at once; its key stays in the heap, stale, until it
//! surfaces. Two rules keep that cheap and keep
//! [`earliest`](TimerQueue::earliest) exact:
//!
//! - the heap's top is never stale: every removal pops the stale keys it
//!   uncovers;
//! - stale keys never outnumber live ones by much: past that, the heap is
//!   rebuilt from the live keys alone (`BinaryHeap::retain`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::task::Waker;
use std::time::Duration;

use crate::platform::Instant;

/// Names one fixed timer. Keys are never reused within a queue (`seq`
/// counts up), so a stale key can only miss, never hit another timer.
///
/// Ordered by deadline, then registration order: ties fire first-registered
/// first. (`slot` follows from `seq`, so it never decides an order.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerKey {
    deadline: Instant,
    seq: u64,
    /// Where its waker is, in the queue's table.
    slot: u32,
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

/// Names a timer registered without a deadline yet: its slot in the table,
/// and the registration number that slot was given (so a slot reused by a
/// later timer never answers for this one). Once fixed, the timer keeps the
/// slot and the number, under a [`TimerKey`].
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
    /// It is not in this queue (fired, removed, or the queue was replaced).
    Gone,
}

enum Slot {
    /// Registered with its delay; fixed at the next `fix_all`.
    Waiting {
        seq: u64,
        delay: Duration,
        waker: Waker,
    },
    /// Fixed: its key is in the heap. (Not the whole key: the slot is
    /// implied, and 8 bytes less per timer shows with 100k of them.)
    Fixed {
        seq: u64,
        deadline: Instant,
        waker: Waker,
    },
    Free,
}

/// Whether `key`'s timer is fixed and pending: its slot holds it, not a
/// later timer's (`seq` tells them apart), and it was not removed.
fn holds(slots: &[Slot], key: TimerKey) -> bool {
    matches!(slots.get(key.slot as usize), Some(Slot::Fixed { seq, .. }) if *seq == key.seq)
}

/// Pending timers, each with the waker to wake when its deadline passes.
#[derive(Default)]
pub struct TimerQueue {
    /// The fixed timers' keys, earliest on top; some may be stale (removed
    /// since), never the top.
    heap: BinaryHeap<Reverse<TimerKey>>,
    /// Every pending timer's slot, fixed or not.
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    next_seq: u64,
    fixed_count: usize,
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
        let seq = self.take_seq();
        let slot = self.take_slot();
        let key = TimerKey {
            deadline,
            seq,
            slot,
        };
        self.slots[slot as usize] = Slot::Fixed {
            seq,
            deadline,
            waker,
        };
        self.push_fixed(key);
        key
    }

    /// Removes a pending timer, giving back its waker; `None` if it already
    /// fired or was removed.
    pub fn remove(&mut self, key: TimerKey) -> Option<Waker> {
        if !self.contains(key) {
            return None;
        }
        let waker = self.take_fixed(key.slot);
        self.drop_stale_keys();
        Some(waker)
    }

    pub fn contains(&self, key: TimerKey) -> bool {
        holds(&self.slots, key)
    }

    /// Stores `waker` for a pending timer unless the stored one already
    /// wakes the same task; returns the waker it replaced, for the caller to
    /// drop outside any borrow.
    pub fn update_waker(&mut self, key: TimerKey, waker: &Waker) -> Option<Waker> {
        self.update_slot_waker(key.slot, key.seq, waker)
    }

    pub fn earliest(&self) -> Option<Instant> {
        self.heap.peek().map(|Reverse(key)| key.deadline)
    }

    /// Removes and returns the earliest timer if its deadline is at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<(TimerKey, Waker)> {
        let Reverse(key) = *self.heap.peek()?;
        if key.deadline > now {
            return None;
        }
        self.heap.pop();
        let waker = self.take_fixed(key.slot);
        self.drop_stale_keys();
        Some((key, waker))
    }

    /// Pending timers, fixed or not.
    pub fn len(&self) -> usize {
        self.fixed_count + self.waiting_count
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn take_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// A free slot, left `Free` for the caller to fill.
    fn take_slot(&mut self) -> u32 {
        if let Some(slot) = self.free_slots.pop() {
            return slot;
        }
        self.slots.push(Slot::Free);
        u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending timers")
    }

    fn push_fixed(&mut self, key: TimerKey) {
        self.heap.push(Reverse(key));
        self.fixed_count += 1;
    }

    /// Frees a fixed timer's slot (its key may still be in the heap, stale).
    fn take_fixed(&mut self, slot: u32) -> Waker {
        let Slot::Fixed { waker, .. } = self.free(slot) else {
            unreachable!("callers check the slot holds a fixed timer");
        };
        self.fixed_count -= 1;
        waker
    }

    /// Marks `slot` free for the next timer, giving back what it held.
    fn free(&mut self, slot: u32) -> Slot {
        self.free_slots.push(slot);
        std::mem::replace(&mut self.slots[slot as usize], Slot::Free)
    }

    /// Restores the heap's two rules after a removal (see the module's docs).
    fn drop_stale_keys(&mut self) {
        while let Some(&Reverse(top)) = self.heap.peek() {
            if self.contains(top) {
                break;
            }
            self.heap.pop();
        }
        if self.heap.len() > 2 * self.fixed_count + 32 {
            let slots = &self.slots;
            self.heap.retain(|Reverse(key)| holds(slots, *key));
        }
    }

    // ----- unfixed timers -------------------------------------------------------

    /// Registers a timer `delay` after a moment not known yet: the next
    /// [`fix_all`](TimerQueue::fix_all) fixes its deadline at `now + delay`.
    pub fn insert_unfixed(&mut self, delay: Duration, waker: Waker) -> UnfixedKey {
        let seq = self.take_seq();
        let slot = self.take_slot();
        self.slots[slot as usize] = Slot::Waiting { seq, delay, waker };
        self.waiting.push(slot);
        self.waiting_count += 1;
        UnfixedKey { slot, seq }
    }

    /// Whether any timer waits for its deadline to be fixed.
    pub fn has_unfixed(&self) -> bool {
        self.waiting_count > 0
    }

    /// Fixes every waiting timer's deadline at `now + delay`, calling
    /// `fixed` with each one's key. Ties fire in registration order (by
    /// key); `fixed` hears them in the order of their slots in `waiting`,
    /// which a slot freed and reused within the drain can change.
    pub fn fix_all(&mut self, now: Instant, mut fixed: impl FnMut(TimerKey)) {
        // At most this many keys join the heap: one allocation, where
        // growing by doubling would copy it and leave the old blocks behind.
        self.heap.reserve(self.waiting_count);
        for slot in std::mem::take(&mut self.waiting) {
            let entry = &mut self.slots[slot as usize];
            let Slot::Waiting { seq, delay, .. } = *entry else {
                continue; // removed since, or reused and fixed already
            };
            let key = TimerKey {
                deadline: now + delay,
                seq,
                slot,
            };
            let Slot::Waiting { waker, .. } = std::mem::replace(entry, Slot::Free) else {
                unreachable!("matched just above");
            };
            *entry = Slot::Fixed {
                seq,
                deadline: key.deadline,
                waker,
            };
            self.push_fixed(key);
            fixed(key);
        }
        self.waiting_count = 0;
    }

    /// Where `key` stands: waiting, fixed (under which key), or gone.
    pub fn find_unfixed(&self, key: UnfixedKey) -> Unfixed {
        match self.slots.get(key.slot as usize) {
            Some(Slot::Waiting { seq, .. }) if *seq == key.seq => Unfixed::Waiting,
            Some(Slot::Fixed { seq, deadline, .. }) if *seq == key.seq => {
                Unfixed::Fixed(TimerKey {
                    deadline: *deadline,
                    seq: key.seq,
                    slot: key.slot,
                })
            }
            _ => Unfixed::Gone,
        }
    }

    /// Removes an unfixed timer that is still waiting, giving back its waker.
    pub fn remove_unfixed(&mut self, key: UnfixedKey) -> Option<Waker> {
        if self.find_unfixed(key) != Unfixed::Waiting {
            return None;
        }
        let Slot::Waiting { waker, .. } = self.free(key.slot) else {
            unreachable!("checked just above");
        };
        self.waiting_count -= 1;
        Some(waker)
    }

    /// Like [`update_waker`](TimerQueue::update_waker), for an unfixed timer.
    pub fn update_unfixed_waker(&mut self, key: UnfixedKey, waker: &Waker) -> Option<Waker> {
        self.update_slot_waker(key.slot, key.seq, waker)
    }

    /// The waker of the timer registered as `seq`, fixed or not, if it is
    /// still in `slot`.
    fn update_slot_waker(&mut self, slot: u32, seq: u64, waker: &Waker) -> Option<Waker> {
        match self.slots.get_mut(slot as usize) {
            Some(
                Slot::Waiting {
                    seq: registered,
                    waker: stored,
                    ..
                }
                | Slot::Fixed {
                    seq: registered,
                    waker: stored,
                    ..
                },
            ) if *registered == seq && !stored.will_wake(waker) => {
                Some(std::mem::replace(stored, waker.clone()))
            }
            _ => None,
        }
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
        assert_eq!(queue.find_unfixed(a), Unfixed::Waiting);
        assert!(queue.remove_unfixed(dropped).is_some());
        assert!(queue.remove_unfixed(dropped).is_none());
        assert_eq!(queue.find_unfixed(dropped), Unfixed::Gone);
        assert_eq!(queue.len(), 3);
        let mut fixed = Vec::new();
        queue.fix_all(at(3), |key| fixed.push(key));
        assert!(!queue.has_unfixed());
        assert_eq!(
            fixed.iter().map(|k| k.deadline()).collect::<Vec<_>>(),
            [at(13), at(13)]
        );
        assert_eq!(queue.len(), 3);
        let Unfixed::Fixed(key_a) = queue.find_unfixed(a) else {
            panic!("a was fixed")
        };
        assert_eq!(
            queue.find_unfixed(a),
            Unfixed::Fixed(key_a),
            "asking changes nothing"
        );
        assert!(queue.remove_unfixed(a).is_none(), "a is a fixed timer now");
        let Unfixed::Fixed(key_b) = queue.find_unfixed(b) else {
            panic!("b was fixed")
        };
        assert_eq!(fixed, [key_a, key_b]);
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(early));
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(key_a));
        assert_eq!(queue.find_unfixed(a), Unfixed::Gone, "fired");
        assert_eq!(queue.pop_due(at(13)).map(|(k, _)| k), Some(key_b));
        assert!(queue.is_empty());
    }

    #[test]
    fn a_reused_slot_never_answers_for_its_old_timer() {
        let mut queue = TimerQueue::new();
        let old = queue.insert_unfixed(Duration::ZERO, Waker::noop().clone());
        assert!(queue.remove_unfixed(old).is_some());
        let new = queue.insert_unfixed(Duration::ZERO, Waker::noop().clone());
        assert_eq!(queue.find_unfixed(old), Unfixed::Gone);
        assert!(queue.remove_unfixed(old).is_none());
        assert_eq!(queue.find_unfixed(new), Unfixed::Waiting);
        let mut fixed = 0;
        queue.fix_all(at(1), |_| fixed += 1);
        assert_eq!(fixed, 1, "the removed one is skipped");
        let Unfixed::Fixed(new_key) = queue.find_unfixed(new) else {
            panic!("new was fixed")
        };
        assert_eq!(queue.find_unfixed(old), Unfixed::Gone);

        // A fixed timer's slot, reused after it fires, answers for the new one only.
        assert!(queue.pop_due(at(1)).is_some());
        let newer = queue.insert(at(2), Waker::noop().clone());
        assert!(!queue.contains(new_key));
        assert!(queue.remove(new_key).is_none());
        assert_eq!(queue.find_unfixed(new), Unfixed::Gone);
        assert!(queue.contains(newer));
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

    #[test]
    fn the_earliest_deadline_is_exact_after_removals() {
        let mut queue = TimerQueue::new();
        let keys: Vec<_> = (1..=5)
            .map(|ms| queue.insert(at(ms), Waker::noop().clone()))
            .collect();
        // The top, then what lies under it: each removal uncovers a stale key.
        assert!(queue.remove(keys[1]).is_some());
        assert!(queue.remove(keys[2]).is_some());
        assert_eq!(queue.earliest(), Some(at(1)));
        assert!(queue.remove(keys[0]).is_some());
        assert_eq!(
            queue.earliest(),
            Some(at(4)),
            "not a removed timer's deadline"
        );
        assert!(queue.pop_due(at(3)).is_none());
        assert!(queue.remove(keys[4]).is_some());
        assert_eq!(queue.pop_due(at(100)).map(|(k, _)| k), Some(keys[3]));
        assert_eq!(queue.earliest(), None);
        assert!(
            queue.heap.is_empty(),
            "no stale key outlives the last timer"
        );
    }

    #[test]
    fn stale_keys_are_dropped_before_they_pile_up() {
        let mut queue = TimerQueue::new();
        let keep = queue.insert(at(0), Waker::noop().clone());
        // Removed later timers never surface: only the rebuild drops them.
        for round in 0..1_000 {
            let key = queue.insert(at(1_000 + round), Waker::noop().clone());
            assert!(queue.remove(key).is_some());
            assert!(queue.heap.len() <= 2 * queue.len() + 33);
        }
        assert_eq!(queue.len(), 1);
        assert!(queue.contains(keep));
        assert!(queue.slots.len() <= 2, "slots are reused");
    }

    /// Random inserts, removals, fixes and firings, checked against a plain
    /// list of what should be pending.
    #[test]
    fn behaves_like_a_sorted_list_of_deadlines() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut random = move |below: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % below
        };
        let mut queue = TimerQueue::new();
        let mut fixed: Vec<TimerKey> = Vec::new();
        let mut unfixed: Vec<(UnfixedKey, u64)> = Vec::new();
        let mut now = 0;
        // Miri runs each step a thousand times slower: fewer steps there.
        let steps = if cfg!(miri) { 1_000 } else { 20_000 };
        for _ in 0..steps {
            match random(7) {
                0 | 1 => {
                    fixed.push(queue.insert(at(now + random(50)), Waker::noop().clone()));
                }
                2 => {
                    let delay = random(50);
                    let key =
                        queue.insert_unfixed(Duration::from_millis(delay), Waker::noop().clone());
                    unfixed.push((key, delay));
                }
                3 if !fixed.is_empty() => {
                    let key = fixed.swap_remove(random(fixed.len() as u64) as usize);
                    assert!(queue.remove(key).is_some());
                    assert!(queue.remove(key).is_none());
                }
                4 if !unfixed.is_empty() => {
                    let (key, _) = unfixed.remove(random(unfixed.len() as u64) as usize);
                    assert!(queue.remove_unfixed(key).is_some());
                }
                5 => {
                    let mut keys = Vec::new();
                    queue.fix_all(at(now), |key| keys.push(key));
                    // Told in slot order, which a reused slot can make
                    // differ from registration order; ordered by the latter.
                    keys.sort_by_key(|key| key.id());
                    let expected: Vec<_> = unfixed
                        .drain(..)
                        .map(|(_, delay)| at(now + delay))
                        .collect();
                    assert_eq!(
                        keys.iter().map(|k| k.deadline()).collect::<Vec<_>>(),
                        expected
                    );
                    fixed.extend(keys);
                }
                _ => {
                    now += random(20);
                    fixed.sort();
                    let due = fixed.iter().take_while(|k| k.deadline() <= at(now)).count();
                    let popped: Vec<_> =
                        std::iter::from_fn(|| queue.pop_due(at(now)).map(|(k, _)| k)).collect();
                    assert_eq!(popped, fixed.drain(..due).collect::<Vec<_>>());
                }
            }
            assert_eq!(queue.len(), fixed.len() + unfixed.len());
            assert_eq!(queue.earliest(), fixed.iter().map(|k| k.deadline()).min());
            assert!(fixed.iter().all(|&k| queue.contains(k)));
        }
    }
}
