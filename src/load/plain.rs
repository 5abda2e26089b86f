//! The fast path for a record file in the plain shape `new` writes and contributors copy: one
//! `key = value` per line, one-line strings, integers, dates and arrays of strings, then
//! `[[laundering]]`, `[[sources]]` and `[[revisions]]` sections.
//!
//! Reading through the spanned TOML tree is most of what loading 100 000 records costs beyond
//! reading the files. This module reads a plain file straight into the one form
//! ([`super::raw`]) and hands it to the one typing step ([`super::typing`]), the full reader's
//! too, so both apply the same rules. Anything that is not plain (another TOML form, an escape
//! other than `\"`, `\\`, `\n` and `\t`, a repeated key), and any file the typing step finds a
//! problem in, returns `None`, and the file is read the full way, which places its problems in
//! the file: diagnostics never come from here. The fuzz harness reads every input this way and
//! whole, and asserts the same record and diagnostics.

use super::raw::{Item, Key, Table, Value};
use super::sections::Section;
use super::typing::{self, AnyProblem, Arrays, RECORD_FIELDS, SOURCE_FIELDS};
use crate::incident::Incident;
use std::borrow::Cow;

/// The record in `text`, when the file is plain and every field reads; `None` to read it the
/// full way.
pub fn read(text: &str, id: &str) -> Option<Incident> {
    let mut report = AnyProblem::default();
    let (root, arrays) = parse(text, &mut report)?;
    let incident = typing::incident(&mut report, root, id, arrays);
    (!report.0).then_some(incident).flatten()
}

/// The problems the typing step finds in a plain file, as (field, message), without places:
/// for the tests that hold both readers to the same rules. `None` when the file is not plain.
#[cfg(test)]
pub(crate) fn problems(text: &str, id: &str) -> Option<Vec<(String, String)>> {
    #[derive(Default)]
    struct Described(Vec<(String, String)>);
    impl typing::Report for Described {
        fn problem(
            &mut self,
            _: std::ops::Range<usize>,
            field: typing::Field<'_>,
            message: impl FnOnce() -> String,
        ) {
            self.0.push((field.name(), message()));
        }
    }
    let mut report = Described::default();
    let (root, arrays) = parse(text, &mut report)?;
    typing::incident(&mut report, root, id, arrays);
    Some(report.0)
}

/// The root table of a plain file, and its sections, each typed as the next begins (so a file
/// of a million sources holds one section's fields at a time); `None` when the file is not
/// in the plain shape.
fn parse<'t, R: typing::Report>(text: &'t str, report: &mut R) -> Option<(Table<'t>, Arrays)> {
    // Sized for a usual record, so that reading one allocates each list once.
    let mut root = Table::with_capacity(RECORD_FIELDS.len());
    let mut open: Option<(Section, Table<'t>)> = None;
    let mut laundering = Some(Vec::new());
    let mut sources = Some(Vec::with_capacity(4));
    let mut revisions = Some(Vec::new());
    let mut counts = [0; 3];
    let mut close = |section: Option<(Section, Table<'t>)>, report: &mut R| {
        let Some((kind, mut table)) = section else {
            return;
        };
        let index = &mut counts[kind as usize];
        table.path = Some((kind.key(), *index));
        *index += 1;
        match kind {
            Section::Laundering => push(&mut laundering, typing::laundering_step(report, table)),
            Section::Sources => push(&mut sources, typing::source(report, table)),
            Section::Revisions => push(&mut revisions, typing::revision(report, table)),
        }
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
            let table = Table::with_capacity(SOURCE_FIELDS.len());
            close(open.replace((header(line)?, table)), report);
            continue;
        }
        let (key, value) = key_value(line)?;
        let table = match &mut open {
            Some((_, table)) => table,
            // The arrays of tables come as sections only: a root naming one is not plain.
            None if Section::named(key).is_some() => return None,
            None => &mut root,
        };
        // A repeated key (TOML's error) needs no search here: the typing step takes one of
        // each, finds the other left over, and the file goes to the full reader, which says so.
        let item = Item { value, span: 0..0 };
        let key = Key {
            name: key,
            span: 0..0,
        };
        table.entries.push((key, Some(item)));
    }
    close(open, report);
    Some((
        root,
        Arrays::Typed {
            laundering,
            sources,
            revisions,
        },
    ))
}

/// Adds a typed table to its list, or marks the list failed.
fn push<T>(list: &mut Option<Vec<T>>, typed: Option<T>) {
    match (typed, list.as_mut()) {
        (Some(v), Some(items)) => items.push(v),
        _ => *list = None,
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
fn key_value(line: &str) -> Option<(&str, Value<'_>)> {
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
fn value(text: &str) -> Option<(Value<'_>, &str)> {
    match text.as_bytes().first()? {
        b'"' | b'\'' => {
            let (s, rest) = string(text)?;
            Some((Value::String(s), rest))
        }
        b'[' => {
            let (items, rest) = array(text)?;
            Some((Value::Array(items), rest))
        }
        b'0'..=b'9' => date(text).or_else(|| integer(text)),
        _ => None,
    }
}

/// A basic (`"…"`) or literal (`'…'`) string on one line, also in the multi-line forms
/// (`"""…"""`) when it opens and closes on the line. Borrowed when it has no escape (most
/// strings), else copied in unescaped runs.
fn string(text: &str) -> Option<(Cow<'_, str>, &str)> {
    let quote = *text.as_bytes().first()?;
    let multi = text.as_bytes().starts_with(&[quote; 3]);
    let delimiter = if multi { 3 } else { 1 };
    let body = &text[delimiter..];
    let bytes = body.as_bytes();
    let mut out: Option<String> = None;
    let mut run = 0;
    let mut i = 0;
    loop {
        i = next_special(bytes, i, quote);
        let &b = bytes.get(i)?;
        match b {
            _ if b == quote && (!multi || bytes[i..].starts_with(&[quote; 3])) => {
                let value = match out {
                    Some(mut out) => {
                        out.push_str(&body[run..i]);
                        Cow::Owned(out)
                    }
                    None => Cow::Borrowed(&body[..i]),
                };
                let rest = &body[i + delimiter..];
                // `""""` ends a multi-line string with a quote in it: the full reader's concern.
                return (!(multi && rest.as_bytes().first() == Some(&quote)))
                    .then_some((value, rest));
            }
            b'\\' if quote == b'"' => {
                let out = out.get_or_insert_with(String::new);
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
}

/// The index of the first byte from `from` that a string's scan must look at (the quote, a
/// backslash, a control character), or the length. Strings are most of a record's bytes, and
/// most of a string is none of these: words of eight bytes are tested at once.
fn next_special(bytes: &[u8], from: usize, quote: u8) -> usize {
    use crate::text::{bytes_below, bytes_equal, first_byte};
    let word_hit = |v: u64| {
        bytes_below(v, 0x20) | bytes_equal(v, quote) | bytes_equal(v, b'\\') | bytes_equal(v, 0x7F)
    };
    let byte_hit = |b: u8| b == quote || b == b'\\' || b < 0x20 || b == 0x7F;
    first_byte(bytes, from, word_hit, byte_hit)
}

/// `["a", 2]` on one line, of one-line strings, integers and dates (no nested array); a
/// trailing comma is allowed.
fn array(text: &str) -> Option<(Vec<Item<'_>>, &str)> {
    let mut rest = text.strip_prefix('[')?;
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = rest.strip_prefix(']') {
            return Some((items, after));
        }
        if rest.starts_with('[') {
            return None;
        }
        let (value, after) = value(rest)?;
        items.push(Item { value, span: 0..0 });
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
fn integer(text: &str) -> Option<(Value<'_>, &str)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    let (digits, rest) = text.split_at(end);
    let leading_zero = digits.len() > 1 && digits.starts_with('0');
    if leading_zero
        || digits.ends_with('_')
        || digits.contains("__")
        || rest.starts_with(['.', 'e', 'E'])
    {
        return None;
    }
    // Past TOML's integers (i64) is a value the typing step reports as too large.
    let mut n: Option<i64> = Some(0);
    for b in digits.bytes().filter(|b| *b != b'_') {
        n = n.and_then(|n| n.checked_mul(10)?.checked_add(i64::from(b - b'0')));
    }
    let value = Value::Integer {
        value: n,
        text: digits,
    };
    Some((value, rest))
}

/// A local date, `YYYY-MM-DD`, not followed by a time (whether it is a day of the calendar is
/// the typing step's rule).
fn date(text: &str) -> Option<(Value<'_>, &str)> {
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
    let date = toml::value::Date {
        year: text[0..4].parse().ok()?,
        month: text[5..7].parse().ok()?,
        day: text[8..10].parse().ok()?,
    };
    let datetime = toml::value::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    };
    Some((Value::Datetime(datetime), rest))
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
mod scan {
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time scan finds the byte a byte-by-byte scan finds.
        #[test]
        fn next_special_is_the_first_special_byte(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            from in 0usize..64,
            quote in prop_oneof![Just(b'"'), Just(b'\'')],
        ) {
            let from = from.min(bytes.len());
            let expected = (from..bytes.len())
                .find(|&i| {
                    let b = bytes[i];
                    b == quote || b == b'\\' || b < 0x20 || b == 0x7F
                })
                .unwrap_or(bytes.len());
            prop_assert_eq!(super::next_special(&bytes, from, quote), expected);
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

/// Both readers hold a record to the same rules: on plain-shaped files with boundary values,
/// misspelt keywords, unknown and missing keys, the fast path's typing finds the same problems
/// (field and message) as the full reader, and gives the same record when there are none.
#[cfg(test)]
mod same_rules {
    use proptest::prelude::*;

    /// One `key = value` line's value, from the boundaries of each field's rules.
    fn date() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("2024-05-31".to_owned()),
            Just("2024-02-29".to_owned()),
            Just("2023-02-29".to_owned()),
            Just("2024-13-01".to_owned()),
            Just("0001-01-01".to_owned()),
            Just("9999-12-31".to_owned()),
            Just("\"2024-05-31\"".to_owned()),
            Just("\"yesterday\"".to_owned()),
            Just("20240531".to_owned()),
        ]
    }

    fn amount() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("1".to_owned()),
            Just("305_000_000".to_owned()),
            Just("9_223_372_036_854_775_807".to_owned()),
            Just("9223372036854775808".to_owned()),
            Just("99999999999999999999999".to_owned()),
            Just("\"5\"".to_owned()),
            Just("\"\"".to_owned()),
            Just("[\"5\"]".to_owned()),
            Just("2024-01-01".to_owned()),
            (1u64..u64::MAX).prop_map(|n| n.to_string()),
        ]
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"\"".to_owned()),
            Just("\"x\"".to_owned()),
            Just("'literal \\ text'".to_owned()),
            Just("\"tab\\tand \\\"quote\\\"\"".to_owned()),
            Just("\"\"\"one \"line\" \"\"\"".to_owned()),
            Just("[\"a\"]".to_owned()),
            Just("7".to_owned()),
            "[a-zA-Z0-9 .,é–]{0,12}".prop_map(|s| format!("\"{s}\"")),
        ]
    }

    fn strings() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("[]".to_owned()),
            Just("[\"a\", \"b\",]".to_owned()),
            Just("[\"a\", 1]".to_owned()),
            Just("\"a\"".to_owned()),
        ]
    }

    fn keyword(valid: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop_oneof![
            3 => proptest::sample::select(valid).prop_map(|k| format!("\"{k}\"")),
            1 => proptest::sample::select(valid).prop_map(|k| format!("\"{}\"", &k[1..])),
            1 => Just("\"\"".to_owned()),
            1 => Just("3".to_owned()),
        ]
    }

    /// A table's lines: each field present, missing or misspelt, in a shuffled order, and now
    /// and then a key no record has.
    fn table(fields: Vec<(&'static str, BoxedStrategy<String>, bool)>) -> BoxedStrategy<String> {
        let lines: Vec<BoxedStrategy<Option<String>>> = fields
            .into_iter()
            .map(|(key, value, required)| {
                let present = if required { 8 } else { 3 };
                prop_oneof![
                    present => value.clone().prop_map(move |v| Some(format!("{key} = {v}"))),
                    1 => Just(None),
                    1 => value.prop_map(move |v| Some(format!("{}x = {v}", key))),
                ]
                .boxed()
            })
            .collect();
        (lines, proptest::bool::weighted(0.1))
            .prop_flat_map(|(lines, extra)| {
                let mut lines: Vec<String> = lines.into_iter().flatten().collect();
                if extra {
                    lines.push("unknown_key = \"x\"".to_owned());
                }
                Just(lines).prop_shuffle()
            })
            .prop_map(|lines| lines.join("\n"))
            .boxed()
    }

    fn record() -> impl Strategy<Value = String> {
        use crate::incident::{
            Attribution, Keyword, LaunderingMethod, RevisedField, Vector, VictimKind,
        };
        fn names<K: Keyword>() -> &'static [&'static str] {
            Box::leak(
                K::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            )
        }
        let root = table(vec![
            ("date", date().boxed(), true),
            ("victim", text().boxed(), true),
            ("aliases", strings().boxed(), false),
            ("victim_kind", keyword(names::<VictimKind>()).boxed(), true),
            ("country", text().boxed(), false),
            ("chains", strings().boxed(), false),
            ("vector", keyword(names::<Vector>()).boxed(), true),
            ("amount_usd", amount().boxed(), true),
            ("attribution", keyword(names::<Attribution>()).boxed(), true),
            ("attribution_note", text().boxed(), false),
            ("actor", text().boxed(), false),
            ("summary", text().boxed(), true),
            ("tags", strings().boxed(), false),
        ]);
        let step = table(vec![
            ("date", date().boxed(), false),
            ("method", keyword(names::<LaunderingMethod>()).boxed(), true),
            ("service", text().boxed(), true),
            ("amount_usd", amount().boxed(), false),
        ]);
        let source = table(vec![
            ("name", text().boxed(), true),
            ("url", text().boxed(), true),
            ("published", date().boxed(), false),
            ("amount_usd", amount().boxed(), false),
            ("quote", text().boxed(), false),
            ("accessed", date().boxed(), false),
        ]);
        // `previous` of any field's type, whatever `field` says: typed as the field it names.
        let revision = table(vec![
            ("date", date().boxed(), true),
            ("field", keyword(names::<RevisedField>()).boxed(), true),
            (
                "previous",
                prop_oneof![date(), amount(), text(), keyword(names::<Attribution>())].boxed(),
                true,
            ),
            ("reason", text().boxed(), true),
        ]);
        (
            root,
            proptest::collection::vec(step, 0..3),
            proptest::collection::vec(source, 0..4),
            proptest::collection::vec(revision, 0..3),
        )
            .prop_map(|(root, steps, sources, revisions)| {
                let mut text = root;
                for step in steps {
                    text.push_str("\n\n[[laundering]]\n");
                    text.push_str(&step);
                }
                for source in sources {
                    text.push_str("\n\n[[sources]]\n");
                    text.push_str(&source);
                }
                for revision in revisions {
                    text.push_str("\n\n[[revisions]]\n");
                    text.push_str(&revision);
                }
                text.push('\n');
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn both_readers_find_the_same_record_or_the_same_problems(text in record()) {
            let path = std::path::Path::new("x.toml");
            let full = super::super::record::read_record_as(
                &crate::diagnostic::SourceText::new(path, &text),
                "x",
                super::super::Reading::Whole,
            );
            let mut expected: Vec<(String, String)> = full
                .diagnostics
                .iter()
                .map(|d| (d.field.clone().unwrap_or_default(), d.message.clone()))
                .collect();
            expected.sort();
            // Every generated file is plain: one `key = value` per line, sections as headers.
            let found = super::problems(&text, "x");
            prop_assert!(found.is_some(), "not plain:\n{}", text);
            let mut found = found.unwrap_or_default();
            found.sort();
            if expected.iter().any(|(_, message)| message.starts_with("invalid TOML")) {
                // Not TOML at all (a month 13): the fast path must not read it either.
                prop_assert_eq!(super::read(&text, "x"), None, "{}", text);
            } else {
                prop_assert_eq!(&found, &expected, "{}", text);
                prop_assert_eq!(super::read(&text, "x"), full.incident, "{}", text);
            }
        }
    }
}
