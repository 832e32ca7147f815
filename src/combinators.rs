//! `join_all` and `race` over boxed futures that can fail: the two
//! combinators the scenario language has, for the rust engine and for the
//! Rust code the playground generates.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A boxed future that gives `T` or fails with `E`.
pub type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>>>>;

/// Polls every unfinished future, in order, on each of its polls; gives all
/// the outputs in order, or the first error, dropping the others (in order)
/// as soon as one fails.
pub fn join_all<T, E>(futures: Vec<BoxFuture<T, E>>) -> JoinAll<T, E> {
    let outputs = futures.iter().map(|_| None).collect();
    JoinAll {
        futures: futures.into_iter().map(Some).collect(),
        outputs,
    }
}

/// The future [`join_all`] returns.
#[must_use = "futures do nothing unless polled"]
pub struct JoinAll<T, E> {
    futures: Vec<Option<BoxFuture<T, E>>>,
    outputs: Vec<Option<T>>,
}

impl<T, E> Unpin for JoinAll<T, E> {}

impl<T, E> Future for JoinAll<T, E> {
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        for i in 0..this.futures.len() {
            let Some(future) = this.futures[i].as_mut() else {
                continue;
            };
            match future.as_mut().poll(cx) {
                Poll::Pending => {}
                Poll::Ready(Ok(output)) => {
                    this.futures[i] = None;
                    this.outputs[i] = Some(output);
                }
                Poll::Ready(Err(error)) => {
                    this.futures[i] = None;
                    for rest in &mut this.futures {
                        drop(rest.take());
                    }
                    return Poll::Ready(Err(error));
                }
            }
        }
        if this.futures.iter().any(Option::is_some) {
            return Poll::Pending;
        }
        Poll::Ready(Ok(this
            .outputs
            .iter_mut()
            .map(|o| o.take().expect("every future finished"))
            .collect()))
    }
}

/// Polls the futures in order; the first to finish wins, success or error,
/// and the others are dropped. With no futures it never finishes, as
/// `Promise.race([])` never settles.
pub fn race<T, E>(futures: Vec<BoxFuture<T, E>>) -> Race<T, E> {
    Race { futures }
}

/// The future [`race`] returns.
#[must_use = "futures do nothing unless polled"]
pub struct Race<T, E> {
    futures: Vec<BoxFuture<T, E>>,
}

impl<T, E> Unpin for Race<T, E> {}

impl<T, E> Future for Race<T, E> {
    type Output = Result<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        for i in 0..self.futures.len() {
            if let Poll::Ready(result) = self.futures[i].as_mut().poll(cx) {
                let losers = std::mem::take(&mut self.futures);
                drop(losers);
                return Poll::Ready(result);
            }
        }
        Poll::Pending
    }
}
