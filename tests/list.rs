//! `list`: table, CSV and JSON, period filters and sorting, and refusal on invalid data.

mod common;
use common::{fixture, heistbrief};

#[test]
fn table_lists_records_with_people_friendly_amounts() {
    let run = heistbrief(&fixture("valid"), &["list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "date        victim            amount  vector                  attribution  sources\n\
         2024-05-31  Fixture Exchange   $305M  private-key-compromise  confirmed    FBI\n\
         \n1 incident, $305M\n"
    );
}

#[test]
fn csv_and_json_carry_the_exact_figures() {
    let csv = heistbrief(&fixture("valid"), &["list", "--format", "csv"]);
    assert_eq!(
        csv.stdout,
        "id,date,victim,victim_kind,amount_usd,vector,attribution,actor,sources,source_urls\n\
         2024-05-31-fixture,2024-05-31,Fixture Exchange,exchange,305000000,private-key-compromise,confirmed,,FBI,https://fbi.test/fixture\n"
    );
    let json = heistbrief(&fixture("valid"), &["list", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(value[0]["id"], "2024-05-31-fixture");
    assert_eq!(value[0]["amount_usd"], 305_000_000);
}

#[test]
fn period_filters_and_conflicts() {
    let outside = heistbrief(
        &fixture("valid"),
        &["list", "--month", "2024-04", "--format", "csv"],
    );
    assert_eq!(
        outside.stdout.lines().count(),
        1,
        "header only: {}",
        outside.stdout
    );
    let inside = heistbrief(
        &fixture("valid"),
        &[
            "list",
            "--from",
            "2024-05-31",
            "--to",
            "2024-05-31",
            "--format",
            "csv",
        ],
    );
    assert_eq!(inside.stdout.lines().count(), 2);
    let both = heistbrief(
        &fixture("valid"),
        &["list", "--month", "2024-05", "--year", "2024"],
    );
    assert_eq!(both.code, 2);
    let malformed = heistbrief(&fixture("valid"), &["list", "--month", "2024-13"]);
    assert_eq!(malformed.code, 2);
    assert!(
        malformed.stderr.contains("2024-13 is not a month"),
        "{}",
        malformed.stderr
    );
    let reversed = heistbrief(
        &fixture("valid"),
        &["list", "--from", "2024-06-01", "--to", "2024-05-01"],
    );
    assert_eq!(
        (reversed.code, reversed.stderr.as_str()),
        (2, "error: --from 2024-06-01 is after --to 2024-05-01\n")
    );
}

#[test]
fn refuses_data_that_fails_check() {
    let run = heistbrief(&fixture("amount-zero"), &["list"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.ends_with(
            "error: 1 problem in incidents; fix them first (`heistbrief check` lists them)\n"
        ),
        "{}",
        run.stderr
    );
}
