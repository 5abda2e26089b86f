//! Reading spanned TOML field by field, turning every type problem into a diagnostic.
//!
//! A file is parsed once into spanned values and read key by key, so one run reports every wrong
//! field (not just serde's first error) with the line and column of the value at fault. The
//! record and benchmark readers build on this.

use super::sections::{self, Reading, Section, Sections};
use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::{Keyword, Usd};
use chrono::NaiveDate;
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

/// A field's path, formatted only when a diagnostic needs it: reading stays allocation-free.
#[derive(Clone, Copy)]
pub(crate) struct Field<'p> {
    prefix: &'p str,
    key: &'p str,
    index: Option<usize>,
}

impl<'p> Field<'p> {
    pub(crate) fn name(self) -> String {
        self.to_string()
    }

    fn element(self, index: usize) -> Field<'p> {
        Field {
            index: Some(index),
            ..self
        }
    }
}

impl std::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}", self.prefix, self.key)?;
        match self.index {
            Some(i) => write!(f, "[{i}]"),
            None => Ok(()),
        }
    }
}

pub(crate) struct Reader<'f, 'a> {
    pub(crate) file: &'f SourceText<'a>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Where the text being read starts in the file: a section of a file read section by
    /// section has spans counted from its own start.
    pub(crate) offset: usize,
    /// A section of a file read section by section did not parse: the file must be read whole
    /// for its syntax errors to read as they do in any other file.
    pub(crate) section_unparsed: bool,
}

/// A TOML table being read, with the field-path prefix of its keys (`sources[1].`).
pub(crate) struct Table<'t, 'i> {
    pub(crate) table: &'t DeTable<'i>,
    pub(crate) span: Range<usize>,
    pub(crate) prefix: String,
}

impl<'t, 'i> Table<'t, 'i> {
    /// The whole document, whose missing keys are reported at the start of the file.
    pub(crate) fn root(table: &'t DeTable<'i>) -> Self {
        Table {
            table,
            span: 0..0,
            prefix: String::new(),
        }
    }

    pub(crate) fn field<'k>(&'k self, key: &'k str) -> Field<'k> {
        Field {
            prefix: &self.prefix,
            key,
            index: None,
        }
    }
    pub(crate) fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.get(key)
    }
}

impl<'f, 'a> Reader<'f, 'a> {
    pub(crate) fn new(file: &'f SourceText<'a>) -> Self {
        Reader {
            file,
            diagnostics: Vec::new(),
            offset: 0,
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

    pub(crate) fn error(&mut self, span: Range<usize>, field: String, message: impl Into<String>) {
        let span = span.start + self.offset..span.end + self.offset;
        self.diagnostics
            .push(Diagnostic::at(self.file, span, Some(field), message));
    }

    pub(crate) fn reject_unknown_keys(&mut self, t: &Table<'_, '_>, known: &[&str]) {
        for key in t.table.keys() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = match closest(name, known) {
                Some(candidate) => format!("did you mean `{candidate}`?"),
                None => format!("expected one of: {}", known.join(", ")),
            };
            let message = format!("unknown field `{}`; {hint}", crate::text::echo(name));
            self.error(key.span(), t.field(name).name(), message);
        }
    }

    /// Reads a required field: `None` (with a diagnostic) when missing or wrong.
    pub(crate) fn required<T>(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Spanned<DeValue<'_>>, Field<'_>) -> Option<T>,
    ) -> Option<T> {
        let field = t.field(key);
        match t.get(key) {
            Some(value) => read(self, value, field),
            None => {
                let span = t.span.start..t.span.start;
                let place = if t.prefix.is_empty() {
                    "the record".to_owned()
                } else {
                    format!(
                        "this [[{}]] table",
                        t.prefix
                            .trim_end_matches('.')
                            .split('[')
                            .next()
                            .unwrap_or("")
                    )
                };
                self.error(
                    span,
                    field.name(),
                    format!("missing required field `{key}` in {place}"),
                );
                None
            }
        }
    }

    /// Reads an optional field: `Some(None)` when absent, `None` when present but wrong.
    pub(crate) fn optional<T>(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Spanned<DeValue<'_>>, Field<'_>) -> Option<T>,
    ) -> Option<Option<T>> {
        match t.get(key) {
            Some(value) => read(self, value, t.field(key)).map(Some),
            None => Some(None),
        }
    }

    pub(crate) fn wrong_type(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
        expected: &str,
    ) {
        let found = value.get_ref().type_str();
        self.error(
            value.span(),
            field.name(),
            format!("expected {expected}, found {}", article(found)),
        );
    }

    pub(crate) fn string(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
    ) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(value, field, "a string");
                None
            }
        }
    }

    /// Reports a character `kind` text may not hold; true when there is none.
    pub(crate) fn readable(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
        text: &str,
        kind: crate::text::TextKind,
    ) -> bool {
        match crate::text::problem_in(text, kind) {
            Some(problem) => {
                self.error(value.span(), field.name(), problem);
                false
            }
            None => true,
        }
    }

    pub(crate) fn strings(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
    ) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, field, "an array of strings");
            return None;
        };
        let mut read = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            read.push(self.string(item, field.element(i)));
        }
        read.into_iter().collect()
    }

    pub(crate) fn date(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
    ) -> Option<NaiveDate> {
        let example = "a TOML date without quotes, like 2024-05-31";
        match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    let date = NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    );
                    if date.is_none() {
                        self.error(
                            value.span(),
                            field.name(),
                            format!("{dt} is not a day of the calendar"),
                        );
                    }
                    date
                }
                _ => {
                    self.error(
                        value.span(),
                        field.name(),
                        format!("expected a date without a time, like 2024-05-31, found `{dt}`"),
                    );
                    None
                }
            },
            DeValue::String(s) if looks_like_date(s) => {
                self.error(
                    value.span(),
                    field.name(),
                    format!("expected {example}, found the string \"{s}\"; remove the quotes"),
                );
                None
            }
            _ => {
                self.wrong_type(value, field, example);
                None
            }
        }
    }

    pub(crate) fn usd(&mut self, value: &Spanned<DeValue<'_>>, field: Field<'_>) -> Option<Usd> {
        self.positive_integer(
            value,
            field,
            "an integer number of US dollars",
            " (whole dollars, like 305_000_000)",
        )
        .map(Usd)
    }

    /// A TOML integer greater than 0; `what` and `hint` phrase the expected type.
    pub(crate) fn positive_integer(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
        what: &str,
        hint: &str,
    ) -> Option<u64> {
        let DeValue::Integer(integer) = value.get_ref() else {
            let hint = if value.get_ref().is_float() || value.get_ref().is_str() {
                hint
            } else {
                ""
            };
            self.wrong_type(value, field, &format!("{what}{hint}"));
            return None;
        };
        match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(amount) if amount > 0 => u64::try_from(amount).ok(),
            Ok(_) => {
                self.error(value.span(), field.name(), "must be greater than 0");
                None
            }
            Err(_) => {
                let message = format!(
                    "{} is too large for a TOML integer (the largest is {})",
                    integer.as_str(),
                    i64::MAX
                );
                self.error(value.span(), field.name(), message);
                None
            }
        }
    }

    pub(crate) fn keyword<K: Keyword>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
    ) -> Option<K> {
        let names: Vec<&str> = K::ALL.iter().map(|k| k.as_str()).collect();
        let DeValue::String(text) = value.get_ref() else {
            self.wrong_type(
                value,
                field,
                &format!("a string, one of {}", names.join(", ")),
            );
            return None;
        };
        if let Some(keyword) = K::parse(text) {
            return Some(keyword);
        }
        let hint = closest(text, &names)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        self.error(
            value.span(),
            field.name(),
            format!(
                "unknown value `{}`; expected one of {}{hint}",
                crate::text::echo(text),
                names.join(", ")
            ),
        );
        None
    }

    /// Reads an array of tables (`[[sources]]`), each element with `read`.
    pub(crate) fn tables<T>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: Field<'_>,
        read: fn(&mut Self, &Table<'_, '_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let expected = || format!("an array of tables, written as [[{field}]] sections");
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, field, &expected());
            return None;
        };
        let mut out = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let element = field.element(i);
            let DeValue::Table(table) = item.get_ref() else {
                self.wrong_type(item, element, &expected());
                out = None;
                continue;
            };
            let t = Table {
                table,
                span: item.span(),
                prefix: format!("{element}."),
            };
            match (read(self, &t), out.as_mut()) {
                (Some(v), Some(list)) => list.push(v),
                _ => out = None,
            }
        }
        out
    }
}

impl<'a> Reader<'_, 'a> {
    /// Reads the `[[kind]]` sections of a file read section by section, each parsed and read
    /// on its own, as the elements of the `kind` array of tables.
    pub(crate) fn sections<T>(
        &mut self,
        sections: &Sections,
        kind: Section,
        read: fn(&mut Self, &Table<'_, '_>) -> Option<T>,
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
            let element = Field {
                prefix: "",
                key: kind.key(),
                index: Some(i),
            };
            let t = Table {
                table,
                span: item.span(),
                prefix: format!("{element}."),
            };
            self.offset = range.start;
            let value = read(self, &t);
            self.offset = 0;
            match (value, out.as_mut()) {
                (Some(v), Some(list)) => list.push(v),
                _ => out = None,
            }
        }
        out
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

fn looks_like_date(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn article(type_name: &str) -> String {
    let vowel = type_name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {type_name}", if vowel { "an" } else { "a" })
}

/// The known name closest to a misspelt one, when it is close enough to be a likely typo.
pub fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    // Edit distance costs the product of the lengths; a name this long is no typo of a field.
    if name.len() > 64 {
        return None;
    }
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}
