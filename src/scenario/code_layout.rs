//! What the two code generators share: indents, lists that break across
//! lines when they are long, and the lookup in their lists of reserved
//! names. Each generator passes its own indent unit (two spaces for
//! JavaScript, four for Rust) and its own list.

/// `level` indents of `unit`.
///
/// A plain loop, not `str::repeat`, which copies by doubling and links
/// 0.3 KB of wasm for strings a few indents long.
pub(super) fn indent(unit: &str, level: usize) -> String {
    let mut out = String::new();
    for _ in 0..level {
        out.push_str(unit);
    }
    out
}

/// Comma-separated items: on one line if short, else one per line (as
/// Prettier and rustfmt would), items at `level + 1` and the closing bracket
/// back at `level`.
pub(super) fn list(items: &[String], unit: &str, level: usize) -> String {
    let one_line = crate::join(items, ", ");
    if crate::has_byte(&one_line, b'\n') || one_line.len() + unit.len() * level > 60 {
        let mut out = String::from("\n");
        for item in items {
            crate::push_fmt(
                &mut out,
                format_args!("{}{item},\n", indent(unit, level + 1)),
            );
        }
        out.push_str(&indent(unit, level));
        out
    } else {
        one_line
    }
}

/// Whether `word` is one of `words`, a list separated by single spaces.
///
/// The generators keep their reserved names in one string each, not in a
/// `&[&str]`: a table of 60–80 (address, length) pairs in the module's data
/// was 0.25 KB gzipped more (BENCHMARKS.md, case 6).
pub(super) fn is_listed(words: &str, word: &str) -> bool {
    words
        .as_bytes()
        .split(|&byte| byte == b' ')
        .any(|listed| listed == word.as_bytes())
}

/// Test-only: a hand-wrapped list has no doubled space and holds only names.
#[cfg(test)]
pub(super) fn assert_well_formed(words: &str) {
    for word in words.split(' ') {
        assert!(
            !word.is_empty(),
            "a doubled space, or one at an end: {words:?}"
        );
        assert!(
            word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "not a name: {word:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_listed_only_as_a_whole_word() {
        let words = "as async await";
        for listed in ["as", "async", "await"] {
            assert!(is_listed(words, listed), "{listed}");
        }
        for other in ["", "a", "asyn", "awaits", "as async", " as"] {
            assert!(!is_listed(words, other), "{other:?}");
        }
    }
}
