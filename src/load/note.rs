//! The editor's assessment of a period: `notes/<label>.md` (`2024-03.md`, `2024-Q1.md`,
//! `2024.md`), Markdown reviewed like a record. Reading it is the loader's part: the file
//! (regular, inside the notes folder, bounded), its characters, its label, and its citations
//! `[@record-id]` (an id or an alias), each found with its line and column so that one that
//! names no record is reported where it is. How a note is placed in the brief is the
//! renderer's part (`render::assessment`), from the same events ([`events`]).

use crate::diagnostic::{Diagnostic, SourceText};
use crate::period::Period;
use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The most a note may hold: an assessment is a page or two (this is about fifty).
pub const MAX_NOTE_BYTES: u64 = 256 * 1024;

/// The Markdown a note is read as: CommonMark, without the extensions (no tables, footnotes or
/// heading attributes), so every construct it holds is one the renderer re-writes.
pub const NOTE_OPTIONS: Options = Options::empty();

/// A note as read: its file, the period label it is for, its text, and (once [`resolve`]d)
/// the record id each citation names.
#[derive(Clone, Debug)]
pub struct Note {
    pub path: PathBuf,
    pub label: String,
    pub text: String,
    /// Each citation's key (what follows `@`) and the id of the record it names.
    pub records: BTreeMap<String, String>,
}

/// One citation in a note: its key (an id or alias) and its bytes in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub key: String,
    pub span: Range<usize>,
}

/// The note's Markdown events with their byte ranges. A citation `[@key]` (or `[words][@key]`)
/// comes as a link whose destination is `@key`, of one of the "unknown reference" link types:
/// [`citation_key`] tells it from a link the editor wrote.
pub fn events(text: &str) -> impl Iterator<Item = (Event<'_>, Range<usize>)> {
    Parser::new_with_broken_link_callback(text, NOTE_OPTIONS, Some(cite)).into_offset_iter()
}

/// A reference no definition matches is a citation when its label starts with `@`.
fn cite<'a>(link: BrokenLink<'a>) -> Option<(CowStr<'a>, CowStr<'a>)> {
    if link.reference.starts_with('@') {
        Some((link.reference, CowStr::Borrowed("")))
    } else {
        None
    }
}

/// The key a link event cites (`2024-03-26-munchables` for `[@2024-03-26-munchables]`), when
/// it is a citation.
pub fn citation_key<'a>(tag: &'a Tag<'_>) -> Option<&'a str> {
    match tag {
        Tag::Link {
            link_type:
                LinkType::ShortcutUnknown | LinkType::CollapsedUnknown | LinkType::ReferenceUnknown,
            dest_url,
            ..
        } => dest_url.strip_prefix('@'),
        _ => None,
    }
}

/// The note's citations, and the places where a link definition takes a citation's label
/// (`[@id]: https://…`), which would make `[@id]` a link to somewhere else.
fn citations(text: &str) -> (Vec<Citation>, Vec<Range<usize>>) {
    let mut found = Vec::new();
    let mut defined = Vec::new();
    for (event, span) in events(text) {
        let Event::Start(tag) = &event else { continue };
        if let Some(key) = citation_key(tag) {
            found.push(Citation {
                key: key.to_owned(),
                span,
            });
        } else if let Tag::Link {
            link_type: LinkType::Shortcut | LinkType::Collapsed | LinkType::Reference,
            id,
            ..
        } = tag
            && id.starts_with('@')
        {
            defined.push(span);
        }
    }
    (found, defined)
}

/// The period a note's file stem names, when it is a period's label as `build` writes it.
pub fn period_of(label: &str) -> Option<Period> {
    let period = Period::parse_month(label)
        .or_else(|_| Period::parse_quarter(label))
        .or_else(|_| Period::parse_year(label))
        .ok()?;
    (period.label() == label).then_some(period)
}

/// Reads the note for `label` in `dir`: `None` when there is none. The file is read without
/// following a symbolic link and only up to [`MAX_NOTE_BYTES`]; a problem with it is a
/// diagnostic (an unreadable file is an I/O one).
pub fn read_note(dir: &Path, label: &str) -> Result<Option<Note>, Box<Diagnostic>> {
    let name = format!("{label}.md");
    let path = dir.join(&name);
    match path.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let bytes = match crate::fs::read_beneath_at_most(dir, Path::new(&name), MAX_NOTE_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            return Err(Box::new(Diagnostic::for_file(
                &path,
                format!(
                    "the note is larger than {} KiB; an assessment is a page or two of text",
                    MAX_NOTE_BYTES / 1024
                ),
            )));
        }
        Err(e) => return Err(Box::new(Diagnostic::unreadable(&path, &e))),
    };
    let Ok(mut text) = String::from_utf8(bytes) else {
        return Err(Box::new(Diagnostic::for_file(
            &path,
            "the note is not valid UTF-8; save it as UTF-8",
        )));
    };
    // A byte-order mark some editors write is no part of the text.
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(Some(Note {
        path,
        label: label.to_owned(),
        text,
        records: BTreeMap::new(),
    }))
}

/// Every note in a folder, the problems met reading them, and how many files were notes.
pub type Notes = (Vec<Note>, Vec<Diagnostic>, usize);

/// Reads every note in `dir` (each `*.md` file directly in it, not hidden; others are not
/// notes), each problem a diagnostic: a name that is no period's label, a file that cannot be
/// read.
pub fn read_notes(dir: &Path) -> std::io::Result<Notes> {
    let mut files = 0;
    let mut names: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(label) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".md"))
            .filter(|l| !l.starts_with('.'))
        else {
            continue;
        };
        files += 1;
        if period_of(label).is_some() {
            names.push(label.to_owned());
        } else {
            problems.push(Diagnostic::for_file(
                &entry.path(),
                format!(
                    "`{}` is not a period's label: a note is named for the brief it goes in, as `2024-03.md`, `2024-Q1.md` or `2024.md`",
                    crate::text::echo(label)
                ),
            ));
        }
    }
    names.sort();
    let mut notes = Vec::new();
    for label in names {
        match read_note(dir, &label) {
            Ok(Some(note)) => notes.push(note),
            Ok(None) => {}
            Err(problem) => problems.push(*problem),
        }
    }
    Ok((notes, problems, files))
}

/// Checks a note's text and resolves its citations with `resolve` (an id or alias to the
/// record's id), filling [`Note::records`]. Each problem is placed at its line and column: a
/// character a note may not hold, a citation that names no record, a definition that takes a
/// citation's label.
pub fn resolve<'a>(note: &mut Note, resolve: impl Fn(&str) -> Option<&'a str>) -> Vec<Diagnostic> {
    let file = SourceText::new(&note.path, &note.text);
    let mut problems = Vec::new();
    for (at, c) in note.text.char_indices() {
        // Prose may hold newlines and tabs; a Windows line end's `\r` is a line end too.
        if c == '\r' && note.text[at + 1..].starts_with('\n') {
            continue;
        }
        if let Some(problem) =
            crate::text::problem_in(c.encode_utf8(&mut [0; 4]), crate::text::TextKind::Prose)
        {
            problems.push(Diagnostic::at(
                &file,
                at..at + c.len_utf8(),
                None,
                format!("{problem}; a note is text for a reader"),
            ));
        }
    }
    let (citations, defined) = citations(&note.text);
    for span in defined {
        problems.push(Diagnostic::at(
            &file,
            span,
            None,
            "a link definition takes a citation's label (`[@…]: …`): `[@id]` cites a record; remove the definition",
        ));
    }
    for citation in citations {
        match resolve(&citation.key) {
            Some(id) => {
                note.records.insert(citation.key, id.to_owned());
            }
            None => problems.push(Diagnostic::at(
                &file,
                citation.span,
                None,
                format!(
                    "`[@{}]` cites no record: no record has this id or alias (a record's id is its file name without `.toml`)",
                    crate::text::echo(&citation.key)
                ),
            )),
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str) -> Note {
        Note {
            path: PathBuf::from("notes/2024-03.md"),
            label: "2024-03".into(),
            text: text.into(),
            records: BTreeMap::new(),
        }
    }

    #[test]
    fn citations_are_found_with_their_place_and_code_is_not_cited() {
        let (found, defined) =
            citations("See [@a-1] and [the hack][@b].\n\n`[@not-me]` [x](https://e.test/) [^1]\n");
        assert_eq!(
            found,
            [
                Citation {
                    key: "a-1".into(),
                    span: 4..10
                },
                Citation {
                    key: "b".into(),
                    span: 15..29
                },
            ]
        );
        assert!(defined.is_empty());
    }

    #[test]
    fn an_unknown_citation_is_placed_and_a_known_one_resolved() {
        let mut n = note("Known [@a].\nThen\n  unknown [@zz] here.\n");
        let problems = resolve(&mut n, |key| (key == "a").then_some("2024-03-01-a"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (3, 11));
        assert!(
            problems[0].message.contains("[@zz]"),
            "{}",
            problems[0].message
        );
        assert_eq!(n.records.get("a").map(String::as_str), Some("2024-03-01-a"));
    }

    #[test]
    fn a_definition_of_a_citation_label_and_control_characters_are_refused() {
        let mut n = note("[@a]\n\n[@a]: https://e.test/\n\nbell \u{7} and \u{202E}x\n");
        let problems = resolve(&mut n, |_| Some("a"));
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [5, 5, 1], "{problems:?}");
    }

    #[test]
    fn labels_are_periods_as_build_names_them() {
        for good in ["2024-03", "2024-Q1", "2024"] {
            assert!(period_of(good).is_some(), "{good}");
        }
        for bad in ["2024-3", "2024-q1", "README", "2024-13", "24"] {
            assert!(period_of(bad).is_none(), "{bad}");
        }
    }
}
