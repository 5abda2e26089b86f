//! `scripts/publish.sh`, which the monthly workflow (.github/workflows/brief.yml) runs to make
//! the Pages site: the month it picks on a given date, the site it writes from the bundled
//! records, an empty month, and what stops it before anything is built.

mod common;
use common::{Run, fixture, read, repo_root, scratch};
use std::path::Path;
use std::process::Command;

/// Runs the script in `dir` with `today` fixed, on the binary under test.
fn publish(dir: &Path, today: &str, args: &[&str], github: bool) -> Run {
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("scripts/publish.sh"))
        .args(args)
        .current_dir(dir)
        .env("HEISTBRIEF", env!("CARGO_BIN_EXE_heistbrief"))
        .env("HEISTBRIEF_TODAY", today)
        .env_remove("NO_COLOR");
    // The tests also run inside GitHub Actions, where this is set: each test says which it is.
    if github {
        command.env("GITHUB_ACTIONS", "true");
    } else {
        command.env_remove("GITHUB_ACTIONS");
    }
    let output = command.output().expect("bash runs");
    Run::from(output)
}

fn plan(today: &str, args: &[&str]) -> Run {
    let mut all = vec!["--plan"];
    all.extend_from_slice(args);
    publish(&repo_root(), today, &all, false)
}

#[test]
fn the_month_is_the_last_complete_one() {
    // (today, month, year, last day)
    let cases = [
        // The January edge: the month and its year are the previous year's.
        ("2026-01-02", "2025-12", "2025", "2025-12-31"),
        ("2026-01-01", "2025-12", "2025", "2025-12-31"),
        // The schedule's day, and the last day of a month (that month is not over).
        ("2026-12-02", "2026-11", "2026", "2026-11-30"),
        ("2026-10-31", "2026-09", "2026", "2026-09-30"),
        // February's length: leap years, a century that is not one, one that is.
        ("2024-03-01", "2024-02", "2024", "2024-02-29"),
        ("2023-03-02", "2023-02", "2023", "2023-02-28"),
        ("2100-03-02", "2100-02", "2100", "2100-02-28"),
        ("2000-03-02", "2000-02", "2000", "2000-02-29"),
        // Leading zeros are decimal, not octal: August and September.
        ("2024-09-02", "2024-08", "2024", "2024-08-31"),
        ("2024-10-02", "2024-09", "2024", "2024-09-30"),
    ];
    for (today, month, year, to) in cases {
        let run = plan(today, &[]);
        assert_eq!(run.code, 0, "{today}: {}", run.stderr);
        assert_eq!(
            run.stdout,
            format!("today={today}\nmonth={month}\nyear={year}\nto={to}\n"),
            "on {today}"
        );
    }
}

#[test]
fn a_period_by_hand_must_have_ended_and_be_a_month() {
    let run = plan("2026-12-05", &["--period", "2024-02"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("month=2024-02\nyear=2024\nto=2024-02-29\n")
    );

    // This month and later months have not ended: their brief would be partial.
    for month in ["2026-12", "2027-01"] {
        let run = plan("2026-12-05", &["--period", month]);
        assert_eq!(run.code, 2, "{month}: {}", run.stdout);
        assert!(run.stderr.contains("has not ended"), "{}", run.stderr);
    }
    // Anything but YYYY-MM is refused before it reaches a command line.
    for bad in [
        "2024-3",
        "2024-13",
        "2024-00",
        "2024-03-01",
        "2024-Q1",
        "2024-03;id",
        " ",
    ] {
        let run = plan("2026-12-05", &["--period", bad]);
        assert_eq!(run.code, 2, "{bad:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("is not a month"),
            "{bad:?}: {}",
            run.stderr
        );
    }
    // An empty period is the default: what the workflow passes when run without one.
    let run = plan("2026-12-05", &["--period", ""]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("month=2026-11\n"), "{}", run.stdout);

    for bad in ["yesterday", "2026-13-01", "2026-12-32", "2026-1-05"] {
        let run = plan(bad, &[]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stdout);
        assert!(run.stderr.contains("is not a date"), "{}", run.stderr);
    }
}

/// The months from `first` to `last` inclusive, as YYYY-MM labels.
fn months(first: (i32, u32), last: (i32, u32)) -> Vec<String> {
    let mut all = Vec::new();
    let (mut year, mut month) = first;
    while (year, month) <= last {
        all.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    all
}

#[test]
fn the_site_from_the_bundled_records_in_january() {
    // The bundled records from 2025 on, with the bundled benchmarks and templates (all of them
    // make 120 briefs, 40 s in a debug build; `publish.sh` on the whole set is measured in the
    // README). On 2 January 2027 the newest brief is December 2026's; the archive starts in
    // January of the first record's year (2025 here) and holds every month since.
    let dir = scratch("publish-site");
    for year in ["2025", "2026"] {
        let to = dir.join("incidents").join(year);
        std::fs::create_dir_all(&to).expect("folder");
        copy_tree(&repo_root().join("incidents").join(year), &to);
    }
    std::fs::copy(
        repo_root().join("benchmarks.toml"),
        dir.join("benchmarks.toml"),
    )
    .expect("benchmarks");
    std::fs::create_dir_all(dir.join("templates")).expect("folder");
    copy_tree(&repo_root().join("templates"), &dir.join("templates"));
    let site = dir.join("site");
    let run = publish(&dir, "2027-01-02", &[], false);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("24 briefs from 2025-01-01 to 2026-12-31"),
        "{}",
        run.stdout
    );

    let index = read(&site.join("index.html"));
    let expected = months((2025, 1), (2026, 12));
    for month in &expected {
        for ext in ["html", "pdf", "md"] {
            let name = format!("brief-{month}.{ext}");
            assert!(site.join(&name).is_file(), "{name} missing");
            assert!(
                index.contains(&format!("href=\"{name}\"")),
                "index.html does not link {name}"
            );
        }
    }
    // Every brief the index links is there, and nothing beyond the month: January 2027 has
    // not ended.
    let mut linked = 0;
    for piece in index.split("href=\"").skip(1) {
        let target = &piece[..piece.find('"').expect("closing quote")];
        if target.starts_with("brief-") {
            assert!(
                site.join(target).is_file(),
                "index links {target}, not there"
            );
            linked += 1;
        }
    }
    assert_eq!(linked, expected.len() * 3);
    assert!(!site.join("brief-2027-01.html").exists());
    // Nothing hidden (the build's lock) goes into the Pages artifact.
    let hidden: Vec<_> = std::fs::read_dir(&site)
        .expect("site")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name())
        .collect();
    assert!(hidden.is_empty(), "hidden files in the site: {hidden:?}");

    let latest = read(&site.join("latest.html"));
    assert!(
        latest.contains("url=brief-2026-12.html") && latest.contains("href=\"brief-2026-12.html\""),
        "{latest}"
    );

    // December 2026 has no thefts in the records: its brief is still built and says so.
    let december = read(&site.join("brief-2026-12.md"));
    assert!(
        december.contains("**December 2026:** no thefts recorded."),
        "{december}"
    );
    // April 2026 has two; the briefs are the ones `build` makes for those months.
    assert!(read(&site.join("brief-2026-04.md")).contains("Drift"));

    // A second run into the same folder is refused: stale months would be published.
    let again = publish(&dir, "2027-01-02", &[], false);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

#[test]
fn records_with_problems_stop_it_before_anything_is_built() {
    let dir = scratch("publish-broken");
    let to = dir.join("incidents");
    std::fs::create_dir_all(&to).expect("folder");
    let broken = fixture("bad-enum").join("incidents");
    copy_tree(&broken, &to);
    let run = publish(&dir, "2026-12-05", &[], true);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    // In a workflow, each problem is an annotation on its file's line.
    assert!(
        run.stdout.contains("::error file=incidents/"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("nothing built"), "{}", run.stderr);
    assert!(!dir.join("site").exists(), "a site was written");
}

#[test]
fn no_records_still_makes_the_year_so_far() {
    // With no records at all the archive starts in the month's own year, each brief saying
    // there were no thefts.
    let dir = scratch("publish-empty");
    std::fs::create_dir_all(dir.join("incidents")).expect("folder");
    let run = publish(&dir, "2026-03-05", &["--out", "site"], false);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let site = dir.join("site");
    let index = read(&site.join("index.html"));
    for month in ["2026-01", "2026-02"] {
        assert!(index.contains(&format!("href=\"brief-{month}.html\"")));
        assert!(read(&site.join(format!("brief-{month}.md"))).contains("no thefts recorded"));
    }
    assert!(!site.join("brief-2025-12.html").exists());
    assert!(!site.join("brief-2026-03.html").exists());
    assert!(read(&site.join("latest.html")).contains("url=brief-2026-02.html"));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
