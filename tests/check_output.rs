//! `check`'s three output formats, its summary line, colour policy, and folder handling.

mod common;
use common::{fixture, heistbrief, scratch};

#[test]
fn human_format_shows_the_line_and_a_caret() {
    let run = heistbrief(&fixture("amount-zero"), &["check"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "incidents/2024/2024-05-31-fixture.toml:5:14: error: amount_usd: must be greater than 0\n  |\n5 | amount_usd = 0\n  |              ^\n\nchecked 1 record in incidents: 1 error\n"
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn clean_run_says_how_many_records_it_checked() {
    let run = heistbrief(&fixture("valid"), &["check"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "checked 1 record in incidents: no problems\n")
    );
}

#[test]
fn json_format_is_an_array_of_diagnostics() {
    let run = heistbrief(&fixture("bad-enum"), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let list = value.as_array().expect("an array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["path"], "incidents/2024/2024-05-31-fixture.toml");
    assert_eq!(list[1]["line"], 4);
    assert_eq!(list[1]["column"], 10);
    assert_eq!(list[1]["field"], "vector");
    assert_eq!(list[1]["severity"], "error");
    assert!(
        list[1]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("unknown value `phishing`")
    );
    let clean = heistbrief(&fixture("valid"), &["check", "--format", "json"]);
    assert_eq!((clean.code, clean.stdout.trim()), (0, "[]"));
}

#[test]
fn github_format_keeps_the_summary_off_stdout() {
    let run = heistbrief(&fixture("many-files"), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 2);
    assert_eq!(run.stderr, "checked 3 records in incidents: 2 errors\n");
}

#[test]
fn a_missing_folder_is_an_io_error() {
    let run = heistbrief(
        &fixture("valid"),
        &["check", "--incidents", "no-such-folder"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot open incidents folder `no-such-folder`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let run = heistbrief(&fixture("valid"), &["check", "--format", "xml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("possible values: human, github, json"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_skipped_with_a_warning() {
    let dir = scratch("symlinks");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    let record = std::fs::read(fixture("valid").join("incidents/2024/2024-05-31-fixture.toml"))
        .expect("fixture");
    std::fs::write(outside.join("2024-05-31-elsewhere.toml"), &record).expect("write");
    let incidents = dir.join("incidents");
    std::fs::create_dir_all(&incidents).expect("incidents");
    std::fs::write(incidents.join("2024-05-31-fixture.toml"), &record).expect("write");
    std::os::unix::fs::symlink(&outside, incidents.join("linked-dir")).expect("symlink dir");
    std::os::unix::fs::symlink(
        outside.join("2024-05-31-elsewhere.toml"),
        incidents.join("2024-05-31-linked.toml"),
    )
    .expect("symlink file");
    let run = heistbrief(&dir, &["check", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "::warning file=incidents/2024-05-31-linked.toml,line=1,col=1,title=heistbrief::skipped: symbolic links are not followed; move or copy the record into the folder\n\
         ::warning file=incidents/linked-dir,line=1,col=1,title=heistbrief::skipped: symbolic links are not followed; move or copy the record into the folder\n"
    );
    assert_eq!(run.stderr, "checked 1 record in incidents: 2 warnings\n");
}

/// `script` (util-linux, in every Debian base system) runs the binary on a pseudo-terminal.
#[cfg(unix)]
#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let on_terminal = |no_color: bool| {
        let mut command = std::process::Command::new("script");
        command
            .args([
                "-qec",
                &format!("{} check", env!("CARGO_BIN_EXE_heistbrief")),
                "/dev/null",
            ])
            .current_dir(fixture("amount-zero"))
            .env("HEISTBRIEF_TODAY", common::TODAY)
            .env_remove("NO_COLOR");
        if no_color {
            command.env("NO_COLOR", "1");
        }
        let output = command.output().expect("script runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let coloured = on_terminal(false);
    assert!(
        coloured.contains("\x1b[1m\x1b[31merror:\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_terminal(true);
    assert!(
        plain.contains("error: amount_usd: must be greater than 0"),
        "{plain:?}"
    );
    assert!(!plain.contains('\x1b'), "{plain:?}");
}
