//! The timer reactor on a manual clock: laziness, ordering, one native timer,
//! cancellation (RELIABILITY.md, section 4, natively).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use common::*;
use futures_playground::platform::{Instant, ManualPlatform};
use futures_playground::{sleep, sleep_until, Sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn at(n: u64) -> Instant {
    Instant::from_elapsed(ms(n))
}

#[test]
fn sleep_fires_no_earlier_than_asked_and_wakes_its_task() {
    let (executor, platform) = ManualPlatform::executor();
    let woke_at = Rc::new(Cell::new(None));
    let slot = woke_at.clone();
    let clock = platform.clone();
    platform.advance(ms(5)); // the deadline counts from the first poll, not from creation
    executor.spawn(async move {
        sleep(ms(10)).await;
        slot.set(Some(futures_playground::platform::Platform::now(&clock)));
    });
    platform.advance(ms(9));
    assert_eq!(woke_at.get(), None);
    platform.advance(ms(1));
    assert_eq!(woke_at.get(), Some(at(15)));
    assert_quiescent(&executor, &platform);
}

#[test]
fn creating_a_sleep_registers_nothing() {
    let (executor, platform) = ManualPlatform::executor();
    let unpolled = sleep(ms(10));
    let also = sleep_until(at(3));
    assert_eq!(executor.pending_timers(), 0);
    assert_eq!(platform.counts().timers_set, 0);
    assert_eq!(
        unpolled.deadline(),
        None,
        "no deadline until the first poll"
    );
    assert_eq!(also.deadline(), Some(at(3)));
    executor.spawn(async move {
        let _never_polled = unpolled;
        let _also = also;
    });
    platform.run_until_stalled();
    assert_eq!(platform.counts().timers_set, 0);
    assert_quiescent(&executor, &platform);
}

#[test]
fn the_first_poll_is_pending_even_for_zero() {
    let (executor, platform) = ManualPlatform::executor();
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    executor.spawn(async move {
        sleep(Duration::ZERO).await;
        flag.set(true);
    });
    platform.run_until_stalled();
    assert!(
        !done.get(),
        "sleep(0) yields to the host's timer, as setTimeout(0) does"
    );
    assert_eq!(platform.timer_deadline(), Some(at(0)));
    assert!(platform.fire_timer());
    platform.run_until_stalled();
    assert!(done.get());
    assert_quiescent(&executor, &platform);
}

#[test]
fn one_native_timer_for_many_deadlines() {
    let (executor, platform) = ManualPlatform::executor();
    let count = scaled(1_000);
    let mut seed = 0x2545_f491_u64;
    let mut deadlines = Vec::new();
    for _ in 0..count {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        deadlines.push(seed % 1000);
    }
    let fired = Rc::new(RefCell::new(Vec::new()));
    for &delay in &deadlines {
        let (log, clock) = (fired.clone(), platform.clone());
        executor.spawn(async move {
            sleep(ms(delay)).await;
            let now = futures_playground::platform::Platform::now(&clock);
            assert!(now >= at(delay), "fired early: {now:?} < {delay} ms");
            log.borrow_mut().push(delay);
        });
    }
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), count);
    let earliest = *deadlines.iter().min().unwrap();
    assert_eq!(
        platform.timer_deadline(),
        Some(at(earliest)),
        "armed for the earliest deadline"
    );
    assert!(
        platform.counts().timers_set <= count as u64,
        "re-armed only when an earlier deadline arrived"
    );
    let mut sorted = deadlines.clone();
    sorted.sort();
    let mut steps = 0;
    while let Some(next) = platform.timer_deadline() {
        let earliest_unfired = sorted[fired.borrow().len()];
        assert_eq!(
            next,
            at(earliest_unfired),
            "armed for the earliest deadline not yet fired"
        );
        platform.advance(next - futures_playground::platform::Platform::now(&platform));
        steps += 1;
    }
    assert_eq!(*fired.borrow(), sorted, "fired in deadline order");
    assert!(steps <= count);
    assert_quiescent(&executor, &platform);
}

#[test]
fn dropping_a_sleep_leaves_the_reactor_at_once_and_rearms() {
    let (executor, platform) = ManualPlatform::executor();
    let early = Rc::new(RefCell::new(Some(sleep(ms(10)))));
    let late = Rc::new(RefCell::new(Some(sleep(ms(30)))));
    let (a, b) = (early.clone(), late.clone());
    executor.spawn(poll_fn(move |cx| {
        for slot in [&a, &b] {
            if let Some(sleep) = slot.borrow_mut().as_mut() {
                let _ = Pin::new(sleep).poll(cx);
            }
        }
        Poll::Ready(())
    }));
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 2);
    assert_eq!(platform.timer_deadline(), Some(at(10)));
    drop(early.borrow_mut().take());
    assert_eq!(executor.pending_timers(), 1);
    assert_eq!(
        platform.timer_deadline(),
        Some(at(30)),
        "re-armed for the next deadline"
    );
    drop(late.borrow_mut().take());
    assert_eq!(
        platform.timer_deadline(),
        None,
        "cleared when none are left"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn ten_thousand_sleeps_polled_once_and_dropped_leave_nothing() {
    let (executor, platform) = ManualPlatform::executor();
    let count = scaled(10_000);
    executor.spawn(async move {
        let mut sleeps: Vec<Pin<Box<Sleep>>> = (0..count)
            .map(|i| Box::pin(sleep(ms(1 + i as u64 % 500))))
            .collect();
        poll_fn(|cx| {
            for sleep in &mut sleeps {
                assert!(sleep.as_mut().poll(cx).is_pending());
            }
            Poll::Ready(())
        })
        .await;
        drop(sleeps);
    });
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 0);
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_task_that_aborts_another_whose_timer_is_due_in_the_same_tick() {
    let (executor, platform) = ManualPlatform::executor();
    let victim_handle = Rc::new(RefCell::new(None));
    let slot = victim_handle.clone();
    // Spawned first, so its timer is registered first and fires first.
    executor.spawn(async move {
        sleep(ms(10)).await;
        slot.borrow()
            .as_ref()
            .map(futures_playground::JoinHandle::abort);
    });
    let victim_completed = Rc::new(Cell::new(false));
    let flag = victim_completed.clone();
    let dropped = DropCounter::new();
    let token = dropped.token();
    *victim_handle.borrow_mut() = Some(executor.spawn(async move {
        let _token = token;
        sleep(ms(10)).await;
        flag.set(true);
    }));
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 2);
    platform.advance(ms(10));
    assert!(
        !victim_completed.get(),
        "the aborted task's sleep never completed"
    );
    assert_eq!(dropped.drops(), 1);
    drop(victim_handle.take());
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_wake_that_cancels_a_timer_due_in_the_same_firing_stops_it_firing() {
    let (executor, platform) = ManualPlatform::executor();
    let victim: Rc<RefCell<Option<Pin<Box<Sleep>>>>> =
        Rc::new(RefCell::new(Some(Box::pin(sleep(ms(5))))));
    let killer = Rc::new(RefCell::new(Box::pin(sleep(ms(5)))));
    let (v, k) = (victim.clone(), killer.clone());
    // The killer's waker, when woken, drops the victim synchronously.
    let (victim_counter, victim_waker) = CountingWaker::new();
    let dropper = Rc::new(victim.clone());
    let waker = waker_fn(move || drop(dropper.borrow_mut().take()));
    executor.spawn(poll_fn(move |cx| {
        let mut killer_cx = std::task::Context::from_waker(&waker);
        assert!(k.borrow_mut().as_mut().poll(&mut killer_cx).is_pending());
        let mut victim_cx = std::task::Context::from_waker(&victim_waker);
        assert!(v
            .borrow_mut()
            .as_mut()
            .unwrap()
            .as_mut()
            .poll(&mut victim_cx)
            .is_pending());
        let _ = cx;
        Poll::Ready(())
    }));
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 2);
    platform.advance(ms(5));
    assert!(
        victim.borrow().is_none(),
        "the killer's wake dropped the victim"
    );
    assert_eq!(
        victim_counter.count(),
        0,
        "the victim's waker was never woken"
    );
    drop(killer);
    assert_quiescent(&executor, &platform);
}

/// A waker that runs `f` on wake, for reactor tests.
fn waker_fn(f: impl Fn() + 'static) -> std::task::Waker {
    // A thread-unsafe closure behind a Send+Sync waker is fine here: the
    // test never leaves its thread. Keep it simple with a local vtable.
    use std::task::{RawWaker, RawWakerVTable, Waker};
    type Callback = Rc<dyn Fn()>;
    unsafe fn clone(data: *const ()) -> RawWaker {
        // SAFETY: `data` is an `Rc<Callback>` leaked by `into_raw`; a clone adds a count.
        unsafe { Rc::increment_strong_count(data.cast::<Callback>()) };
        RawWaker::new(data, &VTABLE)
    }
    unsafe fn wake(data: *const ()) {
        // SAFETY: wake consumes the waker's count.
        let callback = unsafe { Rc::from_raw(data.cast::<Callback>()) };
        callback();
    }
    unsafe fn wake_by_ref(data: *const ()) {
        // SAFETY: the waker is alive for this call.
        let callback = unsafe { &*data.cast::<Callback>() };
        callback();
    }
    unsafe fn drop(data: *const ()) {
        // SAFETY: gives back the waker's count.
        unsafe { Rc::decrement_strong_count(data.cast::<Callback>()) };
    }
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop);
    let data = Rc::into_raw(Rc::new(Rc::new(f) as Callback)).cast::<()>();
    // SAFETY: `data` and `VTABLE` match as the functions above expect.
    unsafe { Waker::from_raw(RawWaker::new(data, &VTABLE)) }
}

#[test]
fn leaf_future_updates_its_waker_on_each_poll() {
    let (executor, platform) = ManualPlatform::executor();
    let (first, first_waker) = CountingWaker::new();
    let (second, second_waker) = CountingWaker::new();
    let slot = Rc::new(RefCell::new(Box::pin(sleep(ms(10)))));
    let inner = slot.clone();
    let mut polls = 0;
    executor.spawn(poll_fn(move |cx| {
        polls += 1;
        let waker = if polls == 1 {
            &first_waker
        } else {
            &second_waker
        };
        let mut leaf_cx = std::task::Context::from_waker(waker);
        assert!(inner.borrow_mut().as_mut().poll(&mut leaf_cx).is_pending());
        if polls == 1 {
            cx.waker().wake_by_ref(); // come back for the second poll
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }));
    platform.run_until_stalled();
    platform.advance(ms(10));
    assert_eq!(first.count(), 0, "the stale waker is not woken");
    assert_eq!(second.count(), 1, "the most recent waker is");
    drop(slot);
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_sleep_polled_after_its_deadline_is_ready_before_the_timer_fires() {
    let (executor, platform) = ManualPlatform::executor();
    let sleeper = Rc::new(RefCell::new(Box::pin(sleep(ms(10)))));
    let inner = sleeper.clone();
    let results = Rc::new(RefCell::new(Vec::new()));
    let log = results.clone();
    let gate = Gate::new();
    let wait = Rc::new(RefCell::new(gate.wait()));
    executor.spawn(poll_fn(move |cx| {
        let ready = inner.borrow_mut().as_mut().poll(cx).is_ready();
        log.borrow_mut().push(ready);
        if ready {
            return Poll::Ready(());
        }
        // Also wait on the gate, so the test can poll us without the timer.
        let _ = Pin::new(&mut *wait.borrow_mut()).poll(cx);
        Poll::Pending
    }));
    platform.run_until_stalled();
    platform.set_now(at(12)); // the host is late: the clock passed the deadline, the timer has not fired
    gate.open();
    platform.run_until_stalled();
    assert_eq!(*results.borrow(), vec![false, true]);
    assert_eq!(executor.pending_timers(), 0);
    assert_eq!(
        platform.timer_deadline(),
        None,
        "the native timer was cleared"
    );
    drop(sleeper);
    assert_quiescent(&executor, &platform);
}

#[test]
fn an_early_native_timer_does_not_fire_a_long_sleep() {
    let (executor, platform) = ManualPlatform::executor();
    let month = Duration::from_secs(30 * 24 * 3600); // beyond setTimeout's 2^31-1 ms
    let done = Rc::new(Cell::new(false));
    let flag = done.clone();
    let handle = executor.spawn(async move {
        sleep(month).await;
        flag.set(true);
    });
    platform.run_until_stalled();
    // The host clamps and fires after ~24.8 days: nothing is due yet.
    platform.set_now(Instant::from_elapsed(Duration::from_millis(
        i32::MAX as u64,
    )));
    assert!(platform.fire_timer());
    platform.run_until_stalled();
    assert!(!done.get(), "fired early");
    assert_eq!(
        platform.timer_deadline(),
        Some(Instant::from_elapsed(month)),
        "re-armed for the real deadline"
    );
    platform.advance(month);
    assert!(done.get());
    drop(handle);
    assert_quiescent(&executor, &platform);
}

#[test]
fn executor_shutdown_forgets_timers_and_clears_the_native_timer() {
    let (executor, platform) = ManualPlatform::executor();
    let dropped = DropCounter::new();
    for i in 0..3 {
        let token = dropped.token();
        executor.spawn(async move {
            let _token = token;
            sleep(ms(10 * (i + 1))).await;
        });
    }
    platform.run_until_stalled();
    assert_eq!(executor.pending_timers(), 3);
    executor.shut_down();
    assert_eq!(dropped.drops(), 3);
    assert_eq!(executor.pending_timers(), 0);
    assert_eq!(platform.timer_deadline(), None);
    assert!(executor.is_quiescent());
}

#[test]
fn leaf_futures_keep_their_waker_when_pending() {
    // The contract every leaf must keep: returning Pending means a waker was
    // kept (cloned) or woken, or the task would stall forever.
    let (executor, platform) = ManualPlatform::executor();
    let log = record_events(&executor);
    executor.spawn_named("sleeper", async {
        sleep(ms(3)).await;
        futures_playground::yield_now().await;
    });
    let mut polls_pending = 0;
    for _ in 0..10 {
        platform.run_until_stalled();
        assert_not_stalled(&executor, &platform);
        let Some(deadline) = platform.timer_deadline() else {
            break;
        };
        platform.set_now(deadline);
        platform.fire_timer();
    }
    for window in log.borrow().split(|e| e.starts_with("PollStart")).skip(1) {
        if window.iter().any(|e| e.contains("ready: false")) {
            polls_pending += 1;
            assert!(
                window
                    .iter()
                    .any(|e| e.starts_with("WakerClone") || e.starts_with("Wake {")),
                "a Pending poll kept no waker: {window:?}"
            );
        }
    }
    assert_eq!(
        polls_pending,
        2,
        "one Pending for the sleep, one for yield_now: {:#?}",
        log.borrow()
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_sleep_counts_from_its_poll_even_when_its_drain_runs_on() {
    // The deadline of a sleep first polled in a drain is fixed when that
    // drain ends, from one clock reading: never earlier than its poll + delay.
    let (executor, platform) = ManualPlatform::executor();
    let woke_at = Rc::new(Cell::new(None));
    let (clock, slot) = (platform.clone(), woke_at.clone());
    let work = platform.clone();
    executor.spawn(async move {
        work.set_now(at(5)); // work before the sleep, in the same drain
    });
    executor.spawn(async move {
        sleep(ms(10)).await; // polled at 5 ms
        slot.set(Some(futures_playground::platform::Platform::now(&clock)));
    });
    let later = platform.clone();
    executor.spawn(async move {
        later.set_now(at(7)); // work after it, still in the same drain
    });
    assert!(platform.run_drain(), "one drain polls all three");
    assert_eq!(executor.pending_timers(), 1);
    assert_eq!(
        platform.timer_deadline(),
        Some(at(17)),
        "fixed at the drain's end"
    );
    platform.advance(ms(7)); // to 14 ms
    assert_eq!(woke_at.get(), None);
    platform.advance(ms(3));
    let woke = woke_at.get().expect("fired");
    assert!(
        woke >= at(15),
        "no earlier than 10 ms after its poll: {woke:?}"
    );
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_sleep_fixed_at_a_drains_end_keeps_its_key_until_it_fires() {
    // The sleep lives outside its task, so the test can ask it between polls.
    let (executor, platform) = ManualPlatform::executor();
    let nap = Rc::new(RefCell::new(sleep(ms(10))));
    let polled = nap.clone();
    executor.spawn(std::future::poll_fn(move |cx| {
        Pin::new(&mut *polled.borrow_mut()).poll(cx)
    }));
    assert!(platform.run_drain());
    assert_eq!(
        nap.borrow().deadline(),
        Some(at(10)),
        "fixed at the drain's end"
    );
    let key = nap.borrow().timer_key().expect("fixed, so it has a key");
    assert_eq!(key.deadline(), at(10));
    assert!(nap.borrow().is_registered());

    platform.set_now(at(10));
    assert!(platform.fire_timer());
    assert_eq!(
        nap.borrow().timer_key(),
        None,
        "fired: the reactor forgot it"
    );
    assert_eq!(nap.borrow().deadline(), None);
    assert!(platform.run_drain(), "the wake queued the task");
    assert!(
        !nap.borrow().is_registered(),
        "its poll found it gone: fired"
    );
    assert_eq!(executor.live_tasks(), 0, "and the task completed");
    assert_quiescent(&executor, &platform);
}

#[test]
fn sleeps_dropped_in_the_drain_that_polled_them_never_arm_the_native_timer() {
    let (executor, platform) = ManualPlatform::executor();
    let executor = Rc::new(executor);
    let polled = Rc::new(Cell::new(0));
    let count = polled.clone();
    let inside = executor.clone();
    executor.spawn(async move {
        let mut sleeps: Vec<Sleep> = (1..=100).map(ms).map(sleep).collect();
        for sleep in &mut sleeps {
            std::future::poll_fn(|cx| {
                assert!(Pin::new(&mut *sleep).poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
            assert!(sleep.is_registered());
            assert_eq!(sleep.deadline(), None, "not fixed before the drain ends");
            count.set(count.get() + 1);
        }
        assert_eq!(inside.pending_timers(), 100, "counted while unfixed");
        drop(sleeps);
        assert_eq!(inside.pending_timers(), 0);
    });
    platform.run_until_stalled();
    assert_eq!(polled.get(), 100);
    assert_eq!(platform.counts().timers_set, 0);
    assert_quiescent(&executor, &platform);
}

#[test]
fn with_an_observer_each_sleep_reads_the_clock_at_its_poll() {
    let (executor, platform) = ManualPlatform::executor();
    let log = record_events(&executor);
    let work = platform.clone();
    let deadline = Rc::new(Cell::new(None));
    let seen = deadline.clone();
    executor.spawn(async move {
        work.set_now(at(5));
        let mut nap = sleep(ms(10));
        std::future::poll_fn(|cx| {
            assert!(Pin::new(&mut nap).poll(cx).is_pending());
            Poll::Ready(())
        })
        .await;
        seen.set(nap.deadline());
        work.set_now(at(7));
        nap.await;
    });
    platform.run_until_idle();
    assert_eq!(
        deadline.get(),
        Some(at(15)),
        "registered at the poll, at 5 ms"
    );
    let events = log.borrow();
    let register = events.iter().position(|e| e.starts_with("TimerRegister"));
    let poll_end = events.iter().position(|e| e.starts_with("PollEnd"));
    assert!(
        register < poll_end,
        "registered inside the poll: {events:?}"
    );
    drop(events);
    assert_quiescent(&executor, &platform);
}

#[test]
fn a_sleep_registered_before_a_trap_in_its_drain_still_fires() {
    // On wasm a panic is a trap: the drain never reaches its end, where the
    // deadlines of the sleeps it registered are fixed. The next drain fixes
    // them, even one with nothing to poll. (Natively the panic unwinds to the
    // same state.)
    futures_playground::panics::capture_messages(|_| {});
    let (executor, platform) = ManualPlatform::executor();
    let fired = Rc::new(Cell::new(false));
    let flag = fired.clone();
    let sleeper = executor.spawn(async move {
        sleep(ms(10)).await;
        flag.set(true);
    });
    let panicking = executor.spawn(async { panic!("a trap after the sleep was polled") });
    let trapped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        platform.run_drain();
    }));
    assert!(trapped.is_err());
    assert_eq!(
        platform.timer_deadline(),
        None,
        "not fixed: the drain never ended"
    );
    assert!(
        platform.run_drain(),
        "the trapped drain asked for a successor"
    );
    assert_eq!(platform.timer_deadline(), Some(at(10)));
    platform.advance(ms(10));
    assert!(fired.get());
    drop((sleeper, panicking));
    assert_quiescent(&executor, &platform);
}
