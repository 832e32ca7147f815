//! Turns source text into tokens, each with its position.
//!
//! The lexer runs over the whole source at once (the source is already bounded by
//! [`MAX_SOURCE_BYTES`](super::MAX_SOURCE_BYTES)), so the parser can look ahead
//! freely. It never recurses and never panics; the first bad character is a
//! `parse` error pointing at it.

use super::error::{shorten, ErrorKind, ScenarioError};

/// The largest `INTEGER`: 2^31 - 1, so every integer fits an `i32` in Rust and is
/// exact in a JavaScript number.
pub const MAX_INTEGER: u32 = i32::MAX as u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    Let,
    Await,
    Async,
    Repeat,
    Null,
}

impl Keyword {
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Let => "let",
            Keyword::Await => "await",
            Keyword::Async => "async",
            Keyword::Repeat => "repeat",
            Keyword::Null => "null",
        }
    }

    fn from_name(name: &str) -> Option<Keyword> {
        Some(match name {
            "let" => Keyword::Let,
            "await" => Keyword::Await,
            "async" => Keyword::Async,
            "repeat" => Keyword::Repeat,
            "null" => Keyword::Null,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    Name(String),
    Keyword(Keyword),
    Integer(u32),
    /// The string's value, escapes already decoded.
    Str(String),
    /// One of `( ) { } , ; =`.
    Punct(char),
    /// The end of the source: always the last token, so the parser never runs off.
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// 1-based line of the token's first character.
    pub line: u32,
    /// 1-based column, in characters, of the token's first character.
    pub col: u32,
    /// Byte range in the source, so the parser can slice labels out of it.
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// How the token is named in "expected X, found Y" messages, as rustc does.
    pub fn describe(&self, source: &str) -> String {
        match &self.kind {
            TokenKind::Eof => "end of input".to_string(),
            TokenKind::Keyword(k) => format!("keyword `{}`", k.as_str()),
            // Kept short even for a 60 KiB string literal.
            _ => format!("`{}`", shorten(text(source, self.start, self.end))),
        }
    }
}

/// A cursor over the characters of the source that keeps line and column.
///
/// It keeps a `Chars` iterator rather than slicing `source[pos..]` for each
/// look: same result, but Miri's borrow tracking makes every such slice cost its
/// whole length, which made lexing quadratic under Miri.
struct Cursor<'a> {
    source: &'a str,
    rest: std::str::Chars<'a>,
    /// Byte offset of the next character.
    pos: usize,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.clone().next()
    }

    fn peek_second(&self) -> Option<char> {
        let mut chars = self.rest.clone();
        chars.next();
        chars.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.rest.next()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
}

/// `&source[start..end]`, for offsets the lexer produced, which always fall on
/// character boundaries.
///
/// `get` rather than indexing: indexing links core's message for a slice off a
/// character boundary, with `char`'s `Debug` and its Unicode tables (3.4 KB
/// of wasm), for a panic that cannot happen here.
pub(crate) fn text(source: &str, start: usize, end: usize) -> &str {
    let text = source.get(start..end);
    debug_assert!(
        text.is_some(),
        "{start}..{end} is not a slice of the source"
    );
    text.unwrap_or_default()
}

/// A character the lexer refuses, as its message shows it: as
/// `char::escape_debug` does for the characters a program may hold, without that
/// method's Unicode tables (3 KB of wasm).
///
/// ASCII and control characters are escaped as `escape_default` escapes them
/// (`\'`, `\u{1}`); other characters are shown as themselves, except those that
/// would be invisible or would join or reorder the text around them, which are
/// escaped too (`\u{200b}`).
fn shown(c: char) -> String {
    let invisible = matches!(
        c,
        '\u{ad}'
            | '\u{300}'..='\u{36f}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    );
    if c.is_ascii() || c.is_control() || invisible {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

fn error(message: impl Into<String>, line: u32, col: u32) -> ScenarioError {
    ScenarioError::new(ErrorKind::Parse, message, line, col)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `source` into tokens; the last one is always [`TokenKind::Eof`].
pub fn tokenize(source: &str) -> Result<Vec<Token>, ScenarioError> {
    let mut cur = Cursor {
        source,
        rest: source.chars(),
        pos: 0,
        line: 1,
        col: 1,
    };
    let mut tokens = Vec::new();
    loop {
        // Whitespace and comments.
        while let Some(c) = cur.peek() {
            if c.is_whitespace() {
                cur.bump();
            } else if c == '/' && cur.peek_second() == Some('/') {
                while let Some(c) = cur.peek() {
                    if c == '\n' {
                        break;
                    }
                    cur.bump();
                }
            } else {
                break;
            }
        }
        let (start, line, col) = (cur.pos, cur.line, cur.col);
        let Some(c) = cur.peek() else {
            tokens.push(Token {
                kind: TokenKind::Eof,
                line,
                col,
                start,
                end: start,
            });
            return Ok(tokens);
        };
        let kind = if is_name_start(c) {
            while cur.peek().is_some_and(is_name_continue) {
                cur.bump();
            }
            let name = text(source, start, cur.pos);
            match Keyword::from_name(name) {
                Some(k) => TokenKind::Keyword(k),
                None => TokenKind::Name(name.to_string()),
            }
        } else if c.is_ascii_digit() {
            lex_integer(&mut cur, line, col)?
        } else if c == '"' {
            lex_string(&mut cur, line, col)?
        } else if matches!(c, '(' | ')' | '{' | '}' | ',' | ';' | '=') {
            // Not `"(){},;=".contains(c)`: for a `c` known only at run time that
            // links `str`'s whole substring search (2.5 KB of wasm).
            cur.bump();
            TokenKind::Punct(c)
        } else {
            return Err(error(
                format!("unexpected character `{}`", shown(c)),
                line,
                col,
            ));
        };
        tokens.push(Token {
            kind,
            line,
            col,
            start,
            end: cur.pos,
        });
    }
}

fn lex_integer(cur: &mut Cursor<'_>, line: u32, col: u32) -> Result<TokenKind, ScenarioError> {
    let start = cur.pos;
    while cur.peek().is_some_and(|c| c.is_ascii_digit()) {
        cur.bump();
    }
    let digits = text(cur.source, start, cur.pos);
    if cur.peek().is_some_and(is_name_continue) {
        // `12abc` is one bad token, as in Rust, rather than `12` followed by `abc`.
        let suffix_start = cur.pos;
        while cur.peek().is_some_and(is_name_continue) {
            cur.bump();
        }
        return Err(error(
            format!(
                "invalid suffix `{}` for integer literal",
                text(cur.source, suffix_start, cur.pos)
            ),
            line,
            col,
        ));
    }
    // Parse digit by digit so a 60 000-digit literal cannot overflow anything.
    let mut value: u64 = 0;
    for d in digits.bytes() {
        value = value * 10 + u64::from(d - b'0');
        if value > u64::from(MAX_INTEGER) {
            let shown = if digits.len() > 20 {
                format!("{}...", text(digits, 0, 17))
            } else {
                digits.to_string()
            };
            return Err(error(
                format!("integer literal is too large: `{shown}` (the largest is {MAX_INTEGER})"),
                line,
                col,
            ));
        }
    }
    Ok(TokenKind::Integer(value as u32))
}

fn lex_string(cur: &mut Cursor<'_>, line: u32, col: u32) -> Result<TokenKind, ScenarioError> {
    cur.bump(); // the opening quote
    let mut value = String::new();
    loop {
        let (c_line, c_col) = (cur.line, cur.col);
        match cur.peek() {
            // rustc points an unterminated string at its opening quote.
            None => return Err(error("unterminated string literal", line, col)),
            Some('"') => {
                cur.bump();
                return Ok(TokenKind::Str(value));
            }
            Some('\n') | Some('\r') => {
                return Err(error(
                    "newline in string literal (write `\\n` instead)",
                    c_line,
                    c_col,
                ))
            }
            Some('\\') => {
                cur.bump();
                match cur.peek() {
                    None => return Err(error("unterminated string literal", line, col)),
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(other) => {
                        return Err(error(
                            format!(
                            "unknown character escape: `\\{}` (use `\\\\`, `\\\"`, `\\n` or `\\t`)",
                            shown(other)
                        ),
                            c_line,
                            c_col,
                        ))
                    }
                }
                cur.bump();
            }
            Some(c) => {
                value.push(c);
                cur.bump();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        tokenize(src).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_and_positions() {
        let toks = tokenize("let a = sleep(10); // hi\n  \"é\" x").unwrap();
        let pos: Vec<(u32, u32)> = toks.iter().map(|t| (t.line, t.col)).collect();
        assert_eq!(
            pos,
            vec![
                (1, 1),
                (1, 5),
                (1, 7),
                (1, 9),
                (1, 14),
                (1, 15),
                (1, 17),
                (1, 18),
                (2, 3),
                (2, 7),
                (2, 8)
            ]
        );
        assert_eq!(toks[8].kind, TokenKind::Str("é".into()));
    }

    #[test]
    fn escapes() {
        assert_eq!(
            kinds(r#""a\\b\"c\nd\te""#),
            vec![TokenKind::Str("a\\b\"c\nd\te".into()), TokenKind::Eof]
        );
    }

    #[test]
    fn errors() {
        let e = tokenize("  \"abc").unwrap_err();
        assert_eq!((e.line, e.col), (1, 3));
        let e = tokenize("\"ab\\qc\"").unwrap_err();
        assert_eq!((e.line, e.col), (1, 4));
        assert!(e.message.contains("`\\q`"), "{}", e.message);
        let e = tokenize("\"ab\ncd\"").unwrap_err();
        assert_eq!((e.line, e.col), (1, 4));
        let e = tokenize("x 2147483648").unwrap_err();
        assert_eq!((e.line, e.col), (1, 3));
        assert_eq!(kinds("2147483647")[0], TokenKind::Integer(2147483647));
        let e = tokenize("é#").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
        let e = tokenize("\"é\" #").unwrap_err();
        assert_eq!((e.line, e.col), (1, 5));
        let e = tokenize("12ab").unwrap_err();
        assert_eq!((e.line, e.col), (1, 1));
    }

    #[test]
    fn refused_characters_are_shown_as_escape_debug_shows_them() {
        let printable = ('!'..='~').chain(['é', '“', '→', '中', '😀']);
        let invisible = [
            '\u{1}', '\u{7f}', '\u{85}', '\u{301}', '\u{200b}', '\u{202e}',
        ];
        for c in printable.chain(invisible).chain(['\t', '\n', '\r']) {
            assert_eq!(shown(c), c.escape_debug().to_string(), "{c:?}");
        }
        let e = tokenize("x \u{feff}").unwrap_err();
        assert_eq!(e.message, "unexpected character `\\u{feff}`");
    }

    #[test]
    fn eof_position_after_last_char() {
        let toks = tokenize("ab\ncd").unwrap();
        let eof = toks.last().unwrap();
        assert_eq!((eof.line, eof.col), (2, 3));
    }
}
