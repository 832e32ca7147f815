//! The one error type of the scenario language.
//!
//! Every refusal (parse, check, limit) and every failure at run time is a value of
//! this type, never a panic: the page shows it next to the program, and the trace
//! contract in `SCENARIO.md` serialises it as `{ kind, message, line, col }`.

use std::fmt;

/// Which stage refused or stopped the program.
///
/// The kind also says *which engines* refuse: `Parse` errors (syntax, unknown
/// built-ins and names, wrong arity or argument kind) are refused by both engines;
/// `Check` errors are what `rustc` would refuse, so only the rust engine refuses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Refused before running by both engines.
    Parse,
    /// Refused before running by the rust engine only (a Rust compile error).
    Check,
    /// The program failed while running.
    Runtime,
    /// A limit (source size, nesting depth, time, operations, ...) was exceeded.
    Limit,
}

impl ErrorKind {
    /// The name used in the trace and in JSON: `parse`, `check`, `runtime`, `limit`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Parse => "parse",
            ErrorKind::Check => "check",
            ErrorKind::Runtime => "runtime",
            ErrorKind::Limit => "limit",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal or failure, pointing at the offending token.
///
/// `line` and `col` count from 1; `col` counts characters (Unicode scalar values),
/// not bytes, so a position after `"é"` is the same in an editor and here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub kind: ErrorKind,
    pub message: String,
    pub line: u32,
    pub col: u32,
}

impl ScenarioError {
    pub fn new(kind: ErrorKind, message: impl Into<String>, line: u32, col: u32) -> Self {
        ScenarioError {
            kind,
            message: message.into(),
            line,
            col,
        }
    }

    /// The error as the JSON object of the trace contract:
    /// `{"kind":"parse","message":"…","line":1,"col":1}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"kind\":");
        crate::scenario::json::push_json_string(&mut out, self.kind.as_str());
        out.push_str(",\"message\":");
        crate::scenario::json::push_json_string(&mut out, &self.message);
        crate::push_fmt(
            &mut out,
            format_args!(",\"line\":{},\"col\":{}}}", self.line, self.col),
        );
        out
    }
}

impl fmt::Display for ScenarioError {
    /// `parse error at 3:7: expected `;`, found `}``
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} error at {}:{}: {}",
            self.kind, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

/// Source text quoted in a message, cut to 40 characters so that quoting a 60 KiB
/// `async` block does not make a 60 KiB message.
pub(crate) fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        let head: String = text.chars().take(37).collect();
        format!("{head}...")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_json() {
        let e = ScenarioError::new(ErrorKind::Check, "use of moved value: `a`", 2, 7);
        assert_eq!(e.to_string(), "check error at 2:7: use of moved value: `a`");
        assert_eq!(
            e.to_json(),
            r#"{"kind":"check","message":"use of moved value: `a`","line":2,"col":7}"#
        );
        assert_eq!(ErrorKind::Limit.as_str(), "limit");
        assert_eq!(ErrorKind::Runtime.as_str(), "runtime");
        assert_eq!(ErrorKind::Parse.as_str(), "parse");
    }
}
