//! The example programs the playground offers, each with what to watch for.
//!
//! They live as plain program files in `presets/` (each a valid program: the
//! explanation is its leading `//` comment) and are compiled into the crate.
//! The page and the npm package have them as a JavaScript module that
//! `scripts/build.sh` writes from this reader's output
//! (`examples/presets_module.rs`), so they need no fetch of their own, and the
//! engine's wasm, which never reads them, does not carry them (BENCHMARKS.md,
//! case 6).

/// One example program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The file's name without its extension, e.g. `01-timer-created-vs-polled`.
    pub id: &'static str,
    pub title: String,
    /// What to watch for, from the comment at the top of the file.
    pub explanation: String,
    /// The whole file, comment included.
    pub source: &'static str,
    /// The program after the header comment: what the editor shows, with the
    /// explanation beside it.
    pub program: &'static str,
}

macro_rules! preset_files {
    ($($id:literal),* $(,)?) => {
        [$(($id, include_str!(concat!("../presets/", $id, ".scenario")))),*]
    };
}

const FILES: [(&str, &str); 11] = preset_files![
    "01-timer-created-vs-polled",
    "02-fetch-started-before-awaited",
    "03-sequential-vs-join",
    "04-race-losers",
    "05-never-awaited",
    "06-async-block-bodies",
    "07-spawn-makes-rust-eager",
    "08-unawaited-fail",
    "09-yield-now-self-wakes",
    "10-moved-future",
    "11-many-concurrent-timers",
];

/// Every preset, in the order the page lists them.
pub fn all() -> Vec<Preset> {
    FILES
        .iter()
        .map(|&(id, source)| parse_header(id, source))
        .collect()
}

/// The preset with this id, or `None`.
pub fn by_id(id: &str) -> Option<Preset> {
    FILES
        .iter()
        .find(|(file_id, _)| *file_id == id)
        .map(|&(id, source)| parse_header(id, source))
}

/// Reads `// title: …` and the comment lines after it.
fn parse_header(id: &'static str, source: &'static str) -> Preset {
    let mut title = id.to_string();
    let mut explanation = Vec::new();
    let mut program = source;
    // Line by line with a byte search, not `lines()` (see `crate::has_byte`),
    // and ASCII trims: `trim()` links UTF-8 decoding backwards and a
    // character searcher (0.5 KB of wasm), and these headers are ours (the
    // tests check that nothing is left to trim).
    loop {
        let end = program
            .bytes()
            .position(|b| b == b'\n')
            .unwrap_or(program.len());
        let line = program.get(..end).unwrap_or_default();
        let Some(comment) = line.trim_ascii_start().strip_prefix("//") else {
            break;
        };
        // The rest after this line's `\n` (none: the file is all comment).
        program = program.get(end + 1..).unwrap_or_default();
        let comment = comment.trim_ascii();
        match comment.strip_prefix("title:") {
            Some(text) => title = text.trim_ascii().to_string(),
            None => explanation.push(comment),
        }
    }
    Preset {
        id,
        title,
        explanation: crate::join(&explanation, " "),
        source,
        program,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{check_source, parse, ErrorKind};

    #[test]
    fn every_preset_has_a_title_and_an_explanation_and_parses() {
        let presets = all();
        assert!(presets.len() >= 10);
        for preset in &presets {
            assert!(
                !preset.title.is_empty() && preset.title != preset.id,
                "{}: no title",
                preset.id
            );
            assert!(
                preset.explanation.len() > 40,
                "{}: explanation too short",
                preset.id
            );
            for text in [preset.title.as_str(), preset.explanation.as_str()] {
                assert_eq!(text, text.trim(), "{}: untrimmed header", preset.id);
            }
            parse(preset.source).unwrap_or_else(|e| panic!("{}: {e}", preset.id));
        }
    }

    #[test]
    fn only_the_moved_future_preset_is_refused_by_rust() {
        for preset in all() {
            let checked = check_source(preset.source);
            if preset.id == "10-moved-future" {
                let errors = checked.expect_err("the moved future is refused");
                assert_eq!(errors[0].kind, ErrorKind::Check);
                assert!(
                    errors[0].message.contains("use of moved value"),
                    "{}",
                    errors[0].message
                );
            } else {
                checked.unwrap_or_else(|e| panic!("{}: {e:?}", preset.id));
            }
        }
    }

    #[test]
    fn the_program_is_the_file_after_its_header() {
        let preset = by_id("05-never-awaited").unwrap();
        assert!(
            preset.program.starts_with("let forgotten = sleep(100"),
            "{}",
            preset.program
        );
        assert!(preset.source.ends_with(preset.program));
        for preset in all() {
            assert!(!preset.program.contains("// title:"), "{}", preset.id);
            if let Err(errors) = check_source(preset.program) {
                assert_eq!(
                    (preset.id, errors[0].kind),
                    ("10-moved-future", ErrorKind::Check)
                );
            }
        }
    }

    #[test]
    fn lookup_by_id() {
        assert_eq!(
            by_id("04-race-losers").map(|p| p.title),
            Some("race: losers run on in JS, are cancelled in Rust".into())
        );
        assert_eq!(by_id("nope"), None);
    }
}
