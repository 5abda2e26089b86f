//! `heistbrief list`: the incidents of a period as a table, CSV or JSON.

use super::{Failure, IncidentsArg, PeriodArgs, emit, load_clean};
use crate::incident::{Incident, UsdTotal};
use crate::money;
use clap::{Args, ValueEnum};
use std::fmt::Write;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Order: by date (oldest first) or by amount (largest first).
    #[arg(long, value_enum, default_value_t = SortKey::Date)]
    pub sort: SortKey,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Date,
    Amount,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

pub fn run(args: &ListArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let period = args.period.period()?;
    let loaded = load_clean(&args.incidents)?;
    let mut selected: Vec<&Incident> = loaded
        .incidents
        .iter()
        .filter(|i| period.is_none_or(|p| p.contains(i.date)))
        .collect();
    match args.sort {
        SortKey::Date => selected.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id))),
        // Largest first; ties by date then id, as the brief's "top" list orders them.
        SortKey::Amount => selected.sort_by(|a, b| {
            b.amount_usd
                .cmp(&a.amount_usd)
                .then(a.date.cmp(&b.date))
                .then(a.id.cmp(&b.id))
        }),
    }
    let text = match args.format {
        ListFormat::Table => table(&selected),
        ListFormat::Csv => csv(&selected),
        ListFormat::Json => {
            crate::text::escape_json(
                &serde_json::to_string_pretty(&selected)
                    .map_err(|e| Failure::data(e.to_string()))?,
            ) + "\n"
        }
    };
    emit(out, &text)?;
    Ok(0)
}

/// Publisher names, each once, in the record's order.
fn source_names(incident: &Incident) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for source in &incident.sources {
        if !names.contains(&&*source.name) {
            names.push(&source.name);
        }
    }
    names
}

fn table(incidents: &[&Incident]) -> String {
    let headers = [
        "date",
        "victim",
        "amount",
        "vector",
        "attribution",
        "sources",
    ];
    let rows: Vec<[String; 6]> = incidents
        .iter()
        .map(|i| {
            [
                i.date.to_string(),
                truncate(&i.victim, 30),
                money::compact(UsdTotal::from(i.amount_usd.0)),
                i.vector.to_string(),
                i.attribution.to_string(),
                truncate(&source_names(i).join(", "), 48),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            // Amounts are right-aligned so their magnitudes line up.
            let padded = if i == 2 {
                format!("{cell:>width$}")
            } else {
                format!("{cell:<width$}")
            };
            text.push_str(&padded);
            text.push_str("  ");
        }
        let _ = writeln!(out, "{}", text.trim_end());
    };
    line(&headers.map(String::from));
    for row in &rows {
        line(row);
    }
    let total: UsdTotal = incidents
        .iter()
        .map(|i| UsdTotal::from(i.amount_usd.0))
        .sum();
    let _ = writeln!(
        out,
        "\n{} incident{}, {}",
        incidents.len(),
        if incidents.len() == 1 { "" } else { "s" },
        money::compact(total)
    );
    out
}

/// A table cell: escaped for the terminal, then cut to `max` characters.
fn truncate(text: &str, max: usize) -> String {
    crate::text::clip(&crate::text::escape(text), max).into_owned()
}

fn csv(incidents: &[&Incident]) -> String {
    let mut out = String::from(
        "id,date,victim,victim_kind,amount_usd,vector,attribution,actor,sources,source_urls\n",
    );
    for i in incidents {
        let urls: Vec<&str> = i.sources.iter().map(|s| s.url.as_str()).collect();
        let cells = [
            i.id.clone(),
            i.date.to_string(),
            i.victim.clone(),
            i.victim_kind.to_string(),
            i.amount_usd.0.to_string(),
            i.vector.to_string(),
            i.attribution.to_string(),
            i.actor.clone().unwrap_or_default(),
            source_names(i).join("; "),
            urls.join(" "),
        ];
        let escaped: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&escaped.join(","));
        out.push('\n');
    }
    out
}

/// RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula.
/// Cells are one line: control characters are escaped, as on a terminal.
pub fn csv_cell(text: &str) -> String {
    let text = crate::text::escape(text);
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.into_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-5"), "'-5");
        assert_eq!(csv_cell("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(csv_cell("two\nlines"), "two\\nlines");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("a very long victim name", 10), "a very lo…");
        assert_eq!(
            truncate("x\n2024-01-01  forged", 40),
            "x\\n2024-01-01  forged"
        );
    }
}
