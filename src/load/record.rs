//! Reading one record file: TOML text to an [`Incident`], with every type problem as a diagnostic.

use super::fields::{Reader, Table};
use super::sections::{self, Reading, Section, Sections};
use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::{Incident, LaunderingStep, Source};
use std::path::Path;

pub use super::fields::{closest, span_of};

pub const RECORD_FIELDS: &[&str] = &[
    "date",
    "victim",
    "aliases",
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
pub const SOURCE_FIELDS: &[&str] = &[
    "name",
    "url",
    "published",
    "amount_usd",
    "quote",
    "accessed",
];

/// The outcome of reading one file: the record when every field could be read, and the problems.
pub struct ReadRecord {
    pub incident: Option<Incident>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a record from a file's text; `id` is the file stem.
pub fn read_record(file: &SourceText<'_>, id: &str) -> ReadRecord {
    read_record_as(file, id, Reading::BySize)
}

/// Reads a record whole or section by section, as `reading` says.
pub(crate) fn read_record_as(file: &SourceText<'_>, id: &str, reading: Reading) -> ReadRecord {
    if reading == Reading::BySize
        && let Some(incident) = super::plain::read(file.text, id)
    {
        return ReadRecord {
            incident: Some(incident),
            diagnostics: Vec::new(),
        };
    }
    let mut reader = Reader::new(file);
    if file.text.trim().is_empty() {
        reader.diagnostics.push(Diagnostic::for_file(
            file.path,
            "file is empty; a record needs at least date, victim, victim_kind, vector, amount_usd, attribution, summary and one [[sources]] table",
        ));
        return reader.finish(None);
    }
    if let Some(sections) = sections::choose(file.text, reading)
        && let Some(read) = read_sectioned(file, id, &sections)
    {
        return read;
    }
    let Some(document) = reader.parse() else {
        return reader.finish(None);
    };
    let table = Table::root(document.get_ref());
    let incident = reader.incident(&table, id, None);
    reader.finish(incident)
}

/// Reads a file section by section (see [`sections`]); `None` when it must be read whole: a
/// section does not parse, or the root also names a section's key.
fn read_sectioned(file: &SourceText<'_>, id: &str, sections: &Sections) -> Option<ReadRecord> {
    let mut reader = Reader::new(file);
    let document = reader.parse_part(sections.root.clone())?;
    let table = Table::root(document.get_ref());
    if sections::root_names_a_section(table.table) {
        return None;
    }
    let incident = reader.incident(&table, id, Some(sections));
    if reader.section_unparsed {
        return None;
    }
    Some(reader.finish(incident))
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
            diagnostics: self.diagnostics,
        }
    }

    /// The record in `t`; its arrays of tables are in `t`, or in `sections` when the file is
    /// read section by section.
    fn incident(
        &mut self,
        t: &Table<'_, '_>,
        id: &str,
        sections: Option<&Sections>,
    ) -> Option<Incident> {
        self.reject_unknown_keys(t, RECORD_FIELDS);
        let date = self.required(t, "date", Self::date);
        let victim = self.required(t, "victim", Self::string);
        let aliases = self.optional(t, "aliases", Self::strings);
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
        let (laundering, sources) = match sections {
            None => (
                self.optional(t, "laundering", |r, v, field| {
                    r.tables(v, field, Self::laundering_step)
                }),
                self.required(t, "sources", |r, v, field| r.tables(v, field, Self::source)),
            ),
            Some(sections) => {
                let laundering = self
                    .sections(sections, Section::Laundering, Self::laundering_step)
                    .map(|steps| Some(steps).filter(|s| !s.is_empty()));
                let sources = if !sections.of(Section::Sources).is_empty() {
                    self.sections(sections, Section::Sources, Self::source)
                } else {
                    // No section: reported as missing, as in a file read whole.
                    self.required(t, "sources", |r, v, field| r.tables(v, field, Self::source))
                };
                (laundering, sources)
            }
        };
        Some(Incident {
            id: id.to_owned(),
            date: date?,
            victim: victim?,
            aliases: aliases?.unwrap_or_default(),
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
        let quote = self.optional(t, "quote", Self::string);
        let accessed = self.optional(t, "accessed", Self::date);
        Some(Source {
            name: super::publisher_name(&name?),
            url: url?,
            published: published?,
            amount_usd: amount_usd?,
            quote: quote?,
            accessed: accessed?,
        })
    }
}

/// Reads a record file's bytes: UTF-8 check first, then [`read_record`].
pub fn read_record_bytes(path: &Path, bytes: &[u8], id: &str) -> ReadRecord {
    read_record_bytes_as(path, bytes, id, Reading::BySize)
}

pub(crate) fn read_record_bytes_as(
    path: &Path,
    bytes: &[u8],
    id: &str,
    reading: Reading,
) -> ReadRecord {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_record_as(&SourceText::new(path, text), id, reading),
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
                diagnostics: vec![diagnostic],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::Usd;
    use chrono::NaiveDate;

    const VALID: &str = r#"date = 2024-05-31
victim = "DMM Bitcoin"
aliases = ["2024-05-30-dmm"]
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
quote = "stole cryptocurrency worth $308 million"
accessed = 2026-11-30
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
            aliases: vec!["2024-05-30-dmm".into()],
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
                quote: Some("stole cryptocurrency worth $308 million".into()),
                accessed: Some(date("2026-11-30")),
            }],
        };
        assert_eq!(record.incident, Some(expected));
        assert_eq!(
            span_of(VALID, "sources[0].url").map(|s| &VALID[s]),
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
                "7:10 vector: unknown value `phishing`; expected one of private-key-compromise, social-engineering, supply-chain, smart-contract-exploit, insider, unknown".to_owned(),
                "8:1 amout_usd: unknown field `amout_usd`; did you mean `amount_usd`?".to_owned(),
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
