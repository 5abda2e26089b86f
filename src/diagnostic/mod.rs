//! Problems found in the data, with where they are and what to do about them, and their printers.

mod github;
mod human;

pub use github::render_github;
pub use human::{ColorChoice, render_human};

use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one file. Lines and columns count from 1; columns count characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Shown lossily when the name is not UTF-8, never dropped.
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field in error, as a path (`sources[1].url`), when the problem is in one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    /// The file or folder could not be read: an I/O problem (exit 2), not a data problem.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub io: bool,
    /// A bounded piece of the offending line around the caret, for people.
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
}

/// Up to [`Excerpt::BEFORE`] characters before the caret and [`Excerpt::AFTER`] from it, escaped
/// for a terminal. Bounded so that a thousand problems on one long line cost a thousand short
/// strings, not a thousand copies of the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// Characters of `text` before the caret.
    pub caret: usize,
    /// Characters the caret underlines (at least 1).
    pub width: usize,
}

impl Excerpt {
    pub const BEFORE: usize = 40;
    pub const AFTER: usize = 60;

    /// The excerpt of `line` (one line of text) for a caret at byte `start` underlining up to
    /// byte `end`, both within the line.
    fn new(line: &str, start: usize, end: usize) -> Self {
        let (head, tail) = line.split_at(start);
        let mut before: Vec<char> = head.chars().rev().take(Excerpt::BEFORE + 1).collect();
        let cut_before = before.len() > Excerpt::BEFORE;
        before.truncate(Excerpt::BEFORE);
        before.reverse();
        let mut text = String::new();
        if cut_before {
            text.push('…');
        }
        for c in &before {
            text.push_str(&crate::text::escape(c.encode_utf8(&mut [0; 4])));
        }
        let caret = text.chars().count();
        let underlined = end - start;
        let mut width = 0;
        for (taken, (offset, c)) in tail.char_indices().enumerate() {
            if taken == Excerpt::AFTER {
                text.push('…');
                break;
            }
            let shown = crate::text::escape(c.encode_utf8(&mut [0; 4])).into_owned();
            if offset < underlined {
                width += shown.chars().count();
            }
            text.push_str(&shown);
        }
        Excerpt {
            text,
            caret,
            width: width.max(1),
        }
    }
}

fn lossy_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

impl Diagnostic {
    /// A problem with a whole file or folder, not a place in it.
    pub fn for_file(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            field: None,
            message: message.into(),
            io: false,
            excerpt: None,
        }
    }

    /// A file or folder that could not be read.
    pub fn unreadable(path: &Path, error: &std::io::Error) -> Self {
        Diagnostic {
            io: true,
            ..Diagnostic::for_file(path, format!("cannot read: {error}"))
        }
    }

    /// A problem at a byte span of a file's text.
    pub fn at(
        file: &SourceText<'_>,
        span: Range<usize>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        let start = floor_char_boundary(file.text, span.start);
        let (line, column) = file.line_column(start);
        let line_start = file.line_start(line);
        let line_text = file.line_text(line);
        // The caret underlines the span, cut at the end of its first line. A span can start on
        // the line's end itself (a `\r` before `\n`, which the line's text leaves out).
        let line_end = (line_start + line_text.len()).max(start);
        let end = floor_char_boundary(file.text, span.end.clamp(start, line_end));
        Diagnostic {
            severity: Severity::Error,
            path: file.path.to_path_buf(),
            line,
            column,
            field,
            message: message.into(),
            io: false,
            excerpt: Some(Excerpt::new(
                line_text,
                (start - line_start).min(line_text.len()),
                (end - line_start)
                    .min(line_text.len())
                    .max(start - line_start),
            )),
        }
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `field: message`, or just the message: the text every printer shows.
    pub fn headline(&self) -> String {
        match &self.field {
            Some(field) => format!("{field}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// What makes two problems "the same kind": the field with its indexes removed
    /// (`sources[].url`), or the message when there is no field.
    pub fn kind(&self) -> String {
        match &self.field {
            Some(field) => {
                let mut kind = String::with_capacity(field.len());
                let mut in_index = false;
                for c in field.chars() {
                    match c {
                        '[' => {
                            in_index = true;
                            kind.push('[');
                        }
                        ']' => {
                            in_index = false;
                            kind.push(']');
                        }
                        c if in_index && c.is_ascii_digit() => {}
                        c => kind.push(c),
                    }
                }
                kind
            }
            None => self.message.clone(),
        }
    }

    /// The headline as a terminal or CI log may show it: one line, escaped, and bounded.
    pub fn shown_headline(&self) -> String {
        let message = crate::text::escape(&crate::text::clip(&self.message, 400)).into_owned();
        match &self.field {
            Some(field) => format!("{}: {message}", crate::text::echo(field)),
            None => message,
        }
    }

    /// Order by file, then position, so output is stable whatever order files were parsed in.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.field, &a.message)
                .cmp(&(&b.path, b.line, b.column, &b.field, &b.message))
        });
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Bytes per block of the character-count index: a column costs at most one block's scan.
const CHAR_BLOCK: usize = 256;

/// A file's text with an index of where its lines start, to turn byte offsets into line:column.
pub struct SourceText<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// Built on first use: most files never need a line number.
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// Characters before each [`CHAR_BLOCK`]-byte block, so that columns on a long line cost
    /// O(1) each rather than a scan from the line's start (problems on one line stay linear).
    chars_before_block: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> SourceText<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceText {
            path,
            text,
            line_starts: std::cell::OnceCell::new(),
            chars_before_block: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// Characters in `text[..offset]`: every byte that does not continue a UTF-8 sequence
    /// starts a character.
    fn chars_before(&self, offset: usize) -> usize {
        let starts = |bytes: &[u8]| bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        let index = self.chars_before_block.get_or_init(|| {
            let mut total = 0;
            let mut index = vec![0];
            for block in self.text.as_bytes().chunks(CHAR_BLOCK) {
                total += starts(block);
                index.push(total);
            }
            index
        });
        let block = offset / CHAR_BLOCK;
        index[block] + starts(&self.text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts()[line_index];
        let column = self.chars_before(offset) - self.chars_before(start) + 1;
        (line_index + 1, column)
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts()[line - 1]
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_start(line);
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// How many problems of one kind (same file, severity and field, indexes aside) people are
/// shown before the rest are counted: a file with 20 000 bad sources needs five examples and a
/// count, not 20 000 screens.
pub const SHOWN_PER_KIND: usize = 5;

/// What a printer for people shows: a diagnostic, or the count of those held back.
pub enum Shown<'d> {
    One(&'d Diagnostic),
    More {
        path: &'d Path,
        severity: Severity,
        kind: String,
        count: usize,
    },
}

/// The diagnostics (sorted by file) with repeats beyond [`SHOWN_PER_KIND`] folded into one
/// "… and N more" entry at the end of their file.
pub fn fold_repeats(diagnostics: &[Diagnostic]) -> Vec<Shown<'_>> {
    type Counts = std::collections::BTreeMap<(Severity, String), usize>;
    fn flush<'d>(counts: &mut Counts, path: &'d Path, out: &mut Vec<Shown<'d>>) {
        for ((severity, kind), n) in std::mem::take(counts) {
            if n > SHOWN_PER_KIND {
                out.push(Shown::More {
                    path,
                    severity,
                    kind,
                    count: n - SHOWN_PER_KIND,
                });
            }
        }
    }
    let mut out = Vec::new();
    let mut counts = Counts::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 && diagnostics[i - 1].path != d.path {
            flush(&mut counts, &diagnostics[i - 1].path, &mut out);
        }
        let n = counts.entry((d.severity, d.kind())).or_default();
        *n += 1;
        if *n <= SHOWN_PER_KIND {
            out.push(Shown::One(d));
        }
    }
    if let Some(last) = diagnostics.last() {
        flush(&mut counts, &last.path, &mut out);
    }
    out
}

/// Diagnostics as a JSON array, for other programs. Every problem is in it: paths that are not
/// UTF-8 are written lossily, and characters that would act on a terminal showing the JSON are
/// written as `\u` escapes (the same strings to a JSON reader).
pub fn render_json(diagnostics: &[Diagnostic]) -> Result<String, serde_json::Error> {
    Ok(crate::text::escape_json(&serde_json::to_string_pretty(diagnostics)?) + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_bounded_and_escaped_around_the_caret() {
        let line = format!(
            "{}victim = \"\u{1b}]0;x\"{}",
            "a".repeat(500),
            "b".repeat(500)
        );
        let file = SourceText::new(Path::new("x.toml"), &line);
        let at = 500 + "victim = ".len();
        let d = Diagnostic::at(&file, at..at + 9, None, "m");
        let excerpt = d.excerpt.expect("excerpt");
        assert_eq!(d.column, 510);
        assert!(
            excerpt
                .text
                .starts_with(&format!("…{}victim = ", "a".repeat(31)))
        );
        assert!(excerpt.text.contains("\"\\u{1b}]0;x\""), "{}", excerpt.text);
        assert!(excerpt.text.ends_with('…'));
        assert_eq!(
            excerpt.text.chars().count(),
            1 + 40 + 60 + 1 + "\\u{1b}".len() - 1
        );
        assert_eq!(
            (excerpt.caret, excerpt.width),
            (41, 9 + "\\u{1b}".len() - 1)
        );
    }

    #[test]
    fn columns_on_a_long_line_count_characters() {
        let line = "ë".repeat(1000) + "x";
        let file = SourceText::new(Path::new("x.toml"), &line);
        assert_eq!(file.line_column(2000), (1, 1001));
        assert_eq!(file.line_column(1000), (1, 501));
    }

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "a = 1\nvictim = \"Zoë\"\nb = 2";
        let file = SourceText::new(Path::new("x.toml"), text);
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(6), (2, 1));
        let after_e = text.find("\"\nb").unwrap_or(0);
        assert_eq!(file.line_column(after_e), (2, 14));
        assert_eq!(file.line_column(text.len()), (3, 6));
        assert_eq!(file.line_text(2), "victim = \"Zoë\"");
    }

    #[test]
    fn caret_width_counts_characters_and_stops_at_line_end() {
        let text = "victim = \"Zoë\"\nnext = 1\n";
        let file = SourceText::new(Path::new("x.toml"), text);
        let d = Diagnostic::at(&file, 9..16, Some("victim".into()), "m");
        let width = |d: &Diagnostic| d.excerpt.as_ref().map_or(0, |e| e.width);
        assert_eq!((d.line, d.column, width(&d)), (1, 10, 5));
        let spanning = Diagnostic::at(&file, 0..text.len(), None, "m");
        assert_eq!(width(&spanning), "victim = \"Zoë\"".chars().count());
    }

    #[test]
    fn a_span_starting_on_a_carriage_return_is_placed_without_panic() {
        // Found by fuzzing: the line's text leaves out the `\r`, so the span began past it.
        let text = "url = \"https://e.test/a\r\nb\"\n";
        let file = SourceText::new(Path::new("x.toml"), text);
        let at = text.find('\n').expect("newline");
        let d = Diagnostic::at(&file, at..at + 3, Some("url".into()), "m");
        assert_eq!(d.line, 1);
        assert!(d.excerpt.as_ref().is_some_and(|e| e.width <= 1));
    }
}
