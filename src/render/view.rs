//! The brief view: everything a brief template shows, computed once in Rust from the records,
//! the period and the published figures. Templates phrase it and never re-derive a number.
//!
//! Numbers arrive twice: as integers (for templates that want to compute nothing but format
//! differently) and as the words a brief uses (`$147.5 million`). Record text arrives raw; the
//! Markdown template engine escapes every value it prints (see `templates`).

use super::charts::{self, Chart, ChartError};
use super::records::{ById, anchor, link, named};
use super::words;
use crate::benchmark::Benchmark;
use crate::incident::{Attribution, Incident, Keyword, UsdTotal};
use crate::load::note::Note;
use crate::period::{Period, PeriodKind};
use crate::stats::{self, Comparison, Figures, figures};
use crate::text::one_line;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

pub use super::records::RecordLink;
pub use super::words::period_name;

/// How many of the period's thefts the brief's table lists: a year of a large data set would
/// otherwise make a table nobody reads; the rest are counted, and `heistbrief list` shows them.
pub const LISTED: usize = 50;

/// What the caller knows that the data does not: the tool's version and the build date.
pub struct BriefOptions {
    pub version: String,
    /// From `SOURCE_DATE_EPOCH`; `None` leaves the date out, so output never depends on the clock.
    pub generated_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize)]
pub struct Brief {
    pub title: String,
    pub period: PeriodView,
    pub version: String,
    pub generated_on: Option<String>,
    /// The newest theft in the whole data set: what "data as of" means here.
    pub data_as_of: Option<String>,
    /// Records in the data set (up to any date), which the brief rests on.
    pub records: usize,
    pub key: KeyFigures,
    /// The editor's assessment of the period (`notes/<label>.md`), when there is one.
    pub assessment: Option<Assessment>,
    /// What changed in the records behind the figures since the brief of an earlier period
    /// (its snapshot): `None` when nothing did, or there is no earlier brief to compare with.
    pub revisions: Option<super::revisions::Revisions>,
    /// The period's largest thefts, at most fifty, largest first.
    pub incidents: Vec<IncidentRow>,
    /// The period's thefts beyond those fifty: how many, and their total in words.
    pub incidents_more: usize,
    pub incidents_more_total: String,
    pub laundering: Vec<LaunderingRow>,
    pub vectors: Vec<ShareRow>,
    pub vectors_12m: Vec<ShareRow>,
    pub victim_kinds: Vec<ShareRow>,
    pub victim_kinds_12m: Vec<ShareRow>,
    pub trailing_12m: SpanView,
    pub attribution: Vec<ShareRow>,
    /// Attribution notes of the period's thefts that are only suspected or disputed.
    pub disputes: Vec<Dispute>,
    pub charts: Vec<Chart>,
    /// Every record a figure or chart names, with its anchor and numbered sources.
    pub cited: Vec<IncidentRow>,
    pub sources: Vec<SourceEntry>,
}

impl Brief {
    /// The ids of the records the brief names: the period's listed thefts and the others cited.
    pub fn record_ids(&self) -> impl Iterator<Item = &str> {
        self.incidents
            .iter()
            .chain(&self.cited)
            .map(|row| row.id.as_str())
    }
}

/// The editor's note for the period, ready for the brief's Markdown.
#[derive(Debug, Serialize)]
pub struct Assessment {
    /// The note as Markdown written again by heistbrief ([`super::assessment`]): its headings
    /// below the brief's sections, its citations links to the records, its text escaped. A
    /// template prints it with `| safe`, on lines of its own.
    pub markdown: String,
}

#[derive(Debug, Serialize)]
pub struct PeriodView {
    pub label: String,
    pub kind: PeriodKind,
    /// `March 2024`, `Q1 2024`, `2024`, `1 January to 10 February 2024`.
    pub name: String,
    pub from: String,
    pub to: String,
    pub from_iso: NaiveDate,
    pub to_iso: NaiveDate,
}

#[derive(Debug, Serialize)]
pub struct SpanView {
    pub from: String,
    pub to: String,
}

/// A comparison period: its figures, how the brief period compares, and who is behind it.
#[derive(Debug, Serialize)]
pub struct CompareView {
    pub name: String,
    pub from: String,
    pub to: String,
    pub incidents: usize,
    pub thefts: String,
    pub total_usd: UsdTotal,
    pub total: String,
    /// `up 38% from $10 million`, `no thefts, against $5 million`, `no thefts then`.
    pub change: String,
    /// The largest records behind it (at most twelve), in date order.
    pub records: Vec<RecordLink>,
    /// How many more records it holds.
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub struct KeyFigures {
    pub incidents: usize,
    pub thefts: String,
    pub total_usd: UsdTotal,
    pub total: String,
    /// The sources' range when they disagree: `$120 million–$130 million`.
    pub range: Option<String>,
    /// The period's largest thefts (at most twelve), in date order.
    pub records: Vec<RecordLink>,
    /// How many more thefts the period holds.
    pub more: usize,
    pub previous: CompareView,
    pub year_ago: CompareView,
    /// 1 January of the period's last year up to its last day.
    pub year_to_date: CompareView,
    /// The same dates a year earlier, as `year_to_date.change` compares against.
    pub year_to_date_before: CompareView,
    pub cumulative_since: Option<String>,
    /// Thefts from the first record to the period's end: none for a period before it.
    pub cumulative_incidents: usize,
    pub cumulative_thefts: String,
    pub cumulative_total: String,
    pub laundering_total: Option<String>,
    pub coverage: Vec<CoverageLine>,
}

#[derive(Debug, Serialize)]
pub struct CoverageLine {
    pub publisher: String,
    pub title: String,
    pub url: String,
    pub from: String,
    pub to: String,
    pub figure: String,
    pub ours: String,
    pub our_thefts: String,
    /// How many thefts the publisher counts, where it says: `11 thefts`.
    pub their_thefts: Option<String>,
    /// `ours` as a whole percentage of `figure`; none when `exceeds`.
    pub percent: Option<UsdTotal>,
    /// These records hold more than the published figure: the two count different thefts.
    pub exceeds: bool,
}

#[derive(Debug, Serialize, Clone)]
pub struct IncidentRow {
    pub id: String,
    pub anchor: String,
    pub date_iso: NaiveDate,
    pub date: String,
    pub victim: String,
    pub victim_kind: String,
    pub amount_usd: u64,
    pub amount: String,
    pub range: Option<String>,
    pub vector: String,
    pub attribution: String,
    pub actor: Option<String>,
    /// The record's summary, on one line: it is Markdown from a contributor, placed by the
    /// template as a paragraph and rendered with raw HTML disabled.
    pub summary: String,
    /// Numbers into the source list.
    pub refs: Vec<usize>,
    /// For a record named only for context (by a chart or a comparison, not by the period's
    /// own figures): its first source, given in place rather than in the source list.
    pub source: Option<SourceLink>,
    /// For such a record, every source it has (the first included): the HTML lists them all,
    /// so each record's provenance stays a click away while the print stays compact.
    pub all_sources: Vec<SourceLink>,
}

/// One source of a record, linked where it is named.
#[derive(Clone, Debug, Serialize)]
pub struct SourceLink {
    pub publisher: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct LaunderingRow {
    pub service: String,
    pub method: String,
    pub steps: usize,
    pub usd: UsdTotal,
    /// `$147.5 million`, or `not reported` when no step carries an amount.
    pub amount: String,
    /// The largest thefts the funds came from (at most twelve), in date order; `earlier` when
    /// stolen before the period.
    pub from: Vec<LaunderingOrigin>,
    /// How many more thefts the funds came from.
    pub more: usize,
}

#[derive(Debug, Serialize)]
pub struct LaunderingOrigin {
    #[serde(flatten)]
    pub record: RecordLink,
    pub earlier: bool,
}

#[derive(Debug, Serialize)]
pub struct ShareRow {
    pub key: String,
    /// The keyword as a reader says it: `private key compromise`.
    pub name: String,
    pub incidents: usize,
    pub total_usd: UsdTotal,
    pub total: String,
    /// Whole percent of the total, rounded half up.
    pub percent: UsdTotal,
    /// The percentage as a brief writes it: `62%`, `<1%`.
    pub share: String,
}

#[derive(Debug, Serialize)]
pub struct Dispute {
    pub record: RecordLink,
    pub attribution: String,
    pub note: String,
}

#[derive(Debug, Serialize)]
pub struct SourceEntry {
    pub number: usize,
    pub anchor: String,
    pub publisher: String,
    pub published: Option<String>,
    pub url: String,
    pub quote: Option<String>,
    /// The record this source supports.
    pub record: RecordLink,
}

/// Builds the brief view. `incidents` are valid records (any order); `today` bounds nothing:
/// the view depends only on its inputs. Fails only when a chart cannot be drawn.
pub fn brief(
    incidents: &[Incident],
    period: Period,
    benchmarks: &[Benchmark],
    options: &BriefOptions,
) -> Result<Brief, ChartError> {
    brief_with(incidents, period, benchmarks, options, None)
}

/// The brief view with the editor's note for the period, its citations resolved
/// ([`crate::load::note::resolve`]): each record it cites is linked, and one without a row of
/// its own joins the other records cited, with one source.
pub fn brief_with(
    incidents: &[Incident],
    period: Period,
    benchmarks: &[Benchmark],
    options: &BriefOptions,
    note: Option<&Note>,
) -> Result<Brief, ChartError> {
    let f = figures(incidents, period, benchmarks);
    brief_of(&f, incidents, period, benchmarks, options, note)
}

/// The brief view from figures already computed over `incidents`, so that a caller that also
/// needs them (for the brief's snapshot) computes them once.
pub fn brief_of(
    f: &Figures<'_>,
    incidents: &[Incident],
    period: Period,
    benchmarks: &[Benchmark],
    options: &BriefOptions,
    note: Option<&Note>,
) -> Result<Brief, ChartError> {
    let by_id = ById::new(incidents);
    let mut cite = Citations::new(&by_id);

    // The period's thefts, largest first: the order the brief's table shows them, which is the
    // order their sources are numbered in.
    let mut in_period: Vec<&Incident> = f.ranked.clone();
    let unlisted: Vec<&Incident> = in_period.split_off(in_period.len().min(LISTED));
    let rows: Vec<IncidentRow> = in_period.iter().map(|i| cite.row(i)).collect();
    cite.listed = in_period.iter().map(|i| i.id.as_str()).collect();

    let laundering = laundering_rows(f, &mut cite, period);
    let key = key_figures(period, f, &mut cite);
    let trailing = &f.trailing_12m;
    let trend = charts::monthly_trend(f, period)?;
    for id in trend.record_ids() {
        cite.mention(&id);
    }
    let mut charts = vec![trend, charts::annual(f, period, benchmarks)?];
    if trailing.incidents > 0 {
        charts.push(charts::vectors(f)?);
    }
    if !f.laundering.is_empty() {
        charts.push(charts::laundering(f)?);
    }
    for chart in &mut charts {
        chart.file = format!("brief-{}-{}.svg", period.label(), chart.id);
        for id in chart.record_ids() {
            cite.mention(&id);
        }
    }

    let disputes = in_period
        .iter()
        .filter(|i| i.attribution == Attribution::Suspected)
        .filter_map(|i| {
            Some(Dispute {
                record: link(i),
                attribution: i.attribution.to_string(),
                note: one_line(i.attribution_note.as_deref()?),
            })
        })
        .collect();

    // Last, so that a record the figures cite keeps its sources in the list.
    let assessment = note.map(|note| Assessment {
        markdown: super::assessment::markdown(&note.text, |key| {
            let id = note.records.get(key)?;
            cite.mention(id);
            cite.by_id.get(id).map(link)
        }),
    });

    Ok(Brief {
        title: format!(
            "North Korea-attributed crypto thefts — {}",
            period_name(period)
        ),
        period: PeriodView {
            label: period.label(),
            kind: period.kind,
            name: period_name(period),
            from: words::date(period.from),
            to: words::date(period.to),
            from_iso: period.from,
            to_iso: period.to,
        },
        version: options.version.clone(),
        generated_on: options.generated_on.map(words::date),
        data_as_of: f.latest.map(words::date),
        records: f.records,
        vectors: shares(&f.by_vector, f.total_usd, humanize),
        vectors_12m: shares(&trailing.by_vector, trailing.total_usd, humanize),
        victim_kinds: shares(&f.by_victim_kind, f.total_usd, humanize),
        victim_kinds_12m: shares(&trailing.by_victim_kind, trailing.total_usd, humanize),
        trailing_12m: SpanView {
            from: words::date(trailing.from),
            to: words::date(trailing.to),
        },
        attribution: shares(&f.by_attribution, f.total_usd, |k| k.to_owned()),
        disputes,
        charts,
        key,
        assessment,
        revisions: None,
        incidents: rows,
        incidents_more: unlisted.len(),
        incidents_more_total: words::money(stats::total(unlisted)),
        laundering,
        cited: cite.cited_rows(),
        sources: cite.sources,
    })
}

/// Numbers sources in the order records are first cited, and remembers every cited record.
/// The source list holds the sources behind the period's own figures (its thefts, and the
/// thefts whose laundering is dated in it); a record named only for context (a bar of the
/// annual chart, a month of the trend, a comparison period) is *mentioned*: listed among the
/// other records with one source of its own, so a year brief does not list every source of
/// every record since 2017.
struct Citations<'a> {
    by_id: &'a ById<'a>,
    order: Vec<&'a Incident>,
    /// Records mentioned and not cited.
    mentioned: std::collections::BTreeSet<&'a str>,
    refs: BTreeMap<&'a str, Vec<usize>>,
    sources: Vec<SourceEntry>,
    /// Records with a row in the period's table: the "other records cited" list leaves them out.
    listed: std::collections::BTreeSet<&'a str>,
}

impl<'a> Citations<'a> {
    fn new(by_id: &'a ById<'a>) -> Self {
        Citations {
            by_id,
            order: Vec::new(),
            mentioned: Default::default(),
            refs: BTreeMap::new(),
            sources: Vec::new(),
            listed: Default::default(),
        }
    }

    /// Cites a record by id (numbering its sources on first citation); its link.
    fn record(&mut self, id: &str) -> Option<RecordLink> {
        let incident = self.by_id.get(id)?;
        self.cite(incident);
        Some(link(incident))
    }

    /// Names a record for context: listed among the other records with one source, unless its
    /// sources are in the list already.
    fn mention(&mut self, id: &str) {
        if let Some(incident) = self.by_id.get(id)
            && !self.refs.contains_key(incident.id.as_str())
            && self.mentioned.insert(&incident.id)
        {
            self.order.push(incident);
        }
    }

    fn cite(&mut self, incident: &'a Incident) -> &[usize] {
        if !self.refs.contains_key(incident.id.as_str()) {
            if self.mentioned.remove(incident.id.as_str()) {
                // Named for context first, cited now: listed once, with its sources.
                self.order.retain(|i| i.id != incident.id);
            }
            let mut numbers = Vec::with_capacity(incident.sources.len());
            for source in &incident.sources {
                let number = self.sources.len() + 1;
                numbers.push(number);
                self.sources.push(SourceEntry {
                    number,
                    anchor: format!("src-{number}"),
                    publisher: one_line(&source.name),
                    published: source.published.map(words::date),
                    url: source.url.clone(),
                    quote: source.quote.as_deref().map(one_line),
                    record: link(incident),
                });
            }
            self.order.push(incident);
            self.refs.insert(&incident.id, numbers);
        }
        &self.refs[incident.id.as_str()]
    }

    fn row(&mut self, incident: &'a Incident) -> IncidentRow {
        let (refs, all_sources) = if self.mentioned.contains(incident.id.as_str()) {
            let sources = incident.sources.iter().map(|s| SourceLink {
                publisher: one_line(&s.name),
                url: s.url.clone(),
            });
            (Vec::new(), sources.collect())
        } else {
            (self.cite(incident).to_vec(), Vec::new())
        };
        let source = all_sources.first().cloned();
        let (low, high) = incident.estimate_range();
        IncidentRow {
            id: incident.id.clone(),
            anchor: anchor(&incident.id),
            date_iso: incident.date,
            date: words::date(incident.date),
            victim: one_line(&incident.victim),
            victim_kind: humanize(incident.victim_kind.as_str()),
            amount_usd: incident.amount_usd.0,
            amount: words::money(incident.amount_usd.0.into()),
            range: (low != high).then(|| {
                format!(
                    "{}–{}",
                    words::money(low.0.into()),
                    words::money(high.0.into())
                )
            }),
            vector: humanize(incident.vector.as_str()),
            attribution: incident.attribution.to_string(),
            actor: incident.actor.as_deref().map(one_line),
            summary: one_line(&incident.summary),
            refs,
            source,
            all_sources,
        }
    }

    /// Every cited record without a row in the period's table, in date order.
    fn cited_rows(&mut self) -> Vec<IncidentRow> {
        let mut order: Vec<&Incident> = self
            .order
            .iter()
            .copied()
            .filter(|i| !self.listed.contains(i.id.as_str()))
            .collect();
        order.sort_by(|a, b| Incident::chronological(a, b));
        order.into_iter().map(|i| self.row(i)).collect()
    }
}

/// `private-key-compromise` as `private key compromise`.
fn humanize(keyword: &str) -> String {
    keyword.replace('-', " ")
}

/// A comparison period as the brief words it, against `now` (incidents, dollars), naming the
/// largest records behind it.
fn compare<'a>(
    name: String,
    c: &Comparison<'_>,
    now: (usize, UsdTotal),
    cite: &mut Citations<'a>,
) -> CompareView {
    let (records, more) = named(c.records.as_slice().to_vec());
    for l in &records {
        cite.mention(&l.id);
    }
    CompareView {
        name,
        from: words::date(c.from),
        to: words::date(c.to),
        incidents: c.incidents,
        thefts: words::thefts(c.incidents),
        total_usd: c.total_usd,
        total: words::money(c.total_usd),
        change: words::change(now.1, now.0, c.total_usd, c.incidents),
        records,
        more,
    }
}

/// A span of dates as a brief names it: `1 January 2024 to 31 March 2024`.
fn span_name(c: &Comparison<'_>) -> String {
    format!("{} to {}", words::date(c.from), words::date(c.to))
}

fn key_figures<'a>(period: Period, f: &Figures<'_>, cite: &mut Citations<'a>) -> KeyFigures {
    let now = (f.incidents, f.total_usd);
    let ytd = (f.year_to_date.incidents, f.year_to_date.total_usd);
    // Records are cited (and their sources numbered) in the order the brief names them.
    let previous = compare(period_name(period.previous()), &f.previous, now, cite);
    let year_ago_view = compare(period_name(period.year_ago()), &f.year_ago, now, cite);
    // Compared with the year to date: its `change` says how the year to date compares.
    let year_to_date_before = compare(
        span_name(&f.year_to_date_before),
        &f.year_to_date_before,
        ytd,
        cite,
    );
    let (in_period, more) = named(f.ranked.clone());
    KeyFigures {
        incidents: f.incidents,
        thefts: words::thefts(f.incidents),
        total_usd: f.total_usd,
        total: words::money(f.total_usd),
        range: (f.low_usd != f.high_usd)
            .then(|| format!("{}–{}", words::money(f.low_usd), words::money(f.high_usd))),
        records: in_period,
        more,
        previous,
        year_ago: year_ago_view,
        year_to_date: CompareView {
            // The change against the same dates a year earlier, worded once, for both views.
            change: year_to_date_before.change.clone(),
            ..compare(span_name(&f.year_to_date), &f.year_to_date, ytd, cite)
        },
        year_to_date_before,
        cumulative_since: f.cumulative.since.map(words::date),
        cumulative_incidents: f.cumulative.incidents,
        cumulative_thefts: words::thefts(f.cumulative.incidents),
        cumulative_total: words::money(f.cumulative.total_usd),
        laundering_total: (f.laundered_usd > 0).then(|| words::money(f.laundered_usd)),
        coverage: f
            .benchmarks
            .iter()
            .map(|c| CoverageLine {
                publisher: c.benchmark.publisher.clone(),
                title: c.benchmark.title.clone(),
                url: c.benchmark.url.clone(),
                from: words::date(c.benchmark.from),
                to: words::date(c.benchmark.to),
                figure: words::money(c.benchmark.amount_usd.0.into()),
                ours: words::money(c.our_total_usd),
                our_thefts: words::thefts(c.our_incidents),
                their_thefts: c
                    .benchmark
                    .incidents
                    .map(|n| words::thefts(usize::try_from(n).unwrap_or(usize::MAX))),
                percent: c.coverage_percent,
                exceeds: c.exceeds,
            })
            .collect(),
    }
}

fn laundering_rows<'a>(
    f: &Figures<'_>,
    cite: &mut Citations<'a>,
    period: Period,
) -> Vec<LaunderingRow> {
    f.laundering
        .iter()
        .map(|l| {
            // Named like every other figure's records, the largest first: a service used by
            // thousands of thefts stays one line of the brief.
            let (links, more) = named(l.records.as_slice().to_vec());
            let from = links
                .into_iter()
                .filter_map(|link| {
                    let date = cite.by_id.get(&link.id)?.date;
                    cite.record(&link.id)?;
                    Some(LaunderingOrigin {
                        record: link,
                        earlier: date < period.from,
                    })
                })
                .collect();
            LaunderingRow {
                service: one_line(l.service),
                method: humanize(l.method),
                steps: l.steps,
                usd: l.usd,
                amount: if l.usd > 0 {
                    words::money(l.usd)
                } else {
                    "not reported".to_owned()
                },
                from,
                more,
            }
        })
        .collect()
}

fn shares(
    groups: &[crate::stats::Group<'_>],
    total: UsdTotal,
    name: impl Fn(&str) -> String,
) -> Vec<ShareRow> {
    groups
        .iter()
        .map(|g| ShareRow {
            key: g.key.to_string(),
            name: name(&g.key),
            incidents: g.incidents,
            total_usd: g.total_usd,
            total: words::money(g.total_usd),
            percent: crate::money::percent(g.total_usd, total),
            share: words::share(g.total_usd, total),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{LaunderingMethod, LaunderingStep, test_incident};

    /// Fifteen thefts laundered through one service in the period: the brief names the twelve
    /// largest, in date order, and counts the other three, as every other figure does.
    #[test]
    fn a_laundering_service_names_its_twelve_largest_origins() {
        let records: Vec<Incident> = (1..=15u64)
            .map(|n| {
                let mut record = test_incident(
                    &format!("2024-03-{n:02}-r{n:02}"),
                    &format!("2024-03-{n:02}"),
                    n,
                );
                record.laundering.push(LaunderingStep {
                    date: None,
                    method: LaunderingMethod::Mixer,
                    service: "Mixer".into(),
                    amount_usd: None,
                });
                record
            })
            .collect();
        let options = BriefOptions {
            version: "test".into(),
            generated_on: None,
        };
        let period = Period::parse_month("2024-03").expect("month");
        let view = brief(&records, period, &[], &options).expect("charts draw");
        let row = &view.laundering[0];
        let named: Vec<&str> = row.from.iter().map(|o| o.record.id.as_str()).collect();
        let largest: Vec<String> = (4..=15)
            .map(|n| format!("2024-03-{n:02}-r{n:02}"))
            .collect();
        assert_eq!(named, largest);
        assert_eq!(row.more, 3);
    }
}
