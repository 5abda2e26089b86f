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
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field in error, as a path (`sources[1].url`), when the problem is in one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    /// The offending line of the file, for the caret display.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters the caret underlines (at least 1).
    #[serde(skip)]
    pub width: usize,
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
            source_line: None,
            width: 1,
        }
    }

    /// A problem at a byte span of a file's text.
    pub fn at(
        file: &SourceText<'_>,
        span: Range<usize>,
        field: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = file.line_column(span.start);
        let line_text = file.line_text(line);
        // The caret underlines the span, cut at the end of its first line.
        let start = span.start.min(file.text.len());
        let end = span
            .end
            .min(file.line_start(line) + line_text.len())
            .max(start);
        Diagnostic {
            severity: Severity::Error,
            path: file.path.to_path_buf(),
            line,
            column,
            field,
            message: message.into(),
            source_line: Some(line_text.to_owned()),
            width: file.text[start..end].chars().count().max(1),
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

    /// Order by file, then position, so output is stable whatever order files were parsed in.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.field, &a.message)
                .cmp(&(&b.path, b.line, b.column, &b.field, &b.message))
        });
    }
}

/// A file's text with an index of where its lines start, to turn byte offsets into line:column.
pub struct SourceText<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// Built on first use: most files never need a line number.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> SourceText<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceText {
            path,
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts()[line_index];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line_index + 1, column)
    }

    fn line_start(&self, line: usize) -> usize {
        self.line_starts()[line - 1]
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.line_start(line);
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }
}

/// Diagnostics as a JSON array, for other programs.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    // Serialising plain strings and integers cannot fail.
    serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".to_owned()) + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!((d.line, d.column, d.width), (1, 10, 5));
        let spanning = Diagnostic::at(&file, 0..text.len(), None, "m");
        assert_eq!(spanning.width, "victim = \"Zoë\"".chars().count());
    }
}
