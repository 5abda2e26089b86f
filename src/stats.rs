//! Everything a brief says, computed once: one pure function from records and a period to
//! [`Figures`], serialised as the data contract's part 2 (`stats --json`).

use crate::benchmark::Benchmark;
use crate::incident::{Incident, Keyword, Usd, UsdTotal};
use crate::period::Period;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figures<'a> {
    pub period: PeriodSpan,
    /// Thefts whose date lies in the period.
    pub incidents: usize,
    pub total_usd: UsdTotal,
    /// Median `amount_usd`; the mean of the two middle values, rounded down; 0 without thefts.
    pub median_usd: UsdTotal,
    /// Sums of each theft's lowest and highest estimate (its own and its sources').
    pub low_usd: UsdTotal,
    pub high_usd: UsdTotal,
    /// Every month of the period, zeros included, ascending.
    pub by_month: Vec<Group<'a>>,
    pub by_vector: Vec<Group<'a>>,
    pub by_victim_kind: Vec<Group<'a>>,
    pub by_attribution: Vec<Group<'a>>,
    /// Thefts citing each publisher, counted once per distinct source name.
    pub by_source: Vec<Group<'a>>,
    /// Laundering steps dated in the period, whatever the theft's date.
    pub laundering: Vec<LaunderingGroup<'a>>,
    /// Up to five largest thefts, ties by date then id.
    pub top: Vec<TopIncident<'a>>,
    pub previous: Comparison<'a>,
    pub year_ago: Comparison<'a>,
    /// 1 January of the period's last year to its last day.
    pub year_to_date: Comparison<'a>,
    /// The same dates a year earlier, which `year_to_date` is compared with.
    pub year_to_date_before: Comparison<'a>,
    pub cumulative: Cumulative,
    /// Sum of the laundering groups' `usd`.
    pub laundered_usd: UsdTotal,
    /// The 24 calendar months ending with the period's last month, zeros included, each with
    /// whether a laundering step is dated in it.
    pub trend: Vec<TrendMonth<'a>>,
    /// Every calendar year from the first record's to the period's last, zeros included.
    pub by_year: Vec<Year<'a>>,
    /// The twelve calendar months ending with the period's last month.
    pub trailing_12m: Trailing<'a>,
    /// Records in the whole data set, and the date of the newest theft among them.
    pub records: usize,
    pub latest: Option<NaiveDate>,
    /// Published figures whose period overlaps this one, beside our own total over their dates.
    pub benchmarks: Vec<Coverage<'a>>,
    /// The period's thefts, largest first (see [`Incident::largest_first`]): the order a brief
    /// lists them in. Not part of the data contract, which names records by id.
    #[serde(skip)]
    pub ranked: Vec<&'a Incident>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
    pub kind: crate::period::PeriodKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group<'a> {
    pub key: Cow<'a, str>,
    pub incidents: usize,
    pub total_usd: UsdTotal,
    #[serde(rename = "ids")]
    pub records: Records<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaunderingGroup<'a> {
    pub service: &'a str,
    pub method: &'static str,
    pub steps: usize,
    /// Distinct records with a step here.
    pub incidents: usize,
    /// Sum of the steps' `amount_usd`; a step without one counts 0.
    pub usd: UsdTotal,
    #[serde(rename = "ids")]
    pub records: Records<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopIncident<'a> {
    pub id: &'a str,
    pub date: NaiveDate,
    pub victim: &'a str,
    pub amount_usd: Usd,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub incidents: usize,
    pub total_usd: UsdTotal,
    #[serde(rename = "ids")]
    pub records: Records<'a>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrendMonth<'a> {
    #[serde(flatten)]
    pub month: Group<'a>,
    /// The month's first day (its key, `2024-03`, as a date).
    #[serde(skip)]
    pub first_day: NaiveDate,
    /// Whether a laundering step (of any theft) is dated in the month.
    pub laundering: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Year<'a> {
    #[serde(flatten)]
    pub group: Group<'a>,
    /// The year its key names.
    #[serde(skip)]
    pub year: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trailing<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub incidents: usize,
    pub total_usd: UsdTotal,
    pub by_vector: Vec<Group<'a>>,
    pub by_victim_kind: Vec<Group<'a>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cumulative {
    /// The earliest theft in the whole data set; null when there are no records.
    pub since: Option<NaiveDate>,
    pub incidents: usize,
    pub total_usd: UsdTotal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage<'a> {
    #[serde(flatten)]
    pub benchmark: &'a Benchmark,
    /// Our records over the benchmark's own dates.
    pub our_incidents: usize,
    pub our_total_usd: UsdTotal,
    /// `our_total_usd` as a whole percentage of the benchmark's figure, rounded half up; null
    /// when our records hold more than the figure (`exceeds`), where a share means nothing.
    pub coverage_percent: Option<UsdTotal>,
    /// Our records over the benchmark's dates hold more dollars than its figure: the two count
    /// different thefts (a publisher's own selection, or thefts it had not yet examined).
    pub exceeds: bool,
    #[serde(rename = "ids")]
    pub records: Records<'a>,
}

/// The records behind a figure, in id order; serialised as their ids, which is how the data
/// contract names records. Held as references so that whoever words the figure (the brief's
/// view, its charts) reaches the records without looking 100 000 ids up again.
#[derive(Clone, Debug, Default)]
pub struct Records<'a>(Vec<&'a Incident>);

impl<'a> Records<'a> {
    /// `records` in id order (sorted here unless they already are, as loading gives them).
    fn new(mut records: Vec<&'a Incident>) -> Self {
        if !records.is_sorted_by(|a, b| a.id <= b.id) {
            records.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        }
        Records(records)
    }

    pub fn ids(&self) -> Vec<&'a str> {
        self.0.iter().map(|i| i.id.as_str()).collect()
    }

    pub fn as_slice(&self) -> &[&'a Incident] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Two lists of records are the same when they name the same records.
impl PartialEq for Records<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| a.id == b.id)
    }
}

impl Eq for Records<'_> {}

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|i| i.id.as_str()))
    }
}

/// Adds a record's amount to a total. `u128` holds the sum of fewer than 2^64 `u64` amounts, so
/// this cannot overflow for any data set that fits in memory; `checked_add` keeps that explicit.
fn add(total: UsdTotal, amount: Usd) -> UsdTotal {
    total
        .checked_add(UsdTotal::from(amount.0))
        .unwrap_or(UsdTotal::MAX)
}

/// The sum of some records' amounts.
pub fn total<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> UsdTotal {
    incidents
        .into_iter()
        .fold(0, |sum, i| add(sum, i.amount_usd))
}

/// Running sums for a period other than the selected one.
struct Sum<'a> {
    period: Period,
    tally: Tally<'a>,
}

impl<'a> Sum<'a> {
    fn new(period: Period) -> Self {
        Sum {
            period,
            tally: Tally::default(),
        }
    }

    /// Adds the record when it lies in the period; whether it did.
    fn visit(&mut self, incident: &'a Incident) -> bool {
        let inside = self.period.contains(incident.date);
        if inside {
            self.tally.add(incident);
        }
        inside
    }

    fn comparison(self) -> Comparison<'a> {
        let (incidents, total_usd, records) = self.tally.into_parts();
        Comparison {
            from: self.period.from,
            to: self.period.to,
            incidents,
            total_usd,
            records,
        }
    }
}

/// Computes every figure for `period`. `incidents` need not be sorted; sorted by id is fastest.
pub fn figures<'a>(
    incidents: &'a [Incident],
    period: Period,
    benchmarks: &'a [Benchmark],
) -> Figures<'a> {
    // One pass over every record for everything that looks beyond the period: records are large
    // and memory-bound, so each extra pass would cost as much as the grouping itself.
    let mut in_period: Vec<&Incident> = Vec::new();
    let (mut previous, mut year_ago) = (Sum::new(period.previous()), Sum::new(period.year_ago()));
    let year_to_date = period.year_to_date();
    let (mut ytd, mut ytd_before) = (Sum::new(year_to_date), Sum::new(year_to_date.year_ago()));
    let cumulative = Period {
        to: period.to,
        from: NaiveDate::MIN,
        ..period
    };
    let (mut cumulative_incidents, mut cumulative_usd) = (0, 0);
    let (mut since, mut latest): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    let mut routes = Routes::default();
    let trend_span = period.trailing_months(24);
    let mut trend = MonthTallies::new(trend_span);
    let mut laundering_months = vec![false; trend.months.len()];
    let mut trailing = Sum::new(period.trailing_months(12));
    let (mut trailing_vectors, mut trailing_kinds) = (KeywordTallies::new(), KeywordTallies::new());
    let mut years: BTreeMap<i32, Tally> = BTreeMap::new();
    for incident in incidents {
        if period.contains(incident.date) {
            in_period.push(incident);
        }
        previous.visit(incident);
        year_ago.visit(incident);
        ytd.visit(incident);
        ytd_before.visit(incident);
        if cumulative.contains(incident.date) {
            cumulative_incidents += 1;
            cumulative_usd = add(cumulative_usd, incident.amount_usd);
        }
        since = Some(since.map_or(incident.date, |d| d.min(incident.date)));
        latest = Some(latest.map_or(incident.date, |d| d.max(incident.date)));
        routes.visit(incident, period);
        if trend_span.contains(incident.date) {
            trend.add(incident);
        }
        for step in &incident.laundering {
            let date = step.effective_date(incident.date);
            if let Some(month) = trend_span
                .contains(date)
                .then(|| trend.index(date))
                .flatten()
                .and_then(|i| laundering_months.get_mut(i))
            {
                *month = true;
            }
        }
        if trailing.visit(incident) {
            trailing_vectors.add(incident.vector, incident);
            trailing_kinds.add(incident.victim_kind, incident);
        }
        years.entry(incident.date.year()).or_default().add(incident);
    }
    // In id order, every grouping collects its ids already sorted. Loaded records come sorted by
    // id, so the (cache-unfriendly) sort only runs for other callers.
    if !in_period.is_sorted_by(|a, b| a.id <= b.id) {
        in_period.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    }

    // One pass over the period's records feeds every grouping, for the same reason as above.
    let mut amounts: Vec<Usd> = Vec::with_capacity(in_period.len());
    let (mut total_usd, mut low, mut high) = (0, 0, 0);
    let mut by_month = MonthTallies::new(period);
    let (mut vectors, mut kinds, mut attributions) = (
        KeywordTallies::new(),
        KeywordTallies::new(),
        KeywordTallies::new(),
    );
    let mut sources = SourceTallies::default();
    for incident in &in_period {
        amounts.push(incident.amount_usd);
        total_usd = add(total_usd, incident.amount_usd);
        let (lo, hi) = incident.estimate_range();
        low = add(low, lo);
        high = add(high, hi);
        by_month.add(incident);
        vectors.add(incident.vector, incident);
        kinds.add(incident.victim_kind, incident);
        attributions.add(incident.attribution, incident);
        sources.add(incident);
    }
    amounts.sort_unstable();
    let laundering = routes.groups();
    let trailing = trailing.comparison();
    let mut ranked = in_period.clone();
    ranked.sort_by(|a, b| Incident::largest_first(a, b));

    Figures {
        period: PeriodSpan {
            from: period.from,
            to: period.to,
            label: period.label(),
            kind: period.kind,
        },
        incidents: in_period.len(),
        total_usd,
        median_usd: median(&amounts),
        low_usd: low,
        high_usd: high,
        by_month: by_month.groups(),
        by_vector: vectors.groups(),
        by_victim_kind: kinds.groups(),
        by_attribution: attributions.groups(),
        by_source: sources.groups(),
        laundered_usd: laundering
            .iter()
            .fold(0, |sum: UsdTotal, l| sum.saturating_add(l.usd)),
        laundering,
        top: top(&ranked),
        previous: previous.comparison(),
        year_ago: year_ago.comparison(),
        year_to_date: ytd.comparison(),
        year_to_date_before: ytd_before.comparison(),
        cumulative: Cumulative {
            since,
            incidents: cumulative_incidents,
            total_usd: cumulative_usd,
        },
        trend: trend
            .months
            .clone()
            .into_iter()
            .zip(trend.groups())
            .zip(laundering_months)
            .map(|((first_day, month), laundering)| TrendMonth {
                month,
                first_day,
                laundering,
            })
            .collect(),
        by_year: by_year(years, period),
        trailing_12m: Trailing {
            from: trailing.from,
            to: trailing.to,
            incidents: trailing.incidents,
            total_usd: trailing.total_usd,
            by_vector: trailing_vectors.groups(),
            by_victim_kind: trailing_kinds.groups(),
        },
        records: incidents.len(),
        latest,
        benchmarks: coverage(incidents, period, benchmarks),
        ranked,
    }
}

/// Each year from the first record's to the period's last (or the first record's, when it is
/// later), zeros included.
fn by_year<'a>(mut years: BTreeMap<i32, Tally<'a>>, period: Period) -> Vec<Year<'a>> {
    let Some(first) = years.keys().next().copied() else {
        return Vec::new();
    };
    let last = period.to.year().max(first);
    (first..=last)
        .map(|year| Year {
            group: years
                .remove(&year)
                .unwrap_or_default()
                .into_group(Cow::Owned(year.to_string())),
            year,
        })
        .collect()
}

fn median(sorted: &[Usd]) -> UsdTotal {
    match sorted.len() {
        0 => 0,
        n if n % 2 == 1 => UsdTotal::from(sorted[n / 2].0),
        n => (UsdTotal::from(sorted[n / 2 - 1].0) + UsdTotal::from(sorted[n / 2].0)) / 2,
    }
}

#[derive(Default)]
struct Tally<'a> {
    incidents: usize,
    total_usd: UsdTotal,
    records: Vec<&'a Incident>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, incident: &'a Incident) {
        self.incidents += 1;
        self.total_usd = add(self.total_usd, incident.amount_usd);
        self.records.push(incident);
    }

    /// The count, the total and the records in id order. They arrive in that order when the
    /// thefts are visited in id order, as loading gives them; other callers' are sorted here.
    fn into_parts(self) -> (usize, UsdTotal, Records<'a>) {
        (self.incidents, self.total_usd, Records::new(self.records))
    }

    fn into_group(self, key: Cow<'a, str>) -> Group<'a> {
        let (incidents, total_usd, records) = self.into_parts();
        Group {
            key,
            incidents,
            total_usd,
            records,
        }
    }
}

/// Tallies by a closed vocabulary (vector, victim kind, attribution), indexed by the keyword's
/// position so no record costs a map lookup.
struct KeywordTallies<'a, K: Keyword> {
    tallies: Vec<Tally<'a>>,
    keyword: std::marker::PhantomData<K>,
}

impl<'a, K: Keyword + PartialEq> KeywordTallies<'a, K> {
    fn new() -> Self {
        KeywordTallies {
            tallies: K::ALL.iter().map(|_| Tally::default()).collect(),
            keyword: std::marker::PhantomData,
        }
    }

    fn add(&mut self, key: K, incident: &'a Incident) {
        if let Some(tally) = K::ALL
            .iter()
            .position(|k| *k == key)
            .and_then(|i| self.tallies.get_mut(i))
        {
            tally.add(incident);
        }
    }

    /// Keys with at least one theft; total descending, then key ascending.
    fn groups(self) -> Vec<Group<'a>> {
        let used = K::ALL
            .iter()
            .zip(self.tallies)
            .filter(|(_, t)| t.incidents > 0);
        sorted_groups(used.map(|(k, t)| (k.as_str(), t)).collect())
    }
}

/// Thefts under each publisher they cite, once per distinct publisher name.
#[derive(Default)]
struct SourceTallies<'a> {
    tallies: BTreeMap<&'a str, Tally<'a>>,
    names: Vec<&'a str>,
}

impl<'a> SourceTallies<'a> {
    fn add(&mut self, incident: &'a Incident) {
        self.names.clear();
        self.names.extend(incident.sources.iter().map(|s| &*s.name));
        self.names.sort_unstable();
        self.names.dedup();
        for name in &self.names {
            self.tallies.entry(name).or_default().add(incident);
        }
    }

    fn groups(self) -> Vec<Group<'a>> {
        sorted_groups(self.tallies)
    }
}

fn sorted_groups<'a>(tallies: BTreeMap<&'a str, Tally<'a>>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group<'a>> = tallies
        .into_iter()
        .map(|(key, tally)| tally.into_group(Cow::Borrowed(key)))
        .collect();
    groups.sort_by(|a, b| {
        b.total_usd
            .cmp(&a.total_usd)
            .then_with(|| a.key.cmp(&b.key))
    });
    groups
}

/// Every month of the period, zeros included, ascending.
struct MonthTallies<'a> {
    /// First day of each month.
    months: Vec<NaiveDate>,
    tallies: Vec<Tally<'a>>,
}

impl<'a> MonthTallies<'a> {
    fn new(period: Period) -> Self {
        let months = period.months();
        let tallies = months.iter().map(|_| Tally::default()).collect();
        MonthTallies { months, tallies }
    }

    /// The index of `date`'s month, for a date not before the first month.
    fn index(&self, date: NaiveDate) -> Option<usize> {
        // Months are ascending first days, so the date's month is the last one not after it.
        self.months.partition_point(|m| *m <= date).checked_sub(1)
    }

    fn add(&mut self, incident: &'a Incident) {
        if let Some(tally) = self
            .index(incident.date)
            .and_then(|i| self.tallies.get_mut(i))
        {
            tally.add(incident);
        }
    }

    fn groups(self) -> Vec<Group<'a>> {
        let labelled = self.months.iter().zip(self.tallies);
        labelled
            .map(|(m, tally)| tally.into_group(Cow::Owned(m.format("%Y-%m").to_string())))
            .collect()
    }
}

/// Laundering steps grouped by (service, method), counted on the step's own date.
#[derive(Default)]
struct Routes<'a> {
    routes: BTreeMap<(&'a str, &'static str), Route<'a>>,
}

#[derive(Default)]
struct Route<'a> {
    steps: usize,
    usd: UsdTotal,
    records: BTreeMap<&'a str, &'a Incident>,
}

impl<'a> Routes<'a> {
    fn visit(&mut self, incident: &'a Incident, period: Period) {
        for step in &incident.laundering {
            if !period.contains(step.effective_date(incident.date)) {
                continue;
            }
            let route = self
                .routes
                .entry((step.service.as_str(), step.method.as_str()))
                .or_default();
            route.steps += 1;
            route.usd = step.amount_usd.map_or(route.usd, |a| add(route.usd, a));
            route.records.insert(&incident.id, incident);
        }
    }

    fn groups(self) -> Vec<LaunderingGroup<'a>> {
        let mut groups: Vec<LaunderingGroup<'a>> = self
            .routes
            .into_iter()
            .map(|((service, method), route)| LaunderingGroup {
                service,
                method,
                steps: route.steps,
                incidents: route.records.len(),
                usd: route.usd,
                records: Records(route.records.into_values().collect()),
            })
            .collect();
        groups.sort_by(|a, b| {
            b.usd
                .cmp(&a.usd)
                .then_with(|| a.service.cmp(b.service))
                .then_with(|| a.method.cmp(b.method))
        });
        groups
    }
}

/// The first five of the thefts ranked largest first.
fn top<'a>(ranked: &[&'a Incident]) -> Vec<TopIncident<'a>> {
    ranked
        .iter()
        .take(5)
        .map(|i| TopIncident {
            id: &i.id,
            date: i.date,
            victim: &i.victim,
            amount_usd: i.amount_usd,
        })
        .collect()
}

fn coverage<'a>(
    incidents: &'a [Incident],
    period: Period,
    benchmarks: &'a [Benchmark],
) -> Vec<Coverage<'a>> {
    benchmarks
        .iter()
        .filter(|b| b.from <= period.to && period.from <= b.to)
        .map(|b| {
            let ours: Vec<&Incident> = incidents
                .iter()
                .filter(|i| b.from <= i.date && i.date <= b.to)
                .collect();
            let our_total = total(ours.iter().copied());
            let theirs = UsdTotal::from(b.amount_usd.0);
            let exceeds = our_total > theirs;
            Coverage {
                benchmark: b,
                our_incidents: ours.len(),
                our_total_usd: our_total,
                coverage_percent: (!exceeds).then(|| crate::money::percent(our_total, theirs)),
                exceeds,
                records: Records::new(ours),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
