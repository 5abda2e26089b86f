//! CSV for spreadsheets: one cell's quoting, and the figures' grouped tables.

use crate::stats::{Figures, Group};

/// RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula.
/// Cells are one line: control characters are escaped, as on a terminal.
pub fn cell(text: &str) -> String {
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

/// The grouped tables `stats --csv TABLE` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CsvTable {
    ByMonth,
    ByVector,
    ByVictimKind,
    ByAttribution,
    BySource,
    Laundering,
    Top,
    Benchmarks,
}

/// One of the figures' grouped tables as CSV.
pub fn figures_table(f: &Figures, table: CsvTable) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let groups = |groups: &[Group]| -> Vec<Vec<String>> {
        let mut rows = vec![vec![
            "key".into(),
            "incidents".into(),
            "total_usd".into(),
            "ids".into(),
        ]];
        rows.extend(groups.iter().map(|g| {
            vec![
                g.key.to_string(),
                g.incidents.to_string(),
                g.total_usd.to_string(),
                g.records.ids().join(" "),
            ]
        }));
        rows
    };
    match table {
        CsvTable::ByMonth => rows = groups(&f.by_month),
        CsvTable::ByVector => rows = groups(&f.by_vector),
        CsvTable::ByVictimKind => rows = groups(&f.by_victim_kind),
        CsvTable::ByAttribution => rows = groups(&f.by_attribution),
        CsvTable::BySource => rows = groups(&f.by_source),
        CsvTable::Laundering => {
            rows.push(
                ["service", "method", "steps", "incidents", "usd", "ids"]
                    .map(String::from)
                    .to_vec(),
            );
            rows.extend(f.laundering.iter().map(|l| {
                vec![
                    l.service.to_owned(),
                    l.method.to_owned(),
                    l.steps.to_string(),
                    l.incidents.to_string(),
                    l.usd.to_string(),
                    l.records.ids().join(" "),
                ]
            }));
        }
        CsvTable::Top => {
            rows.push(
                ["id", "date", "victim", "amount_usd"]
                    .map(String::from)
                    .to_vec(),
            );
            rows.extend(f.top.iter().map(|t| {
                vec![
                    t.id.to_owned(),
                    t.date.to_string(),
                    t.victim.to_owned(),
                    t.amount_usd.0.to_string(),
                ]
            }));
        }
        CsvTable::Benchmarks => {
            rows.push(
                [
                    "publisher",
                    "title",
                    "from",
                    "to",
                    "amount_usd",
                    "incidents",
                    "our_incidents",
                    "our_total_usd",
                    "coverage_percent",
                    "url",
                ]
                .map(String::from)
                .to_vec(),
            );
            rows.extend(f.benchmarks.iter().map(|c| {
                let b = &c.benchmark;
                vec![
                    b.publisher.clone(),
                    b.title.clone(),
                    b.from.to_string(),
                    b.to.to_string(),
                    b.amount_usd.0.to_string(),
                    b.incidents.map(|n| n.to_string()).unwrap_or_default(),
                    c.our_incidents.to_string(),
                    c.our_total_usd.to_string(),
                    // Empty where our records hold more than the figure (no share).
                    c.coverage_percent
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    b.url.clone(),
                ]
            }));
        }
    }
    rows.iter()
        .map(|row| row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",") + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-5"), "'-5");
        assert_eq!(cell("a\u{1b}]0;x\u{7}b"), "a\\u{1b}]0;x\\u{7}b");
        assert_eq!(cell("two\nlines"), "two\\nlines");
    }
}
