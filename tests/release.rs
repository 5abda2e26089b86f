//! What a release archive promises: the binary runs by itself (its templates and fonts are
//! inside it), and `--version` names the version and the commit it was built from.

mod common;
use common::{TODAY, read, repo_root, scratch};
use std::process::Command;

#[test]
fn the_binary_alone_builds_a_brief_beside_only_the_records() {
    // A copy of the binary in a folder of its own, run where nothing but incidents/ is: no
    // templates folder, no benchmarks file, no source tree nearby.
    let dir = scratch("release-standalone");
    let bin_dir = dir.join("bin");
    let work = dir.join("work");
    std::fs::create_dir_all(&bin_dir).expect("folder");
    let bin = bin_dir.join(
        std::path::Path::new(env!("CARGO_BIN_EXE_heistbrief"))
            .file_name()
            .expect("binary name"),
    );
    std::fs::copy(env!("CARGO_BIN_EXE_heistbrief"), &bin).expect("copy binary");
    copy_tree(&repo_root().join("incidents"), &work.join("incidents"));

    let output = Command::new(&bin)
        .args(["build", "--month", "2024-03"])
        .current_dir(&work)
        .env("HEISTBRIEF_TODAY", TODAY)
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let out = work.join("output");
    let md = read(&out.join("brief-2024-03.md"));
    assert!(
        md.starts_with("# North Korea-attributed crypto thefts — March 2024"),
        "{md}"
    );
    let html = read(&out.join("brief-2024-03.html"));
    // The stylesheet is inlined from the embedded template, and the charts are drawn.
    assert!(
        html.contains("<style>") && html.contains("<svg"),
        "no style or charts"
    );
    let pdf = std::fs::read(out.join("brief-2024-03.pdf")).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    // The fonts are embedded from the binary: poppler lists each as embedded ("yes" in the
    // emb column), Noto Sans among them.
    let fonts = Command::new("pdffonts")
        .arg(out.join("brief-2024-03.pdf"))
        .output()
        .expect("pdffonts (poppler-utils) runs");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(
        rows.iter().any(|r| r.contains("NotoSans-Regular")),
        "{fonts}"
    );
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let emb = columns.len().checked_sub(5).map(|i| columns[i]);
        assert_eq!(emb, Some("yes"), "a font not embedded: {row}");
    }
    assert!(out.join("brief-2024-03-trend.svg").is_file());

    // `init` gives an editor the templates the binary carries.
    let output = Command::new(&bin)
        .args(["init"])
        .current_dir(&work)
        .output()
        .expect("binary runs");
    assert!(output.status.success());
    assert!(work.join("templates/brief.html.tera").is_file());
    assert!(work.join("templates/pdf.toml").is_file());
}

#[test]
fn version_names_the_commit_when_built_from_a_checkout() {
    let output = Command::new(env!("CARGO_BIN_EXE_heistbrief"))
        .arg("--version")
        .output()
        .expect("binary runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.trim_end();
    let plain = format!("heistbrief {}", env!("CARGO_PKG_VERSION"));
    let commit = line
        .strip_prefix(&plain)
        .unwrap_or_else(|| panic!("`{line}` does not start with `{plain}`"));
    // Built from this repository's checkout with git at hand, the commit is HEAD's.
    let head = Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let top = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| std::path::PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let ours = top.and_then(|t| t.canonicalize().ok()) == repo_root().canonicalize().ok();
    match head {
        Some(head) if ours && std::env::var_os("HEISTBRIEF_COMMIT").is_none() => {
            assert_eq!(commit, format!(" ({head})"), "`{line}`");
        }
        // A tarball (or a given HEISTBRIEF_COMMIT): nothing, or a short hex name.
        _ => assert!(
            commit.is_empty()
                || (commit.starts_with(" (")
                    && commit.ends_with(')')
                    && commit[2..commit.len() - 1]
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit())),
            "`{line}`"
        ),
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
