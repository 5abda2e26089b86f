use super::*;
use crate::incident::test_incident as incident;
use crate::incident::{Attribution, LaunderingMethod, LaunderingStep, Source, Vector};
use proptest::prelude::*;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn month(text: &str) -> Period {
    Period::parse_month(text).expect("month")
}

#[test]
fn empty_period_has_zeros_and_every_month() {
    let set = [incident("a", "2024-01-05", 10)];
    let f = figures(&set, Period::parse_quarter("2024-Q2").expect("q"), &[]);
    assert_eq!(
        (
            f.incidents,
            f.total_usd,
            f.median_usd,
            f.low_usd,
            f.high_usd
        ),
        (0, 0, 0, 0, 0)
    );
    let months: Vec<(&str, usize)> = f
        .by_month
        .iter()
        .map(|g| (g.key.as_ref(), g.incidents))
        .collect();
    assert_eq!(months, [("2024-04", 0), ("2024-05", 0), ("2024-06", 0)]);
    assert!(f.by_vector.is_empty() && f.top.is_empty() && f.laundering.is_empty());
    assert_eq!(
        (
            f.cumulative.since,
            f.cumulative.incidents,
            f.cumulative.total_usd
        ),
        (Some(date("2024-01-05")), 1, 10)
    );
}

#[test]
fn median_of_even_count_is_mean_of_middle_rounded_down() {
    let set = [
        incident("a", "2024-03-01", 1),
        incident("b", "2024-03-02", 4),
        incident("c", "2024-03-03", 10),
        incident("d", "2024-03-04", 100),
    ];
    assert_eq!(figures(&set, month("2024-03"), &[]).median_usd, 7);
    assert_eq!(figures(&set[..3], month("2024-03"), &[]).median_usd, 4);
}

#[test]
fn low_and_high_come_from_each_records_sources() {
    let mut a = incident("a", "2024-03-01", 100);
    a.sources[0].amount_usd = Some(Usd(80));
    a.sources.push(Source {
        name: "FBI".into(),
        url: "https://f.test/".into(),
        published: None,
        amount_usd: Some(Usd(120)),
        quote: None,
        accessed: None,
    });
    let b = incident("b", "2024-03-02", 50);
    let set = [a, b];
    let f = figures(&set, month("2024-03"), &[]);
    assert_eq!((f.low_usd, f.total_usd, f.high_usd), (130, 150, 170));
    let sources: Vec<(&str, usize, UsdTotal)> = f
        .by_source
        .iter()
        .map(|g| (g.key.as_ref(), g.incidents, g.total_usd))
        .collect();
    assert_eq!(sources, [("Elliptic", 2, 150), ("FBI", 1, 100)]);
}

#[test]
fn a_publisher_cited_twice_counts_once() {
    let mut a = incident("a", "2024-03-01", 100);
    a.sources.push(a.sources[0].clone());
    let set = [a];
    let f = figures(&set, month("2024-03"), &[]);
    assert_eq!(
        (
            f.by_source.len(),
            f.by_source[0].incidents,
            f.by_source[0].total_usd
        ),
        (1, 1, 100)
    );
}

#[test]
fn laundering_counts_on_the_steps_date_not_the_thefts() {
    let mut htx = incident("htx", "2023-11-22", 112);
    let step = |day: Option<&str>, usd: Option<u64>| LaunderingStep {
        date: day.map(date),
        method: LaunderingMethod::Mixer,
        service: "Tornado Cash".into(),
        amount_usd: usd.map(Usd),
    };
    htx.laundering = vec![
        step(Some("2024-03-13"), Some(147)),
        step(Some("2024-03-20"), None),
        step(None, Some(5)),
    ];
    let march = figures(std::slice::from_ref(&htx), month("2024-03"), &[]);
    assert_eq!(march.incidents, 0);
    assert_eq!(march.laundering.len(), 1);
    let route = &march.laundering[0];
    assert_eq!(
        (
            route.service,
            route.method,
            route.steps,
            route.incidents,
            route.usd
        ),
        ("Tornado Cash", "mixer", 2, 1, 147)
    );
    assert_eq!(route.records.ids(), ["htx"]);
    let set = [htx];
    let november = figures(&set, month("2023-11"), &[]);
    assert_eq!(
        (november.laundering[0].steps, november.laundering[0].usd),
        (1, 5),
        "an undated step counts on the theft's date"
    );
}

#[test]
fn ties_sort_by_date_then_id() {
    let set = [
        incident("b", "2024-03-02", 10),
        incident("a", "2024-03-02", 10),
        incident("c", "2024-03-01", 10),
        incident("d", "2024-03-03", 20),
    ];
    let f = figures(&set, month("2024-03"), &[]);
    let top: Vec<&str> = f.top.iter().map(|t| t.id).collect();
    assert_eq!(top, ["d", "c", "a", "b"]);
    assert_eq!(f.by_month[0].records.ids(), ["a", "b", "c", "d"]);
}

#[test]
fn groups_sort_by_total_then_key() {
    let mut a = incident("a", "2024-03-01", 10);
    a.vector = Vector::SupplyChain;
    let mut b = incident("b", "2024-03-02", 10);
    b.vector = Vector::Insider;
    let mut c = incident("c", "2024-03-03", 30);
    c.vector = Vector::Unknown;
    let set = [a, b, c];
    let f = figures(&set, month("2024-03"), &[]);
    let keys: Vec<&str> = f.by_vector.iter().map(|g| g.key.as_ref()).collect();
    assert_eq!(keys, ["unknown", "insider", "supply-chain"]);
}

#[test]
fn comparisons_use_the_previous_and_year_ago_periods() {
    let set = [
        incident("feb", "2024-02-29", 7),
        incident("ago", "2023-03-15", 9),
        incident("now", "2024-03-10", 1),
    ];
    let f = figures(&set, month("2024-03"), &[]);
    assert_eq!(
        (
            f.previous.from,
            f.previous.to,
            f.previous.incidents,
            f.previous.total_usd
        ),
        (date("2024-02-01"), date("2024-02-29"), 1, 7)
    );
    assert_eq!(
        (f.year_ago.from, f.year_ago.incidents, f.year_ago.total_usd),
        (date("2023-03-01"), 1, 9)
    );
    assert_eq!((f.cumulative.incidents, f.cumulative.total_usd), (3, 17));
}

#[test]
fn coverage_sums_our_records_over_the_benchmarks_dates() {
    let set = [
        incident("a", "2023-06-01", 30),
        incident("b", "2024-03-01", 45),
        incident("c", "2025-01-01", 1000),
    ];
    let benchmark = |from: &str, to: &str| Benchmark {
        publisher: "UN".into(),
        title: "t".into(),
        from: date(from),
        to: date(to),
        amount_usd: Usd(100),
        incidents: None,
        url: "https://u.test/".into(),
        published: None,
        note: None,
    };
    let list = [
        benchmark("2017-01-01", "2024-04-30"),
        benchmark("2025-01-01", "2025-06-30"),
    ];
    let f = figures(&set, month("2024-03"), &list);
    assert_eq!(
        f.benchmarks.len(),
        1,
        "only benchmarks overlapping the period"
    );
    let c = &f.benchmarks[0];
    assert_eq!(
        (
            c.our_incidents,
            c.our_total_usd,
            c.coverage_percent,
            c.exceeds
        ),
        (2, 75, Some(75), false)
    );
    assert_eq!(c.records.ids(), ["a", "b"]);
    // Over the second benchmark's dates these records hold more than its figure: no share.
    let f = figures(&set, month("2025-01"), &list);
    let c = &f.benchmarks[0];
    assert_eq!(
        (c.our_total_usd, c.coverage_percent, c.exceeds),
        (1000, None, true)
    );
    // Exactly the figure is still a share: 100%.
    let exact = [Benchmark {
        amount_usd: Usd(75),
        ..benchmark("2017-01-01", "2024-04-30")
    }];
    let f = figures(&set[..2], month("2024-03"), &exact);
    assert_eq!(
        (f.benchmarks[0].coverage_percent, f.benchmarks[0].exceeds),
        (Some(100), false)
    );
}

fn arbitrary_incident() -> impl Strategy<Value = Incident> {
    let days = 0i64..(3 * 366);
    let amounts = 1u64..=(i64::MAX as u64);
    let source_amounts = prop::collection::vec(prop::option::of(1u64..=(i64::MAX as u64)), 1..4);
    let names = prop::collection::vec(
        prop::sample::select(vec!["FBI", "Elliptic", "Chainalysis", "UN Panel"]),
        1..4,
    );
    let steps = prop::collection::vec(
        (
            prop::option::of(0i64..400),
            prop::option::of(1u64..1_000_000_000),
            0usize..3,
        ),
        0..3,
    );
    (
        days,
        amounts,
        source_amounts,
        names,
        steps,
        0usize..6,
        0usize..3,
        0u32..1000,
    )
        .prop_map(
            |(day, amount, source_amounts, names, steps, vector, attribution, n)| {
                let start = date("2023-01-01");
                let theft = start + chrono::Duration::days(day);
                let mut i = incident(&format!("{theft}-r{n}"), &theft.to_string(), amount);
                i.vector = Vector::ALL[vector];
                i.attribution = Attribution::ALL[attribution];
                i.sources = source_amounts
                    .iter()
                    .zip(names.iter().cycle())
                    .map(|(a, name)| Source {
                        name: (*name).into(),
                        url: "https://s.test/".into(),
                        published: None,
                        amount_usd: a.map(Usd),
                        quote: None,
                        accessed: None,
                    })
                    .collect();
                i.laundering = steps
                    .into_iter()
                    .map(|(after, usd, service)| LaunderingStep {
                        date: after.map(|d| theft + chrono::Duration::days(d)),
                        method: LaunderingMethod::ALL[service],
                        service: ["Tornado Cash", "THORChain", "eXch"][service].into(),
                        amount_usd: usd.map(Usd),
                    })
                    .collect();
                i
            },
        )
}

fn arbitrary_set() -> impl Strategy<Value = Vec<Incident>> {
    prop::collection::vec(arbitrary_incident(), 0..40).prop_map(|mut set| {
        // Ids are unique in real data (file names); make generated ones unique too.
        for (n, i) in set.iter_mut().enumerate() {
            i.id = format!("{}-{n:03}", i.id);
        }
        set
    })
}

fn arbitrary_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (2023i32..2026, 1u32..13).prop_map(|(y, m)| Period::month(y, m).expect("month")),
        (2023i32..2026, 1u32..5).prop_map(|(y, q)| Period::quarter(y, q).expect("quarter")),
        (2023i32..2026).prop_map(|y| Period::year(y).expect("year")),
        (0i64..1000, 0i64..400).prop_map(|(start, len)| {
            let from = date("2023-01-01") + chrono::Duration::days(start);
            Period::range(from, from + chrono::Duration::days(len)).expect("range")
        }),
    ]
}

proptest! {
    #[test]
    fn groupings_add_up_to_the_total(set in arbitrary_set(), period in arbitrary_period()) {
        let f = figures(&set, period, &[]);
        for (name, groups) in [("by_month", &f.by_month), ("by_vector", &f.by_vector), ("by_victim_kind", &f.by_victim_kind), ("by_attribution", &f.by_attribution)] {
            let sum: UsdTotal = groups.iter().map(|g| g.total_usd).sum();
            let count: usize = groups.iter().map(|g| g.incidents).sum();
            prop_assert_eq!(sum, f.total_usd, "{} total", name);
            prop_assert_eq!(count, f.incidents, "{} count", name);
        }
        prop_assert_eq!(f.by_month.len(), period.months().len());
    }

    #[test]
    fn range_brackets_the_total_and_cumulative_includes_it(set in arbitrary_set(), period in arbitrary_period()) {
        let f = figures(&set, period, &[]);
        prop_assert!(f.low_usd <= f.total_usd && f.total_usd <= f.high_usd);
        prop_assert!(f.cumulative.total_usd >= f.total_usd && f.cumulative.incidents >= f.incidents);
        prop_assert!(f.top.len() <= 5 && f.top.len() == f.incidents.min(5));
        prop_assert!(f.top.windows(2).all(|w| w[0].amount_usd >= w[1].amount_usd));
    }

    /// The figures that look beyond the period (comparisons, the 24-month trend, the years, the
    /// trailing twelve months) each equal a direct count over the records, and their groups add
    /// up to their totals.
    #[test]
    fn wider_figures_match_the_records_they_name(set in arbitrary_set(), period in arbitrary_period()) {
        let f = figures(&set, period, &[]);
        let direct = |from: NaiveDate, to: NaiveDate| {
            let inside: Vec<&Incident> = set.iter().filter(|i| from <= i.date && i.date <= to).collect();
            (inside.len(), inside.iter().map(|i| UsdTotal::from(i.amount_usd.0)).sum::<UsdTotal>())
        };
        for c in [&f.previous, &f.year_ago, &f.year_to_date, &f.year_to_date_before] {
            prop_assert_eq!((c.incidents, c.total_usd), direct(c.from, c.to));
            prop_assert_eq!(c.records.len(), c.incidents);
        }
        prop_assert_eq!(f.year_to_date.to, period.to);
        prop_assert_eq!(f.year_to_date_before.from, crate::period::same_day_year_earlier(f.year_to_date.from));
        prop_assert_eq!(f.trend.len(), 24);
        let trend_span = period.trailing_months(24);
        let in_trend = direct(trend_span.from, trend_span.to);
        prop_assert_eq!(f.trend.iter().map(|m| m.month.incidents).sum::<usize>(), in_trend.0);
        prop_assert_eq!(f.trend.iter().map(|m| m.month.total_usd).sum::<UsdTotal>(), in_trend.1);
        for m in &f.trend {
            let month = Period::month(m.first_day.year(), m.first_day.month()).expect("month");
            prop_assert_eq!((m.month.incidents, m.month.total_usd), direct(month.from, month.to));
            let laundered = set.iter().any(|i| i.laundering.iter().any(|s| month.contains(s.effective_date(i.date))));
            prop_assert_eq!(m.laundering, laundered);
        }
        for y in &f.by_year {
            let year = Period::year(y.year).expect("year");
            prop_assert_eq!((y.group.incidents, y.group.total_usd), direct(year.from, year.to));
        }
        if let (Some(first), Some(last)) = (f.by_year.first(), f.by_year.last()) {
            prop_assert_eq!(Some(first.year), set.iter().map(|i| i.date.year()).min());
            prop_assert_eq!(last.year, period.to.year().max(first.year));
        } else {
            prop_assert!(set.is_empty());
        }
        let t = &f.trailing_12m;
        prop_assert_eq!((t.incidents, t.total_usd), direct(t.from, t.to));
        for groups in [&t.by_vector, &t.by_victim_kind] {
            prop_assert_eq!(groups.iter().map(|g| g.total_usd).sum::<UsdTotal>(), t.total_usd);
            prop_assert_eq!(groups.iter().map(|g| g.incidents).sum::<usize>(), t.incidents);
        }
        prop_assert_eq!(f.laundered_usd, f.laundering.iter().map(|l| l.usd).sum::<UsdTotal>());
        prop_assert_eq!(f.ranked.len(), f.incidents);
        prop_assert!(f.ranked.windows(2).all(|w| Incident::largest_first(w[0], w[1]).is_lt()));
        prop_assert_eq!(f.latest, set.iter().map(|i| i.date).max());
        prop_assert_eq!(f.records, set.len());
    }

    #[test]
    fn ids_are_sorted_and_unique(set in arbitrary_set(), period in arbitrary_period()) {
        let f = figures(&set, period, &[]);
        let lists = f.by_month.iter().chain(&f.by_vector).chain(&f.by_victim_kind).chain(&f.by_attribution).chain(&f.by_source).map(|g| &g.records)
            .chain(f.laundering.iter().map(|l| &l.records))
            .chain(f.trend.iter().map(|m| &m.month.records))
            .chain(f.by_year.iter().map(|y| &y.group.records))
            .chain(f.trailing_12m.by_vector.iter().chain(&f.trailing_12m.by_victim_kind).map(|g| &g.records))
            .chain([&f.previous.records, &f.year_ago.records, &f.year_to_date.records, &f.year_to_date_before.records]);
        for records in lists {
            let ids = records.ids();
            prop_assert!(ids.windows(2).all(|w| w[0] < w[1]), "{:?}", ids);
        }
        for g in f.by_source.iter() {
            prop_assert_eq!(g.records.len(), g.incidents);
        }
        for l in &f.laundering {
            prop_assert_eq!(l.records.len(), l.incidents);
            prop_assert!(l.steps >= l.incidents);
        }
    }
}
