//! `heistbrief stats`: the period's figures as a summary, as the contract's JSON, or one table as CSV.

use super::list::csv_cell;
use super::{Failure, IncidentsArg, PeriodArgs, emit, load_benchmarks, load_clean, today};
use crate::money::compact;
use crate::period::Period;
use crate::stats::{Figures, Group, figures};
use crate::text::escape;
use clap::{Args, ValueEnum};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Published figures to compare with [default: benchmarks.toml, when present].
    #[arg(long, value_name = "FILE")]
    pub benchmarks: Option<PathBuf>,
    /// Print the figures as the data contract's JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one grouped table as CSV.
    #[arg(long, value_enum, value_name = "TABLE")]
    pub csv: Option<CsvTable>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
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

pub fn run(args: &StatsArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let period = match args.period.period()? {
        Some(period) => period,
        None => Period::last_complete_month(today()?),
    };
    let benchmarks = load_benchmarks(args.benchmarks.as_deref())?;
    let loaded = load_clean(&args.incidents)?;
    let figures = figures(&loaded.incidents, period, &benchmarks);
    let text = if args.json {
        crate::text::escape_json(
            &serde_json::to_string_pretty(&figures).map_err(|e| Failure::data(e.to_string()))?,
        ) + "\n"
    } else if let Some(table) = args.csv {
        csv(&figures, table)
    } else {
        summary(&figures)
    };
    emit(out, &text)?;
    Ok(0)
}

fn csv(f: &Figures, table: CsvTable) -> String {
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
                g.ids.join(" "),
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
                    l.ids.join(" "),
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
                    c.coverage_percent.to_string(),
                    b.url.clone(),
                ]
            }));
        }
    }
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(",")
                + "\n"
        })
        .collect()
}

fn count(n: usize) -> String {
    format!("{n} theft{}", if n == 1 { "" } else { "s" })
}

/// A readable summary for a terminal.
fn summary(f: &Figures) -> String {
    let mut out = String::new();
    let p = &f.period;
    let _ = writeln!(
        out,
        "North Korea-attributed crypto thefts, {} ({} to {})\n",
        p.label, p.from, p.to
    );
    let range = if f.low_usd != f.high_usd {
        format!(" (sources: {}–{})", compact(f.low_usd), compact(f.high_usd))
    } else {
        String::new()
    };
    if f.incidents == 0 {
        let _ = writeln!(out, "  In the period     no thefts recorded");
    } else {
        let _ = writeln!(
            out,
            "  In the period     {}, {}{range}; median {}",
            count(f.incidents),
            compact(f.total_usd),
            compact(f.median_usd)
        );
    }
    for (label, c) in [
        ("Previous period", &f.previous),
        ("A year earlier", &f.year_ago),
    ] {
        let _ = writeln!(
            out,
            "  {label:<17} {}, {} ({} to {})",
            count(c.incidents),
            compact(c.total_usd),
            c.from,
            c.to
        );
    }
    if let Some(since) = f.cumulative.since {
        let _ = writeln!(
            out,
            "  Since {since}  {}, {}",
            count(f.cumulative.incidents),
            compact(f.cumulative.total_usd)
        );
    }
    if !f.top.is_empty() {
        let _ = writeln!(out, "\nLargest thefts");
        for t in &f.top {
            let _ = writeln!(
                out,
                "  {}  {:<28} {:>8}",
                t.date,
                escape(t.victim),
                compact(t.amount_usd.0.into())
            );
        }
    }
    if !f.laundering.is_empty() {
        let _ = writeln!(out, "\nLaundering in the period (by the step's date)");
        for l in &f.laundering {
            let usd = if l.usd > 0 {
                compact(l.usd)
            } else {
                "amount not reported".into()
            };
            let _ = writeln!(
                out,
                "  {} ({}): {}, from {}",
                escape(l.service),
                l.method,
                usd,
                escape(&l.ids.join(", "))
            );
        }
    }
    for (title, groups) in [
        ("By vector", &f.by_vector),
        ("By victim kind", &f.by_victim_kind),
        ("By attribution", &f.by_attribution),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        for g in groups {
            let _ = writeln!(
                out,
                "  {:<24} {:>3}  {:>8}",
                escape(&g.key),
                g.incidents,
                compact(g.total_usd)
            );
        }
    }
    if !f.benchmarks.is_empty() {
        let _ = writeln!(
            out,
            "\nAgainst published figures (our records over the same dates)"
        );
        for c in &f.benchmarks {
            let b = &c.benchmark;
            let _ = writeln!(
                out,
                // The title tells an original figure from the publisher's own restatement of it.
                "  {}, {}, {} to {}: {} — ours {} ({}%)",
                escape(&b.publisher),
                escape(&b.title),
                b.from,
                b.to,
                compact(b.amount_usd.0.into()),
                compact(c.our_total_usd),
                c.coverage_percent
            );
        }
    }
    out
}
