//! Reading one record file: the fast path for the plain shape, else the full reader (whole, or
//! section by section for a huge file); either way the one typing step makes the record.

use super::fields::Reader;
use super::raw;
use super::sections::{self, Reading, Section, Sections};
use super::typing::{self, Arrays};
use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::Incident;
use std::path::Path;

pub use super::fields::span_of;
pub use super::typing::{LAUNDERING_FIELDS, RECORD_FIELDS, SOURCE_FIELDS, closest};

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
    let root = raw::from_toml(document.get_ref(), 0);
    let incident = typing::incident(&mut reader, root, id, Arrays::InRoot);
    reader.finish(incident)
}

/// Reads a file section by section (see [`sections`]); `None` when it must be read whole: a
/// section does not parse, or the root also names a section's key.
fn read_sectioned(file: &SourceText<'_>, id: &str, sections: &Sections) -> Option<ReadRecord> {
    let mut reader = Reader::new(file);
    let document = reader.parse_part(sections.root.clone())?;
    if sections::root_names_a_section(document.get_ref()) {
        return None;
    }
    let root = raw::from_toml(document.get_ref(), sections.root.start);
    let laundering = reader.sections(sections, Section::Laundering, typing::laundering_step);
    let sources = reader.sections(sections, Section::Sources, typing::source);
    let revisions = reader.sections(sections, Section::Revisions, typing::revision);
    if reader.section_unparsed {
        return None;
    }
    // No [[sources]] section reads as none: reported as missing, as in a file read whole.
    let arrays = Arrays::Typed {
        laundering,
        sources,
        revisions,
    };
    let incident = typing::incident(&mut reader, root, id, arrays);
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
    use crate::incident::{LaunderingStep, Source, Usd};
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

[[revisions]]
date = 2026-11-30
field = "amount_usd"
previous = 300_000_000
reason = "The FBI's count."
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
            revisions: vec![crate::incident::Revision {
                date: date("2026-11-30"),
                previous: crate::incident::Previous::AmountUsd(Usd(300_000_000)),
                reason: "The FBI's count.".into(),
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
