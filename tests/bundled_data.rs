//! The bundled `incidents/` folder: it passes `check` cleanly, and holds the facts briefs rely on.

mod common;
use chrono::{Datelike, NaiveDate};
use common::{TODAY, heistbrief, repo_root};
use heistbrief::incident::{Incident, LaunderingMethod};
use heistbrief::load::load_dir;

fn bundled() -> Vec<Incident> {
    let today: NaiveDate = TODAY.parse().expect("date");
    let loaded = load_dir(&repo_root().join("incidents"), today).expect("incidents folder");
    assert!(
        loaded.diagnostics.is_empty(),
        "bundled data has problems: {:#?}",
        loaded.diagnostics
    );
    assert_eq!(loaded.incidents.len(), loaded.files);
    loaded.incidents
}

#[test]
fn check_passes_on_the_bundled_data() {
    let run = heistbrief(&repo_root(), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("no problems\n"), "{}", run.stdout);
}

#[test]
fn every_record_points_editors_at_the_schema() {
    for incident in bundled() {
        let path = repo_root()
            .join("incidents")
            .join(incident.date.year().to_string())
            .join(format!("{}.toml", incident.id));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            text.starts_with("#:schema ../../schema/incident.schema.json\n"),
            "{} lacks the #:schema line",
            path.display()
        );
    }
}

#[test]
fn every_record_has_an_https_source() {
    for incident in bundled() {
        assert!(
            incident
                .sources
                .iter()
                .any(|s| s.url.starts_with("https://")),
            "{} has no https source",
            incident.id
        );
    }
}

/// Floors per year: the data set only grows (a record moves years only when its date is
/// corrected, and then the floor is lowered in the same commit, with the reason).
const RECORDS_PER_YEAR_AT_LEAST: &[(i32, usize)] = &[
    (2017, 2),
    (2018, 2),
    (2019, 4),
    (2020, 2),
    (2021, 2),
    (2022, 4),
    (2023, 10),
    (2024, 13),
    (2025, 9),
    (2026, 2),
];

#[test]
fn records_per_year_stay_above_their_floors() {
    // Today's records only; a year's floor is its count when the floor was last raised.
    let incidents = bundled();
    let mut report = String::new();
    for &(year, floor) in RECORDS_PER_YEAR_AT_LEAST {
        let count = incidents.iter().filter(|i| i.date.year() == year).count();
        report.push_str(&format!("{year}: {count} (floor {floor})\n"));
        assert!(count >= floor, "{year}: {count} records, floor {floor}");
    }
    // Printed so that `cargo test -- --nocapture` shows the data set's shape.
    println!("{report}total: {}", incidents.len());
    assert!(incidents.len() >= 45, "only {} records", incidents.len());
}

/// The verification trail: every record's figure is one a source states, and that source
/// quotes the page, so a reviewer can check it without redoing the research.
#[test]
fn every_amount_is_a_quoted_sources_figure() {
    for incident in bundled() {
        let backing = incident
            .sources
            .iter()
            .filter(|s| s.amount_usd == Some(incident.amount_usd))
            .collect::<Vec<_>>();
        assert!(
            !backing.is_empty(),
            "{}: amount_usd {} is no source's amount_usd",
            incident.id,
            incident.amount_usd.0
        );
        assert!(
            backing.iter().any(|s| s.quote.is_some()),
            "{}: no source stating amount_usd quotes its page",
            incident.id
        );
        for source in &incident.sources {
            assert!(
                source.quote.is_some() && source.accessed.is_some(),
                "{}: source {} lacks quote or accessed",
                incident.id,
                source.url
            );
        }
    }
}

#[test]
fn no_two_records_describe_the_same_theft() {
    let incidents = bundled();
    let name = |i: &Incident| i.victim.to_lowercase();
    for (n, a) in incidents.iter().enumerate() {
        for b in &incidents[n + 1..] {
            let days = (b.date - a.date).num_days().abs();
            assert!(
                !(name(a) == name(b) && days <= 7),
                "{} and {} look like the same theft ({} days apart)",
                a.id,
                b.id,
                days
            );
        }
    }
}

#[test]
fn corrected_ids_stay_findable() {
    let incidents = bundled();
    let has_alias = |id: &str, alias: &str| {
        incidents
            .iter()
            .any(|i| i.id == id && i.aliases.iter().any(|a| a == alias))
    };
    assert!(has_alias("2019-03-23-dragonex", "2019-03-24-dragonex"));
    assert!(has_alias("2021-08-18-liquid", "2021-08-19-liquid"));
    assert!(has_alias("2024-09-19-bingx", "2024-09-20-bingx"));
    assert!(has_alias("2025-11-26-upbit", "2025-11-27-upbit"));
}

#[test]
fn htx_funds_went_through_tornado_cash_in_march_2024() {
    let incidents = bundled();
    let htx = incidents
        .iter()
        .find(|i| i.id == "2023-11-22-htx-heco-bridge")
        .expect("the HTX / Heco record");
    let march_2024 = |d: NaiveDate| d.year() == 2024 && d.month() == 3;
    let step = htx
        .laundering
        .iter()
        .find(|s| {
            s.service == "Tornado Cash"
                && s.method == LaunderingMethod::Mixer
                && s.date.is_some_and(march_2024)
        })
        .expect("a dated Tornado Cash step in March 2024");
    assert_eq!(step.amount_usd.map(|a| a.0), Some(147_500_000));
}

#[test]
fn bybit_is_the_largest_theft() {
    let incidents = bundled();
    let largest = incidents
        .iter()
        .max_by_key(|i| i.amount_usd)
        .expect("records");
    assert_eq!(largest.id, "2025-02-21-bybit");
    assert!(largest.amount_usd.0 >= 1_400_000_000);
}

#[test]
fn bundled_benchmarks_read_cleanly_and_hold_the_un_estimate() {
    let path = repo_root().join("benchmarks.toml");
    let bytes = std::fs::read(&path).expect("benchmarks.toml");
    let (benchmarks, problems) = heistbrief::benchmark::read_benchmarks(&path, &bytes);
    assert!(problems.is_empty(), "{problems:#?}");
    let un = benchmarks
        .iter()
        .find(|b| b.publisher == "UN Panel of Experts" && b.amount_usd.0 == 3_600_000_000)
        .expect("the UN Panel's $3.6 billion");
    assert_eq!(un.incidents, Some(97));
    assert!(benchmarks.iter().all(|b| b.url.starts_with("https://")));
}

#[test]
fn march_2024_shows_htx_laundering_though_the_theft_was_in_2023() {
    let run = heistbrief(&repo_root(), &["stats", "--month", "2024-03", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let figures: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let tornado = figures["laundering"]
        .as_array()
        .expect("laundering")
        .iter()
        .find(|l| l["service"] == "Tornado Cash")
        .expect("Tornado Cash in March 2024");
    assert!(
        tornado["ids"]
            .as_array()
            .expect("ids")
            .iter()
            .any(|id| id == "2023-11-22-htx-heco-bridge")
    );
    assert!(tornado["usd"].as_u64().expect("usd") >= 147_500_000);
}
