//! What a brief printed, kept beside it as `brief-<label>.json`, and what changed since an
//! earlier one: pure data, so that the next brief can say which published figures moved.
//!
//! A snapshot holds the figures a brief printed (each with the days it covers) and, for every
//! record behind them, the fields those figures read: id, date, victim, amount and tier, with
//! the record's aliases, which find it again when a correction renamed it. It is versioned, its
//! keys come in a fixed order and its records by id: the same brief makes the same bytes.
//! A snapshot is read from an output folder anyone may edit, so reading one checks all of it
//! and never trusts its text (see [`parse`]).

use crate::incident::{Attribution, Incident, Previous, RevisedField, Usd, UsdTotal};
use crate::period::Period;
use crate::stats::Figures;
use crate::text::{TextKind, echo, looks_empty, problem_in};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The format's version; a reader refuses any other.
pub const VERSION: u32 = 1;

/// The largest snapshot read: about 130 bytes a record, so room for a million and more.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The figures and records behind one brief.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot<'a> {
    pub version: u32,
    /// The brief's period, by its label (`2024-03`), and its days.
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every record dated up to this day is in `records`: the last day a figure covers (the
    /// annual chart's bar for the period's year runs to 31 December, and a published estimate
    /// compared with the records may end later still).
    pub records_to: NaiveDate,
    pub figures: Vec<Printed>,
    #[serde(borrow)]
    pub records: Vec<Fields<'a>>,
}

/// One figure a brief printed: what it is, the days it covers, and its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Printed {
    pub figure: Figure,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub incidents: usize,
    pub total_usd: UsdTotal,
}

/// What a printed figure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Period,
    Previous,
    YearAgo,
    YearToDate,
    YearToDateBefore,
    Cumulative,
    /// A month of the trend chart.
    Month,
    /// A year of the annual chart.
    Year,
}

impl Figure {
    /// The figures of an earlier period that a brief prints again in its key figures.
    pub fn repeats_earlier(self) -> bool {
        matches!(
            self,
            Figure::Previous | Figure::YearAgo | Figure::YearToDateBefore
        )
    }
}

/// The fields of a record that a brief's figures read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    pub date: NaiveDate,
    #[serde(borrow)]
    pub victim: Cow<'a, str>,
    pub amount_usd: Usd,
    pub attribution: Attribution,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Cow<'a, str>>,
}

impl Fields<'_> {
    /// The value of `field`, as a revision entry gives it.
    fn value(&self, field: RevisedField) -> Previous {
        match field {
            RevisedField::Date => Previous::Date(self.date),
            RevisedField::Victim => Previous::Victim(self.victim.clone().into_owned()),
            RevisedField::AmountUsd => Previous::AmountUsd(self.amount_usd),
            RevisedField::Attribution => Previous::Attribution(self.attribution),
        }
    }
}

impl<'a> Snapshot<'a> {
    /// The snapshot of the brief whose figures are `f`, computed over `incidents` (the same
    /// records, light ones will do). Borrows the records' text: nothing is copied per record.
    pub fn of(f: &Figures<'_>, incidents: &'a [Incident]) -> Self {
        let end_of_year = |year: i32| NaiveDate::from_ymd_opt(year, 12, 31);
        let records_to = f
            .by_year
            .last()
            .and_then(|y| end_of_year(y.year))
            .into_iter()
            .chain(f.benchmarks.iter().map(|c| c.benchmark.to))
            .fold(f.period.to, NaiveDate::max);
        let mut records: Vec<Fields<'a>> = incidents
            .iter()
            .filter(|i| i.date <= records_to)
            .map(|i| Fields {
                id: Cow::Borrowed(&i.id),
                date: i.date,
                victim: Cow::Borrowed(&i.victim),
                amount_usd: i.amount_usd,
                attribution: i.attribution,
                aliases: i
                    .aliases
                    .iter()
                    .map(|a| Cow::Borrowed(a.as_str()))
                    .collect(),
            })
            .collect();
        if !records.is_sorted_by(|a, b| a.id <= b.id) {
            records.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        }
        Snapshot {
            version: VERSION,
            period: f.period.label.clone(),
            from: f.period.from,
            to: f.period.to,
            records_to,
            figures: printed(f),
            records,
        }
    }

    /// The snapshot as its file holds it: JSON, one record a line so that a file of many
    /// records stays readable and diffable, keys in the order of the types above.
    pub fn to_json(&self) -> Vec<u8> {
        // Plain data (strings, dates, integers) written to a Vec: serialising cannot fail.
        fn json(value: &impl Serialize) -> String {
            serde_json::to_string(value).unwrap_or_default()
        }
        let figures: Vec<String> = self.figures.iter().map(json).collect();
        let head = format!(
            "{{\n  \"version\": {},\n  \"period\": {},\n  \"from\": {},\n  \"to\": {},\n  \"records_to\": {},\n  \"figures\": [\n    {}\n  ],\n  \"records\": [",
            json(&self.version),
            json(&self.period),
            json(&self.from),
            json(&self.to),
            json(&self.records_to),
            figures.join(",\n    ")
        );
        let mut out = Vec::with_capacity(head.len() + 128 * self.records.len() + 8);
        out.extend(head.bytes());
        for (i, record) in self.records.iter().enumerate() {
            out.extend(if i == 0 { "\n    " } else { ",\n    " }.bytes());
            let _ = serde_json::to_writer(&mut out, record);
        }
        out.extend(
            if self.records.is_empty() {
                "]\n}\n"
            } else {
                "\n  ]\n}\n"
            }
            .bytes(),
        );
        out
    }

    fn period(&self) -> Option<Period> {
        Period::from_label(&self.period)
    }
}

/// Every figure the brief prints over a span of days: the key figures, the trend's months and
/// the annual chart's years, in a fixed order.
fn printed(f: &Figures<'_>) -> Vec<Printed> {
    let comparison = |figure, c: &crate::stats::Comparison<'_>| Printed {
        figure,
        from: c.from,
        to: c.to,
        incidents: c.incidents,
        total_usd: c.total_usd,
    };
    let mut out = vec![
        Printed {
            figure: Figure::Period,
            from: f.period.from,
            to: f.period.to,
            incidents: f.incidents,
            total_usd: f.total_usd,
        },
        comparison(Figure::Previous, &f.previous),
        comparison(Figure::YearAgo, &f.year_ago),
        comparison(Figure::YearToDate, &f.year_to_date),
        comparison(Figure::YearToDateBefore, &f.year_to_date_before),
    ];
    if let Some(since) = f.cumulative.since.filter(|since| *since <= f.period.to) {
        out.push(Printed {
            figure: Figure::Cumulative,
            from: since,
            to: f.period.to,
            incidents: f.cumulative.incidents,
            total_usd: f.cumulative.total_usd,
        });
    }
    for month in &f.trend {
        out.push(Printed {
            figure: Figure::Month,
            from: month.first_day,
            to: crate::period::last_day_of_month(month.first_day),
            incidents: month.month.incidents,
            total_usd: month.month.total_usd,
        });
    }
    for year in &f.by_year {
        let (Some(from), Some(to)) = (
            NaiveDate::from_ymd_opt(year.year, 1, 1),
            NaiveDate::from_ymd_opt(year.year, 12, 31),
        ) else {
            continue;
        };
        out.push(Printed {
            figure: Figure::Year,
            from,
            to,
            incidents: year.group.incidents,
            total_usd: year.group.total_usd,
        });
    }
    out
}

/// Reads a snapshot file's bytes, checking all of it: the version, a period that is the one its
/// label names, dates in order, and ids and victims that are one line of visible text, each id
/// once. The message names what is wrong; the caller names the file.
pub fn parse(bytes: &[u8]) -> Result<Snapshot<'_>, String> {
    let snapshot: Snapshot<'_> = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a brief snapshot: {}", echo(&e.to_string())))?;
    if snapshot.version != VERSION {
        return Err(format!(
            "snapshot version {} (this heistbrief reads version {VERSION})",
            snapshot.version
        ));
    }
    match snapshot.period() {
        Some(p) if p.from == snapshot.from && p.to == snapshot.to => {}
        _ => {
            return Err(format!(
                "period `{}` from {} to {} is not a period heistbrief writes",
                echo(&snapshot.period),
                snapshot.from,
                snapshot.to
            ));
        }
    }
    if snapshot.records_to < snapshot.to {
        return Err("`records_to` is before the period's end".into());
    }
    if let Some(f) = snapshot.figures.iter().find(|f| f.from > f.to) {
        return Err(format!("a figure runs from {} back to {}", f.from, f.to));
    }
    let mut ids = HashSet::with_capacity(snapshot.records.len());
    for record in &snapshot.records {
        let texts = std::iter::once(("id", &record.id))
            .chain([("victim", &record.victim)])
            .chain(record.aliases.iter().map(|a| ("alias", a)));
        for (what, text) in texts {
            let problem = if looks_empty(text) {
                Some("is empty".to_owned())
            } else {
                problem_in(text, TextKind::Line)
            };
            if let Some(problem) = problem {
                return Err(format!(
                    "record `{}`: its {what} {problem}",
                    echo(&record.id)
                ));
            }
        }
        if !ids.insert(record.id.as_ref()) {
            return Err(format!("record `{}` is listed twice", echo(&record.id)));
        }
    }
    Ok(snapshot)
}

/// What changed between an earlier brief's snapshot and a new one's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changes {
    /// The earlier brief's period.
    pub since: Period,
    /// Changes to the records, the largest first.
    pub records: Vec<Change>,
    /// Figures of earlier periods the new brief prints again, whose value moved.
    pub figures: Vec<Refigured>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.figures.is_empty()
    }
}

/// One change to a record behind the figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The record's id now (the id it had, for a record removed).
    pub id: String,
    /// Its victim and date now (as they were, for a record removed).
    pub victim: String,
    pub date: NaiveDate,
    pub what: What,
    /// How large the change is, to list the largest first: the dollars an amount moved by, or
    /// the theft's amount for any other change.
    pub weight: UsdTotal,
}

impl Change {
    /// `what` happened to `record` (as the snapshot that still holds it has it), weighing
    /// `weight` dollars.
    fn of(record: &Fields<'_>, what: What, weight: u64) -> Change {
        Change {
            id: record.id.clone().into_owned(),
            victim: record.victim.clone().into_owned(),
            date: record.date,
            what,
            weight: weight.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A theft of an earlier period the earlier brief did not count.
    Added { amount: Usd },
    /// A theft the earlier brief counted that the records no longer hold.
    Removed { amount: Usd },
    /// A field changed: its value then and now.
    Revised { before: Previous, after: Previous },
}

/// A figure of an earlier period printed again, with what was published for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refigured {
    pub figure: Figure,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub published: (usize, UsdTotal),
    pub now: (usize, UsdTotal),
}

/// The fields a change is looked for in, in the order a record's changes are listed.
const COMPARED: [RevisedField; 4] = [
    RevisedField::Date,
    RevisedField::Victim,
    RevisedField::AmountUsd,
    RevisedField::Attribution,
];

/// What changed from `old` (an earlier brief's snapshot) to `new`. A record is matched by its
/// id, or by an alias the new record keeps for an id it had. A theft counts as added when it is
/// dated before the new brief's period and within the days the old brief's figures covered.
pub fn compare(old: &Snapshot<'_>, new: &Snapshot<'_>) -> Changes {
    let mut by_id: HashMap<&str, &Fields<'_>> = HashMap::with_capacity(new.records.len());
    let mut by_alias: HashMap<&str, &Fields<'_>> = HashMap::new();
    for record in &new.records {
        by_id.insert(&record.id, record);
        for alias in &record.aliases {
            by_alias.insert(alias, record);
        }
    }
    let mut matched: HashSet<&str> = HashSet::with_capacity(old.records.len());
    let mut records = Vec::new();
    for before in &old.records {
        let found = by_id
            .get(before.id.as_ref())
            .or_else(|| by_alias.get(before.id.as_ref()));
        let Some(now) = found else {
            records.push(Change::of(
                before,
                What::Removed {
                    amount: before.amount_usd,
                },
                before.amount_usd.0,
            ));
            continue;
        };
        matched.insert(&now.id);
        for field in COMPARED {
            let (then, after) = (before.value(field), now.value(field));
            if then == after {
                continue;
            }
            let weight = match field {
                RevisedField::AmountUsd => now.amount_usd.0.abs_diff(before.amount_usd.0),
                _ => now.amount_usd.0.max(before.amount_usd.0),
            };
            records.push(Change::of(
                now,
                What::Revised {
                    before: then,
                    after,
                },
                weight,
            ));
        }
    }
    for record in &new.records {
        if record.date < new.from
            && record.date <= old.records_to
            && !matched.contains(record.id.as_ref())
        {
            records.push(Change::of(
                record,
                What::Added {
                    amount: record.amount_usd,
                },
                record.amount_usd.0,
            ));
        }
    }
    records.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(a.date.cmp(&b.date))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| field_order(&a.what).cmp(&field_order(&b.what)))
    });
    let figures = new
        .figures
        .iter()
        .filter(|f| f.figure.repeats_earlier())
        .filter_map(|f| {
            let published = old
                .figures
                .iter()
                .find(|o| o.from == f.from && o.to == f.to)?;
            let (then, now) = (
                (published.incidents, published.total_usd),
                (f.incidents, f.total_usd),
            );
            (then != now).then_some(Refigured {
                figure: f.figure,
                from: f.from,
                to: f.to,
                published: then,
                now,
            })
        })
        .collect();
    Changes {
        // A parsed snapshot's period was checked; a new one's is the brief's own.
        since: old.period().unwrap_or(Period {
            kind: crate::period::PeriodKind::Range,
            from: old.from,
            to: old.to,
        }),
        records,
        figures,
    }
}

fn field_order(what: &What) -> usize {
    match what {
        What::Revised { before, .. } => COMPARED
            .iter()
            .position(|f| *f == before.field())
            .unwrap_or(0),
        What::Added { .. } | What::Removed { .. } => 0,
    }
}

/// The earlier snapshot a brief of `period` is compared with, among the periods of the snapshots
/// at hand: the one ending latest before `period` starts, of the same kind when several end on
/// that day (then the shortest).
pub fn latest_before(period: Period, candidates: &[Period]) -> Option<Period> {
    candidates
        .iter()
        .copied()
        .filter(|c| c.to < period.from)
        .max_by_key(|c| (c.to, c.kind == period.kind, c.from))
}

/// The snapshot file of a brief of `period`: `brief-2024-03.json`.
pub fn file_name(period: &Period) -> String {
    format!("brief-{}.json", period.label())
}

/// The period a snapshot file's name names, for a name [`file_name`] could have written.
pub fn period_of_file(name: &str) -> Option<Period> {
    let label = name.strip_prefix("brief-")?.strip_suffix(".json")?;
    Period::from_label(label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::test_incident;

    fn snapshot_of<'a>(incidents: &'a [Incident], month: &str) -> Snapshot<'a> {
        let period = Period::parse_month(month).expect("month");
        let f = crate::stats::figures(incidents, period, &[]);
        Snapshot::of(&f, incidents)
    }

    #[test]
    fn a_snapshot_reads_back_as_written() {
        let mut records = vec![
            test_incident("2023-09-12-coinex", "2023-09-12", 54_000_000),
            test_incident("2024-02-10-b", "2024-02-10", 285_000_000),
        ];
        records[1].aliases = vec!["2024-02-11-b".into()];
        let written = snapshot_of(&records, "2024-02");
        let json = written.to_json();
        let read = parse(&json).expect("reads");
        assert_eq!(read, written);
        assert_eq!(read.records_to.to_string(), "2024-12-31");
        // The same brief, the same bytes.
        assert_eq!(snapshot_of(&records, "2024-02").to_json(), json);
    }

    #[test]
    fn changes_name_each_field_added_removed_and_repeated_figures() {
        let before = vec![
            test_incident("2023-09-12-coinex", "2023-09-12", 54_000_000),
            test_incident("2024-02-10-b", "2024-02-10", 285_000_000),
            test_incident("2024-02-20-gone", "2024-02-20", 1_000_000),
            test_incident("2024-02-21-renamed", "2024-02-21", 2_000_000),
        ];
        let json = snapshot_of(&before, "2024-02").to_json();
        let old = parse(&json).expect("reads");
        let mut after = before.clone();
        after[0].amount_usd = Usd(70_000_000);
        after[1].amount_usd = Usd(290_000_000);
        after.remove(2);
        // The renamed record keeps its old id as an alias: changed, not removed and added.
        after[2].id = "2024-02-22-renamed".into();
        after[2].date = "2024-02-22".parse().expect("date");
        after[2].aliases = vec!["2024-02-21-renamed".into()];
        after.push(test_incident("2023-01-05-new", "2023-01-05", 3_000_000));
        after.push(test_incident("2024-03-05-march", "2024-03-05", 9_000_000));
        after.sort_by(|a, b| a.id.cmp(&b.id));
        let new = snapshot_of(&after, "2024-03");
        let changes = compare(&old, &new);
        let listed: Vec<(&str, &What)> = changes
            .records
            .iter()
            .map(|c| (c.id.as_str(), &c.what))
            .collect();
        assert_eq!(
            listed,
            vec![
                (
                    "2023-09-12-coinex",
                    &What::Revised {
                        before: Previous::AmountUsd(Usd(54_000_000)),
                        after: Previous::AmountUsd(Usd(70_000_000)),
                    }
                ),
                (
                    "2024-02-10-b",
                    &What::Revised {
                        before: Previous::AmountUsd(Usd(285_000_000)),
                        after: Previous::AmountUsd(Usd(290_000_000)),
                    }
                ),
                (
                    "2023-01-05-new",
                    &What::Added {
                        amount: Usd(3_000_000)
                    }
                ),
                (
                    "2024-02-22-renamed",
                    &What::Revised {
                        before: Previous::Date("2024-02-21".parse().expect("date")),
                        after: Previous::Date("2024-02-22".parse().expect("date")),
                    }
                ),
                (
                    "2024-02-20-gone",
                    &What::Removed {
                        amount: Usd(1_000_000)
                    }
                ),
            ]
        );
        // February is printed again as the previous month: with what was published.
        assert_eq!(
            changes.figures,
            vec![Refigured {
                figure: Figure::Previous,
                from: "2024-02-01".parse().expect("date"),
                to: "2024-02-29".parse().expect("date"),
                published: (3, 288_000_000),
                now: (2, 292_000_000),
            }]
        );
        // Nothing changed: nothing to say.
        assert!(compare(&parse(&new.to_json()).expect("reads"), &new).is_empty());
    }

    #[test]
    fn a_hostile_or_broken_snapshot_is_refused_with_a_reason() {
        let records = vec![test_incident("2024-02-10-b", "2024-02-10", 5)];
        let good = String::from_utf8(snapshot_of(&records, "2024-02").to_json()).expect("utf8");
        for (from, to, says) in [
            ("\"version\": 1", "\"version\": 2", "version 2"),
            (
                "\"period\": \"2024-02\"",
                "\"period\": \"2024-03\"",
                "not a period",
            ),
            (
                "\"victim\":\"2024-02-10-B\"",
                "\"victim\":\"a\\u001b[2Jb\"",
                "control",
            ),
            (
                "\"victim\":\"2024-02-10-B\"",
                "\"victim\":\"\\u202e\"",
                "its victim",
            ),
            (
                "\"version\": 1",
                "\"version\": 1, \"x\\u001b\": 1",
                "\\u{1b}",
            ),
            (
                "\"records\": [",
                "\"records\": 7, \"r\": [",
                "not a brief snapshot",
            ),
        ] {
            assert!(good.contains(from), "{from}");
            let bad = good.replacen(from, to, 1);
            let problem = parse(bad.as_bytes()).expect_err(&bad);
            assert!(problem.contains(says), "{problem}");
            assert!(!problem.contains('\u{1b}'), "{problem}");
        }
        let record = good.lines().rev().nth(2).expect("the record's line").trim();
        let end = good.rfind("\n  ]").expect("the records' end");
        let twice = format!("{},\n    {record}{}", &good[..end], &good[end..]);
        assert!(parse(twice.as_bytes()).expect_err(&twice).contains("twice"));
    }

    #[test]
    fn the_latest_earlier_snapshot_prefers_the_same_kind() {
        let month = |m: &str| Period::parse_month(m).expect("month");
        let march = month("2024-03");
        let candidates = [
            month("2024-01"),
            month("2024-02"),
            Period::parse_quarter("2023-Q4").expect("quarter"),
            month("2024-03"),
            month("2024-04"),
        ];
        assert_eq!(latest_before(march, &candidates), Some(month("2024-02")));
        let q1 = Period::parse_quarter("2024-Q1").expect("quarter");
        let december = [
            month("2023-12"),
            Period::parse_quarter("2023-Q4").expect("q"),
        ];
        assert_eq!(latest_before(q1, &december), Some(december[1]));
        assert_eq!(latest_before(march, &[month("2024-03")]), None);
    }
}
