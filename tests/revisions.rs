//! "Revised since the last brief": each build writes its snapshot beside the brief, and the next
//! brief says what changed in the records behind its figures since the earlier one.

mod common;
use common::{build, copy_stats_records, read, scratch};
use std::path::Path;

/// Replaces `from` with `to` in a record of the copied `stats` fixture.
fn edit(dir: &Path, record: &str, from: &str, to: &str) {
    let path = dir.join("incidents").join(record);
    let text = read(&path);
    assert!(text.contains(from), "{record}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("edit");
}

/// The section, from its heading to the chart after it.
fn section(brief: &str) -> &str {
    let start = brief
        .find("## Revised since the last brief")
        .unwrap_or_else(|| panic!("no section in:\n{brief}"));
    let end = start
        + brief[start..]
            .find("\n## Thefts in")
            .expect("the thefts after it")
        + 1;
    &brief[start..end]
}

#[test]
fn a_march_brief_says_what_changed_since_february() {
    let dir = scratch("revisions-round-trip");
    copy_stats_records(&dir);
    let out = dir.join("out");
    let february = build(&dir, &out, &["--month", "2024-02", "--format", "md"]);
    assert_eq!(february.code, 0, "{}", february.stderr);
    assert!(out.join("brief-2024-02.json").is_file());
    // No earlier brief: no section at all.
    assert!(!read(&out.join("brief-2024-02.md")).contains("Revised"));

    // February's theft grows, with its reason; November's tier changes without one; a theft
    // of 2023 is added.
    edit(
        &dir,
        "2024/2024-02-29-golf.toml",
        "amount_usd = 5_000_000",
        "amount_usd = 6_000_000",
    );
    let golf = dir.join("incidents/2024/2024-02-29-golf.toml");
    let text = read(&golf)
        + "\n[[revisions]]\ndate = 2026-12-01\nfield = \"amount_usd\"\nprevious = 5_000_000\nreason = \"The victim's final count *(fixture)*.\"\n";
    std::fs::write(&golf, text).expect("revision");
    edit(
        &dir,
        "2023/2023-11-22-bravo.toml",
        "attribution = \"attributed\"",
        "attribution = \"confirmed\"",
    );
    let hotel = read(&dir.join("incidents/2024/2024-02-29-golf.toml"))
        .replace("date = 2024-02-29", "date = 2023-06-01")
        .replace("Fixture Golf", "Fixture Hotel")
        .replace("amount_usd = 6_000_000", "amount_usd = 7_000_000");
    let hotel = &hotel[..hotel.find("\n[[revisions]]").expect("revision")];
    std::fs::write(dir.join("incidents/2023/2023-06-01-hotel.toml"), hotel).expect("add");

    let march = build(&dir, &out, &["--month", "2024-03"]);
    assert_eq!(march.code, 0, "{}", march.stderr);
    let brief = read(&out.join("brief-2024-03.md"));
    assert_eq!(
        section(&brief),
        "## Revised since the last brief\n\n\
         Since the brief for February 2024, the records behind these figures changed:\n\n\
         - **February 2024:** $6 million (published as $5 million).\n\
         - **Fixture Bravo**, November 2023: attribution attributed → confirmed (no reason recorded).\n\
         - **Fixture Hotel**, June 2023: added, $7 million.\n\
         - **Fixture Golf**, February 2024: $5 million → $6 million (The victim's final count \\*(fixture)\\*).\n\n"
    );
    // After page one (key figures, trend chart), before the body.
    assert!(brief.find("## Key figures") < brief.find("](brief-2024-03-trend.svg)"));
    assert!(
        brief.find("](brief-2024-03-trend.svg)") < brief.find("## Revised since the last brief")
    );
    // The change without a reason is warned on, naming the record; the others are not.
    assert_eq!(
        march
            .stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect::<Vec<_>>(),
        vec![
            "warning: record 2023-11-22-bravo: its attribution changed since the brief for February 2024, and no [[revisions]] entry gives the value that brief printed; the brief for March 2024 says \"no reason recorded\""
        ]
    );
    assert!(out.join("brief-2024-03.json").is_file());
    let html = read(&out.join("brief-2024-03.html"));
    assert!(html.contains("Revised since the last brief"), "{html}");

    // Built again, with both snapshots there: March is still compared with February, and every
    // file is the same to the byte.
    let again = build(&dir, &out, &["--month", "2024-03"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(!again.stdout.contains("wrote "), "{}", again.stdout);
    assert_eq!(
        again.stdout.matches("unchanged ").count(),
        8,
        "{}",
        again.stdout
    );

    // April, compared with March: nothing changed since, so no section.
    let april = build(&dir, &out, &["--month", "2024-04", "--format", "md"]);
    assert_eq!(april.code, 0, "{}", april.stderr);
    assert!(!read(&out.join("brief-2024-04.md")).contains("Revised"));
    // Named explicitly, February's snapshot gives April the same changes.
    let since = out.join("brief-2024-02.json");
    let since = since.to_string_lossy();
    let other = dir.join("other");
    let named = build(
        &dir,
        &other,
        &["--month", "2024-04", "--format", "md", "--since", &since],
    );
    assert_eq!(named.code, 0, "{}", named.stderr);
    assert!(read(&other.join("brief-2024-04.md")).contains("**Fixture Hotel**, June 2023: added"));
}

#[test]
fn a_broken_snapshot_stops_the_build_naming_the_file() {
    let dir = scratch("revisions-broken");
    copy_stats_records(&dir);
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(
        out.join("brief-2024-02.json"),
        "{\"version\": 1, \"x\\u001b[2J\": 0}",
    )
    .expect("snapshot");
    let run = build(&dir, &out, &["--month", "2024-03"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("brief-2024-02.json"), "{}", run.stderr);
    assert!(run.stderr.contains("\\u{1b}"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    assert!(!out.join("brief-2024-03.md").exists());

    // A snapshot of a later period is no earlier brief.
    let later = dir.join("later");
    let april = build(&dir, &later, &["--month", "2024-04", "--format", "md"]);
    assert_eq!(april.code, 0, "{}", april.stderr);
    let since = later.join("brief-2024-04.json");
    let run = build(
        &dir,
        &later,
        &["--month", "2024-03", "--since", &since.to_string_lossy()],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no earlier brief"), "{}", run.stderr);
}

#[test]
fn each_brief_of_a_span_is_compared_with_what_the_folder_held_before_the_run() {
    let dir = scratch("revisions-each");
    copy_stats_records(&dir);
    let out = dir.join("out");
    let args = [
        "--each",
        "month",
        "--from",
        "2024-01-01",
        "--to",
        "2024-03-31",
        "--format",
        "md",
    ];
    let first = build(&dir, &out, &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let brief = |month: &str| read(&out.join(format!("brief-2024-{month}.md")));
    for month in ["01", "02", "03"] {
        assert!(!brief(month).contains("Revised"), "{month}");
    }
    edit(
        &dir,
        "2023/2023-11-22-bravo.toml",
        "amount_usd = 100_000_000",
        "amount_usd = 110_000_000",
    );
    let second = build(&dir, &out, &args);
    assert_eq!(second.code, 0, "{}", second.stderr);
    // January has no earlier brief in the folder. February and March are each compared with
    // the brief before them as it was published, not as this run rebuilt it: both say so.
    assert!(!brief("01").contains("Revised"));
    for month in ["02", "03"] {
        assert!(
            brief(month).contains(
                "- **Fixture Bravo**, November 2023: $100 million → $110 million (no reason recorded)."
            ),
            "{month}:\n{}",
            brief(month)
        );
    }
}
