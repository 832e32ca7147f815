//! Layout the two code generators share: indents, and lists that break
//! across lines when they are long. Each generator passes its own indent
//! unit (two spaces for JavaScript, four for Rust).

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
