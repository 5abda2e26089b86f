//! The fast path for a record file in the plain shape `new` writes and contributors copy: one
//! `key = value` per line, one-line strings, integers, dates and arrays of strings, then
//! `[[laundering]]` and `[[sources]]` sections.
//!
//! Reading through the spanned TOML tree is most of what loading 100 000 records costs beyond
//! reading the files. A file this module reads is, by construction, valid TOML whose every
//! field the full reader accepts, so it gives the record the full reader would give. Anything
//! else (another TOML form, an escape other than `\"`, `\\`, `\n` and `\t`, an unknown or
//! repeated key, a missing field, a wrong type or keyword) returns `None`, and the file is
//! read the full way, which reports its problems: diagnostics never come from here. The fuzz
//! harness reads every input this way and whole, and asserts the same record and diagnostics.

use super::record::{RECORD_FIELDS, SOURCE_FIELDS};
use super::sections::Section;
use crate::incident::{Incident, Keyword, LaunderingStep, Source, Usd};
use chrono::NaiveDate;

/// The record in `text`, when the file is plain and every field reads; `None` to read it the
/// full way.
pub fn read(text: &str, id: &str) -> Option<Incident> {
    // Sized for a usual record, so that reading one allocates each list once.
    let mut root = Fields(Vec::with_capacity(RECORD_FIELDS.len()));
    let mut open: Option<(Section, Fields<'_>)> = None;
    let mut laundering = Vec::new();
    let mut sources = Vec::with_capacity(4);
    // Each section is read when the next begins: a file of a million sources holds one
    // section's fields at a time.
    let mut close = |section: Option<(Section, Fields<'_>)>| -> Option<()> {
        match section {
            Some((Section::Laundering, fields)) => laundering.push(fields.laundering_step()?),
            Some((Section::Sources, fields)) => sources.push(fields.source()?),
            None => {}
        }
        Some(())
    };
    for line in text.split_inclusive('\n') {
        // A line ends with LF or CR LF; a CR anywhere else is not read here.
        let line = line
            .strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(line);
        let line = line.trim_start_matches([' ', '\t']);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            plain_comment(comment)?;
            continue;
        }
        if line.starts_with('[') {
            let fields = Fields(Vec::with_capacity(SOURCE_FIELDS.len()));
            close(open.replace((header(line)?, fields)))?;
            continue;
        }
        let (key, value) = key_value(line)?;
        let fields = match &mut open {
            Some((_, fields)) => fields,
            None => &mut root,
        };
        fields.insert(key, value)?;
    }
    close(open)?;
    if sources.is_empty() {
        return None;
    }
    root.incident(id, laundering, sources)
}

/// A one-line value of the plain shape.
enum Value {
    String(String),
    Integer(u64),
    Date(NaiveDate),
    Strings(Vec<String>),
}

/// One table's keys and values, in the order written (a record has a dozen: a list is faster
/// than a map, and a repeated key is found by the same scan).
struct Fields<'t>(Vec<(&'t str, Value)>);

impl<'t> Fields<'t> {
    fn insert(&mut self, key: &'t str, value: Value) -> Option<()> {
        if self.0.iter().any(|(k, _)| *k == key) {
            return None;
        }
        self.0.push((key, value));
        Some(())
    }

    /// Takes `key`'s value; the table is read only when every key was taken (none unknown).
    fn take(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| *k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    fn string(&mut self, key: &str) -> Option<Option<String>> {
        match self.take(key) {
            None => Some(None),
            Some(Value::String(s)) => Some(Some(s)),
            Some(_) => None,
        }
    }

    fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        match self.take(key) {
            None => Some(Vec::new()),
            Some(Value::Strings(items)) => Some(items),
            Some(_) => None,
        }
    }

    fn date(&mut self, key: &str) -> Option<Option<NaiveDate>> {
        match self.take(key) {
            None => Some(None),
            Some(Value::Date(d)) => Some(Some(d)),
            Some(_) => None,
        }
    }

    /// An amount: an integer greater than 0 and within TOML's integers.
    fn usd(&mut self, key: &str) -> Option<Option<Usd>> {
        match self.take(key) {
            None => Some(None),
            Some(Value::Integer(n)) if n > 0 && i64::try_from(n).is_ok() => Some(Some(Usd(n))),
            Some(_) => None,
        }
    }

    fn keyword<K: Keyword>(&mut self, key: &str) -> Option<K> {
        match self.take(key)? {
            Value::String(s) => K::parse(&s),
            _ => None,
        }
    }

    /// `Some(())` when every key was read.
    fn done(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }

    fn incident(
        mut self,
        id: &str,
        laundering: Vec<LaunderingStep>,
        sources: Vec<Source>,
    ) -> Option<Incident> {
        let incident = Incident {
            id: id.to_owned(),
            date: self.date("date")??,
            victim: self.string("victim")??,
            aliases: self.strings("aliases")?,
            victim_kind: self.keyword("victim_kind")?,
            country: self.string("country")?,
            chains: self.strings("chains")?,
            vector: self.keyword("vector")?,
            amount_usd: self.usd("amount_usd")??,
            attribution: self.keyword("attribution")?,
            attribution_note: self.string("attribution_note")?,
            actor: self.string("actor")?,
            summary: self.string("summary")??,
            tags: self.strings("tags")?,
            laundering,
            sources,
        };
        self.done()?;
        Some(incident)
    }

    fn laundering_step(mut self) -> Option<LaunderingStep> {
        let step = LaunderingStep {
            date: self.date("date")?,
            method: self.keyword("method")?,
            service: self.string("service")??,
            amount_usd: self.usd("amount_usd")?,
        };
        self.done()?;
        Some(step)
    }

    fn source(mut self) -> Option<Source> {
        let source = Source {
            name: super::publisher_name(&self.string("name")??),
            url: self.string("url")??,
            published: self.date("published")?,
            amount_usd: self.usd("amount_usd")?,
            quote: self.string("quote")?,
            accessed: self.date("accessed")?,
        };
        self.done()?;
        Some(source)
    }
}

/// `[[sources]]` or `[[laundering]]` exactly, alone on its line (the looser forms TOML allows,
/// such as `[[ sources ]] # note`, are the full reader's).
fn header(line: &str) -> Option<Section> {
    let name = line
        .trim_end_matches([' ', '\t'])
        .strip_prefix("[[")?
        .strip_suffix("]]")?;
    Section::named(name)
}

/// A comment may hold no control character but a tab.
fn plain_comment(comment: &str) -> Option<()> {
    (!comment.chars().any(|c| c.is_control() && c != '\t')).then_some(())
}

/// `key = value`, with a bare key and an optional comment after the value.
fn key_value(line: &str) -> Option<(&str, Value)> {
    let key_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    let (key, rest) = line.split_at(key_end);
    let rest = rest.trim_start_matches([' ', '\t']).strip_prefix('=')?;
    let rest = rest.trim_start_matches([' ', '\t']);
    if key.is_empty() {
        return None;
    }
    let (value, rest) = value(rest)?;
    let rest = rest.trim_start_matches([' ', '\t']);
    if let Some(comment) = rest.strip_prefix('#') {
        plain_comment(comment)?;
    } else if !rest.is_empty() {
        return None;
    }
    Some((key, value))
}

/// A value at the start of `text`, and what follows it.
fn value(text: &str) -> Option<(Value, &str)> {
    match text.as_bytes().first()? {
        b'"' | b'\'' => {
            let (s, rest) = string(text)?;
            Some((Value::String(s), rest))
        }
        b'[' => {
            let (items, rest) = strings(text)?;
            Some((Value::Strings(items), rest))
        }
        b'1'..=b'9' => date(text).or_else(|| integer(text)),
        _ => None,
    }
}

/// A basic (`"…"`) or literal (`'…'`) string on one line, also in the multi-line forms
/// (`"""…"""`) when it opens and closes on the line. Copied in unescaped runs: most strings
/// have no escape and take one allocation.
fn string(text: &str) -> Option<(String, &str)> {
    let quote = *text.as_bytes().first()?;
    let multi = text.as_bytes().starts_with(&[quote; 3]);
    let delimiter = if multi { 3 } else { 1 };
    let body = &text[delimiter..];
    let bytes = body.as_bytes();
    let mut out = String::new();
    let mut run = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            _ if b == quote && (!multi || bytes[i..].starts_with(&[quote; 3])) => {
                out.push_str(&body[run..i]);
                let rest = &body[i + delimiter..];
                // `""""` ends a multi-line string with a quote in it: the full reader's concern.
                return (!(multi && rest.as_bytes().first() == Some(&quote)))
                    .then_some((out, rest));
            }
            b'\\' if quote == b'"' => {
                out.push_str(&body[run..i]);
                out.push(match bytes.get(i + 1)? {
                    b'"' => '"',
                    b'\\' => '\\',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                });
                i += 2;
                run = i;
            }
            // TOML allows no control character in a string but a tab.
            0..=0x08 | 0x0A..=0x1F | 0x7F => return None,
            _ => i += 1,
        }
    }
    None
}

/// `["a", "b"]` on one line, strings only; a trailing comma is allowed.
fn strings(text: &str) -> Option<(Vec<String>, &str)> {
    let mut rest = text.strip_prefix('[')?;
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = rest.strip_prefix(']') {
            return Some((items, after));
        }
        let (item, after) = string(rest)?;
        items.push(item);
        rest = after.trim_start_matches([' ', '\t']);
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None => {
                let after = rest.strip_prefix(']')?;
                return Some((items, after));
            }
        }
    }
}

/// A decimal integer without sign or leading zero, `_` only between digits.
fn integer(text: &str) -> Option<(Value, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    let (digits, rest) = text.split_at(end);
    if digits.ends_with('_') || digits.contains("__") || rest.starts_with(['.', 'e', 'E']) {
        return None;
    }
    let mut n: u64 = 0;
    for b in digits.bytes().filter(|b| *b != b'_') {
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some((Value::Integer(n), rest))
}

/// A local date, `YYYY-MM-DD`, that is a day of the calendar; not followed by a time.
fn date(text: &str) -> Option<(Value, &str)> {
    let bytes = text.as_bytes();
    let shape = bytes.len() >= 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && [0, 1, 2, 3, 5, 6, 8, 9]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    if !shape {
        return None;
    }
    let rest = &text[10..];
    // `2024-05-31T10:00` and `2024-05-31 10:00` are date-times: the full reader's concern.
    let after = rest.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with('#')) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )?;
    Some((Value::Date(date), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = "date = 2024-05-31\nvictim = \"DMM \\\"Bitcoin\\\"\"\naliases = [\"2024-05-30-dmm\", ]\nvictim_kind = \"exchange\" # a comment\ncountry = 'JP'\nvector = \"private-key-compromise\"\namount_usd = 305_000_000\nattribution = \"confirmed\"\nsummary = \"s\\tt\"\nattribution_note = \"\"\"FBI \"said\" so\"\"\"\nactor = '''Trader\"Traitor'''\ntags = []\n\n[[laundering]]\nmethod = \"mixer\"\nservice = \"CoinJoin\"\n\n[[sources]]\nname = \"FBI\"\nurl = \"https://www.fbi.gov/\"\npublished = 2024-12-23\n";

    #[test]
    fn reads_the_plain_shape_as_the_full_reader_does() {
        let quick = read(PLAIN, "x").expect("plain record");
        let path = std::path::Path::new("x.toml");
        let full = super::super::record::read_record_as(
            &crate::diagnostic::SourceText::new(path, PLAIN),
            "x",
            super::super::Reading::Whole,
        );
        assert!(full.diagnostics.is_empty());
        assert_eq!(Some(quick), full.incident);
    }

    #[test]
    fn leaves_every_other_form_to_the_full_reader() {
        for (from, to) in [
            ("amount_usd = 305_000_000", "amount_usd = 0x10"),
            ("amount_usd = 305_000_000", "amount_usd = 305__000"),
            ("amount_usd = 305_000_000", "amount_usd = 3.5"),
            (
                "amount_usd = 305_000_000",
                "amount_usd = 9_223_372_036_854_775_808",
            ),
            ("date = 2024-05-31", "date = 2024-05-31 10:00:00"),
            ("date = 2024-05-31", "date = 2024-02-30"),
            ("date = 2024-05-31", "date = \"2024-05-31\""),
            ("country = 'JP'", "country = '''JP''''"),
            ("country = 'JP'", "country = \"\"\"JP\"\"\"\""),
            ("country = 'JP'", "country = \"\"\"J\nP\"\"\""),
            ("country = 'JP'", "country = \"\"\"\nJP\"\"\""),
            ("country = 'JP'", "country = \"\\u004A\""),
            ("country = 'JP'", "country = \"J\u{1}P\""),
            ("country = 'JP'", "country.code = \"JP\""),
            ("country = 'JP'", "\"country\" = \"JP\""),
            ("country = 'JP'", "country = 'JP'\ncountry = 'JP'"),
            ("country = 'JP'", "countri = 'JP'"),
            ("tags = []", "tags = [\n]"),
            ("tags = []", "tags = [1]"),
            (
                "vector = \"private-key-compromise\"",
                "vector = \"phishing\"",
            ),
            ("[[sources]]", "[sources]"),
            ("[[sources]]", "[[sources]] # the FBI"),
            ("\nname = \"FBI\"", "\n"),
            ("published = 2024-12-23\n", "published = 2024-12-23\r"),
            ("tags = []\n", "tags = []\r\r\n"),
            (
                "victim_kind = \"exchange\" # a comment",
                "victim_kind = \"exchange\" junk",
            ),
        ] {
            assert!(PLAIN.contains(from), "{from}");
            let text = PLAIN.replacen(from, to, 1);
            assert_eq!(read(&text, "x"), None, "{to:?} was read");
        }
    }
}

#[cfg(test)]
mod bundled {
    /// Every bundled record is in the plain shape, and reads as the full reader reads it.
    #[test]
    fn every_bundled_record_reads_the_plain_way_as_the_full_way() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("incidents");
        let (paths, problems) = super::super::record_files(&root).expect("incidents");
        assert!(problems.is_empty() && paths.len() > 40, "{}", paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("record");
            let id = super::super::record_id(&path);
            let full = super::super::record::read_record_as(
                &crate::diagnostic::SourceText::new(&path, &text),
                &id,
                super::super::Reading::Whole,
            );
            let plain = super::read(&text, &id);
            assert!(
                plain.is_some(),
                "{} is not read the plain way",
                path.display()
            );
            assert_eq!(plain, full.incident, "{}", path.display());
        }
    }
}
