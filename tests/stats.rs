//! `stats`: golden JSON for every period form on a fixture that covers ties, empty months,
//! laundering dated after the theft and sources that disagree; CSV; refusal on invalid data.

mod common;
use common::{fixture, heistbrief};

/// (golden file, arguments). Review a changed golden file by eye before accepting it
/// (`UPDATE_GOLDEN=1 cargo test --test stats` rewrites them).
const GOLDEN: &[(&str, &[&str])] = &[
    ("month-2024-03", &["--month", "2024-03"]),
    ("month-2024-05-empty", &["--month", "2024-05"]),
    ("quarter-2024-Q1", &["--quarter", "2024-Q1"]),
    ("year-2024", &["--year", "2024"]),
    (
        "range-2024-02-29_2024-04-02",
        &["--from", "2024-02-29", "--to", "2024-04-02"],
    ),
    ("default-period", &[]),
];

#[test]
fn json_matches_the_golden_files() {
    for (name, period) in GOLDEN {
        let mut args = vec!["stats", "--json"];
        args.extend_from_slice(period);
        let run = heistbrief(&fixture("stats"), &args);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        common::golden(&format!("tests/golden/stats/{name}.json"), &run.stdout);
    }
}

/// The keys of `stats --json`, as README's "Data contracts" section lists them: each object's
/// keys, and the keys of the entries of each list.
const CONTRACT: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "period",
            "incidents",
            "total_usd",
            "median_usd",
            "low_usd",
            "high_usd",
            "by_month",
            "by_vector",
            "by_victim_kind",
            "by_attribution",
            "by_source",
            "laundering",
            "laundered_usd",
            "top",
            "previous",
            "year_ago",
            "year_to_date",
            "year_to_date_before",
            "cumulative",
            "trend",
            "by_year",
            "trailing_12m",
            "records",
            "latest",
            "benchmarks",
        ],
    ),
    ("period", &["from", "to", "label", "kind"]),
    ("previous", &["from", "to", "incidents", "total_usd", "ids"]),
    ("year_ago", &["from", "to", "incidents", "total_usd", "ids"]),
    (
        "year_to_date",
        &["from", "to", "incidents", "total_usd", "ids"],
    ),
    (
        "year_to_date_before",
        &["from", "to", "incidents", "total_usd", "ids"],
    ),
    (
        "trend",
        &["key", "incidents", "total_usd", "ids", "laundering"],
    ),
    ("by_year", &["key", "incidents", "total_usd", "ids"]),
    (
        "trailing_12m",
        &[
            "from",
            "to",
            "incidents",
            "total_usd",
            "by_vector",
            "by_victim_kind",
        ],
    ),
    ("by_month", &["key", "incidents", "total_usd", "ids"]),
    ("by_vector", &["key", "incidents", "total_usd", "ids"]),
    ("by_victim_kind", &["key", "incidents", "total_usd", "ids"]),
    ("by_attribution", &["key", "incidents", "total_usd", "ids"]),
    ("by_source", &["key", "incidents", "total_usd", "ids"]),
    (
        "laundering",
        &["service", "method", "steps", "incidents", "usd", "ids"],
    ),
    (
        "benchmarks",
        &[
            "our_incidents",
            "our_total_usd",
            "coverage_percent",
            "exceeds",
            "ids",
        ],
    ),
];

#[test]
fn json_has_the_contracts_keys() {
    let run = heistbrief(
        &fixture("stats"),
        &["stats", "--json", "--month", "2024-03"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).expect("README");
    let contracts = readme
        .split("## Data contracts")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Data contracts section");
    let named: std::collections::HashSet<&str> = contracts
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    for (path, keys) in CONTRACT {
        let found = if path.is_empty() {
            Some(&value)
        } else {
            value.get(path)
        };
        let object = match found {
            Some(serde_json::Value::Array(entries)) => {
                assert!(!entries.is_empty(), "{path} is empty in the fixture");
                &entries[0]
            }
            Some(object) => object,
            None => panic!("missing key {path}"),
        };
        for key in *keys {
            assert!(object.get(key).is_some(), "missing key {path}.{key}");
            assert!(
                named.contains(key),
                "README's Data contracts do not name `{key}`"
            );
        }
    }
    // Nothing beyond the contract: a new key is added to it and to the README.
    let top: std::collections::BTreeSet<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let contract = CONTRACT[0].1.iter().copied().collect();
    assert_eq!(top, contract, "the top-level keys");
    assert_eq!(value["period"]["from"], "2024-03-01");
    assert_eq!(value["laundering"][0]["service"], "Tornado Cash");
    assert_eq!(value["laundering"][0]["usd"], 147_500_000);
    assert_eq!(value["laundering"][0]["ids"][0], "2023-11-22-bravo");
    let panel = &value["benchmarks"][0];
    assert_eq!(panel["publisher"], "Fixture Panel");
    assert_eq!(panel["our_incidents"], 7);
    assert_eq!(panel["our_total_usd"], 245_000_000);
    assert_eq!(panel["coverage_percent"], 61);
    assert_eq!(panel["ids"].as_array().map(Vec::len), Some(7));
}

#[test]
fn csv_prints_one_table() {
    let run = heistbrief(
        &fixture("stats"),
        &["stats", "--quarter", "2024-Q1", "--csv", "by_month"],
    );
    assert_eq!(
        run.stdout,
        "key,incidents,total_usd,ids\n2024-01,1,20000000,2024-01-15-charlie\n2024-02,1,5000000,2024-02-29-golf\n\
         2024-03,3,70000000,2024-03-02-delta 2024-03-02-echo 2024-03-20-foxtrot\n"
    );
    let laundering = heistbrief(
        &fixture("stats"),
        &["stats", "--month", "2024-03", "--csv", "laundering"],
    );
    assert_eq!(
        laundering.stdout,
        "service,method,steps,incidents,usd,ids\nTornado Cash,mixer,1,1,147500000,2023-11-22-bravo\neXch,swap-service,1,1,0,2024-03-02-echo\n"
    );
}

#[test]
fn summary_names_the_period_and_the_laundering_of_older_thefts() {
    let run = heistbrief(&fixture("stats"), &["stats", "--month", "2024-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "North Korea-attributed crypto thefts, 2024-03 (2024-03-01 to 2024-03-31)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  In the period     3 thefts, $70M (sources: $68M–$72M); median $30M\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  Tornado Cash (mixer): $147.5M, from 2023-11-22-bravo\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("  Fixture Panel, A fictional cumulative estimate, 2017-01-01 to 2024-04-30: $400M — ours $245M (61%)\n"),
        "{}",
        run.stdout
    );
    let empty = heistbrief(&fixture("stats"), &["stats", "--month", "2024-05"]);
    assert!(
        empty
            .stdout
            .contains("  In the period     no thefts recorded\n"),
        "{}",
        empty.stdout
    );
}

#[test]
fn period_options_are_validated() {
    let both = heistbrief(
        &fixture("stats"),
        &["stats", "--month", "2024-03", "--quarter", "2024-Q1"],
    );
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let to_alone = heistbrief(&fixture("stats"), &["stats", "--to", "2024-03-01"]);
    assert_eq!(to_alone.code, 2);
    let bad_quarter = heistbrief(&fixture("stats"), &["stats", "--quarter", "2024-Q5"]);
    assert_eq!(bad_quarter.code, 2);
    assert!(
        bad_quarter.stderr.contains("Q5 is not a quarter"),
        "{}",
        bad_quarter.stderr
    );
}

#[test]
fn refuses_data_or_benchmarks_that_fail_check() {
    let run = heistbrief(&fixture("amount-zero"), &["stats", "--month", "2024-05"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("fix them first (`heistbrief check` lists them)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");

    let dir = common::scratch("stats-bad-benchmarks");
    std::fs::write(dir.join("bad.toml"), "[[benchmark]]\npublisher = \"X\"\n").expect("write");
    let incidents = fixture("stats").join("incidents");
    let run = heistbrief(
        &dir,
        &[
            "stats",
            "--incidents",
            incidents.to_str().expect("utf-8 path"),
            "--benchmarks",
            "bad.toml",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad.toml:1:1: error: benchmark[0].title: missing required field `title` in this [[benchmark]] table"), "{}", run.stderr);
    let missing = heistbrief(
        &dir,
        &[
            "stats",
            "--incidents",
            incidents.to_str().expect("utf-8 path"),
            "--benchmarks",
            "none.toml",
        ],
    );
    assert_eq!(missing.code, 2);
}
