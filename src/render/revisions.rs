//! "Revised since the last brief": the changes an earlier brief's snapshot reveals, in words.
//! The comparison itself is [`crate::snapshot`]'s; here each change gets its old and new values
//! as a brief writes them and the reason its record's `[[revisions]]` trail gives.

use super::words::{self, period_name};
use crate::incident::{Incident, Previous, UsdTotal};
use crate::period::Period;
use crate::snapshot::{Change, Changes, Figure, Refigured, What};
use crate::text::one_line;
use serde::Serialize;

/// How many changes the section lists (it is on the first page); the rest are counted.
pub const SHOWN: usize = 8;

#[derive(Debug, Serialize)]
pub struct Revisions {
    /// The earlier brief's period: `February 2024`.
    pub since: String,
    /// The largest changes, largest first.
    pub changes: Vec<RevisionLine>,
    /// How many more changes there are.
    pub more: usize,
    /// Figures of earlier periods the brief prints again, with what was published.
    pub figures: Vec<RefiguredLine>,
    /// Changes no `[[revisions]]` entry explains, by record id and field, for warnings.
    #[serde(skip)]
    pub unexplained: Vec<(String, String)>,
}

#[derive(Debug, Serialize)]
pub struct RevisionLine {
    pub id: String,
    pub victim: String,
    /// The month of the theft: `September 2023`.
    pub month: String,
    /// `added`, `removed`, or the field changed: `date`, `victim`, `amount_usd`, `attribution`.
    pub kind: String,
    /// The old and new values: `$54 million → $70 million`; for a theft added or removed, its
    /// amount.
    pub change: String,
    /// Whether a field changed (rather than a theft added or removed): such a change has a
    /// reason, or says that none was recorded.
    pub revised: bool,
    /// The reason the record's revision trail gives.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct RefiguredLine {
    /// `February 2024`.
    pub name: String,
    /// `$290 million`, or `2 thefts, $290 million` when the count moved too.
    pub now: String,
    pub published: String,
}

/// The section for the brief of `period`, from what changed since an earlier brief; `None`
/// when nothing did. `incidents` hold the changed records whole (their trails).
pub fn revisions(changes: &Changes, incidents: &[Incident], period: Period) -> Option<Revisions> {
    if changes.is_empty() {
        return None;
    }
    let by_id: std::collections::HashMap<&str, &Incident> = incidents
        .iter()
        .filter(|i| !i.revisions.is_empty())
        .map(|i| (i.id.as_str(), i))
        .collect();
    let mut unexplained = Vec::new();
    let lines: Vec<RevisionLine> = changes
        .records
        .iter()
        .map(|change| {
            let line = line(change, by_id.get(change.id.as_str()).copied());
            if line.revised && line.reason.is_none() {
                unexplained.push((change.id.clone(), line.kind.clone()));
            }
            line
        })
        .collect();
    let more = lines.len().saturating_sub(SHOWN);
    Some(Revisions {
        since: period_name(changes.since),
        changes: lines.into_iter().take(SHOWN).collect(),
        more,
        figures: changes
            .figures
            .iter()
            .map(|f| refigured(f, period))
            .collect(),
        unexplained,
    })
}

fn line(change: &Change, record: Option<&Incident>) -> RevisionLine {
    let (kind, text, reason) = match &change.what {
        What::Added { amount } => (
            "added".to_owned(),
            format!("added, {}", words::money(amount.0.into())),
            None,
        ),
        What::Removed { amount } => (
            "removed".to_owned(),
            format!("removed ({})", words::money(amount.0.into())),
            None,
        ),
        What::Revised { before, after } => {
            // The entry that gives the value the earlier brief printed; the latest if several.
            let reason = record
                .and_then(|r| r.revisions.iter().rev().find(|rev| rev.previous == *before))
                // In parentheses in a sentence of its own: without its full stop.
                .map(|rev| one_line(&rev.reason).trim_end_matches('.').to_owned());
            (before.field().to_string(), values(before, after), reason)
        }
    };
    RevisionLine {
        id: change.id.clone(),
        victim: one_line(&change.victim),
        month: change.date.format("%B %Y").to_string(),
        revised: matches!(change.what, What::Revised { .. }),
        kind,
        change: text,
        reason,
    }
}

/// A field's old and new values as a brief writes them, exact where the rounded words would
/// read the same.
fn values(before: &Previous, after: &Previous) -> String {
    match (before, after) {
        (Previous::AmountUsd(a), Previous::AmountUsd(b)) => {
            let (a, b) = (UsdTotal::from(a.0), UsdTotal::from(b.0));
            if words::money(a) == words::money(b) {
                let exact = |n| format!("${}", crate::money::grouped(n));
                format!("{} → {}", exact(a), exact(b))
            } else {
                format!("{} → {}", words::money(a), words::money(b))
            }
        }
        (Previous::Date(a), Previous::Date(b)) => {
            format!("dated {} → {}", words::date(*a), words::date(*b))
        }
        (Previous::Victim(a), Previous::Victim(b)) => {
            format!("named {} → {}", one_line(a), one_line(b))
        }
        (Previous::Attribution(a), Previous::Attribution(b)) => {
            format!("attribution {a} → {b}")
        }
        // The comparison pairs two values of one field; anything else says only that.
        _ => "changed".to_owned(),
    }
}

fn refigured(f: &Refigured, period: Period) -> RefiguredLine {
    let name = match f.figure {
        Figure::Previous => period_name(period.previous()),
        Figure::YearAgo => period_name(period.year_ago()),
        _ => format!("{} to {}", words::date(f.from), words::date(f.to)),
    };
    let ((then_n, then_usd), (now_n, now_usd)) = (f.published, f.now);
    let value = |n: usize, usd: UsdTotal| {
        if then_n == now_n {
            words::money(usd)
        } else {
            format!("{}, {}", words::thefts(n), words::money(usd))
        }
    };
    RefiguredLine {
        name,
        now: value(now_n, now_usd),
        published: value(then_n, then_usd),
    }
}
