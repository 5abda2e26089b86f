//! Running the real binary from tests.
#![allow(dead_code)]

pub mod outline;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Fixed "today" so date rules and default periods never depend on the clock.
pub const TODAY: &str = "2026-12-05";

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `heistbrief ARGS` in `dir`, without colour and with a fixed today. Builds keep their
/// record cache under the target directory (every test goes through it), not the user's.
pub fn heistbrief(dir: &Path, args: &[&str]) -> Run {
    heistbrief_with(dir, args, &[])
}

/// [`heistbrief`] with extra environment variables.
pub fn heistbrief_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("record-cache");
    let output: Output = Command::new(env!("CARGO_BIN_EXE_heistbrief"))
        .args(args)
        .current_dir(dir)
        .env("HEISTBRIEF_TODAY", TODAY)
        .env("HEISTBRIEF_CACHE_DIR", cache)
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    Run::from(output)
}

/// A fresh empty folder under the target directory, removed first if a previous run left it.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Compares `actual` with the golden file at `path` (relative to the repository), showing a
/// unified diff of the lines that differ; `UPDATE_GOLDEN=1 cargo test` rewrites the golden
/// files instead, to be reviewed with `git diff`.
pub fn golden(path: &str, actual: &str) {
    let path = repo_root().join(path);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden folder")).expect("golden folder");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .context_radius(2)
            .header("golden", "actual")
            .to_string();
        panic!(
            "{} differs from what the code makes now:\n{diff}\nIf the change is intended, run `UPDATE_GOLDEN=1 cargo test` and review `git diff tests/golden`.",
            path.display()
        );
    }
}

/// Runs `heistbrief build --out OUT EXTRA…` in `dir`.
pub fn build(dir: &Path, out: &Path, extra: &[&str]) -> Run {
    let out = out.to_string_lossy().into_owned();
    let mut args = vec!["build", "--out", out.as_str()];
    args.extend_from_slice(extra);
    heistbrief(dir, &args)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Copies the `stats` fixture's records into `dir/incidents`, for a test that edits them.
pub fn copy_stats_records(dir: &Path) {
    for year in ["2023", "2024"] {
        let to = dir.join("incidents").join(year);
        std::fs::create_dir_all(&to).expect("folder");
        let from = fixture("stats").join("incidents").join(year);
        for entry in std::fs::read_dir(from).expect("fixture") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// Sets the amount of the `stats` fixture's March 2024 theft in a copy of its records in `dir`
/// (see [`copy_stats_records`]).
pub fn set_foxtrot_amount(dir: &Path, amount: &str) {
    let record = dir.join("incidents/2024/2024-03-20-foxtrot.toml");
    let text = read(&record);
    let line = text
        .lines()
        .find(|l| l.starts_with("amount_usd"))
        .expect("amount line")
        .to_owned();
    std::fs::write(
        &record,
        text.replace(&line, &format!("amount_usd = {amount}")),
    )
    .expect("edit");
}

/// Runs one of poppler's or qpdf's tools on `pdf` (pdftotext to standard output); its output.
pub fn pdf_tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let mut command = Command::new(name);
    command.args(args).arg(pdf);
    if name == "pdftotext" {
        command.arg("-"); // to standard output
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{name} runs (.ci/run installs poppler-utils and qpdf): {e}"));
    assert!(
        output.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Holds the output folder's lock as a running build would, until the file is dropped.
pub fn hold_output_lock(out: &Path) -> std::fs::File {
    std::fs::create_dir_all(out).expect("output folder");
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(".heistbrief.lock"))
        .expect("lock file");
    lock.try_lock().expect("locked");
    lock
}

/// Markdown through GitHub's renderer with its autolink extension.
pub fn cmark_gfm(markdown: &str) -> String {
    let mut child = Command::new("cmark-gfm")
        .args(["-e", "autolink", "-e", "table", "-e", "strikethrough"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cmark-gfm runs (apt-get install cmark-gfm; .ci/run installs it): {e}")
        });
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), markdown.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("cmark-gfm ends");
    assert!(output.status.success(), "cmark-gfm failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}
