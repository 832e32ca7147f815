//! The API the playground's generated Rust is written against: the scenario
//! built-ins as ordinary Rust functions over dynamic [`Value`]s, every one a
//! lazy future with `Output = Result<Value, Error>`.
//!
//! ```
//! use std::time::Duration;
//! use futures_playground::script::{join_all, boxed, sleep_with, Error};
//!
//! async fn scenario() -> Result<(), Error> {
//!     let both = join_all(vec![
//!         boxed(sleep_with(Duration::from_millis(100), 1)),
//!         boxed(sleep_with(Duration::from_millis(200), 2)),
//!     ])
//!     .await?;
//!     println!("{both}"); // [1, 2]
//!     Ok(())
//! }
//!
//! // Run it on an executor, here one driven by hand:
//! let (executor, platform) = futures_playground::platform::ManualPlatform::executor();
//! let handle = executor.spawn(scenario());
//! platform.run_until_idle();
//! assert!(handle.is_finished());
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use crate::engines::Value;

/// A scenario's failure: an awaited `fail(msg)` or a failed `fetch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The future every built-in gives.
pub type BoxFuture = Pin<Box<dyn Future<Output = Result<Value, Error>>>>;

/// Boxes a future for [`join_all`] and [`race`].
pub fn boxed(future: impl Future<Output = Result<Value, Error>> + 'static) -> BoxFuture {
    Box::pin(future)
}

/// `null` after `delay`, counted from the first poll.
pub fn sleep(delay: Duration) -> impl Future<Output = Result<Value, Error>> {
    sleep_with(delay, Value::Null)
}

/// `value` after `delay`, counted from the first poll.
pub fn sleep_with(
    delay: Duration,
    value: impl Into<Value>,
) -> impl Future<Output = Result<Value, Error>> {
    let value = value.into();
    let sleep = crate::sleep(delay);
    async move {
        sleep.await;
        Ok(value)
    }
}

/// The HTTP status of a `GET` of `url`, sent at the first poll. A 404 is a
/// value; only a failed request is an error. Natively there is no `fetch`:
/// the future fails.
pub fn fetch(url: impl Into<Value>) -> impl Future<Output = Result<Value, Error>> {
    let url = url.into().to_string();
    async move { fetch_status(url).await }
}

#[cfg(target_arch = "wasm32")]
async fn fetch_status(url: String) -> Result<Value, Error> {
    match crate::fetch(url).await {
        Ok(response) => Ok(Value::Int(i64::from(response.status()))),
        Err(error) => Err(Error {
            message: error.message,
        }),
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn fetch_status(url: String) -> Result<Value, Error> {
    Err(Error {
        message: format!("fetch of {url:?} needs a browser"),
    })
}

/// Spawns `future` as a task now; the returned future is its join handle.
pub fn spawn(
    future: impl Future<Output = Result<Value, Error>> + 'static,
) -> impl Future<Output = Result<Value, Error>> {
    let handle = crate::spawn(future);
    async move {
        match handle.await {
            Ok(result) => result,
            Err(error) => Err(Error {
                message: error.to_string(),
            }),
        }
    }
}

/// `null`, after giving the other tasks one turn.
pub fn yield_now() -> impl Future<Output = Result<Value, Error>> {
    let yielded = crate::yield_now();
    async move {
        yielded.await;
        Ok(Value::Null)
    }
}

/// Fails with `message` when first polled.
pub fn fail(message: impl Into<Value>) -> impl Future<Output = Result<Value, Error>> {
    let message = message.into().to_string();
    async move { Err(Error { message }) }
}

/// Every future's value, as a list; the first error ends it and drops the rest.
pub async fn join_all(futures: Vec<BoxFuture>) -> Result<Value, Error> {
    let values = crate::combinators::join_all(futures).await?;
    Ok(Value::List(values.into()))
}

/// The first future to finish, success or error; the others are dropped.
pub async fn race(futures: Vec<BoxFuture>) -> Result<Value, Error> {
    crate::combinators::race(futures).await
}
