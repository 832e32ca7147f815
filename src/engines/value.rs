//! The values a scenario computes with, as the rust engine holds them.

use std::fmt;
use std::rc::Rc;

/// `null`, an integer, a string or a list: what `log` prints and what a
/// `settle` event carries. A future is not a `Value`; bindings hold futures
/// separately (see `rust::env`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Str(Rc<str>),
    List(Rc<[Value]>),
}

impl fmt::Display for Value {
    /// As the contract's `log` writes values: a string without quotes, a list
    /// as `[1, 2]`, `null` as `null`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(s) => f.write_str(s),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Int(i64::from(n))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s.into())
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::List(items.into())
    }
}

impl From<()> for Value {
    fn from((): ()) -> Value {
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_log_prints() {
        let list = Value::List(Rc::from(vec![
            Value::Int(1),
            Value::Str("a".into()),
            Value::Null,
        ]));
        assert_eq!(list.to_string(), "[1, a, null]");
        assert_eq!(Value::List(Rc::from(Vec::new())).to_string(), "[]");
    }
}
