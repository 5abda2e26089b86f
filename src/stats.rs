//! Everything a brief says, computed once: one pure function from records and a period to
//! [`Figures`], serialised as the data contract's part 2 (`stats --json`).

use crate::benchmark::Benchmark;
use crate::incident::{Incident, Keyword, Usd, UsdTotal};
use crate::period::Period;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figures {
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
    pub by_month: Vec<Group>,
    pub by_vector: Vec<Group>,
    pub by_victim_kind: Vec<Group>,
    pub by_attribution: Vec<Group>,
    /// Thefts citing each publisher, counted once per distinct source name.
    pub by_source: Vec<Group>,
    /// Laundering steps dated in the period, whatever the theft's date.
    pub laundering: Vec<LaunderingGroup>,
    /// Up to five largest thefts, ties by date then id.
    pub top: Vec<TopIncident>,
    pub previous: Comparison,
    pub year_ago: Comparison,
    pub cumulative: Cumulative,
    /// Published figures whose period overlaps this one, beside our own total over their dates.
    pub benchmarks: Vec<Coverage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeriodSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
    pub kind: crate::period::PeriodKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub key: String,
    pub incidents: usize,
    pub total_usd: UsdTotal,
    pub ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LaunderingGroup {
    pub service: String,
    pub method: String,
    pub steps: usize,
    /// Distinct records with a step here.
    pub incidents: usize,
    /// Sum of the steps' `amount_usd`; a step without one counts 0.
    pub usd: UsdTotal,
    pub ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopIncident {
    pub id: String,
    pub date: NaiveDate,
    pub victim: String,
    pub amount_usd: Usd,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub incidents: usize,
    pub total_usd: UsdTotal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cumulative {
    /// The earliest theft in the whole data set; null when there are no records.
    pub since: Option<NaiveDate>,
    pub incidents: usize,
    pub total_usd: UsdTotal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    #[serde(flatten)]
    pub benchmark: Benchmark,
    /// Our records over the benchmark's own dates.
    pub our_incidents: usize,
    pub our_total_usd: UsdTotal,
    /// `our_total_usd` as a whole percentage of the benchmark's figure, rounded half up.
    pub coverage_percent: UsdTotal,
    pub ids: Vec<String>,
}

/// Adds a record's amount to a total. `u128` holds the sum of fewer than 2^64 `u64` amounts, so
/// this cannot overflow for any data set that fits in memory; `checked_add` keeps that explicit.
fn add(total: UsdTotal, amount: Usd) -> UsdTotal {
    total
        .checked_add(UsdTotal::from(amount.0))
        .unwrap_or(UsdTotal::MAX)
}

/// Computes every figure for `period`. `incidents` need not be sorted.
pub fn figures(incidents: &[Incident], period: Period, benchmarks: &[Benchmark]) -> Figures {
    let mut in_period: Vec<&Incident> = incidents
        .iter()
        .filter(|i| period.contains(i.date))
        .collect();
    in_period.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));

    let mut amounts: Vec<Usd> = in_period.iter().map(|i| i.amount_usd).collect();
    amounts.sort_unstable();
    let (mut low, mut high) = (0, 0);
    for incident in &in_period {
        let (lo, hi) = incident.estimate_range();
        low = add(low, lo);
        high = add(high, hi);
    }

    let cumulative_set = incidents.iter().filter(|i| i.date <= period.to);
    Figures {
        period: PeriodSpan {
            from: period.from,
            to: period.to,
            label: period.label(),
            kind: period.kind,
        },
        incidents: in_period.len(),
        total_usd: total(&in_period),
        median_usd: median(&amounts),
        low_usd: low,
        high_usd: high,
        by_month: by_month(&in_period, period),
        by_vector: grouped(&in_period, |i| vec![i.vector.as_str().to_owned()]),
        by_victim_kind: grouped(&in_period, |i| vec![i.victim_kind.as_str().to_owned()]),
        by_attribution: grouped(&in_period, |i| vec![i.attribution.as_str().to_owned()]),
        by_source: grouped(&in_period, |i| {
            let names: BTreeSet<&str> = i.sources.iter().map(|s| s.name.as_str()).collect();
            names.into_iter().map(str::to_owned).collect()
        }),
        laundering: laundering(incidents, period),
        top: top(&in_period),
        previous: comparison(incidents, period.previous()),
        year_ago: comparison(incidents, period.year_ago()),
        cumulative: Cumulative {
            since: incidents.iter().map(|i| i.date).min(),
            incidents: cumulative_set.clone().count(),
            total_usd: cumulative_set.fold(0, |sum, i| add(sum, i.amount_usd)),
        },
        benchmarks: coverage(incidents, period, benchmarks),
    }
}

fn total(incidents: &[&Incident]) -> UsdTotal {
    incidents.iter().fold(0, |sum, i| add(sum, i.amount_usd))
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
    ids: Vec<&'a str>,
}

impl<'a> Tally<'a> {
    fn add(&mut self, incident: &'a Incident) {
        self.incidents += 1;
        self.total_usd = add(self.total_usd, incident.amount_usd);
        self.ids.push(&incident.id);
    }

    fn into_group(mut self, key: String) -> Group {
        self.ids.sort_unstable();
        Group {
            key,
            incidents: self.incidents,
            total_usd: self.total_usd,
            ids: self.ids.into_iter().map(str::to_owned).collect(),
        }
    }
}

/// Groups thefts under each of the keys `keys_of` gives them; sorted by total descending, then
/// key ascending.
fn grouped(incidents: &[&Incident], keys_of: impl Fn(&Incident) -> Vec<String>) -> Vec<Group> {
    let mut tallies: BTreeMap<String, Tally<'_>> = BTreeMap::new();
    for incident in incidents {
        for key in keys_of(incident) {
            tallies.entry(key).or_default().add(incident);
        }
    }
    let mut groups: Vec<Group> = tallies
        .into_iter()
        .map(|(key, tally)| tally.into_group(key))
        .collect();
    groups.sort_by(|a, b| {
        b.total_usd
            .cmp(&a.total_usd)
            .then_with(|| a.key.cmp(&b.key))
    });
    groups
}

fn by_month(incidents: &[&Incident], period: Period) -> Vec<Group> {
    let mut tallies: BTreeMap<String, Tally<'_>> = period
        .months()
        .into_iter()
        .map(|m| (m.format("%Y-%m").to_string(), Tally::default()))
        .collect();
    for incident in incidents {
        if let Some(tally) = tallies.get_mut(&incident.date.format("%Y-%m").to_string()) {
            tally.add(incident);
        }
    }
    tallies
        .into_iter()
        .map(|(key, tally)| tally.into_group(key))
        .collect()
}

fn laundering(incidents: &[Incident], period: Period) -> Vec<LaunderingGroup> {
    #[derive(Default)]
    struct Route<'a> {
        steps: usize,
        usd: UsdTotal,
        ids: BTreeSet<&'a str>,
    }
    let mut routes: BTreeMap<(&str, &str), Route<'_>> = BTreeMap::new();
    for incident in incidents {
        for step in &incident.laundering {
            if !period.contains(step.effective_date(incident.date)) {
                continue;
            }
            let route = routes
                .entry((step.service.as_str(), step.method.as_str()))
                .or_default();
            route.steps += 1;
            route.usd = step.amount_usd.map_or(route.usd, |a| add(route.usd, a));
            route.ids.insert(&incident.id);
        }
    }
    let mut groups: Vec<LaunderingGroup> = routes
        .into_iter()
        .map(|((service, method), route)| LaunderingGroup {
            service: service.to_owned(),
            method: method.to_owned(),
            steps: route.steps,
            incidents: route.ids.len(),
            usd: route.usd,
            ids: route.ids.into_iter().map(str::to_owned).collect(),
        })
        .collect();
    groups.sort_by(|a, b| {
        b.usd
            .cmp(&a.usd)
            .then_with(|| a.service.cmp(&b.service))
            .then_with(|| a.method.cmp(&b.method))
    });
    groups
}

fn top(incidents: &[&Incident]) -> Vec<TopIncident> {
    let mut ranked: Vec<&Incident> = incidents.to_vec();
    ranked.sort_by(|a, b| {
        b.amount_usd
            .cmp(&a.amount_usd)
            .then(a.date.cmp(&b.date))
            .then_with(|| a.id.cmp(&b.id))
    });
    ranked
        .into_iter()
        .take(5)
        .map(|i| TopIncident {
            id: i.id.clone(),
            date: i.date,
            victim: i.victim.clone(),
            amount_usd: i.amount_usd,
        })
        .collect()
}

fn comparison(incidents: &[Incident], period: Period) -> Comparison {
    let selected: Vec<&Incident> = incidents
        .iter()
        .filter(|i| period.contains(i.date))
        .collect();
    Comparison {
        from: period.from,
        to: period.to,
        incidents: selected.len(),
        total_usd: total(&selected),
    }
}

fn coverage(incidents: &[Incident], period: Period, benchmarks: &[Benchmark]) -> Vec<Coverage> {
    benchmarks
        .iter()
        .filter(|b| b.from <= period.to && period.from <= b.to)
        .map(|b| {
            let mut ours: Vec<&Incident> = incidents
                .iter()
                .filter(|i| b.from <= i.date && i.date <= b.to)
                .collect();
            ours.sort_by(|x, y| x.id.cmp(&y.id));
            let our_total = total(&ours);
            let theirs = UsdTotal::from(b.amount_usd.0);
            Coverage {
                benchmark: b.clone(),
                our_incidents: ours.len(),
                our_total_usd: our_total,
                coverage_percent: (our_total.saturating_mul(100) + theirs / 2) / theirs,
                ids: ours.iter().map(|i| i.id.clone()).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
