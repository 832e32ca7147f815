//! The static types the resolver infers and the checks read.
//!
//! A small lattice is enough: the language has no functions or conditionals, so
//! the type of every expression is known from its shape, except where a value
//! depends on a run (`await race(...)` of operands with different outputs, or a
//! failure): that is [`Ty::Unknown`], and no check fires on it.

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Ty {
    /// Not known before running; never triggers a check.
    #[default]
    Unknown,
    Null,
    Integer,
    Str,
    List,
    /// A future (a Promise in JS) whose output has the given type. `spawn`'s join
    /// handle is a future too.
    Future(Box<Ty>),
}

impl Ty {
    pub fn future(output: Ty) -> Ty {
        Ty::Future(Box::new(output))
    }

    pub fn is_future(&self) -> bool {
        matches!(self, Ty::Future(_))
    }

    /// Known, and not a future: a plain value.
    pub fn is_known_value(&self) -> bool {
        !matches!(self, Ty::Unknown | Ty::Future(_))
    }

    /// What `await` of a value of this type gives, with JavaScript's rule (awaiting
    /// a plain value gives the value itself). The rust engine refuses that case
    /// separately, in the checks.
    pub fn awaited(&self) -> Ty {
        match self {
            Ty::Future(out) => (**out).clone(),
            other => other.clone(),
        }
    }

    /// Engine-neutral wording for errors both engines report: "an integer".
    pub fn describe(&self) -> &'static str {
        match self {
            Ty::Unknown => "a value",
            Ty::Null => "`null`",
            Ty::Integer => "an integer",
            Ty::Str => "a string",
            Ty::List => "a list",
            Ty::Future(_) => "a future",
        }
    }

    /// How `rustc` would name the type in an error: `{integer}`, `&str`, `()`.
    pub fn rust_name(&self) -> &'static str {
        match self {
            Ty::Unknown => "Value",
            Ty::Null => "()",
            Ty::Integer => "{integer}",
            Ty::Str => "&str",
            Ty::List => "Vec<Value>",
            Ty::Future(_) => "impl Future",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awaited_and_names() {
        assert_eq!(Ty::future(Ty::Integer).awaited(), Ty::Integer);
        assert_eq!(Ty::Str.awaited(), Ty::Str);
        assert_eq!(Ty::Integer.rust_name(), "{integer}");
        assert!(Ty::future(Ty::Null).is_future());
        assert!(!Ty::Unknown.is_known_value());
        assert!(Ty::List.is_known_value());
    }
}
