//! Reading one record file: TOML text to an [`Incident`], with every type problem as a diagnostic.
//!
//! The file is parsed once into spanned TOML values and read field by field, so one run reports
//! every wrong field (not just serde's first error) with the line and column of the value at fault.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::{Incident, Keyword, LaunderingStep, Source, Usd};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// Where each field's value sits in the file, by field path (`amount_usd`, `sources[1].url`).
#[derive(Debug, Default)]
pub struct FieldSpans(BTreeMap<String, Range<usize>>);

impl FieldSpans {
    pub fn get(&self, field: &str) -> Option<Range<usize>> {
        self.0.get(field).cloned()
    }
}

pub const RECORD_FIELDS: &[&str] = &[
    "date",
    "victim",
    "victim_kind",
    "country",
    "chains",
    "vector",
    "amount_usd",
    "attribution",
    "attribution_note",
    "actor",
    "summary",
    "tags",
    "laundering",
    "sources",
];
pub const LAUNDERING_FIELDS: &[&str] = &["date", "method", "service", "amount_usd"];
pub const SOURCE_FIELDS: &[&str] = &["name", "url", "published", "amount_usd"];

/// The outcome of reading one file: the record when every field could be read, and the problems.
pub struct ReadRecord {
    pub incident: Option<Incident>,
    pub spans: FieldSpans,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a record from a file's text; `id` is the file stem.
pub fn read_record(file: &SourceText<'_>, id: &str) -> ReadRecord {
    let mut reader = Reader {
        file,
        spans: FieldSpans::default(),
        diagnostics: Vec::new(),
    };
    if file.text.trim().is_empty() {
        reader.diagnostics.push(Diagnostic::for_file(
            file.path,
            "file is empty; a record needs at least date, victim, victim_kind, vector, amount_usd, attribution, summary and one [[sources]] table",
        ));
        return reader.finish(None);
    }
    let (document, errors) = DeTable::parse_recoverable(file.text);
    if !errors.is_empty() {
        for error in errors {
            let span = error.span().unwrap_or(0..0);
            let message = format!("invalid TOML: {}", error.message().trim_end());
            let field = key_on_line(file, span.start);
            reader
                .diagnostics
                .push(Diagnostic::at(file, span, field, message));
        }
        return reader.finish(None);
    }
    let table = Table {
        table: document.get_ref(),
        span: 0..0,
        prefix: String::new(),
    };
    let incident = reader.incident(&table, id);
    reader.finish(incident)
}

struct Reader<'f, 'a> {
    file: &'f SourceText<'a>,
    spans: FieldSpans,
    diagnostics: Vec<Diagnostic>,
}

/// A TOML table being read, with the field-path prefix of its keys (`sources[1].`).
struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    span: Range<usize>,
    prefix: String,
}

impl<'t, 'i> Table<'t, 'i> {
    fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
    fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        self.table.get(key)
    }
}

impl Reader<'_, '_> {
    fn finish(mut self, incident: Option<Incident>) -> ReadRecord {
        Diagnostic::sort(&mut self.diagnostics);
        let incident = if self.diagnostics.iter().any(Diagnostic::is_error) {
            None
        } else {
            incident
        };
        ReadRecord {
            incident,
            spans: self.spans,
            diagnostics: self.diagnostics,
        }
    }

    fn error(&mut self, span: Range<usize>, field: String, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at(self.file, span, Some(field), message));
    }

    fn incident(&mut self, t: &Table<'_, '_>, id: &str) -> Option<Incident> {
        self.reject_unknown_keys(t, RECORD_FIELDS);
        let date = self.required(t, "date", Self::date);
        let victim = self.required(t, "victim", Self::string);
        let victim_kind = self.required(t, "victim_kind", Self::keyword);
        let country = self.optional(t, "country", Self::string);
        let chains = self.optional(t, "chains", Self::strings);
        let vector = self.required(t, "vector", Self::keyword);
        let amount_usd = self.required(t, "amount_usd", Self::usd);
        let attribution = self.required(t, "attribution", Self::keyword);
        let attribution_note = self.optional(t, "attribution_note", Self::string);
        let actor = self.optional(t, "actor", Self::string);
        let summary = self.required(t, "summary", Self::string);
        let tags = self.optional(t, "tags", Self::strings);
        let laundering = self.optional(t, "laundering", |r, v, field| {
            r.tables(v, field, Self::laundering_step)
        });
        let sources = self.required(t, "sources", |r, v, field| r.tables(v, field, Self::source));
        Some(Incident {
            id: id.to_owned(),
            date: date?,
            victim: victim?,
            victim_kind: victim_kind?,
            country: country?,
            chains: chains?.unwrap_or_default(),
            vector: vector?,
            amount_usd: amount_usd?,
            attribution: attribution?,
            attribution_note: attribution_note?,
            actor: actor?,
            summary: summary?,
            tags: tags?.unwrap_or_default(),
            laundering: laundering?.unwrap_or_default(),
            sources: sources?,
        })
    }

    fn laundering_step(&mut self, t: &Table<'_, '_>) -> Option<LaunderingStep> {
        self.reject_unknown_keys(t, LAUNDERING_FIELDS);
        let date = self.optional(t, "date", Self::date);
        let method = self.required(t, "method", Self::keyword);
        let service = self.required(t, "service", Self::string);
        let amount_usd = self.optional(t, "amount_usd", Self::usd);
        Some(LaunderingStep {
            date: date?,
            method: method?,
            service: service?,
            amount_usd: amount_usd?,
        })
    }

    fn source(&mut self, t: &Table<'_, '_>) -> Option<Source> {
        self.reject_unknown_keys(t, SOURCE_FIELDS);
        let name = self.required(t, "name", Self::string);
        let url = self.required(t, "url", Self::string);
        let published = self.optional(t, "published", Self::date);
        let amount_usd = self.optional(t, "amount_usd", Self::usd);
        Some(Source {
            name: name?,
            url: url?,
            published: published?,
            amount_usd: amount_usd?,
        })
    }

    fn reject_unknown_keys(&mut self, t: &Table<'_, '_>, known: &[&str]) {
        for key in t.table.keys() {
            let name = key.get_ref().as_ref();
            if known.contains(&name) {
                continue;
            }
            let hint = match closest(name, known) {
                Some(candidate) => format!("did you mean `{candidate}`?"),
                None => format!("expected one of: {}", known.join(", ")),
            };
            let message = format!("unknown field `{name}`; {hint}");
            self.error(key.span(), t.path(name), message);
        }
    }

    /// Reads a required field: `None` (with a diagnostic) when missing or wrong.
    fn required<T>(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Spanned<DeValue<'_>>, &str) -> Option<T>,
    ) -> Option<T> {
        let field = t.path(key);
        match t.get(key) {
            Some(value) => {
                self.spans.0.insert(field.clone(), value.span());
                read(self, value, &field)
            }
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
                    field,
                    format!("missing required field `{key}` in {place}"),
                );
                None
            }
        }
    }

    /// Reads an optional field: `Some(None)` when absent, `None` when present but wrong.
    fn optional<T>(
        &mut self,
        t: &Table<'_, '_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Spanned<DeValue<'_>>, &str) -> Option<T>,
    ) -> Option<Option<T>> {
        let field = t.path(key);
        match t.get(key) {
            Some(value) => {
                self.spans.0.insert(field.clone(), value.span());
                read(self, value, &field).map(Some)
            }
            None => Some(None),
        }
    }

    fn wrong_type(&mut self, value: &Spanned<DeValue<'_>>, field: &str, expected: &str) {
        let found = value.get_ref().type_str();
        self.error(
            value.span(),
            field.to_owned(),
            format!("expected {expected}, found {}", article(found)),
        );
    }

    fn string(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Option<String> {
        match value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(value, field, "a string");
                None
            }
        }
    }

    fn strings(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Option<Vec<String>> {
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, field, "an array of strings");
            return None;
        };
        let mut read = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let element = format!("{field}[{i}]");
            self.spans.0.insert(element.clone(), item.span());
            read.push(self.string(item, &element));
        }
        read.into_iter().collect()
    }

    fn date(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Option<NaiveDate> {
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
                            field.to_owned(),
                            format!("{dt} is not a day of the calendar"),
                        );
                    }
                    date
                }
                _ => {
                    self.error(
                        value.span(),
                        field.to_owned(),
                        format!("expected a date without a time, like 2024-05-31, found `{dt}`"),
                    );
                    None
                }
            },
            DeValue::String(s) if looks_like_date(s) => {
                self.error(
                    value.span(),
                    field.to_owned(),
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

    fn usd(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Option<Usd> {
        let DeValue::Integer(integer) = value.get_ref() else {
            let hint = if value.get_ref().is_float() || value.get_ref().is_str() {
                " (whole dollars, like 305_000_000)"
            } else {
                ""
            };
            self.wrong_type(
                value,
                field,
                &format!("an integer number of US dollars{hint}"),
            );
            return None;
        };
        match i64::from_str_radix(integer.as_str(), integer.radix()) {
            Ok(amount) if amount > 0 => u64::try_from(amount).ok().map(Usd),
            Ok(_) => {
                self.error(value.span(), field.to_owned(), "must be greater than 0");
                None
            }
            Err(_) => {
                let message = format!(
                    "{} is too large for a TOML integer (the largest is {})",
                    integer.as_str(),
                    i64::MAX
                );
                self.error(value.span(), field.to_owned(), message);
                None
            }
        }
    }

    fn keyword<K: Keyword>(&mut self, value: &Spanned<DeValue<'_>>, field: &str) -> Option<K> {
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
            field.to_owned(),
            format!(
                "unknown value `{text}`; expected one of {}{hint}",
                names.join(", ")
            ),
        );
        None
    }

    /// Reads an array of tables (`[[sources]]`), each element with `read`.
    fn tables<T>(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        field: &str,
        read: fn(&mut Self, &Table<'_, '_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let expected = format!("an array of tables, written as [[{field}]] sections");
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, field, &expected);
            return None;
        };
        self.table_items(items, field, &expected, read)
    }

    fn table_items<T>(
        &mut self,
        items: &DeArray<'_>,
        field: &str,
        expected: &str,
        read: fn(&mut Self, &Table<'_, '_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let element = format!("{field}[{i}]");
            let DeValue::Table(table) = item.get_ref() else {
                self.wrong_type(item, &element, expected);
                out = None;
                continue;
            };
            self.spans.0.insert(element.clone(), item.span());
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
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

/// Reads a record file's bytes: UTF-8 check first, then [`read_record`].
pub fn read_record_bytes(path: &Path, bytes: &[u8], id: &str) -> ReadRecord {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_record(&SourceText::new(path, text), id),
        Err(error) => {
            let lossy = String::from_utf8_lossy(bytes);
            let at = error.valid_up_to();
            let file = SourceText::new(path, &lossy);
            let byte = bytes.get(at).copied().unwrap_or(0);
            let message = format!("file is not valid UTF-8 (byte 0x{byte:02X}); save it as UTF-8");
            let diagnostic = Diagnostic::at(
                &file,
                at..at + char::REPLACEMENT_CHARACTER.len_utf8(),
                None,
                message,
            );
            ReadRecord {
                incident: None,
                spans: FieldSpans::default(),
                diagnostics: vec![diagnostic],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"date = 2024-05-31
victim = "DMM Bitcoin"
victim_kind = "exchange"
country = "JP"
chains = ["bitcoin"]
vector = "private-key-compromise"
amount_usd = 305_000_000
attribution = "confirmed"
attribution_note = "FBI"
actor = "TraderTraitor"
summary = "s"
tags = ["hot-wallet"]

[[laundering]]
date = 2024-06-10
method = "mixer"
service = "CoinJoin"
amount_usd = 1_000

[[sources]]
name = "FBI"
url = "https://www.fbi.gov/"
published = 2024-12-23
amount_usd = 308_000_000
"#;

    fn read(text: &str) -> ReadRecord {
        read_record(&SourceText::new(Path::new("x.toml"), text), "x")
    }

    #[test]
    fn reads_every_field() {
        let record = read(VALID);
        assert!(record.diagnostics.is_empty(), "{:?}", record.diagnostics);
        let date = |s: &str| s.parse::<NaiveDate>().expect("date");
        let expected = Incident {
            id: "x".into(),
            date: date("2024-05-31"),
            victim: "DMM Bitcoin".into(),
            victim_kind: crate::incident::VictimKind::Exchange,
            country: Some("JP".into()),
            chains: vec!["bitcoin".into()],
            vector: crate::incident::Vector::PrivateKeyCompromise,
            amount_usd: Usd(305_000_000),
            attribution: crate::incident::Attribution::Confirmed,
            attribution_note: Some("FBI".into()),
            actor: Some("TraderTraitor".into()),
            summary: "s".into(),
            tags: vec!["hot-wallet".into()],
            laundering: vec![LaunderingStep {
                date: Some(date("2024-06-10")),
                method: crate::incident::LaunderingMethod::Mixer,
                service: "CoinJoin".into(),
                amount_usd: Some(Usd(1_000)),
            }],
            sources: vec![Source {
                name: "FBI".into(),
                url: "https://www.fbi.gov/".into(),
                published: Some(date("2024-12-23")),
                amount_usd: Some(Usd(308_000_000)),
            }],
        };
        assert_eq!(record.incident, Some(expected));
        assert_eq!(
            record.spans.get("sources[0].url").map(|s| &VALID[s]),
            Some("\"https://www.fbi.gov/\"")
        );
    }

    #[test]
    fn known_fields_match_the_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(Incident)).expect("schema");
        let mut properties: Vec<&str> = schema["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .map(String::as_str)
            .collect();
        properties.sort_unstable();
        let mut known = RECORD_FIELDS.to_vec();
        known.sort_unstable();
        assert_eq!(properties, known);
    }

    #[test]
    fn every_wrong_field_is_reported_in_one_run() {
        let text = VALID
            .replace(
                "vector = \"private-key-compromise\"",
                "vector = \"phishing\"",
            )
            .replace("amount_usd = 305_000_000", "amout_usd = 305_000_000");
        let record = read(&text);
        let headlines: Vec<String> = record
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.headline()))
            .collect();
        assert_eq!(
            headlines,
            vec![
                "1:1 amount_usd: missing required field `amount_usd` in the record".to_owned(),
                "6:10 vector: unknown value `phishing`; expected one of private-key-compromise, social-engineering, supply-chain, smart-contract-exploit, insider, unknown".to_owned(),
                "7:1 amout_usd: unknown field `amout_usd`; did you mean `amount_usd`?".to_owned(),
            ]
        );
        assert!(record.incident.is_none());
    }

    #[test]
    fn closest_suggests_only_near_misses() {
        assert_eq!(closest("amout_usd", RECORD_FIELDS), Some("amount_usd"));
        assert_eq!(closest("sumary", RECORD_FIELDS), Some("summary"));
        assert_eq!(closest("zzzzzz", RECORD_FIELDS), None);
    }
}
