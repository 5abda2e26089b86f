//! The figures as a terminal summary (`stats` without `--json` or `--csv`).

use super::words::thefts;
use crate::money::compact;
use crate::stats::Figures;
use crate::text::escape;
use std::fmt::Write;

/// A readable summary for a terminal.
pub fn summary(f: &Figures) -> String {
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
            thefts(f.incidents),
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
            thefts(c.incidents),
            compact(c.total_usd),
            c.from,
            c.to
        );
    }
    if let Some(since) = f.cumulative.since {
        let _ = writeln!(
            out,
            "  Since {since}  {}, {}",
            thefts(f.cumulative.incidents),
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
                escape(&l.records.ids().join(", "))
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
                "  {}, {}, {} to {}: {} — ours {} ({})",
                escape(&b.publisher),
                escape(&b.title),
                b.from,
                b.to,
                compact(b.amount_usd.0.into()),
                compact(c.our_total_usd),
                match c.coverage_percent {
                    Some(percent) => format!("{percent}%"),
                    None => "more: the two count different thefts".to_owned(),
                }
            );
        }
    }
    out
}
