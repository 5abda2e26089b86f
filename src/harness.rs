//! Entry points for the fuzz targets (`fuzz/`), the tests that replay what they found, and the
//! property tests that run the same paths on stable Rust. Each takes arbitrary bytes, runs real
//! code, and checks what must hold whatever the input; a failed check panics, which is the
//! finding. Not part of the tool's interface.

use crate::diagnostic::{ColorChoice, Diagnostic, render_github, render_human, render_json};
use crate::load::Reading;
use crate::period::{Each, Period};
use crate::render::pdf::{PdfOptions, pdf};
use crate::render::templates::Templates;
use crate::render::view::{BriefOptions, brief_with};
use crate::render::{Format, html, markdown};
use chrono::NaiveDate;
use std::path::Path;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default()
}

/// One record file's bytes through reading and validation, and its problems through every
/// printer: a record comes back only without errors, and no printer lets the text break out
/// of its line.
pub fn record(bytes: &[u8]) {
    checked(bytes);
}

/// The record file checked as `check` does, with what must hold of the result; the record
/// when it is valid.
fn checked(bytes: &[u8]) -> Option<crate::incident::Incident> {
    let path = Path::new("incidents/2024/2024-05-31-fuzz.toml");
    let (incident, diagnostics) =
        crate::load::check_file_as(path, bytes, "2024-05-31-fuzz", today(), Reading::Sectioned);
    let errors = diagnostics.iter().any(Diagnostic::is_error);
    assert!(
        !(incident.is_some() && errors),
        "a record with errors was accepted"
    );
    assert!(
        incident.is_some() || errors,
        "no record and no error: {diagnostics:?}"
    );
    printable(&diagnostics);
    // A file read section by section (as a huge one is), or by the plain-shape fast path (as
    // most are), must read exactly as it does whole.
    let whole = crate::load::check_file_as(path, bytes, "2024-05-31-fuzz", today(), Reading::Whole);
    assert_eq!(
        (&incident, &diagnostics),
        (&whole.0, &whole.1),
        "read section by section and whole, the file reads differently"
    );
    let usual = crate::load::check_file(path, bytes, "2024-05-31-fuzz", today());
    assert_eq!(
        (&usual.0, &usual.1),
        (&whole.0, &whole.1),
        "read the usual way and whole, the file reads differently"
    );
    incident
}

/// The printers' output holds no control character but line ends, whatever the record held.
fn printable(diagnostics: &[Diagnostic]) {
    let human = render_human(diagnostics, ColorChoice::Never);
    let github = render_github(diagnostics);
    for (name, text) in [("human", &human), ("github", &github)] {
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{name} output holds a control character: {text:?}"
        );
    }
    for line in github.lines() {
        assert!(line.starts_with("::"), "a forged GitHub line: {line:?}");
    }
    if let Ok(json) = render_json(diagnostics) {
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "invalid JSON"
        );
    }
}

/// Record text from arbitrary bytes, split on NUL into victim, summary, attribution note,
/// source name, URL and quote, written as a valid TOML record, then rendered to every format
/// when it passes `check`: nothing it holds becomes markup, script or a link of its own. True
/// when it rendered.
pub fn render(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let mut parts = text.split('\0');
    let mut next = |fallback: &str| parts.next().unwrap_or(fallback).to_owned();
    let victim = next("Fuzz Exchange");
    let summary = next("A summary.");
    let note = next("");
    let source = next("Fuzz Source");
    let url = next("https://fuzz.test/a");
    let quote = next("");
    // The editor's assessment for the month: its own text, citing the record by `[@id]`.
    let assessment = next("");

    let mut source_table = toml::Table::new();
    source_table.insert("name".into(), source.into());
    source_table.insert("url".into(), url.into());
    if !quote.is_empty() {
        source_table.insert("quote".into(), quote.into());
    }
    let mut record = toml::Table::new();
    let date = toml::value::Datetime {
        date: Some(toml::value::Date {
            year: 2024,
            month: 5,
            day: 31,
        }),
        time: None,
        offset: None,
    };
    record.insert("date".into(), toml::Value::Datetime(date));
    record.insert("victim".into(), victim.into());
    record.insert("victim_kind".into(), "exchange".into());
    record.insert("vector".into(), "private-key-compromise".into());
    record.insert("amount_usd".into(), 305_000_000.into());
    record.insert("attribution".into(), "confirmed".into());
    record.insert("summary".into(), summary.into());
    if !note.is_empty() {
        record.insert("attribution_note".into(), note.into());
    }
    record.insert(
        "sources".into(),
        toml::Value::Array(vec![toml::Value::Table(source_table)]),
    );
    let Ok(toml_text) = toml::to_string(&record) else {
        return false;
    };
    render_with_note(toml_text.as_bytes(), &assessment)
}

/// A record file's bytes, checked, then (when valid) rendered to all three formats. True when
/// it rendered.
pub fn record_then_render(bytes: &[u8]) -> bool {
    render_with_note(bytes, "")
}

/// [`record_then_render`] with `note` as the month's assessment when it is one `check` accepts
/// (every citation resolves, no character a note may not hold): the note must stay inside its
/// section in every format, as record text does.
fn render_with_note(bytes: &[u8], note: &str) -> bool {
    let Some(incident) = checked(bytes) else {
        return false;
    };
    let note = (!note.is_empty())
        .then(|| {
            let mut note = crate::load::note::Note {
                path: "notes/2024-05.md".into(),
                label: "2024-05".into(),
                text: note.to_owned(),
                records: Default::default(),
            };
            let id = incident.id.as_str();
            let problems = crate::load::note::resolve(&mut note, |key| (key == id).then_some(id));
            (!problems.iter().any(Diagnostic::is_error)).then_some(note)
        })
        .flatten();
    let Ok(period) = Period::month(2024, 5) else {
        return false;
    };
    let options = BriefOptions {
        version: "fuzz".into(),
        generated_on: None,
    };
    let view = brief_with(
        std::slice::from_ref(&incident),
        period,
        &[],
        &options,
        note.as_ref(),
    )
    .expect("the charts draw");
    let templates = Templates::builtin();
    let md = markdown(&view, &templates, Format::Md).expect("the built-in templates render");
    assert!(!md.is_empty());
    let page = html(&view, &templates).expect("the HTML renders");
    if note.is_some() {
        // The note has its section, and the brief's own sections still follow it as sections.
        assert!(md.contains("\n## Assessment\n"), "no assessment section");
        assert!(
            page.contains(">Thefts in May 2024</h2>") && page.contains(">Method and caveats</h2>"),
            "a section after the note is no longer a heading"
        );
    }
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script in the HTML");
    // Record text may say "javascript:"; no link or source may go there.
    for attribute in ["href=\"", "src=\"", "href='", "src='"] {
        for (at, _) in lower.match_indices(attribute) {
            let value = lower[at + attribute.len()..].trim_start();
            assert!(
                !value.starts_with("javascript:") && !value.starts_with("data:"),
                "a script link in the HTML: {}",
                lower.get(at..(at + 80).min(lower.len())).unwrap_or("")
            );
        }
    }
    assert!(!lower.contains("<iframe"), "an iframe in the HTML");
    let document = pdf(&view, &templates, PdfOptions::default()).expect("the PDF renders");
    assert!(document.bytes.starts_with(b"%PDF-"));
    assert!(document.bytes.ends_with(b"%%EOF") || document.bytes.ends_with(b"%%EOF\n"));
    true
}

/// Period text through every parser, and what each parsed period must satisfy.
pub fn period(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let parsed = [
        Period::parse_month(&text),
        Period::parse_quarter(&text),
        Period::parse_year(&text),
    ];
    for period in parsed.into_iter().flatten() {
        invariants(&period);
        // A period's label reads back as the same period.
        let label = period.label();
        let again = [
            Period::parse_month(&label),
            Period::parse_quarter(&label),
            Period::parse_year(&label),
        ]
        .into_iter()
        .flatten()
        .next();
        assert_eq!(again, Some(period), "{label} does not read back");
    }
    if let Some((from, to)) = text.split_once(',')
        && let (Ok(from), Ok(to)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>())
        && let Ok(range) = Period::range(from, to)
    {
        invariants(&range);
    }
}

fn invariants(period: &Period) {
    assert!(period.from <= period.to, "{period:?} ends before it starts");
    assert!(period.contains(period.from) && period.contains(period.to));
    assert!(period.days() >= 1);
    let previous = period.previous();
    assert!(
        previous.to < period.from,
        "{previous:?} is not before {period:?}"
    );
    assert!(period.year_ago().from <= period.from);
    let months = period.months();
    assert!(!months.is_empty());
    assert!(months.windows(2).all(|w| w[0] < w[1]));
    for each in [Each::Month, Each::Quarter] {
        for part in period.each(each, today()) {
            assert!(part.from >= period.from && part.to <= period.to);
        }
    }
}
