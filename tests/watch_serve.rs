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
        Running::start_with(dir, args, &[])
    }

    /// Starts it with these environment variables set as well.
    fn start_with(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_heistbrief"))
            .args(args)
            .current_dir(dir)
            .env("HEISTBRIEF_TODAY", common::TODAY)
            .envs(env.iter().copied())
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

/// What came back for one request: the status code, the head's fields and the body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn field(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Sends `raw` (a whole request) and reads the answer until the server closes.
fn exchange(port: u16, raw: &[u8]) -> Answer {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(raw).expect("request");
    read_answer(&mut stream)
}

fn read_answer(stream: &mut std::net::TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    Answer {
        status: head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// One HTTP/1.1 request naming the server by its address, as a browser would.
fn request(port: u16, method: &str, path: &str) -> Answer {
    exchange(
        port,
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
}

fn get(port: u16, method: &str, path: &str) -> (u16, String) {
    let answer = request(port, method, path);
    (answer.status, answer.body)
}

/// `serve` on a port the system chooses, in `dir`, serving `dir/out`; and the port.
fn serve(dir: &Path, extra: &[&str]) -> (Running, u16) {
    let mut args = vec!["serve", "--out", "out", "--bind", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    let serve = Running::start(dir, &args);
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
    (serve, port)
}

/// A folder with the March 2024 brief in `out/`.
fn built(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
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
    dir
}

#[test]
fn serve_answers_on_loopback_with_the_briefs_and_nothing_else() {
    let dir = built("serve");
    let out = dir.join("out");
    let (_serve, port) = serve(&dir, &[]);

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
    // The build's lock file is neither listed nor served.
    assert!(out.join(".heistbrief.lock").exists());
    assert!(!listing.contains("heistbrief.lock"), "{listing}");
    for path in [
        "/../Cargo.toml",
        "/..%2fCargo.toml",
        "/missing.html",
        "/.heistbrief.lock",
    ] {
        assert_eq!(get(port, "GET", path).0, 404, "{path}");
    }
    // The version the page polls changes when the folder does.
    let (_, before) = get(port, "GET", "/__heistbrief/version");
    assert_eq!(get(port, "GET", "/__heistbrief/version").1, before);
    std::fs::write(out.join("brief-2024-04.md"), "# April\n").expect("write");
    assert_ne!(get(port, "GET", "/__heistbrief/version").1, before);
}

#[test]
fn every_answer_says_nosniff_and_a_405_says_what_is_allowed() {
    let dir = built("serve-fields");
    let (_serve, port) = serve(&dir, &[]);
    let page = request(port, "GET", "/brief-2024-03.html");
    assert_eq!(page.field("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(
        request(port, "GET", "/brief-2024-03.md").field("Content-Type"),
        Some("text/markdown; charset=utf-8")
    );
    for (method, path, status) in [
        ("GET", "/brief-2024-03.html", 200),
        ("GET", "/missing.html", 404),
        ("POST", "/brief-2024-03.html", 405),
        ("DELETE", "/", 405),
    ] {
        let answer = request(port, method, path);
        assert_eq!(answer.status, status, "{method} {path}");
        assert_eq!(
            answer.field("X-Content-Type-Options"),
            Some("nosniff"),
            "{method} {path}: {}",
            answer.head
        );
        let allow = answer.field("Allow");
        assert_eq!(
            allow,
            (status == 405).then_some("GET, HEAD"),
            "{}",
            answer.head
        );
    }
    // HEAD: the same fields as GET, the length of its body, and no body.
    let head = request(port, "HEAD", "/brief-2024-03.html");
    assert_eq!(head.status, 200);
    assert_eq!(head.body, "");
    assert_eq!(
        head.field("Content-Length"),
        Some(page.body.len().to_string().as_str())
    );
}

#[test]
fn serve_answers_only_to_its_own_address() {
    let dir = built("serve-host");
    let (_serve, port) = serve(&dir, &[]);
    let with_host = |host: &str| {
        exchange(
            port,
            format!("GET /brief-2024-03.md HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
        )
    };
    assert_eq!(with_host(&format!("127.0.0.1:{port}")).status, 200);
    assert_eq!(with_host(&format!("localhost:{port}")).status, 200);
    // DNS rebinding: a name the attacker controls, pointed at 127.0.0.1.
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_owned(),
    ] {
        let answer = with_host(&host);
        assert_eq!(answer.status, 421, "{host}");
        assert!(!answer.body.contains("thefts"), "{host}: {}", answer.body);
        assert!(
            answer.body.contains(&format!(
                "answers only for the address it is bound to, 127.0.0.1:{port}"
            )),
            "{}",
            answer.body
        );
    }
    // No Host at all, or a host of its own in the request line.
    assert_eq!(exchange(port, b"GET / HTTP/1.1\r\n\r\n").status, 400);
    let absolute = format!("GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    assert_eq!(exchange(port, absolute.as_bytes()).status, 400);
}

#[test]
fn a_client_that_never_reads_keeps_no_one_else_waiting() {
    let dir = built("serve-stuck");
    // Far more than the system's socket buffers hold, so the answer's writing blocks.
    let big = vec![b'x'; 64 * 1024 * 1024];
    std::fs::write(dir.join("out/big.pdf"), &big).expect("big file");
    let (_serve, port) = serve(&dir, &["--client-timeout-ms", "1500"]);
    let mut stuck = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    for _ in 0..20 {
        write!(
            stuck,
            "GET /big.pdf HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .expect("request");
    }
    std::thread::sleep(Duration::from_millis(200));
    // Another client is answered at once, while the first is not reading.
    let started = std::time::Instant::now();
    let (status, page) = get(port, "GET", "/brief-2024-03.md");
    assert_eq!(status, 200);
    assert!(page.contains("3 thefts"));
    assert!(started.elapsed() < Duration::from_secs(5));
    // And the one that did not read was let go: it gets less than the file, then the end.
    std::thread::sleep(Duration::from_millis(2000));
    stuck
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut received = Vec::new();
    let _ = stuck.read_to_end(&mut received);
    assert!(
        received.len() < big.len(),
        "the whole file was sent to a client that did not read in time"
    );
}

#[test]
fn idle_and_slow_clients_are_cut_off() {
    let dir = built("serve-slow");
    let (_serve, port) = serve(&dir, &["--client-timeout-ms", "500"]);
    // One that connects and says nothing.
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = std::time::Instant::now();
    assert_eq!(read_answer(&mut idle).status, 408);
    assert!(started.elapsed() < Duration::from_secs(5));
    // One that sends a byte at a time, never finishing: each byte is in time, the whole is not.
    let mut slow = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut writer = slow.try_clone().expect("clone");
    let started = std::time::Instant::now();
    let trickle = std::thread::spawn(move || {
        let _ = writer.write_all(b"GET / HTTP/1.1\r\n");
        for _ in 0..100 {
            std::thread::sleep(Duration::from_millis(100));
            if writer.write_all(b"X").is_err() {
                break;
            }
        }
    });
    assert_eq!(read_answer(&mut slow).status, 408);
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(slow);
    let _ = trickle.join();
}

#[test]
fn request_heads_and_connections_are_bounded() {
    let dir = built("serve-bounds");
    let (_serve, port) = serve(&dir, &[]);
    let long = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Long: {}\r\n\r\n",
        "a".repeat(16 * 1024)
    );
    assert_eq!(exchange(port, long.as_bytes()).status, 431);
    let many = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}\r\n",
        "X-Field: a\r\n".repeat(101)
    );
    assert_eq!(exchange(port, many.as_bytes()).status, 431);

    // 32 connections at once, idle: the next is turned away at once, not queued. The threads
    // of the exchanges above give their slots back just after their answers end: under load
    // that can be after the next connections arrive, and one of the 32 would be refused in
    // their place. Wait for them first.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let held: Vec<_> = (0..32)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects"))
        .collect();
    let answer = exchange(port, b"");
    assert_eq!(answer.status, 503, "{}", answer.head);
    assert_eq!(answer.field("Retry-After"), Some("1"));
    // Once they go, the server answers again.
    drop(held);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while get(port, "GET", "/brief-2024-03.md").0 != 200 {
        assert!(std::time::Instant::now() < deadline, "still refused");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_exits_2_with_a_message_when_it_cannot_listen() {
    let dir = built("serve-taken");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address").to_string();
    let run = common::heistbrief(&dir, &["serve", "--out", "out", "--bind", &address]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with(&format!("error: cannot listen on {address}: ")),
        "{}",
        run.stderr
    );
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
    common::set_foxtrot_amount(&dir, "1_000_000_000");
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
    common::set_foxtrot_amount(&dir, "2_000_000_000");
    wait_for_text(&brief, "3 thefts, $2.");
}

#[test]
fn watch_rebuilds_when_a_note_is_written_or_changed_and_reports_a_bad_citation() {
    let dir = scratch("watch-notes");
    common::copy_stats_records(&dir);
    let watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let brief = dir.join("output/brief-2024-03.md");
    // The notes folder made after the watch began, and a note in it.
    let notes = dir.join("notes");
    std::fs::create_dir_all(&notes).expect("notes");
    std::fs::write(notes.join("2024-03.md"), "First: [@2024-03-20-foxtrot].\n").expect("note");
    wait_for_text(&brief, "## Assessment\n\nFirst: [Fixture Foxtrot]");
    std::fs::write(notes.join("2024-03.md"), "Second thoughts.\n").expect("note");
    wait_for_text(&brief, "## Assessment\n\nSecond thoughts.");
    std::fs::write(notes.join("2024-03.md"), "Bad: [@no-such-record].\n").expect("note");
    Running::wait(
        &watch.stderr,
        |l| l.contains("notes/2024-03.md:1:6"),
        "the bad citation, placed",
    );
    Running::wait(
        &watch.stderr,
        |l| l.contains("the last good brief is kept"),
        "kept",
    );
    assert!(
        std::fs::read_to_string(&brief)
            .expect("brief")
            .contains("Second thoughts.")
    );
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
    // This test holds the lock as a running build would.
    let lock = common::hold_output_lock(&out);
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
    common::set_foxtrot_amount(&dir, "1_000_000_000");
    wait_for_text(&brief, "3 thefts, $1.");
}

/// Every entry of the folder, hidden ones too (the lock, any temporary file), with its bytes.
fn everything(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .expect("out")
        .map(|e| e.expect("entry").path())
        .map(|path| {
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect()
}

/// A template that adds `words` under the built-in brief's Method heading.
fn method_note(words: &str) -> String {
    format!(
        "{{% extends \"builtin/brief.md.tera\" %}}\n{{% block method %}}## Method\n\n{words}\n{{% endblock method %}}\n"
    )
}

#[test]
fn watch_reports_a_template_that_includes_itself_and_goes_on() {
    let dir = scratch("watch-template-error");
    common::copy_stats_records(&dir);
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    let template = templates.join("brief.md.tera");
    std::fs::write(&template, method_note("Our first note.")).expect("write");
    let mut watch = Running::start(&dir, &["watch", "--month", "2024-03", "--format", "md"]);
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let brief = dir.join("output/brief-2024-03.md");
    let good = std::fs::read_to_string(&brief).expect("brief");
    assert!(good.contains("Our first note."), "{good}");

    // Once aborted the process with a stack overflow (exit 134), ending the watch.
    std::fs::copy(
        fixture("templates-hostile/self-include/brief.md.tera"),
        &template,
    )
    .expect("hostile template");
    Running::wait(
        &watch.stderr,
        |l| {
            l.contains("template error: templates/brief.md.tera:3: `brief.md.tera` would start itself again")
        },
        "the template error, with its template and line",
    );
    Running::wait(
        &watch.stderr,
        |l| l.contains("the last good brief is kept"),
        "kept",
    );
    assert_eq!(std::fs::read_to_string(&brief).expect("brief"), good);
    assert!(
        watch.child.try_wait().expect("status").is_none(),
        "the watch ended"
    );

    // The fix is built: the watch went on.
    std::fs::write(&template, method_note("Our second note.")).expect("fix");
    Running::wait(&watch.stdout, |l| l == "built", "a rebuild after the fix");
    let fixed = std::fs::read_to_string(&brief).expect("brief");
    assert!(fixed.contains("Our second note."), "{fixed}");
}

#[test]
fn a_newer_save_abandons_a_build_under_way_which_writes_nothing() {
    let dir = scratch("watch-abandon");
    common::copy_stats_records(&dir);
    // Saves to a template: a record changed after a build read it is caught by the build's
    // own second reading of the records it cites, which would hide a build that went on.
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    let template = templates.join("brief.md.tera");
    std::fs::write(&template, method_note("Our first note.")).expect("write");
    // While this file exists, a build that has read its inputs waits there (a hidden hook,
    // see `hold_for_tests` in src/cli/build.rs): the overlap does not depend on timing.
    let hold = scratch("watch-abandon-hold").join("hold");
    let watch = Running::start_with(
        &dir,
        &["watch", "--month", "2024-03", "--format", "md,html"],
        &[("HEISTBRIEF_TEST_HOLD", &hold)],
    );
    Running::wait(&watch.stdout, |l| l == "built", "first build");
    let out = dir.join("output");
    let first = everything(&out);

    // A save; its build reads the inputs and is held.
    std::fs::write(&hold, "").expect("hold");
    std::fs::write(&template, method_note("Our second note.")).expect("save");
    Running::wait(
        &watch.stderr,
        |l| l == "test hook: held after loading",
        "the build of the first save, held",
    );
    // A newer save while that build is under way.
    std::fs::write(&template, method_note("Our third note.")).expect("save again");
    // Without abandoning, the held build would go on to write the second note's brief.
    let ended = Running::wait(
        &watch.stdout,
        |l| l.starts_with("abandoned: ") || l == "built",
        "the first save's build to end",
    );
    assert!(ended.starts_with("abandoned: "), "{ended}");
    // It wrote nothing: no brief, no temporary file (the newer build is held in its turn).
    assert_eq!(everything(&out), first, "the abandoned build wrote");

    std::fs::remove_file(&hold).expect("release");
    Running::wait(&watch.stdout, |l| l == "built", "the newer save's build");
    let brief = std::fs::read_to_string(out.join("brief-2024-03.md")).expect("brief");
    assert!(brief.contains("Our third note."), "{brief}");
    let hidden: Vec<String> = everything(&out)
        .into_keys()
        .filter(|name| name.starts_with('.') && name != ".heistbrief.lock")
        .collect();
    assert!(hidden.is_empty(), "left behind: {hidden:?}");
}
