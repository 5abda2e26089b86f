//! What a hostile pull request or a hostile environment can do to the commands: closed pipes,
//! full disks, FIFOs, names that are not UTF-8 or hold escape sequences, symlinked folders,
//! and files with tens of thousands of problems. Large inputs are generated here, not stored.
#![cfg(unix)]

mod common;
#[path = "../benches/synthetic/mod.rs"]
mod synthetic;
use common::{TODAY, fixture, heistbrief, scratch};
use std::path::Path;
use std::process::{Command, Stdio};

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_heistbrief"));
    command
        .env("HEISTBRIEF_TODAY", TODAY)
        .env_remove("NO_COLOR");
    command
}

/// Runs `heistbrief ARGS` in `dir` with stdout sent to `stdout`: exit code and stderr.
fn with_stdout(dir: &Path, args: &[&str], stdout: impl Into<Stdio>) -> (i32, String) {
    let output = binary()
        .args(args)
        .current_dir(dir)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Stdout into a pipe whose reader is already gone: every write fails with a broken pipe.
fn with_closed_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    with_stdout(dir, args, writer)
}

/// Stdout on /dev/full, where every write fails as on a full disk.
fn with_full_stdout(dir: &Path, args: &[&str]) -> (i32, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    with_stdout(dir, args, full)
}

const OUTPUT_COMMANDS: &[&[&str]] = &[
    &["list"],
    &["list", "--format", "json"],
    &["stats", "--month", "2024-03", "--json"],
    &["stats", "--year", "2024"],
    &["check", "--format", "json"],
    &["schema"],
];

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    for args in OUTPUT_COMMANDS {
        let (code, stderr) = with_closed_stdout(&fixture("stats"), args);
        assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn a_full_disk_is_an_io_error_with_a_message() {
    for args in OUTPUT_COMMANDS {
        let (code, stderr) = with_full_stdout(&fixture("stats"), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "error: cannot write to standard output: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_closed_stderr_does_not_turn_a_data_error_into_a_panic() {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let status = binary()
        .args(["list"])
        .current_dir(fixture("amount-zero"))
        .stdout(Stdio::null())
        .stderr(writer)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(1));
}

const NEW_ARGS: &[&str] = &[
    "new",
    "--date",
    "2024-05-31",
    "--victim",
    "Pipe Exchange",
    "--amount-usd",
    "5",
    "--vector",
    "unknown",
    "--victim-kind",
    "exchange",
    "--attribution",
    "suspected",
    "--source-name",
    "Fixture",
    "--source-url",
    "https://fixture.test/a",
];

#[test]
fn new_says_it_wrote_the_file_when_it_cannot_print() {
    let dir = scratch("hostile-new-full");
    let (code, stderr) = with_full_stdout(&dir, NEW_ARGS);
    let path = "incidents/2024/2024-05-31-pipe-exchange.toml";
    assert!(dir.join(path).is_file());
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: wrote {path}, but could not say so: cannot write to standard output: No space left on device (os error 28)\n"
        )
    );
    let dir = scratch("hostile-new-pipe");
    let (code, stderr) = with_closed_stdout(&dir, NEW_ARGS);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert!(dir.join(path).is_file());
}

#[test]
fn new_does_not_write_through_a_symlinked_year_folder() {
    let dir = scratch("hostile-new-symlink");
    let outside = dir.join("outside");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::create_dir_all(dir.join("incidents")).expect("incidents");
    std::os::unix::fs::symlink(&outside, dir.join("incidents/2024")).expect("symlink");
    let run = heistbrief(&dir, NEW_ARGS);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: nothing written: incidents/2024 is a symbolic link"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_dir(&outside).expect("outside").count(), 0);
}

/// A FIFO never yields end of file until a writer closes it: reading one would hang for ever.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// Runs a command that must end by itself; a hang fails the test instead of stalling it.
fn run_with_deadline(mut command: Command) -> std::process::Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    for _ in 0..200 {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("the command hung");
}

#[test]
fn a_fifo_where_a_file_is_expected_is_a_clear_error() {
    let dir = scratch("hostile-fifo");
    let copy = Command::new("cp")
        .args(["-r"])
        .arg(fixture("stats").join("incidents"))
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(copy.success());
    mkfifo(&dir.join("benchmarks.toml"));
    for args in [
        &["stats", "--month", "2024-03"][..],
        &[
            "stats",
            "--month",
            "2024-03",
            "--benchmarks",
            "benchmarks.toml",
        ][..],
    ] {
        let mut command = binary();
        command.args(args).current_dir(&dir);
        let output = run_with_deadline(command);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: cannot read benchmarks file benchmarks.toml: a named pipe (FIFO), not a regular file\n"
        );
    }
    mkfifo(&dir.join("incidents/2024/2024-05-01-pipe.toml"));
    let mut command = binary();
    command
        .args(["check", "--format", "github"])
        .current_dir(&dir);
    let output = run_with_deadline(command);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "::warning file=incidents/2024/2024-05-01-pipe.toml,line=1,col=1,title=heistbrief::skipped: not a regular file (a named pipe or device); records are plain files\n"
    );
}

/// A record file under a name that is not UTF-8 or holds an escape sequence.
fn record_named(dir: &Path, name: &std::ffi::OsStr, amount: &str) {
    let folder = dir.join("incidents/2024");
    std::fs::create_dir_all(&folder).expect("folder");
    let text =
        std::fs::read_to_string(fixture("valid").join("incidents/2024/2024-05-31-fixture.toml"))
            .expect("fixture")
            .replace("305_000_000", amount);
    std::fs::write(folder.join(name), text).expect("write");
}

#[test]
fn names_that_are_not_utf8_are_shown_lossily_and_never_dropped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("hostile-non-utf8");
    record_named(
        &dir,
        std::ffi::OsStr::from_bytes(b"2024-05-31-\xff.toml"),
        "0",
    );
    let run = heistbrief(&dir, &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let problems: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let fields: Vec<(&str, &str)> = problems
        .as_array()
        .expect("array")
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap_or(""),
                p["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let path = "incidents/2024/2024-05-31-\u{FFFD}.toml";
    assert_eq!(fields, [(path, "amount_usd")]);
    for format in ["human", "github"] {
        let run = heistbrief(&dir, &["check", "--format", format]);
        assert_eq!(run.code, 1);
        assert!(run.stdout.contains(path), "{format}: {}", run.stdout);
    }
    // Once the record is valid, the name itself is the problem: ids must be UTF-8.
    std::fs::remove_dir_all(dir.join("incidents")).expect("clean");
    record_named(
        &dir,
        std::ffi::OsStr::from_bytes(b"2024-05-31-\xff.toml"),
        "5",
    );
    let run = heistbrief(&dir, &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("title=id::id: the file name is not valid UTF-8"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_name_cannot_forge_lines_or_send_escapes() {
    let dir = scratch("hostile-file-name");
    record_named(
        &dir,
        std::ffi::OsStr::new("2024-05-31-x\n::error file=forged::\u{1b}]0;pwned\u{7}.toml"),
        "0",
    );
    for format in ["human", "github", "json"] {
        let run = heistbrief(&dir, &["check", "--format", format]);
        assert_eq!(run.code, 1, "{format}");
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}']),
            "{format}: {:?}",
            run.stdout
        );
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.starts_with("::error file=forged")),
            "{format}: {}",
            run.stdout
        );
    }
    let list = heistbrief(&dir, &["list"]);
    assert_eq!(list.code, 1);
    assert!(!list.stderr.contains('\u{1b}'), "{:?}", list.stderr);
}

/// 20 000 bad sources: the old code re-parsed the file once per problem (quadratic) and kept
/// the whole line in every diagnostic (gigabytes for a one-line file). Both shapes must finish
/// in a bounded address space, print a bounded report, and keep every problem in the JSON.
#[test]
fn twenty_thousand_problems_stay_linear_and_bounded() {
    const N: usize = 20_000;
    let head = "date = 2024-05-31\nvictim = \"V\"\nvictim_kind = \"exchange\"\nvector = \"unknown\"\namount_usd = 5\nattribution = \"suspected\"\nsummary = \"s\"\n";
    let tables: String = (0..N)
        .map(|i| {
            format!("[[sources]]\nname = \"X\"\nurl = \"ftp://bad{i}.example/\"\nquote = \"q\"\n")
        })
        .collect();
    let one_line = format!(
        "sources = [{}]\n",
        (0..N)
            .map(|i| format!(
                "{{name = \"X\", url = \"ftp://bad{i}.example/{}\", quote = \"q\"}}",
                "p".repeat(50)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (case, body) in [("tables", tables), ("one-line", one_line)] {
        let dir = scratch(&format!("hostile-many-{case}"));
        std::fs::create_dir_all(dir.join("incidents/2024")).expect("folder");
        std::fs::write(
            dir.join("incidents/2024/2024-05-31-many.toml"),
            format!("{head}{body}"),
        )
        .expect("write");
        // 1 GiB of address space: generous for a linear run, far below what the old one took.
        let limited = |args: &str| {
            Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "ulimit -v 1048576 && exec '{}' check {args}",
                    env!("CARGO_BIN_EXE_heistbrief")
                ))
                .current_dir(&dir)
                .env("HEISTBRIEF_TODAY", TODAY)
                .output()
                .expect("runs")
        };
        let human = limited("");
        assert_eq!(human.status.code(), Some(1), "{case}");
        let stdout = String::from_utf8_lossy(&human.stdout);
        assert!(stdout.len() < 4_000, "{case}: {} bytes", stdout.len());
        assert!(
            stdout.contains(&format!(
                "… and {} more errors like this in this file (sources[].url)",
                N - 5
            )),
            "{case}: {stdout}"
        );
        assert!(stdout.ends_with(&format!("checked 1 record in incidents: {N} errors\n")));
        let json = limited("--format json");
        assert_eq!(json.status.code(), Some(1), "{case}");
        let all: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
        assert_eq!(all.as_array().map(Vec::len), Some(N), "{case}");
    }
}

#[test]
fn an_unreadable_subfolder_is_reported_and_the_rest_still_checked() {
    let dir = scratch("hostile-unreadable");
    let copy = Command::new("cp")
        .args(["-r"])
        .arg(fixture("amount-zero").join("incidents"))
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(copy.success());
    let locked = dir.join("incidents/locked");
    std::fs::create_dir_all(&locked).expect("locked");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut command = if std::fs::read_dir(&locked).is_ok() {
        // Root (as CI runs) reads past permissions by its CAP_DAC_OVERRIDE and
        // CAP_DAC_READ_SEARCH: the child runs as root without them (setpriv, util-linux), so the
        // folder is as unreadable to it as to any user, and every other path stays reachable.
        let mut command = Command::new("setpriv");
        command
            .arg("--bounding-set=-dac_override,-dac_read_search")
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_heistbrief"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_heistbrief"))
    };
    let output = command
        .args(["check", "--format", "github"])
        .current_dir(&dir)
        .env("HEISTBRIEF_TODAY", TODAY)
        .output()
        .expect("runs (as root, this needs setpriv from util-linux)");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stdout.contains("title=amount_usd::"), "{stdout}");
    assert!(
        stdout.contains("file=incidents/locked,line=1,col=1,title=heistbrief::cannot read:"),
        "{stdout}"
    );
}

#[test]
fn deep_nesting_is_placed_where_it_is_and_ends_at_once() {
    const DEPTH: usize = 100_000;
    for (case, value) in [
        (
            "arrays",
            format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH)),
        ),
        (
            "tables",
            format!("{}1{}", "{a=".repeat(DEPTH), "}".repeat(DEPTH)),
        ),
    ] {
        let dir = scratch(&format!("hostile-deep-{case}"));
        std::fs::create_dir_all(dir.join("incidents/2024")).expect("folder");
        std::fs::write(
            dir.join("incidents/2024/2024-05-31-deep.toml"),
            format!("date = 2024-05-31\nvictim = {value}\n"),
        )
        .expect("write");
        let output = run_with_deadline({
            let mut command = binary();
            command.arg("check").current_dir(&dir);
            command
        });
        assert_eq!(output.status.code(), Some(1), "{case}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let first = stdout.lines().next().unwrap_or("");
        // On the nested value's line, past its start: not 1:1, and no stack overflow.
        assert!(
            first.starts_with("incidents/2024/2024-05-31-deep.toml:2:")
                && first.contains("error: victim: invalid TOML: cannot recurse further"),
            "{case}: {first}"
        );
        assert!(
            stdout.len() < 4_000,
            "{case}: {} bytes of output",
            stdout.len()
        );
    }
}

/// A tree of 20 000 synthetic records with five files broken in five ways (the hard-input
/// bench runs 200 000): every broken file is reported with all its problems, no valid file
/// is, the run fits a bounded address space, and an archive build over it writes nothing.
#[test]
fn a_large_tree_with_a_few_broken_files_reports_every_problem() {
    const RECORDS: usize = 20_000;
    let dir = scratch("hostile-tree");
    let incidents = dir.join("incidents");
    let mut seq = synthetic::Sequence(0x9E37_79B9_7F4A_7C15);
    for n in 0..RECORDS {
        let (id, text) = synthetic::record_text(n, &mut seq);
        let year = incidents.join(&id[..4]);
        std::fs::create_dir_all(&year).expect("year folder");
        std::fs::write(year.join(format!("{id}.toml")), text).expect("write record");
    }
    for (id, text) in synthetic::BROKEN {
        std::fs::write(incidents.join("2024").join(format!("{id}.toml")), text).expect("write");
    }
    let limited = |args: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 1048576 && exec '{}' {args}",
                env!("CARGO_BIN_EXE_heistbrief")
            ))
            .current_dir(&dir)
            .env("HEISTBRIEF_TODAY", TODAY)
            .output()
            .expect("runs")
    };
    let json = limited("check --format json");
    assert_eq!(json.status.code(), Some(1));
    let problems: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).expect("JSON");
    let mut files: Vec<&str> = problems
        .iter()
        .filter_map(|p| p["path"].as_str()?.rsplit('/').next())
        .collect();
    files.dedup();
    let expected: Vec<String> = synthetic::BROKEN
        .iter()
        .map(|(id, _)| format!("{id}.toml"))
        .collect();
    assert_eq!(files, expected);
    // Each way of breaking a file is reported as itself.
    for (file, problem) in [
        ("2024-01-02-broken-syntax.toml", "invalid TOML"),
        ("2024-02-03-broken-field.toml", "unknown field `victm`"),
        ("2024-03-04-broken-type.toml", "remove the quotes"),
        ("2024-04-05-broken-url.toml", "ftp"),
        ("2024-05-06-broken-empty.toml", "file is empty"),
    ] {
        assert!(
            problems.iter().any(
                |p| p["path"].as_str().is_some_and(|path| path.ends_with(file))
                    && p["message"].as_str().is_some_and(|m| m.contains(problem))
            ),
            "{file}: no problem saying {problem:?}"
        );
    }
    let human = limited("check");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.ends_with(&format!(
            "checked {} records in incidents: {} errors\n",
            RECORDS + 5,
            problems.len()
        )),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    let build = limited("build --each month --year 2024 --out archive");
    assert_eq!(build.status.code(), Some(1));
    assert!(
        !dir.join("archive").exists()
            || std::fs::read_dir(dir.join("archive"))
                .expect("out")
                .next()
                .is_none()
    );
}
