//! The editor's loop: `watch` rebuilds on an edit and keeps the last good brief on a bad one;
//! `serve` answers on 127.0.0.1 with the briefs and nothing else. Each test ends its process.

mod common;
use common::{fixture, scratch};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running heistbrief whose output lines arrive on channels; killed when dropped.
struct Running {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

impl Running {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_heistbrief"))
            .args(args)
            .current_dir(dir)
            .env("HEISTBRIEF_TODAY", common::TODAY)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let lines = |stream: Box<dyn Read + Send>| {
            let (send, receive) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if send.send(line).is_err() {
                        break;
                    }
                }
            });
            receive
        };
        let stdout = lines(Box::new(child.stdout.take().expect("stdout")));
        let stderr = lines(Box::new(child.stderr.take().expect("stderr")));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// Waits (up to 60 s) for a line on `stream` that satisfies `wanted`; returns it.
    fn wait(stream: &mpsc::Receiver<String>, wanted: impl Fn(&str) -> bool, what: &str) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match stream.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(_) => {}
                Err(_) => panic!("no {what} within 60 s"),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rebuilds_on_an_edit_and_keeps_the_last_good_brief_on_a_bad_one() {
    let dir = scratch("watch");
    common::copy_stats_records(&dir);
    let watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let brief = dir.join("output/brief-2024-03.md");
    assert!(
        std::fs::read_to_string(&brief)
            .expect("brief")
            .contains("3 thefts, $70 million")
    );

    let record = dir.join("incidents/2024/2024-03-20-foxtrot.toml");
    let text = std::fs::read_to_string(&record).expect("record");
    let amount = text
        .lines()
        .find(|l| l.starts_with("amount_usd"))
        .expect("amount line")
        .to_owned();
    std::fs::write(&record, text.replace(&amount, "amount_usd = 1_000_000_000")).expect("edit");
    Running::wait(
        &watch.stdout,
        |l| l.starts_with("changed: ") && l.contains("foxtrot"),
        "change",
    );
    Running::wait(&watch.stdout, |l| l == "built", "rebuild");
    let rebuilt = std::fs::read_to_string(&brief).expect("brief");
    assert!(!rebuilt.contains("3 thefts, $70 million"), "{rebuilt}");
    assert!(rebuilt.contains("3 thefts, $1."), "{rebuilt}");

    std::fs::write(&record, "date = 2024-03-20\nvictim = \n").expect("break");
    Running::wait(
        &watch.stderr,
        |l| l.contains("the last good brief is kept"),
        "kept",
    );
    assert_eq!(std::fs::read_to_string(&brief).expect("brief"), rebuilt);
}

/// One HTTP/1.1 request; the status code and body.
fn get(port: u16, method: &str, path: &str) -> (u16, String) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

#[test]
fn serve_answers_on_loopback_with_the_briefs_and_nothing_else() {
    let dir = scratch("serve");
    let out = dir.join("out");
    let run = common::heistbrief(
        &fixture("stats"),
        &[
            "build",
            "--month",
            "2024-03",
            "--format",
            "md,html",
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let serve = Running::start(&dir, &["serve", "--out", "out", "--bind", "127.0.0.1:0"]);
    let line = Running::wait(
        &serve.stdout,
        |l| l.starts_with("serving out at http://127.0.0.1:"),
        "address",
    );
    let port: u16 = line
        .trim_start_matches("serving out at http://127.0.0.1:")
        .split('/')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");

    let (status, page) = get(port, "GET", "/brief-2024-03.html");
    assert_eq!(status, 200);
    assert!(page.contains("3 thefts, $70 million") && page.contains("/__heistbrief/version"));
    let (status, markdown) = get(port, "GET", "/brief-2024-03.md");
    assert_eq!(status, 200);
    assert!(!markdown.contains("<script"));
    let (status, listing) = get(port, "GET", "/");
    assert_eq!(status, 200);
    assert!(
        listing.contains("<a href=\"brief-2024-03.html\">"),
        "{listing}"
    );
    for path in ["/../Cargo.toml", "/..%2fCargo.toml", "/missing.html"] {
        assert_eq!(get(port, "GET", path).0, 404, "{path}");
    }
    assert_eq!(get(port, "POST", "/brief-2024-03.html").0, 405);
    // The version the page polls changes when the folder does.
    let (_, before) = get(port, "GET", "/__heistbrief/version");
    assert_eq!(get(port, "GET", "/__heistbrief/version").1, before);
    std::fs::write(out.join("brief-2024-04.md"), "# April\n").expect("write");
    assert_ne!(get(port, "GET", "/__heistbrief/version").1, before);
}

#[test]
fn serve_refuses_a_missing_folder() {
    let dir = scratch("serve-missing");
    let run = common::heistbrief(&dir, &["serve", "--out", "nowhere"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nowhere is not a folder"),
        "{}",
        run.stderr
    );
}

/// Sets the March 2024 theft's amount in a copy of the `stats` records.
fn set_foxtrot_amount(dir: &Path, amount: &str) {
    let record = dir.join("incidents/2024/2024-03-20-foxtrot.toml");
    let text = std::fs::read_to_string(&record).expect("record");
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

/// Waits (up to 30 s) until the file holds `wanted`: a rebuild has happened.
fn wait_for_text(path: &Path, wanted: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(wanted)) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} never held {wanted:?}: no rebuild",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn watch_follows_an_incidents_folder_moved_away_and_back_or_replaced() {
    let dir = scratch("watch-replaced");
    common::copy_stats_records(&dir);
    let watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let brief = dir.join("output/brief-2024-03.md");
    let incidents = dir.join("incidents");

    // Moved away (the rebuild that notices fails: no records) and back.
    let away = dir.join("incidents-away");
    std::fs::rename(&incidents, &away).expect("move away");
    Running::wait(
        &watch.stderr,
        |l| l.contains("the last good brief is kept"),
        "a failed rebuild while the folder is away",
    );
    std::fs::rename(&away, &incidents).expect("move back");
    Running::wait(&watch.stdout, |l| l == "built", "a rebuild once it is back");
    set_foxtrot_amount(&dir, "1_000_000_000");
    wait_for_text(&brief, "3 thefts, $1.");

    // Deleted and copied again: a new folder under the old name.
    std::fs::remove_dir_all(&incidents).expect("delete");
    Running::wait(
        &watch.stderr,
        |l| l.contains("the last good brief is kept"),
        "a failed rebuild while the folder is gone",
    );
    common::copy_stats_records(&dir);
    wait_for_text(&brief, "3 thefts, $70 million");
    set_foxtrot_amount(&dir, "2_000_000_000");
    wait_for_text(&brief, "3 thefts, $2.");
}

#[test]
fn watch_takes_up_a_templates_folder_made_after_it_started() {
    let dir = scratch("watch-templates-later");
    common::copy_stats_records(&dir);
    let watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let brief = dir.join("output/brief-2024-03.md");
    let templates = dir.join("templates");
    let note = |words: &str| {
        format!(
            "{{% extends \"builtin/brief.md.tera\" %}}\n{{% block method %}}## Method\n\n{words}\n{{% endblock method %}}\n"
        )
    };
    std::fs::create_dir_all(&templates).expect("templates");
    std::fs::write(templates.join("brief.md.tera"), note("Our first note.")).expect("write");
    wait_for_text(&brief, "Our first note.");
    std::fs::write(templates.join("brief.md.tera"), note("Our second note.")).expect("write");
    wait_for_text(&brief, "Our second note.");
}

#[test]
fn watch_takes_the_output_folders_lock_for_each_build() {
    let dir = scratch("watch-locked");
    common::copy_stats_records(&dir);
    let out = dir.join("output");
    std::fs::create_dir_all(&out).expect("output");
    // This test holds the lock as a `build` writing the same folder would.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(out.join(".heistbrief.lock"))
        .expect("lock file");
    lock.try_lock().expect("locked");
    let watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(
        &watch.stderr,
        |l| {
            l.contains(
                "cannot write the brief to output: another heistbrief build is writing there",
            )
        },
        "the refused build",
    );
    let brief = out.join("brief-2024-03.md");
    assert!(!brief.exists(), "written while another held the lock");
    drop(lock);
    set_foxtrot_amount(&dir, "1_000_000_000");
    wait_for_text(&brief, "3 thefts, $1.");
}
