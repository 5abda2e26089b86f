//! `build --each`: one brief per month or quarter of a span, an index of them, and re-runs
//! that rewrite only what changed.

mod common;
use common::{build, copy_stats_records, fixture, read, scratch};

#[test]
fn each_month_of_a_year_gets_a_brief_and_a_line_in_the_index() {
    let out = scratch("archive-months");
    let run = build(
        &fixture("stats"),
        &out,
        &["--year", "2024", "--each", "month", "--format", "md,html"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for month in 1..=12 {
        for format in ["md", "html"] {
            let file = out.join(format!("brief-2024-{month:02}.{format}"));
            assert!(file.exists(), "{}", file.display());
        }
        assert!(!out.join(format!("brief-2024-{month:02}.pdf")).exists());
    }
    let index = read(&out.join("index.md"));
    assert!(
        index.starts_with("# North Korea-attributed crypto thefts: monthly briefs, 2024\n"),
        "{index}"
    );
    let rows: Vec<&str> = index
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Period") && !l.starts_with("| ---"))
        .collect();
    assert_eq!(rows.len(), 12, "{index}");
    // Newest first: December heads the list, March is tenth.
    assert!(rows[0].starts_with("| December 2024 |"), "{}", rows[0]);
    assert_eq!(
        rows[9],
        "| March 2024 | 3 | $70 million | Fixture Delta, Fixture Echo, Fixture Foxtrot | $147.5 million | [HTML](brief-2024-03.html) · [Markdown](brief-2024-03.md) |"
    );
    // April has no theft but laundering of an earlier one.
    assert!(
        rows[8].starts_with("| April 2024 | 0 | $0 |  | $10 million |"),
        "{}",
        rows[8]
    );
    let html = read(&out.join("index.html"));
    assert!(
        html.contains("<a href=\"brief-2024-03.html\">HTML</a>"),
        "{html}"
    );
    // The index's March line agrees with March's own brief.
    assert!(read(&out.join("brief-2024-03.md")).contains("3 thefts, $70 million"));
}

#[test]
fn a_rerun_rewrites_only_the_briefs_an_edit_changes() {
    let dir = scratch("archive-rerun");
    let incidents = dir.join("incidents");
    copy_stats_records(&dir);
    std::fs::copy(
        fixture("stats").join("benchmarks.toml"),
        dir.join("benchmarks.toml"),
    )
    .expect("copy");
    let out = dir.join("out");
    let args = [
        "--from",
        "2023-01-01",
        "--to",
        "2024-12-31",
        "--each",
        "quarter",
        "--format",
        "md",
    ];
    let first = build(&dir, &out, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // A span given by its dates is named by them, as a brief names its period.
    assert!(read(&out.join("index.md")).starts_with(
        "# North Korea-attributed crypto thefts: quarterly briefs, 1 January 2023 to 31 December 2024\n"
    ));
    assert!(
        first.stdout.lines().all(|l| l.starts_with("wrote ")),
        "{}",
        first.stdout
    );

    let again = build(&dir, &out, &args);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.lines().all(|l| l.starts_with("unchanged ")),
        "{}",
        again.stdout
    );

    // June 2024's theft grows: 2024's second quarter changes; 2023, which no figure of June
    // 2024 reaches, does not.
    let hotel = incidents.join("2024/2024-06-01-hotel.toml");
    let text = read(&hotel);
    let edited = text.replacen("amount_usd = 1_000_000", "amount_usd = 2_000_000", 1);
    assert_ne!(
        text, edited,
        "the fixture's amount is where the test expects it"
    );
    std::fs::write(&hotel, edited).expect("edit");
    let after = build(&dir, &out, &args);
    assert_eq!(after.code, 0, "{}", after.stderr);
    let line = |name: &str| {
        after
            .stdout
            .lines()
            .find(|l| l.ends_with(&format!("/{name}")))
            .unwrap_or_else(|| panic!("{name} not reported:\n{}", after.stdout))
            .split(' ')
            .next()
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(line("brief-2024-Q2.md"), "wrote");
    assert_eq!(line("index.md"), "wrote");
    for quarter in 1..=4 {
        assert_eq!(line(&format!("brief-2023-Q{quarter}.md")), "unchanged");
    }
}

#[test]
fn each_needs_a_span_with_whole_ended_periods() {
    let out = scratch("archive-refused");
    let run = build(&fixture("stats"), &out, &["--each", "month"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--each needs the span to divide"),
        "{}",
        run.stderr
    );
    let run = build(
        &fixture("stats"),
        &out,
        // The month still running on the tests' fixed today (5 December 2026).
        &["--month", "2026-12", "--each", "month"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("holds no whole month that has ended"),
        "{}",
        run.stderr
    );
    assert!(!out.join("index.md").exists());
}

#[test]
fn each_refuses_an_absurd_span_before_reading_anything() {
    let out = scratch("archive-absurd");
    let run = build(
        &fixture("stats"),
        &out,
        &[
            "--from",
            "0001-01-01",
            "--to",
            "2026-10-31",
            "--each",
            "month",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "error: --each month from 0001-01-01 to 2026-10-31 makes 24310 briefs; one build makes at most 1200 (100 years of months): build the span in parts with --from and --to\n"
    );
    assert_eq!(run.stdout, "");
    let written: Vec<_> = std::fs::read_dir(&out).expect("out").collect();
    assert!(written.is_empty(), "{written:?}");
    // The limit is 1200: one month more is refused too (building 1200 would take a while).
    let run = build(
        &fixture("stats"),
        &out,
        &[
            "--from",
            "1924-12-01",
            "--to",
            "2024-12-31",
            "--each",
            "month",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(" makes 1201 briefs;"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 0);
}
