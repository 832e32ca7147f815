//! `fetch`: an HTTP request as a lazy, cancellable leaf future.
//!
//! Nothing is sent when a [`Fetch`] is created; `fetch()` is called at its
//! first poll. It owns an `AbortController`: dropping the future before the
//! response arrives aborts the request, and a body read ([`Response::text`],
//! [`Response::bytes`], [`Response::json`]) carries the same controller, so
//! dropping it mid-body aborts the download too.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit};

use super::promise::PromiseWait;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, looked up at each call (so it works in workers,
    /// and tests can observe it).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Promise;
}

/// A request to send: a URL, a method, headers and an optional body.
#[derive(Clone, Debug, Default)]
pub struct Request {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    no_store: bool,
}

impl Request {
    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Request {
        Request::new("GET", url)
    }

    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Request {
        Request {
            url: url.into(),
            method: method.into(),
            headers: Vec::new(),
            body: None,
            no_store: false,
        }
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Request {
        self.body = Some(body.into());
        self
    }

    /// Bypasses the HTTP cache (`cache: "no-store"`): the request goes to the
    /// network and is never held behind another request for the same URL.
    /// (Firefox makes a second request for a URL wait until the first
    /// response's body has finished downloading, unless it bypasses the cache.)
    pub fn no_store(mut self) -> Request {
        self.no_store = true;
        self
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

/// Sends a `GET` of `url` when first polled.
pub fn fetch(url: impl Into<String>) -> Fetch {
    fetch_with(Request::get(url))
}

/// Sends `request` when first polled.
pub fn fetch_with(request: Request) -> Fetch {
    Fetch {
        state: FetchState::NotSent(request),
    }
}

/// What went wrong with a request. A response with an error status (404,
/// 500…) is not an error: it is a [`Response`] with `ok() == false`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    pub kind: FetchErrorKind,
    /// The JS error's `name` (`TypeError`, `AbortError`, `SyntaxError`…).
    pub name: String,
    /// The JS error's `message`.
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchErrorKind {
    /// The request could not be built (a bad method or header).
    Request,
    /// No response: the network failed, the host refused, CORS blocked it.
    Network,
    /// The request or body read was aborted.
    Aborted,
    /// The response arrived but reading its body failed.
    Body,
    /// The body was read but is not valid JSON.
    Json,
}

impl FetchError {
    fn from_js(error: &JsValue, otherwise: FetchErrorKind) -> FetchError {
        let name = js_string_field(error, "name").unwrap_or_else(|| "Error".into());
        let message = js_string_field(error, "message")
            .or_else(|| error.as_string())
            .unwrap_or_else(|| format!("{error:?}"));
        let kind = if name == "AbortError" {
            FetchErrorKind::Aborted
        } else {
            otherwise
        };
        FetchError {
            kind,
            name,
            message,
        }
    }
}

fn js_string_field(value: &JsValue, field: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(field))
        .ok()?
        .as_string()
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for FetchError {}

/// Aborts its controller when dropped, unless the work it guards finished.
struct AbortGuard {
    controller: AbortController,
    armed: bool,
}

impl AbortGuard {
    fn new() -> Result<AbortGuard, FetchError> {
        let controller =
            AbortController::new().map_err(|e| FetchError::from_js(&e, FetchErrorKind::Request))?;
        Ok(AbortGuard {
            controller,
            armed: true,
        })
    }

    fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        if self.armed {
            self.controller.abort();
        }
    }
}

/// The future [`fetch`] returns.
#[must_use = "futures do nothing unless polled: no request is sent until then"]
pub struct Fetch {
    state: FetchState,
}

enum FetchState {
    NotSent(Request),
    Sent {
        response: PromiseWait,
        guard: AbortGuard,
    },
    Done,
}

impl Fetch {
    /// Whether the request has been sent (the future was polled).
    pub fn is_sent(&self) -> bool {
        matches!(self.state, FetchState::Sent { .. })
    }

    /// The request's abort signal, once it is sent.
    pub fn abort_signal(&self) -> Option<AbortSignal> {
        match &self.state {
            FetchState::Sent { guard, .. } => Some(guard.signal()),
            _ => None,
        }
    }

    fn send(request: &Request) -> Result<(PromiseWait, AbortGuard), FetchError> {
        let guard = AbortGuard::new()?;
        let init = RequestInit::new();
        init.set_method(&request.method);
        init.set_signal(Some(&guard.signal()));
        if request.no_store {
            init.set_cache(web_sys::RequestCache::NoStore);
        }
        if !request.headers.is_empty() {
            let headers =
                Headers::new().map_err(|e| FetchError::from_js(&e, FetchErrorKind::Request))?;
            for (name, value) in &request.headers {
                headers
                    .append(name, value)
                    .map_err(|e| FetchError::from_js(&e, FetchErrorKind::Request))?;
            }
            init.set_headers(&headers);
        }
        if let Some(body) = &request.body {
            init.set_body(&JsValue::from_str(body));
        }
        Ok((PromiseWait::new(global_fetch(&request.url, &init)), guard))
    }
}

impl Future for Fetch {
    type Output = Result<Response, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let FetchState::NotSent(request) = &self.state {
            match Fetch::send(request) {
                Ok((response, guard)) => self.state = FetchState::Sent { response, guard },
                Err(error) => {
                    self.state = FetchState::Done;
                    return Poll::Ready(Err(error));
                }
            }
        }
        let FetchState::Sent { response, .. } = &mut self.state else {
            panic!("Fetch polled after it completed");
        };
        let result = match Pin::new(response).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        let FetchState::Sent { guard, .. } = std::mem::replace(&mut self.state, FetchState::Done)
        else {
            unreachable!("checked above");
        };
        Poll::Ready(match result {
            Ok(response) => Ok(Response {
                inner: response.unchecked_into(),
                guard,
            }),
            Err(error) => Err(FetchError::from_js(&error, FetchErrorKind::Network)),
        })
    }
}

/// An HTTP response whose body has not been read yet. Dropping it unread
/// aborts the body's download.
pub struct Response {
    inner: web_sys::Response,
    guard: AbortGuard,
}

impl Response {
    pub fn status(&self) -> u16 {
        self.inner.status()
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        self.inner.ok()
    }

    pub fn status_text(&self) -> String {
        self.inner.status_text()
    }

    pub fn url(&self) -> String {
        self.inner.url()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.inner.headers().get(name).ok().flatten()
    }

    /// The body as text.
    pub fn text(self) -> BodyRead<String> {
        self.read(Body::Text)
    }

    /// The body as bytes.
    pub fn bytes(self) -> BodyRead<Vec<u8>> {
        self.read(Body::Bytes)
    }

    /// The body parsed as JSON, as a JS value.
    pub fn json(self) -> BodyRead<JsValue> {
        self.read(Body::Json)
    }

    fn read<T>(self, body: Body) -> BodyRead<T> {
        BodyRead {
            response: self.inner,
            body,
            guard: Some(self.guard),
            wait: None,
            _output: std::marker::PhantomData,
        }
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status())
            .field("url", &self.url())
            .finish()
    }
}

#[derive(Clone, Copy)]
enum Body {
    Text,
    Bytes,
    Json,
}

/// Reading a response body; lazy like [`Fetch`], and aborts the download if
/// dropped before it completes.
#[must_use = "futures do nothing unless polled"]
pub struct BodyRead<T> {
    response: web_sys::Response,
    body: Body,
    guard: Option<AbortGuard>,
    wait: Option<PromiseWait>,
    _output: std::marker::PhantomData<T>,
}

impl<T> BodyRead<T> {
    fn start(&self) -> Result<Promise, JsValue> {
        match self.body {
            Body::Text => self.response.text(),
            Body::Bytes => self.response.array_buffer(),
            Body::Json => self.response.text(), // parsed here, to tell JSON errors from body errors
        }
    }

    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Result<JsValue, FetchError>> {
        if self.wait.is_none() {
            match self.start() {
                Ok(promise) => self.wait = Some(PromiseWait::new(promise)),
                Err(error) => {
                    return Poll::Ready(Err(FetchError::from_js(&error, FetchErrorKind::Body)))
                }
            }
        }
        let wait = self.wait.as_mut().expect("set above");
        let result = match Pin::new(wait).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        if let Some(mut guard) = self.guard.take() {
            guard.armed = false; // finished: nothing left to abort
        }
        Poll::Ready(result.map_err(|error| FetchError::from_js(&error, FetchErrorKind::Body)))
    }
}

impl<T> Unpin for BodyRead<T> {}

impl Future for BodyRead<String> {
    type Output = Result<String, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_raw(cx)
            .map(|result| result.map(|text| text.as_string().unwrap_or_default()))
    }
}

impl Future for BodyRead<Vec<u8>> {
    type Output = Result<Vec<u8>, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_raw(cx)
            .map(|result| result.map(|buffer| Uint8Array::new(&buffer).to_vec()))
    }
}

impl Future for BodyRead<JsValue> {
    type Output = Result<JsValue, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_raw(cx).map(|result| {
            let text = result?.as_string().unwrap_or_default();
            js_sys::JSON::parse(&text)
                .map_err(|error| FetchError::from_js(&error, FetchErrorKind::Json))
        })
    }
}

/// Promises the fetch layer is waiting on, across the thread: zero when no
/// request or body read is in flight (for leak checks).
pub fn promises_in_flight() -> usize {
    PromiseWait::watched_count()
}
