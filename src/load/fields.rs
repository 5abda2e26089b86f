//! The full reader: spanned TOML, parsed once (or a section at a time), put in the one form
//! ([`super::raw`]) for the typing step, with every problem placed in the file.
//!
//! One run reports every wrong field (not just serde's first error) with the line and column of
//! the value at fault. The record and benchmark readers build on this.

use super::raw;
use super::sections::{self, Reading, Section, Sections};
use super::typing::{Field, Report};
use crate::diagnostic::{Diagnostic, SourceText};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The byte span of a field's value, by field path (`amount_usd`, `sources[1].url`).
pub fn span_of(text: &str, field: &str) -> Option<Range<usize>> {
    Spans::parse(text, Reading::BySize).of(field)
}

/// A file parsed once more to place the rules that failed. Only a file with a broken rule needs
/// places, so reading records does not keep a map of every field's span; parsing once per file
/// (not once per problem) keeps a file with thousands of problems linear. A huge file is parsed
/// a section at a time, as it was read (see [`super::sections`]).
pub struct Spans<'i> {
    text: &'i str,
    parts: Parts<'i>,
}

enum Parts<'i> {
    Whole(Option<Spanned<DeTable<'i>>>),
    Sectioned {
        sections: Sections,
        root: Option<Spanned<DeTable<'i>>>,
        /// The section looked in last: the rules run through the sections in order.
        last: Option<(Section, usize, Option<Spanned<DeTable<'i>>>)>,
    },
}

impl<'i> Spans<'i> {
    pub fn parse(text: &'i str, reading: Reading) -> Self {
        let parse = |part: &'i str| DeTable::parse(part).ok();
        let sectioned = sections::choose(text, reading).and_then(|sections| {
            let root = text.get(sections.root.clone()).and_then(parse);
            // As in reading: a root that names a section's key means the file is read whole.
            let names_a_section = root
                .as_ref()
                .is_some_and(|root| sections::root_names_a_section(root.get_ref()));
            (!names_a_section).then_some(Parts::Sectioned {
                root,
                sections,
                last: None,
            })
        });
        let parts = sectioned.unwrap_or_else(|| Parts::Whole(parse(text)));
        Spans { text, parts }
    }

    /// The span of a field's value, by field path.
    pub fn of(&mut self, field: &str) -> Option<Range<usize>> {
        let (sections, root, last) = match &mut self.parts {
            Parts::Whole(document) => return lookup(document.as_ref()?.get_ref(), field),
            Parts::Sectioned {
                sections,
                root,
                last,
            } => (sections, root, last),
        };
        let (head, rest) = field.split_once('.').unwrap_or((field, ""));
        let section = head.split_once('[').and_then(|(key, index)| {
            let kind = Section::named(key)?;
            Some((kind, index.strip_suffix(']')?.parse::<usize>().ok()?))
        });
        let Some((kind, index)) = section else {
            return lookup(root.as_ref()?.get_ref(), field);
        };
        let range = sections.of(kind).get(index)?.clone();
        if !matches!(last, Some((k, i, _)) if *k == kind && *i == index) {
            let document = self
                .text
                .get(range.clone())
                .and_then(|t| DeTable::parse(t).ok());
            *last = Some((kind, index, document));
        }
        let document = last.as_ref()?.2.as_ref()?;
        let within = if rest.is_empty() {
            format!("{}[0]", kind.key())
        } else {
            format!("{}[0].{rest}", kind.key())
        };
        let span = lookup(document.get_ref(), &within)?;
        Some(span.start + range.start..span.end + range.start)
    }
}

/// The span of a field's value in a parsed document, by field path.
fn lookup(mut table: &DeTable<'_>, field: &str) -> Option<Range<usize>> {
    let mut segments = field.split('.').peekable();
    while let Some(segment) = segments.next() {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.strip_suffix(']')?.parse::<usize>().ok()),
            None => (segment, None),
        };
        let mut value = table.get(key)?;
        if let Some(i) = index {
            value = value.get_ref().as_array()?.get(i)?;
        }
        if segments.peek().is_none() {
            return Some(value.span());
        }
        table = value.get_ref().as_table()?;
    }
    None
}

pub(crate) struct Reader<'f, 'a> {
    pub(crate) file: &'f SourceText<'a>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// A section of a file read section by section did not parse: the file must be read whole
    /// for its syntax errors to read as they do in any other file.
    pub(crate) section_unparsed: bool,
}

impl<'f, 'a> Reader<'f, 'a> {
    pub(crate) fn new(file: &'f SourceText<'a>) -> Self {
        Reader {
            file,
            diagnostics: Vec::new(),
            section_unparsed: false,
        }
    }

    /// Parses the file as TOML, reporting every syntax error; `None` when there was one.
    pub(crate) fn parse(&mut self) -> Option<Spanned<DeTable<'a>>> {
        self.parse_part(0..self.file.text.len())
    }

    /// Parses part of the file as a TOML document of its own, its spans counted from `part`'s
    /// start.
    pub(crate) fn parse_part(&mut self, part: Range<usize>) -> Option<Spanned<DeTable<'a>>> {
        let text: &'a str = self.file.text.get(part.clone())?;
        let (document, errors) = DeTable::parse_recoverable(text);
        for error in &errors {
            let span = error.span().unwrap_or(0..0);
            let span = span.start + part.start..span.end + part.start;
            let message = format!("invalid TOML: {}", error.message().trim_end());
            let field = key_on_line(self.file, span.start);
            self.diagnostics
                .push(Diagnostic::at(self.file, span, field, message));
        }
        errors.is_empty().then_some(document)
    }
}

impl<'a> Reader<'_, 'a> {
    /// Reads the `[[kind]]` sections of a file read section by section, each parsed, put in
    /// the one form and typed with `read` on its own, as the elements of the `kind` array of
    /// tables. `None` when one failed a rule; a section that does not parse sets
    /// `section_unparsed`, for the file to be read whole.
    pub(crate) fn sections<T>(
        &mut self,
        sections: &Sections,
        kind: Section,
        read: impl Fn(&mut Self, raw::Table<'_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Some(Vec::new());
        for (i, range) in sections.of(kind).iter().enumerate() {
            let Some(document) = self.parse_part(range.clone()) else {
                self.section_unparsed = true;
                return None;
            };
            let item = document
                .get_ref()
                .get(kind.key())
                .and_then(|v| v.get_ref().as_array())
                .and_then(|items| items.first());
            let Some((item, DeValue::Table(table))) = item.map(|item| (item, item.get_ref()))
            else {
                self.section_unparsed = true;
                return None;
            };
            let span = item.span();
            let mut table = raw::from_toml(table, range.start);
            table.span = span.start + range.start..span.end + range.start;
            table.path = Some((kind.key(), i));
            match (read(self, table), out.as_mut()) {
                (Some(v), Some(list)) => list.push(v),
                _ => out = None,
            }
        }
        out
    }
}

/// The full reader's report: every problem placed in its file.
impl Report for Reader<'_, '_> {
    fn problem(&mut self, span: Range<usize>, field: Field<'_>, message: impl FnOnce() -> String) {
        self.diagnostics.push(Diagnostic::at(
            self.file,
            span,
            Some(field.name()),
            message(),
        ));
    }
}

/// The key a `key = value` line assigns, to name the field in a syntax error on that line.
fn key_on_line(file: &SourceText<'_>, offset: usize) -> Option<String> {
    let (line, _) = file.line_column(offset);
    let (key, _) = file.line_text(line).split_once('=')?;
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare.then(|| key.to_owned())
}
