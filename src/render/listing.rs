//! `list`'s presentations of records: a terminal table and CSV.

use super::csv::cell;
use crate::incident::{Incident, UsdTotal};
use crate::money;
use std::fmt::Write;

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

pub fn table(incidents: &[&Incident]) -> String {
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
    let total = crate::stats::total(incidents.iter().copied());
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

pub fn csv(incidents: &[&Incident]) -> String {
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
        let escaped: Vec<String> = cells.iter().map(|c| cell(c)).collect();
        out.push_str(&escaped.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
