//! Property runs with a small deterministic pseudo-random generator (no crates):
//! - random token soups and mutations of valid programs: parsing and checking
//!   never panic, and every error points inside the source;
//! - valid programs generated from the grammar: they parse, every label is the
//!   source text at its position, `to_json` is valid JSON, and both code
//!   generators run.
//!
//! Each run is bounded by a time budget and an iteration count (much smaller
//! under Miri). Failures print the seed and the program.
// Uses threads and clocks, which wasm32-unknown-unknown does not have.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use futures_playground::scenario::ast::{Block, Expr, ExprKind, Program, Stmt, StmtKind};
use futures_playground::scenario::{check, parse, to_javascript, to_json, to_rust, ScenarioError};

#[cfg(miri)]
const ITERATIONS: u32 = 8;
#[cfg(not(miri))]
const ITERATIONS: u32 = 20_000;
const TIME_BUDGET: Duration = Duration::from_millis(2_500);

/// SplitMix64: tiny, fast, good enough to drive a fuzzer, and reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Runs `f(rng, i)` for each iteration until the count or the time budget runs out.
fn run(seed: u64, mut f: impl FnMut(&mut Rng, u32)) {
    let start = Instant::now();
    let mut rng = Rng(seed);
    for i in 0..ITERATIONS {
        if start.elapsed() > TIME_BUDGET {
            break;
        }
        f(&mut rng, i);
    }
}

// ---------------------------------------------------------------------------
// Generating valid programs from the grammar

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Str,
    Future,
    Other,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    out: String,
    scopes: Vec<Vec<(String, Kind)>>,
    fresh: u32,
}

const STRINGS: &[&str] = &[
    "/ok",
    "boom",
    "é ✓ 日本",
    "a\\\"b",
    "tab\\tnl\\n",
    "",
    "{x}",
    "100%",
];

impl Gen<'_> {
    /// Random whitespace or a comment between tokens.
    fn space(&mut self) {
        match self.rng.below(12) {
            0 => self.out.push('\n'),
            1 => self.out.push('\t'),
            2 => self.out.push_str(" // comment ✓\n"),
            3 => self.out.push_str("\r\n  "),
            4..=7 => {}
            _ => self.out.push(' '),
        }
    }

    fn tok(&mut self, t: &str) {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if self.out.ends_with(word) && t.starts_with(word) {
            self.out.push(' ');
        }
        self.out.push_str(t);
        self.space();
    }

    /// Names in scope with the kind of the binding they refer to (shadowing applied).
    fn visible(&self) -> Vec<(String, Kind)> {
        let mut out: Vec<(String, Kind)> = Vec::new();
        for (name, kind) in self.scopes.iter().flatten() {
            out.retain(|(n, _)| n != name);
            out.push((name.clone(), *kind));
        }
        out
    }

    fn names_of(&self, kind: Kind) -> Vec<String> {
        self.visible()
            .into_iter()
            .filter(|(_, k)| *k == kind)
            .map(|(n, _)| n)
            .collect()
    }

    fn string_lit(&mut self) {
        let s = format!("\"{}\"", self.rng.pick(STRINGS));
        self.tok(&s);
    }

    fn string_arg(&mut self) {
        let names = self.names_of(Kind::Str);
        if !names.is_empty() && self.rng.chance(40) {
            let n = self.rng.pick(&names).clone();
            self.tok(&n);
        } else {
            self.string_lit();
        }
    }

    fn args(&mut self, n: usize, depth: u32) {
        self.tok("(");
        for i in 0..n {
            if i > 0 {
                self.tok(",");
            }
            self.expr(depth + 1);
        }
        self.tok(")");
    }

    /// Emits an expression and returns its kind.
    fn expr(&mut self, depth: u32) -> Kind {
        let leaf = depth > 6 || self.rng.chance(30);
        let choice = if leaf {
            self.rng.below(5)
        } else {
            self.rng.below(16)
        };
        match choice {
            0 => {
                let v = self
                    .rng
                    .pick(&["0", "1", "300", "2147483647", "007"])
                    .to_string();
                self.tok(&v);
                Kind::Int
            }
            1 => {
                self.string_lit();
                Kind::Str
            }
            2 => {
                self.tok("null");
                Kind::Other
            }
            3 | 4 => {
                let all = self.visible();
                if all.is_empty() {
                    self.tok("yield_now");
                    self.tok("(");
                    self.tok(")");
                    Kind::Future
                } else {
                    let (n, k) = self.rng.pick(&all).clone();
                    self.tok(&n);
                    k
                }
            }
            5 | 6 => {
                self.tok("sleep");
                self.tok("(");
                let ms = self.rng.pick(&["0", "5", "300"]).to_string();
                self.tok(&ms);
                if self.rng.chance(50) {
                    self.tok(",");
                    self.expr(depth + 1);
                }
                self.tok(")");
                Kind::Future
            }
            7 => {
                self.tok("fetch");
                self.tok("(");
                self.string_arg();
                self.tok(")");
                Kind::Future
            }
            8 => {
                self.tok("fail");
                self.tok("(");
                self.string_arg();
                self.tok(")");
                Kind::Future
            }
            9 => {
                let b = *self.rng.pick(&["join", "race"]);
                self.tok(b);
                let n = 1 + self.rng.below(3);
                self.args(n, depth);
                Kind::Future
            }
            10 => {
                self.tok("spawn");
                self.args(1, depth);
                Kind::Future
            }
            11 => {
                self.tok("log");
                let n = self.rng.below(3);
                self.args(n, depth);
                Kind::Other
            }
            12 | 13 => {
                self.tok("await");
                match self.expr(depth + 1) {
                    Kind::Future => Kind::Other,
                    k => k,
                }
            }
            _ => {
                self.tok("async");
                self.block(depth + 1, true);
                Kind::Future
            }
        }
    }

    fn block(&mut self, depth: u32, allow_tail: bool) {
        self.tok("{");
        self.scopes.push(Vec::new());
        let n = self.rng.below(4);
        for _ in 0..n {
            self.stmt(depth + 1);
        }
        if allow_tail && self.rng.chance(50) {
            self.expr(depth + 1);
        }
        self.scopes.pop();
        self.tok("}");
    }

    fn stmt(&mut self, depth: u32) {
        match self.rng.below(10) {
            0..=4 => {
                self.tok("let");
                // Reuse a name sometimes, to exercise shadowing.
                let name = if self.fresh > 0 && self.rng.chance(20) {
                    format!("v{}", self.rng.below(self.fresh as usize))
                } else if self.rng.chance(5) {
                    self.rng
                        .pick(&["new", "type", "sleep", "_", "i", "main"])
                        .to_string()
                } else {
                    self.fresh += 1;
                    format!("v{}", self.fresh - 1)
                };
                self.tok(&name);
                self.tok("=");
                let kind = self.expr(depth + 1);
                self.tok(";");
                self.scopes.last_mut().unwrap().push((name, kind));
            }
            5 if depth < 6 => {
                self.tok("repeat");
                let n = self.rng.pick(&["0", "1", "3"]).to_string();
                self.tok(&n);
                let tail = self.rng.chance(20);
                self.block(depth + 1, tail);
            }
            _ => {
                self.expr(depth + 1);
                self.tok(";");
            }
        }
    }
}

fn generate(rng: &mut Rng) -> String {
    let mut gen = Gen {
        rng,
        out: String::new(),
        scopes: vec![Vec::new()],
        fresh: 0,
    };
    let n = 1 + gen.rng.below(8);
    for _ in 0..n {
        gen.stmt(0);
    }
    gen.out
}

// ---------------------------------------------------------------------------
// Properties

/// Every error points at a character of the source or just after its end.
#[track_caller]
fn assert_in_bounds(src: &str, e: &ScenarioError) {
    let lines: Vec<&str> = src.split('\n').collect();
    assert!(e.line >= 1 && e.col >= 1, "{e} for {src:?}");
    let line = lines
        .get(e.line as usize - 1)
        .unwrap_or_else(|| panic!("line out of range: {e} for {src:?}"));
    assert!(
        e.col as usize <= line.chars().count() + 1,
        "column out of range: {e} for {src:?}"
    );
}

fn parse_and_check(src: &str) {
    match parse(src) {
        Ok(program) => {
            for e in check(&program) {
                assert_in_bounds(src, &e);
            }
            // Whatever parses can be written out.
            let _ = to_json(&program);
            let _ = to_javascript(&program);
            let _ = to_rust(&program);
        }
        Err(e) => assert_in_bounds(src, &e),
    }
}

/// The source text starting at a 1-based line and column (in chars).
fn text_at(src: &str, line: u32, col: u32) -> String {
    let line_text = src.split('\n').nth(line as usize - 1).unwrap();
    let rest: String = line_text.chars().skip(col as usize - 1).collect();
    let after: String = src
        .split('\n')
        .skip(line as usize)
        .collect::<Vec<_>>()
        .join("\n");
    format!("{rest}\n{after}")
}

fn check_labels_expr(src: &str, e: &Expr) {
    assert!(
        text_at(src, e.pos.line, e.pos.col).starts_with(&e.label),
        "label {:?} is not at {}:{}",
        e.label,
        e.pos.line,
        e.pos.col
    );
    match &e.kind {
        ExprKind::Await(inner) => check_labels_expr(src, inner),
        ExprKind::Async(b) => check_labels_block(src, b),
        ExprKind::Call { args, .. } => args.iter().for_each(|a| check_labels_expr(src, a)),
        _ => {}
    }
}

fn check_labels_block(src: &str, b: &Block) {
    assert!(text_at(src, b.pos.line, b.pos.col).starts_with(&b.label));
    check_labels_stmts(src, &b.statements);
    if let Some(t) = &b.tail {
        check_labels_expr(src, t);
    }
}

fn check_labels_stmts(src: &str, stmts: &[Stmt]) {
    for s in stmts {
        assert!(text_at(src, s.pos.line, s.pos.col).starts_with(&s.label));
        match &s.kind {
            StmtKind::Let { value, .. } => check_labels_expr(src, value),
            StmtKind::Expr(e) => check_labels_expr(src, e),
            StmtKind::Repeat { body, .. } => check_labels_block(src, body),
        }
    }
}

fn check_labels(src: &str, p: &Program) {
    check_labels_stmts(src, &p.body);
}

#[test]
fn generated_programs_parse_and_write_out() {
    run(0x5EED_0001, |rng, i| {
        let src = generate(rng);
        let program = parse(&src)
            .unwrap_or_else(|e| panic!("iteration {i}: generated program refused: {e}\n{src}"));
        check_labels(&src, &program);
        for e in check(&program) {
            assert_in_bounds(&src, &e);
        }
        let json = to_json(&program);
        if let Err(at) = json::validate(&json) {
            panic!("iteration {i}: invalid JSON at byte {at}: {json}\nfrom {src}");
        }
        assert!(json.starts_with("{\"type\":\"program\",\"body\":["));
        let js = to_javascript(&program);
        assert!(js.contains("async function main() {"));
        assert_eq!(js.matches('{').count(), js.matches('}').count(), "{js}");
        let rs = to_rust(&program);
        assert!(rs.contains("async fn scenario() -> Result<(), Error> {"));
        assert!(!rs.contains('\t'));
    });
}

const ALPHABET: &[char] = &[
    'a', 'z', '_', '0', '9', ' ', '\n', '\t', '\r', '(', ')', '{', '}', ',', ';', '=', '"', '\\',
    '/', '#', '-', 'é', '日', '🦀', '\u{0}', '\u{2028}',
];
const WORDS: &[&str] = &[
    "let ",
    "await ",
    "async ",
    "repeat ",
    "null",
    "sleep(",
    "fetch(",
    "join(",
    "race(",
    "spawn(",
    "yield_now()",
    "fail(",
    "log(",
    "foo(",
    "2147483648",
    "\"\\q\"",
    "// c\n",
];

fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let len = chars.len();
        match rng.below(6) {
            0 if len > 0 => {
                chars.remove(rng.below(len));
            }
            1 => {
                let c = *rng.pick(ALPHABET);
                chars.insert(rng.below(len + 1), c);
            }
            2 if len > 1 => {
                let i = rng.below(len - 1);
                chars.swap(i, i + 1);
            }
            3 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(20)).min(len);
                let copy: Vec<char> = chars[a..b].to_vec();
                let at = rng.below(len + 1);
                chars.splice(at..at, copy);
            }
            4 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(10)).min(len);
                chars.drain(a..b);
            }
            _ => {
                let w: Vec<char> = rng.pick(WORDS).chars().collect();
                let at = rng.below(len + 1);
                chars.splice(at..at, w);
            }
        }
    }
    chars.into_iter().collect()
}

const SEEDS: &[&str] = &[
    "let a = sleep(300);\nlet b = fetch(\"/x\");\nlog(await join(a, b));",
    "let t = async { await sleep(10); 7 };\nrepeat 3 { log(\"tick\", await yield_now()); }\nawait t;",
    "let h = spawn(async { log(\"é\"); await fail(\"boom\"); });\nawait race(h, sleep(5, \"late\"));",
    "// comment\nlet a = sleep(1);\nawait a;\nawait a;\nawait 5;",
];

#[test]
fn mutated_programs_never_panic_and_point_inside() {
    run(0x5EED_0002, |rng, _| {
        let base = if rng.chance(50) {
            rng.pick(SEEDS).to_string()
        } else {
            generate(rng)
        };
        let src = mutate(rng, &base);
        parse_and_check(&src);
    });
}

#[test]
fn token_soups_never_panic_and_point_inside() {
    let vocabulary: Vec<String> = WORDS
        .iter()
        .map(|w| w.to_string())
        .chain(ALPHABET.iter().map(|c| c.to_string()))
        .chain(["a", "b", "1", "\"s\"", ")", "}", ";", "\n"].map(String::from))
        .collect();
    run(0x5EED_0003, |rng, _| {
        let n = rng.below(60);
        let src: String = (0..n)
            .map(|_| rng.pick(&vocabulary).clone())
            .collect::<Vec<_>>()
            .join(if rng.chance(50) { " " } else { "" });
        parse_and_check(&src);
    });
}

#[test]
fn the_validator_itself() {
    assert!(json::validate(r#"{"a":[1,-2.5e3,true,false,null,"x\"\u00e9"],"b":{}}"#).is_ok());
    for bad in [
        "{",
        "{\"a\"}",
        "[1,]",
        "\"\u{1}\"",
        "{\"a\":1}x",
        "01",
        "\"\\x\"",
    ] {
        assert!(json::validate(bad).is_err(), "{bad}");
    }
}

/// A tiny strict JSON (RFC 8259) validator, enough to prove `to_json` well formed.
mod json {
    pub fn validate(s: &str) -> Result<(), usize> {
        let mut p = P {
            b: s.as_bytes(),
            i: 0,
        };
        p.value(0)?;
        p.ws();
        if p.i == p.b.len() {
            Ok(())
        } else {
            Err(p.i)
        }
    }

    struct P<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl P<'_> {
        fn peek(&self) -> Option<u8> {
            self.b.get(self.i).copied()
        }
        fn ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
                self.i += 1;
            }
        }
        fn eat(&mut self, c: u8) -> Result<(), usize> {
            self.ws();
            if self.peek() == Some(c) {
                self.i += 1;
                Ok(())
            } else {
                Err(self.i)
            }
        }
        fn lit(&mut self, word: &str) -> Result<(), usize> {
            if self.b[self.i..].starts_with(word.as_bytes()) {
                self.i += word.len();
                Ok(())
            } else {
                Err(self.i)
            }
        }
        fn value(&mut self, depth: usize) -> Result<(), usize> {
            if depth > 1000 {
                return Err(self.i);
            }
            self.ws();
            match self.peek() {
                Some(b'{') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.ws();
                        self.string()?;
                        self.eat(b':')?;
                        self.value(depth + 1)?;
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return Err(self.i),
                        }
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.value(depth + 1)?;
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return Err(self.i),
                        }
                    }
                }
                Some(b'"') => self.string(),
                Some(b't') => self.lit("true"),
                Some(b'f') => self.lit("false"),
                Some(b'n') => self.lit("null"),
                Some(b'-' | b'0'..=b'9') => self.number(),
                _ => Err(self.i),
            }
        }
        fn string(&mut self) -> Result<(), usize> {
            if self.peek() != Some(b'"') {
                return Err(self.i);
            }
            self.i += 1;
            loop {
                match self.peek() {
                    None => return Err(self.i),
                    Some(b'"') => {
                        self.i += 1;
                        return Ok(());
                    }
                    Some(b'\\') => {
                        self.i += 1;
                        match self.peek() {
                            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                                self.i += 1
                            }
                            Some(b'u') => {
                                self.i += 1;
                                for _ in 0..4 {
                                    if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                        return Err(self.i);
                                    }
                                    self.i += 1;
                                }
                            }
                            _ => return Err(self.i),
                        }
                    }
                    Some(c) if c < 0x20 => return Err(self.i),
                    Some(_) => self.i += 1,
                }
            }
        }
        fn number(&mut self) -> Result<(), usize> {
            if self.peek() == Some(b'-') {
                self.i += 1;
            }
            match self.peek() {
                Some(b'0') => self.i += 1,
                Some(b'1'..=b'9') => {
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.i += 1;
                    }
                }
                _ => return Err(self.i),
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.i);
            }
            if self.peek() == Some(b'.') {
                self.i += 1;
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(self.i);
                }
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.i += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.i += 1;
                }
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(self.i);
                }
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
            }
            Ok(())
        }
    }
}
