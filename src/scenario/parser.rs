//! Recursive-descent parser for the grammar in `SCENARIO.md`.
//!
//! Bounded so that a shared link cannot hang or crash the page:
//! - the source is at most [`MAX_SOURCE_BYTES`] (checked before lexing);
//! - expressions and `repeat` blocks nest at most [`MAX_DEPTH`] deep. The parser
//!   checks the depth *before* it recurses, so even a megabyte of `async { async {`
//!   never uses more than `MAX_DEPTH` stack frames per level of recursion.
//!
//! Shape checks that need no types are done here too, at the built-in's name:
//! unknown built-ins, wrong number of arguments, `sleep`'s milliseconds not an
//! integer literal. Everything is a `parse` error (refused by both engines) except
//! the size and depth limits, which are `limit` errors.

use std::sync::Arc;

use super::ast::{BindingId, Block, Builtin, Expr, ExprKind, Pos, Program, Stmt, StmtKind};
use super::error::{shorten, ErrorKind, ScenarioError};
use super::lexer::{text, tokenize, Keyword, Token, TokenKind};
use super::types::Ty;
use super::{resolve, MAX_DEPTH, MAX_SOURCE_BYTES};

/// Parses and resolves a program: the result is ready for [`check`](super::check())
/// and for either engine. The error is the first one in the source.
pub fn parse(source: &str) -> Result<Program, ScenarioError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ScenarioError::new(
            ErrorKind::Limit,
            format!(
                "program is too long: {} bytes (the limit is {} bytes)",
                source.len(),
                MAX_SOURCE_BYTES
            ),
            1,
            1,
        ));
    }
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        source,
        tokens,
        next: 0,
        prev_end: 0,
        depth: 0,
        next_binding: 0,
    };
    let mut program = parser.program()?;
    resolve::resolve(&mut program)?;
    Ok(program)
}

struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    /// Index of the next token; never past the final `Eof`.
    next: usize,
    /// Byte offset where the last consumed token ended, to cut labels.
    prev_end: usize,
    depth: usize,
    next_binding: u32,
}

fn pos_of(tok: &Token) -> Pos {
    Pos {
        line: tok.line,
        col: tok.col,
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.next]
    }

    fn peek_kind(&self) -> &TokenKind {
        &self.peek().kind
    }

    fn bump(&mut self) -> Token {
        let tok = self.tokens[self.next].clone();
        if tok.kind != TokenKind::Eof {
            self.next += 1;
            self.prev_end = tok.end;
        }
        tok
    }

    fn is_punct(&self, c: char) -> bool {
        *self.peek_kind() == TokenKind::Punct(c)
    }

    fn error_here(&self, message: String) -> ScenarioError {
        let tok = self.peek();
        ScenarioError::new(ErrorKind::Parse, message, tok.line, tok.col)
    }

    /// "expected X, found Y" at the token found.
    fn expected(&self, what: &str) -> ScenarioError {
        self.error_here(format!(
            "expected {what}, found {}",
            self.peek().describe(self.source)
        ))
    }

    fn expect_punct(&mut self, c: char) -> Result<Token, ScenarioError> {
        if self.is_punct(c) {
            Ok(self.bump())
        } else {
            // Quoted by pushing: `{c}` of a `char` links `char`'s `Display`.
            let mut quoted = String::from("`");
            quoted.push(c);
            quoted.push('`');
            Err(self.expected(&quoted))
        }
    }

    fn label_from(&self, start: usize) -> String {
        text(self.source, start, self.prev_end.max(start)).to_string()
    }

    /// Called before every recursive step that nests; fails at the token that
    /// would go one level too deep.
    fn enter(&mut self) -> Result<(), ScenarioError> {
        if self.depth >= MAX_DEPTH {
            let tok = self.peek();
            return Err(ScenarioError::new(
                ErrorKind::Limit,
                format!("nesting is too deep (the limit is {MAX_DEPTH} levels)"),
                tok.line,
                tok.col,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn program(&mut self) -> Result<Program, ScenarioError> {
        let mut body = Vec::new();
        while *self.peek_kind() != TokenKind::Eof {
            match self.statement_or_tail()? {
                StmtOrTail::Stmt(s) => body.push(s),
                // At top level an expression must end with `;`.
                StmtOrTail::Tail(_) => return Err(self.expected("`;`")),
            }
        }
        Ok(Program { body })
    }

    /// A statement, or (inside a block) an expression with no `;` after it, which
    /// the caller accepts as the tail only if `}` follows.
    fn statement_or_tail(&mut self) -> Result<StmtOrTail, ScenarioError> {
        let first = self.peek().clone();
        let pos = pos_of(&first);
        let kind = match first.kind {
            TokenKind::Keyword(Keyword::Let) => {
                self.bump();
                // Numbered in the order of the `let` keywords.
                let binding = BindingId(self.next_binding);
                self.next_binding += 1;
                let name_tok = self.peek().clone();
                let TokenKind::Name(name) = name_tok.kind.clone() else {
                    return Err(self.expected("identifier"));
                };
                self.bump();
                self.expect_punct('=')?;
                let value = self.expr()?;
                self.expect_punct(';')?;
                StmtKind::Let {
                    name,
                    name_pos: pos_of(&name_tok),
                    binding,
                    value,
                }
            }
            TokenKind::Keyword(Keyword::Repeat) => {
                self.bump();
                let TokenKind::Integer(count) = *self.peek_kind() else {
                    return Err(self.expected("an integer (how many times)"));
                };
                self.bump();
                self.enter()?;
                let body = self.block()?;
                self.leave();
                StmtKind::Repeat { count, body }
            }
            _ => {
                let expr = self.expr()?;
                if self.is_punct(';') {
                    self.bump();
                    StmtKind::Expr(expr)
                } else {
                    return Ok(StmtOrTail::Tail(expr));
                }
            }
        };
        Ok(StmtOrTail::Stmt(Stmt {
            kind,
            pos,
            label: self.label_from(first.start),
        }))
    }

    fn block(&mut self) -> Result<Block, ScenarioError> {
        let open = self.expect_punct('{')?;
        let mut statements = Vec::new();
        let mut tail = None;
        while !self.is_punct('}') {
            if *self.peek_kind() == TokenKind::Eof {
                return Err(self.expected("`}`"));
            }
            match self.statement_or_tail()? {
                StmtOrTail::Stmt(s) => statements.push(s),
                StmtOrTail::Tail(e) => {
                    if !self.is_punct('}') {
                        return Err(self.expected("`;` or `}`"));
                    }
                    tail = Some(Box::new(e));
                }
            }
        }
        self.bump(); // `}`
        Ok(Block {
            statements,
            tail,
            pos: pos_of(&open),
            label: self.label_from(open.start),
        })
    }

    fn expr(&mut self) -> Result<Expr, ScenarioError> {
        self.enter()?;
        let first = self.peek().clone();
        let kind = match first.kind {
            TokenKind::Keyword(Keyword::Await) => {
                self.bump();
                ExprKind::Await(Box::new(self.expr()?))
            }
            TokenKind::Keyword(Keyword::Async) => {
                self.bump();
                ExprKind::Async(Arc::new(self.block()?))
            }
            TokenKind::Keyword(Keyword::Null) => {
                self.bump();
                ExprKind::Null
            }
            TokenKind::Integer(v) => {
                self.bump();
                ExprKind::Integer(v)
            }
            TokenKind::Str(ref s) => {
                let s = s.clone();
                self.bump();
                ExprKind::String(s)
            }
            TokenKind::Name(ref name) => {
                let name = name.clone();
                self.bump();
                if self.is_punct('(') {
                    self.call(&first, &name)?
                } else {
                    ExprKind::Name {
                        name,
                        binding: None,
                    }
                }
            }
            _ => return Err(self.expected("an expression")),
        };
        self.leave();
        Ok(Expr {
            kind,
            pos: pos_of(&first),
            label: self.label_from(first.start),
            ty: Ty::Unknown,
        })
    }

    /// `NAME ( args )`, the name already consumed and `(` next.
    fn call(&mut self, name_tok: &Token, name: &str) -> Result<ExprKind, ScenarioError> {
        let name_error = |message: String| {
            ScenarioError::new(ErrorKind::Parse, message, name_tok.line, name_tok.col)
        };
        let Some(builtin) = Builtin::from_name(name) else {
            return Err(name_error(format!("unknown built-in `{name}`")));
        };
        self.bump(); // `(`
        let mut args = Vec::new();
        if !self.is_punct(')') {
            loop {
                args.push(self.expr()?);
                if self.is_punct(',') {
                    self.bump();
                } else if self.is_punct(')') {
                    break;
                } else {
                    return Err(self.expected("`,` or `)`"));
                }
            }
        }
        self.bump(); // `)`
        let (min, max) = builtin.arity();
        let n = args.len();
        if n < min || max.is_some_and(|max| n > max) {
            let takes = match (min, max) {
                (0, Some(0)) => "no arguments".to_string(),
                (1, Some(1)) => "1 argument".to_string(),
                (a, Some(b)) => format!("{a} or {b} arguments"),
                (1, None) => "at least 1 argument".to_string(),
                (a, None) => format!("at least {a} arguments"),
            };
            let supplied = match n {
                1 => "1 argument was supplied".to_string(),
                n => format!("{n} arguments were supplied"),
            };
            return Err(name_error(format!(
                "`{}` takes {takes} but {supplied}",
                builtin.name()
            )));
        }
        if builtin == Builtin::Sleep && !matches!(args[0].kind, ExprKind::Integer(_)) {
            let arg = &args[0];
            return Err(ScenarioError::new(
                ErrorKind::Parse,
                format!(
                    "`sleep` takes its milliseconds as an integer literal, e.g. `sleep(100)`, found `{}`",
                    shorten(&arg.label)
                ),
                arg.pos.line,
                arg.pos.col,
            ));
        }
        Ok(ExprKind::Call { builtin, args })
    }
}

enum StmtOrTail {
    Stmt(Stmt),
    Tail(Expr),
}
