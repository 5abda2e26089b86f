//! One build at a time per output folder (issue 22, class 5): a second build into a folder
//! another is writing is refused with a message naming the folder, exit 2, and writes nothing;
//! builds racing into one folder leave one build's whole set, never a mix, and no temporary
//! file.

mod common;
use common::{fixture, scratch};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The folder's files a reader sees (not the lock file, nor temporary files), with their bytes.
fn visible(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .expect("out")
        .map(|e| e.expect("entry"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .map(|name| {
            let bytes = std::fs::read(out.join(&name)).expect("read");
            (name, bytes)
        })
        .collect()
}

/// Every name in the folder that is neither a brief's file nor the lock file.
fn leftovers(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.') && name != ".heistbrief.lock")
        .collect()
}

/// A copy of the `stats` records, the March 2024 theft's amount set to `amount`.
fn variant(name: &str, amount: &str) -> PathBuf {
    let dir = scratch(name);
    common::copy_stats_records(&dir);
    common::set_foxtrot_amount(&dir, amount);
    dir
}

// All three formats: the PDF takes longest to render, so the two builds reach their writing
// at varying moments (with Markdown and HTML alone, the old code raced less often).
const BUILD: [&str; 3] = ["--month", "2024-03", "--quiet"];

#[test]
fn a_build_into_a_folder_another_is_writing_is_refused_and_writes_nothing() {
    let dir = scratch("lock-held");
    let out = dir.join("out");
    // This test holds the lock as a running build would.
    let lock = common::hold_output_lock(&out);
    let run = common::build(&fixture("stats"), &out, &BUILD);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let folder = out.to_string_lossy();
    assert!(
        run.stderr.contains(&format!(
            "error: cannot write the brief to {folder}: another heistbrief build is writing there (it holds {folder}/.heistbrief.lock)"
        )),
        "{}",
        run.stderr
    );
    assert!(visible(&out).is_empty(), "a refused build wrote files");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    drop(lock);
    let run = common::build(&fixture("stats"), &out, &BUILD);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(visible(&out).contains_key("brief-2024-03.md"));
}

#[test]
fn builds_racing_into_one_folder_leave_one_builds_whole_set() {
    let small = variant("lock-race-small", "1_000_000");
    let large = variant("lock-race-large", "2_000_000_000");
    let reference = |dir: &Path| {
        let out = dir.join("reference");
        let run = common::build(dir, &out, &BUILD);
        assert_eq!(run.code, 0, "{}", run.stderr);
        visible(&out)
    };
    let sets = [reference(&small), reference(&large)];
    assert_ne!(sets[0], sets[1]);
    let out = scratch("lock-race-out");
    let (mut refused, mut rounds_with_both) = (0, 0);
    for round in 0..10 {
        // Both start together; the order alternates so each is sometimes the later one.
        let order = if round % 2 == 0 {
            [&small, &large]
        } else {
            [&large, &small]
        };
        let children: Vec<_> = order
            .iter()
            .map(|dir| {
                Command::new(env!("CARGO_BIN_EXE_heistbrief"))
                    .arg("build")
                    .arg("--out")
                    .arg(&out)
                    .args(BUILD)
                    .current_dir(dir)
                    .env("HEISTBRIEF_TODAY", common::TODAY)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("starts")
            })
            .collect();
        let mut succeeded = 0;
        for child in children {
            let output = child.wait_with_output().expect("ends");
            let stderr = String::from_utf8_lossy(&output.stderr);
            match output.status.code() {
                Some(0) => succeeded += 1,
                Some(2) if stderr.contains("another heistbrief build is writing there") => {
                    refused += 1
                }
                code => panic!("round {round}: exit {code:?}: {stderr}"),
            }
        }
        assert!(succeeded >= 1, "round {round}: both refused");
        if succeeded == 2 {
            rounds_with_both += 1;
        }
        let now = visible(&out);
        assert!(
            now == sets[0] || now == sets[1],
            "round {round}: the folder holds a mix of two builds: {:?}",
            now.keys().collect::<Vec<_>>()
        );
        assert!(
            leftovers(&out).is_empty(),
            "round {round}: {:?}",
            leftovers(&out)
        );
    }
    // Not a requirement, but says what the rounds exercised when the test is read with
    // `--nocapture`.
    println!("{refused} builds refused, {rounds_with_both} rounds where both wrote");
}
