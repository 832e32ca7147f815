//! The browser platform, the timer reactor and the fetch leaf, in a real
//! browser (`wasm-pack test --headless --chrome`). Native timers and `fetch`
//! calls are counted by wrapping the globals, so "no timer armed" and "no
//! request sent" are observed, not assumed.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use futures_playground::reactor::fetch::{promises_in_flight, FetchErrorKind};
use futures_playground::{fetch, sleep, yield_now, Executor, Sleep};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const real = { setTimeout: globalThis.setTimeout.bind(globalThis), clearTimeout: globalThis.clearTimeout.bind(globalThis), fetch: globalThis.fetch.bind(globalThis) };
const probe = { live: new Set(), set: 0, cleared: 0, maxLive: 0, lastDelay: -1, fetches: 0, signals: [], errors: [] };
export function installProbe() {
  if (globalThis.__probeInstalled) return;
  globalThis.__probeInstalled = true;
  globalThis.setTimeout = (callback, ms, ...args) => {
    const id = real.setTimeout(() => { probe.live.delete(id); callback(...args); }, ms);
    probe.live.add(id); probe.set++; probe.lastDelay = ms;
    probe.maxLive = Math.max(probe.maxLive, probe.live.size);
    return id;
  };
  globalThis.clearTimeout = (id) => { if (probe.live.delete(id)) probe.cleared++; real.clearTimeout(id); };
  globalThis.fetch = (url, init) => {
    probe.fetches++;
    const signal = init && init.signal;
    if (signal) probe.signals.push(signal);
    if (String(url).startsWith('hang:')) {
      // A request that never answers: it only ends by being aborted.
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }
    if (String(url).startsWith('slowbody:')) {
      // Headers at once, then a body that never ends unless aborted.
      const body = new ReadableStream({ start(controller) {
        controller.enqueue(new TextEncoder().encode('partial'));
        signal.addEventListener('abort', () => controller.error(signal.reason));
      } });
      return Promise.resolve(new Response(body, { status: 200 }));
    }
    return real.fetch(url, init);
  };
  globalThis.addEventListener('error', (event) => probe.errors.push(String(event.message)));
}
export function resetProbe() {
  probe.set = 0; probe.cleared = 0; probe.maxLive = probe.live.size; probe.fetches = 0; probe.signals = []; probe.errors = [];
}
export function liveTimeouts() { return probe.live.size; }
export function maxLiveTimeouts() { return probe.maxLive; }
export function timeoutsSet() { return probe.set; }
export function lastDelay() { return probe.lastDelay; }
export function fetchCalls() { return probe.fetches; }
export function allSignalsAborted() { return probe.signals.length > 0 && probe.signals.every((s) => s.aborted); }
export function uncaughtErrors() { return probe.errors.join('\n'); }
export function realDelay(ms) { return new Promise((resolve) => real.setTimeout(resolve, ms)); }
export function now() { return performance.now(); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = installProbe)]
    fn install_probe();
    #[wasm_bindgen(js_name = resetProbe)]
    fn reset_probe();
    #[wasm_bindgen(js_name = liveTimeouts)]
    fn live_timeouts() -> u32;
    #[wasm_bindgen(js_name = maxLiveTimeouts)]
    fn max_live_timeouts() -> u32;
    #[wasm_bindgen(js_name = timeoutsSet)]
    fn timeouts_set() -> u32;
    #[wasm_bindgen(js_name = lastDelay)]
    fn last_delay() -> f64;
    #[wasm_bindgen(js_name = fetchCalls)]
    fn fetch_calls() -> u32;
    #[wasm_bindgen(js_name = allSignalsAborted)]
    fn all_signals_aborted() -> bool;
    #[wasm_bindgen(js_name = uncaughtErrors)]
    fn uncaught_errors() -> String;
    #[wasm_bindgen(js_name = realDelay)]
    fn real_delay_promise(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = now)]
    fn performance_now() -> f64;
}

fn setup() {
    install_probe();
    reset_probe();
}

/// Waits `ms` of real time with the page's own (unwrapped) `setTimeout`,
/// outside the executor under test.
async fn real_delay(ms: u32) {
    JsFuture::from(real_delay_promise(ms)).await.unwrap();
}

/// Fails the test if `future` takes longer than `ms`: every test has its own deadline.
async fn within<T>(ms: u32, future: impl Future<Output = T>) -> T {
    let mut future = Box::pin(future);
    let mut deadline = Box::pin(real_delay(ms));
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(value);
        }
        if deadline.as_mut().poll(cx).is_ready() {
            panic!("test deadline of {ms} ms passed");
        }
        Poll::Pending
    })
    .await
}

/// The end of every test: the executor is idle and nothing native is left.
fn assert_quiescent(executor: &Executor) {
    assert!(
        executor.is_quiescent(),
        "executor not quiescent: {executor:?}"
    );
    assert_eq!(live_timeouts(), 0, "native timeouts left armed");
    assert_eq!(promises_in_flight(), 0, "promises still watched");
    assert_eq!(uncaught_errors(), "", "uncaught errors on the page");
}

#[wasm_bindgen_test]
async fn sleep_fires_no_earlier_than_asked_and_wakes_its_task() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let start = performance_now();
        sleep(Duration::from_millis(30)).await;
        performance_now() - start
    });
    let elapsed = within(2_000, handle).await.unwrap();
    assert!(elapsed >= 30.0, "woke after {elapsed} ms");
    assert_eq!(max_live_timeouts(), 1);
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn ten_thousand_sleeps_polled_once_and_dropped_leave_no_native_timeouts() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let mut sleeps: Vec<Pin<Box<Sleep>>> = (0..10_000u64)
            .map(|i| Box::pin(sleep(Duration::from_millis(1 + i % 997))))
            .collect();
        std::future::poll_fn(|cx| {
            for sleep in &mut sleeps {
                assert!(sleep.as_mut().poll(cx).is_pending());
            }
            Poll::Ready(())
        })
        .await;
        // Their deadlines are fixed, and the native timer armed, when the
        // drain that polled them ends.
        assert_eq!(live_timeouts(), 0, "nothing armed inside the drain");
        yield_now().await;
        assert_eq!(
            live_timeouts(),
            1,
            "one native timeout for ten thousand deadlines"
        );
        drop(sleeps);
    });
    within(5_000, handle).await.unwrap();
    assert_eq!(executor.pending_timers(), 0);
    assert!(max_live_timeouts() <= 1);
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_thousand_random_deadlines_never_arm_more_than_one_native_timeout() {
    setup();
    let executor = Executor::browser();
    let lateness_ok = Rc::new(Cell::new(0));
    let mut seed = 0x9e37_79b9_u32;
    let handles: Vec<_> = (0..1_000)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let delay = f64::from(seed % 60);
            let ok = lateness_ok.clone();
            executor.spawn(async move {
                let start = performance_now();
                sleep(Duration::from_millis(delay as u64)).await;
                if performance_now() - start >= delay {
                    ok.set(ok.get() + 1);
                }
            })
        })
        .collect();
    within(5_000, async {
        for handle in handles {
            handle.await.unwrap();
        }
    })
    .await;
    assert_eq!(
        lateness_ok.get(),
        1_000,
        "every sleep lasted at least its delay"
    );
    assert_eq!(max_live_timeouts(), 1);
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_task_woken_by_one_timer_that_drops_another_due_in_the_same_tick() {
    setup();
    let executor = Executor::browser();
    let victim_slot = Rc::new(RefCell::new(None));
    let slot = victim_slot.clone();
    let killer = executor.spawn(async move {
        sleep(Duration::from_millis(20)).await;
        if let Some(victim) = slot.borrow_mut().take() {
            futures_playground::JoinHandle::<()>::abort(&victim);
        }
    });
    let victim_fired = Rc::new(Cell::new(false));
    let flag = victim_fired.clone();
    *victim_slot.borrow_mut() = Some(executor.spawn(async move {
        sleep(Duration::from_millis(20)).await;
        flag.set(true);
    }));
    within(2_000, killer).await.unwrap();
    real_delay(60).await;
    assert!(!victim_fired.get(), "the dropped timer never fired");
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn unpolled_sleep_and_fetch_do_nothing() {
    setup();
    let executor = Executor::browser();
    let unpolled_sleep = sleep(Duration::from_millis(5));
    let unpolled_fetch = fetch("data:text/plain,never-sent");
    assert!(!unpolled_fetch.is_sent());
    real_delay(30).await;
    assert_eq!(timeouts_set(), 0, "no timer set for an unpolled sleep");
    assert_eq!(fetch_calls(), 0, "no request sent for an unpolled fetch");
    drop((unpolled_sleep, unpolled_fetch));
    assert_eq!(fetch_calls(), 0);
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn long_durations_are_clamped_and_do_not_fire_early() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(sleep(Duration::from_secs(40 * 24 * 3600)));
    real_delay(30).await;
    assert_eq!(
        last_delay(),
        2_147_483_647.0,
        "clamped to setTimeout's maximum"
    );
    assert!(!handle.is_finished(), "a 40-day sleep did not fire at once");
    handle.abort();
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn fetch_of_a_data_url() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let response = fetch("data:text/plain,hello%20wasm").await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.ok());
        response.text().await.unwrap()
    });
    assert_eq!(within(5_000, handle).await.unwrap(), "hello wasm");
    assert_eq!(fetch_calls(), 1);
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_404_is_a_response_not_an_error() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let response = fetch("/no-such-file-in-futures-playground.txt")
            .await
            .unwrap();
        (response.status(), response.ok())
    });
    assert_eq!(within(5_000, handle).await.unwrap(), (404, false));
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_network_failure_is_the_network_error() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        fetch("http://127.0.0.1:1/refused")
            .await
            .map(|r| r.status())
    });
    let error = within(10_000, handle).await.unwrap().unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Network);
    assert_eq!(error.name, "TypeError", "the JS error's name is kept");
    assert!(!error.message.is_empty());
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn invalid_json_is_the_json_error() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let response = fetch("data:application/json,{oops").await.unwrap();
        response.json().await.map(|_| ())
    });
    let error = within(5_000, handle).await.unwrap().unwrap_err();
    assert_eq!(error.kind, FetchErrorKind::Json);
    assert_eq!(error.name, "SyntaxError");
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_dropped_in_flight_fetch_is_aborted() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let mut request = Box::pin(fetch("hang://never-answers"));
        let mut timeout = Box::pin(sleep(Duration::from_millis(20)));
        std::future::poll_fn(|cx| {
            assert!(request.as_mut().poll(cx).is_pending());
            timeout.as_mut().poll(cx)
        })
        .await;
        let signal = request.abort_signal().expect("sent at its first poll");
        assert!(!signal.aborted());
        drop(request);
        signal.aborted()
    });
    assert!(
        within(2_000, handle).await.unwrap(),
        "dropping the future aborted the signal"
    );
    assert!(all_signals_aborted());
    real_delay(10).await; // the late rejection arrives and is ignored
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn a_dropped_body_read_aborts_the_download() {
    setup();
    let executor = Executor::browser();
    let handle = executor.spawn(async {
        let response = fetch("slowbody://stream").await.unwrap();
        let mut body = Box::pin(response.text());
        let mut timeout = Box::pin(sleep(Duration::from_millis(20)));
        std::future::poll_fn(|cx| {
            assert!(
                body.as_mut().poll(cx).is_pending(),
                "the body never ends by itself"
            );
            timeout.as_mut().poll(cx)
        })
        .await;
        drop(body);
    });
    within(2_000, handle).await.unwrap();
    assert!(
        all_signals_aborted(),
        "dropping the body read aborted the request"
    );
    real_delay(10).await;
    assert_quiescent(&executor);
}

#[wasm_bindgen_test]
async fn an_executor_dropped_with_a_drain_and_a_timer_pending_calls_no_freed_closure() {
    setup();
    let executor = Executor::browser();
    executor.spawn(sleep(Duration::from_millis(50)));
    real_delay(5).await; // polled: the native timer is armed
    assert_eq!(live_timeouts(), 1);
    executor.spawn(async {}); // and a drain is queued as a microtask
    drop(executor);
    real_delay(80).await; // past the timer's original deadline
    assert_eq!(uncaught_errors(), "");
    assert_eq!(live_timeouts(), 0, "shutdown cleared the native timer");
}

#[wasm_bindgen_test]
async fn a_task_that_keeps_waking_itself_lets_the_page_have_its_turn() {
    setup();
    let executor = Executor::browser();
    let turns = Rc::new(Cell::new(0u32));
    let counter = turns.clone();
    let handle = executor.spawn(async move {
        let start = performance_now();
        while performance_now() - start < 300.0 {
            futures_playground::yield_now().await;
            counter.set(counter.get() + 1);
        }
    });
    // A macrotask queued now must run while the task is still yielding,
    // not only after it is done: drains give way after a slice of ~8 ms.
    let queued_at = performance_now();
    real_delay(0).await;
    let waited = performance_now() - queued_at;
    assert!(
        !handle.is_finished(),
        "the macrotask ran before the busy task ended"
    );
    assert!(
        waited < 100.0,
        "a macrotask waited {waited} ms behind a self-waking task"
    );
    within(5_000, handle).await.unwrap();
    assert!(
        turns.get() > 1_000,
        "the task still ran flat out: {} yields",
        turns.get()
    );
    assert_quiescent(&executor);
}
