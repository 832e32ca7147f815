//! The syntax tree of a scenario program.
//!
//! Every node keeps where it starts ([`Pos`]) and its exact source text (`label`):
//! the engines build trace `op` ids (`"LINE:COL#N"`) and labels (`sleep(300)`) from
//! them, so two engines given the same tree name every operation the same way.
//!
//! [`parse`](super::parse) returns a tree that is already *resolved*: every
//! [`ExprKind::Name`] points at the `let` that declared it, and every [`Expr::ty`]
//! holds the static type the checks use.

use std::sync::Arc;

use super::types::Ty;

/// A 1-based source position (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    /// The `"LINE:COL"` part of a trace `op` id.
    pub fn op_id(self) -> String {
        format!("{}:{}", self.line, self.col)
    }
}

/// Identifies one `let`: shadowing makes a new binding with the same name.
/// Numbered from 0 in source order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(pub u32);

#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub pos: Pos,
    /// Source text from the first token to the last (`;` or `}`) included.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `let NAME = value;`
    Let {
        name: String,
        name_pos: Pos,
        binding: BindingId,
        value: Expr,
    },
    /// `expr;`
    Expr(Expr),
    /// `repeat COUNT { ... }`: the body, `count` times, in sequence.
    Repeat { count: u32, body: Block },
}

/// `{ statements [tail] }`: the tail, an expression with no `;` after it, is the
/// block's value (as in Rust); without one the value is `null`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub statements: Vec<Stmt>,
    pub tail: Option<Box<Expr>>,
    /// Position of the `{`.
    pub pos: Pos,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    /// Position of the expression's first token.
    pub pos: Pos,
    /// The exact source text of the expression, e.g. `sleep(300)`.
    pub label: String,
    /// Static type, filled in by the resolver ([`Ty::Unknown`] before that).
    pub ty: Ty,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `await operand`
    Await(Box<Expr>),
    /// `async { ... }`. Shared, not owned: the rust engine's future for each
    /// evaluation holds the block (a deep copy would link `Clone` for the whole
    /// tree into the module and copy it at every evaluation).
    Async(Arc<Block>),
    /// `builtin(args...)`; only built-ins can be called.
    Call {
        builtin: Builtin,
        args: Vec<Expr>,
    },
    /// A use of a binding. `binding` is `None` only before resolution.
    Name {
        name: String,
        binding: Option<BindingId>,
    },
    Integer(u32),
    String(String),
    Null,
}

/// The built-in functions, resolved from their names at parse time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    Sleep,
    Fetch,
    Join,
    Race,
    Spawn,
    YieldNow,
    Fail,
    Log,
}

impl Builtin {
    pub const ALL: [Builtin; 8] = [
        Builtin::Sleep,
        Builtin::Fetch,
        Builtin::Join,
        Builtin::Race,
        Builtin::Spawn,
        Builtin::YieldNow,
        Builtin::Fail,
        Builtin::Log,
    ];

    /// The name as written in a program.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Sleep => "sleep",
            Builtin::Fetch => "fetch",
            Builtin::Join => "join",
            Builtin::Race => "race",
            Builtin::Spawn => "spawn",
            Builtin::YieldNow => "yield_now",
            Builtin::Fail => "fail",
            Builtin::Log => "log",
        }
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    /// How many arguments it takes: `(min, max)`, `max == None` for "any number".
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Builtin::Sleep => (1, Some(2)),
            Builtin::Fetch | Builtin::Spawn | Builtin::Fail => (1, Some(1)),
            Builtin::Join | Builtin::Race => (1, None),
            Builtin::YieldNow => (0, Some(0)),
            Builtin::Log => (0, None),
        }
    }

    /// Whether calling it makes a future (everything but `log`).
    pub fn returns_future(self) -> bool {
        self != Builtin::Log
    }
}
