//! `fetch(url)` for the rust engine: this crate's fetch leaf, valued at the
//! response's HTTP status.

use super::ops::OpFuture;
use crate::scenario::ast::Pos;

#[cfg(target_arch = "wasm32")]
pub(crate) fn fetch_status(url: String, pos: Pos) -> OpFuture {
    use super::eval::runtime_error;
    use super::ops::Thing;
    use crate::engines::Value;

    // Past the HTTP cache, like the js engine's: run side by side, the two
    // engines fetch the same URL at once, and neither may be held behind the
    // other's response (Firefox holds a second request for a URL until the
    // first one's body has arrived).
    let request = crate::fetch_with(crate::Request::get(url).no_store());
    Box::pin(async move {
        match request.await {
            // A non-2xx status is a value, not an error. The unread body is
            // aborted when the response drops.
            Ok(response) => Ok(Thing::Value(Value::Int(i64::from(response.status())))),
            // The JS error's message alone, as the js engine reports it.
            Err(error) => Err(runtime_error(error.message, pos)),
        }
    })
}

/// Natively there is no `fetch`: the operation fails when first polled.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn fetch_status(url: String, pos: Pos) -> OpFuture {
    let error = super::eval::runtime_error(format!("fetch of {url:?} needs a browser"), pos);
    Box::pin(super::ops::fail(error))
}
