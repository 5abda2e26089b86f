//! Published aggregate figures (UN Panel, Chainalysis, Elliptic, TRM…) that briefs are read beside.
//!
//! They live in one TOML file beside the records (not among them), read and checked with the same
//! spanned field reader, so a wrong benchmark gets the same file:line:col diagnostics as a record.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::Usd;
use crate::load::fields::Reader;
use crate::load::raw;
use crate::load::typing::{Field, Report};
use crate::text::TextKind;
use crate::web_url::check_web_url;
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

/// One published figure: what a publisher says North Korea stole over a stated period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Benchmark {
    pub publisher: String,
    /// Which document or report, in a few words.
    pub title: String,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    pub amount_usd: Usd,
    /// Number of thefts or attacks, where the publisher gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<u64>,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

const FILE_FIELDS: &[&str] = &["benchmark"];
const BENCHMARK_FIELDS: &[&str] = &[
    "publisher",
    "title",
    "from",
    "to",
    "amount_usd",
    "incidents",
    "url",
    "published",
    "note",
];

/// Reads a benchmarks file: every valid benchmark, and every problem found.
pub fn read_benchmarks(path: &Path, bytes: &[u8]) -> (Vec<Benchmark>, Vec<Diagnostic>) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (
            Vec::new(),
            vec![Diagnostic::for_file(
                path,
                "file is not valid UTF-8; save it as UTF-8",
            )],
        );
    };
    let file = SourceText::new(path, text);
    let mut reader = Reader::new(&file);
    let mut benchmarks = Vec::new();
    if let Some(document) = reader.parse() {
        let mut root = raw::from_toml(document.get_ref(), 0);
        let read = reader.optional(&mut root, "benchmark", |r, v, field| {
            r.tables(v, field, benchmark)
        });
        reader.reject_unknown_keys(&root, FILE_FIELDS);
        benchmarks = read.flatten().unwrap_or_default();
    }
    let mut diagnostics = reader.diagnostics;
    if diagnostics.iter().any(Diagnostic::is_error) {
        benchmarks.clear();
    }
    Diagnostic::sort(&mut diagnostics);
    (benchmarks, diagnostics)
}

/// One `[[benchmark]]` table, through the same typing rules as a record's.
fn benchmark(r: &mut Reader<'_, '_>, mut t: raw::Table<'_>) -> Option<Benchmark> {
    let publisher = r.required(&mut t, "publisher", non_empty_string);
    let title = r.required(&mut t, "title", non_empty_string);
    let from = r.required(&mut t, "from", Reader::date);
    let mut to_span = None;
    let to = r.required(&mut t, "to", |r, v, f| {
        to_span = Some(v.span.clone());
        Reader::date(r, v, f)
    });
    let amount_usd = r.required(&mut t, "amount_usd", Reader::usd);
    let incidents = r.optional(&mut t, "incidents", |r, v, f| {
        r.positive_integer(v, f, "a whole number of incidents", "")
    });
    let url = r.required(&mut t, "url", |r, v, f| {
        let span = v.span.clone();
        let url = r.string(v, f)?;
        match check_web_url(&url) {
            Ok(()) => Some(url),
            Err(problem) => {
                r.problem(span, f, || problem);
                None
            }
        }
    });
    let published = r.optional(&mut t, "published", Reader::date);
    let note = r.optional(&mut t, "note", |r, v, f| {
        let span = v.span.clone();
        let text = r.string(v, f)?;
        r.readable(span, f, &text, TextKind::Prose).then_some(text)
    });
    r.reject_unknown_keys(&t, BENCHMARK_FIELDS);
    let (from, to) = (from?, to?);
    if from > to {
        r.problem(to_span.unwrap_or(0..0), Field::of(&t, "to"), || {
            format!("{to} is before `from` ({from})")
        });
        return None;
    }
    Some(Benchmark {
        publisher: publisher?,
        title: title?,
        from,
        to,
        amount_usd: amount_usd?,
        incidents: incidents?,
        url: url?,
        published: published?,
        note: note?,
    })
}

fn non_empty_string(
    r: &mut Reader<'_, '_>,
    value: raw::Item<'_>,
    field: Field<'_>,
) -> Option<String> {
    let span = value.span.clone();
    let text = r.string(value, field)?;
    if !r.readable(span.clone(), field, &text, TextKind::Line) {
        return None;
    }
    if text.trim().is_empty() {
        r.problem(span, field, || "must not be empty".to_owned());
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"[[benchmark]]
publisher = "UN Panel of Experts"
title = "Report to the 1718 Committee"
from = 2017-01-01
to = 2024-04-30
amount_usd = 3_600_000_000
incidents = 97
url = "https://un.test/report"
"#;

    #[test]
    fn reads_benchmarks() {
        let (list, problems) = read_benchmarks(Path::new("b.toml"), GOOD.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(list.len(), 1);
        assert_eq!(
            (list[0].amount_usd, list[0].incidents),
            (Usd(3_600_000_000), Some(97))
        );
        assert_eq!(list[0].to.to_string(), "2024-04-30");
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let bad = GOOD
            .replace("to = 2024-04-30", "to = 2016-12-31")
            .replace("incidents = 97", "incident = 97")
            .replace("https://un.test/report", "un.test");
        let (list, problems) = read_benchmarks(Path::new("b.toml"), bad.as_bytes());
        assert!(list.is_empty());
        let found: Vec<String> = problems
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.headline()))
            .collect();
        assert_eq!(
            found,
            [
                "5:6 benchmark[0].to: 2016-12-31 is before `from` (2017-01-01)",
                "7:1 benchmark[0].incident: unknown field `incident`; did you mean `incidents`?",
                "8:7 benchmark[0].url: `un.test` is not an http(s) URL; it must start with https:// or http://",
            ]
        );
    }
}
