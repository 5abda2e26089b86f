//! Records an attacker writes that `check` accepts (issue 22, classes 3, 7 and 8): each link
//! lands on its own record, record text stays text in every Markdown renderer (GitHub's
//! cmark-gfm included), and the brief is made in time linear in the records' size.
#![cfg(unix)]

mod common;
use common::{cmark_gfm, read, scratch};
use std::path::Path;
use std::process::Command;

/// A record file `incidents/2024/<id>.toml` with `victim` and `summary`.
fn record(dir: &Path, id: &str, victim: &str, summary: &str, amount: u64) {
    let folder = dir.join("incidents/2024");
    std::fs::create_dir_all(&folder).expect("folder");
    // A TOML basic string; Rust's `{:?}` would write `\u{40000}`, which TOML does not read.
    let quoted = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let (victim, summary) = (quoted(victim), quoted(summary));
    let text = format!(
        "date = {}\nvictim = {victim}\nvictim_kind = \"exchange\"\nvector = \"private-key-compromise\"\namount_usd = {amount}\nattribution = \"confirmed\"\nsummary = {summary}\n\n[[sources]]\nname = \"FBI\"\nurl = \"https://fbi.test/{}\"\nquote = \"Fixture: the sentence that states the figure.\"\n",
        &id[..10],
        id.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    std::fs::write(folder.join(format!("{id}.toml")), text).expect("record");
}

fn run(dir: &Path, args: &[&str]) -> common::Run {
    common::heistbrief(dir, args)
}

/// Every `href="#…"` and every `id="…"` of an HTML page.
fn links_and_ids(html: &str) -> (Vec<String>, Vec<String>) {
    let grab = |marker: &str| -> Vec<String> {
        html.match_indices(marker)
            .filter_map(|(at, _)| html[at + marker.len()..].split('"').next())
            .map(str::to_owned)
            .collect()
    };
    (grab("href=\"#"), grab(" id=\""))
}

#[test]
fn every_link_lands_on_its_own_record() {
    let dir = scratch("records-anchors");
    record(&dir, "2024-03-20-acm", "ACM", "The plain one.", 20_000_000);
    record(
        &dir,
        "2024-03-20-acmé",
        "ACMé",
        "The accented one.",
        10_000_000,
    );
    let built = run(
        &dir,
        &["build", "--month", "2024-03", "--format", "md,html"],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let html = read(&dir.join("output/brief-2024-03.html"));
    let (links, ids) = links_and_ids(&html);
    for anchor in ["rec-2024-03-20-acm", "recx-2024--03--20--acm-e9-"] {
        assert_eq!(
            ids.iter().filter(|i| *i == anchor).count(),
            1,
            "{anchor}: {ids:?}"
        );
        assert!(links.iter().any(|l| l == anchor), "{anchor}: {links:?}");
    }
    // Every in-page link has exactly one target.
    for link in &links {
        assert_eq!(ids.iter().filter(|i| *i == link).count(), 1, "#{link}");
    }
}

#[test]
fn check_refuses_ids_that_differ_only_in_case() {
    let dir = scratch("records-anchor-case");
    record(&dir, "2024-03-20-acm", "ACM", "One.", 20_000_000);
    record(&dir, "2024-03-20-ACM", "ACM", "Two.", 10_000_000);
    let checked = run(&dir, &["check"]);
    assert_eq!(checked.code, 1, "{}", checked.stdout);
    assert!(
        checked.stdout.contains("would share its link anchor"),
        "{}",
        checked.stdout
    );
    let built = run(&dir, &["build", "--month", "2024-03"]);
    assert_eq!(built.code, 1);
    assert!(!dir.join("output").exists());
}

const LINKY: &str = "Drained by www.evil.example and WWW.Evil.example; log in at https://user@evil.example/login, ftp://evil.example/x or mailto:someone@evil.example, write to someone@evil.example.";

#[test]
fn record_text_stays_text_on_github_and_in_our_html() {
    let dir = scratch("records-autolinks");
    record(
        &dir,
        "2024-03-20-acm",
        "www.victim-evil.example",
        LINKY,
        20_000_000,
    );
    record(
        &dir,
        "2024-02-20-bcd",
        "someone@victim-evil.example",
        LINKY,
        10_000_000,
    );
    let built = run(
        &dir,
        &[
            "build",
            "--quarter",
            "2024-Q1",
            "--each",
            "month",
            "--format",
            "md,html",
        ],
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    let mut checked = 0;
    for file in ["brief-2024-03.md", "brief-2024-02.md", "index.md"] {
        let markdown = read(&dir.join("output").join(file));
        let html = cmark_gfm(&markdown);
        // What a reader sees: cmark-gfm writes the break as a comment, which shows nothing.
        let visible = html.replace("<!-- raw HTML omitted -->", "");
        assert!(
            visible.contains("www.victim-evil.example"),
            "{file}: the text is shown"
        );
        assert!(visible.contains("someone@victim-evil.example"), "{file}");
        if file != "index.md" {
            assert!(
                visible.contains("www.evil.example"),
                "{file}: the text is shown"
            );
            assert!(
                visible.contains("https://user@evil.example/login"),
                "{file}"
            );
        }
        for (at, _) in html.match_indices("href=\"") {
            let target = html[at + 6..].split('"').next().unwrap_or("");
            assert!(!target.contains("evil"), "{file}: cmark-gfm links {target}");
            checked += 1;
        }
    }
    assert!(checked > 0, "the briefs have links of their own");
    for file in ["brief-2024-03.html", "index.html"] {
        let html = read(&dir.join("output").join(file));
        assert!(html.contains("www.victim-evil.example"), "{file}");
        assert!(!html.contains("&lt;!--"), "{file}: the break is not shown");
        for (at, _) in html.match_indices("href=\"") {
            let target = html[at + 6..].split('"').next().unwrap_or("");
            assert!(!target.contains("evil"), "{file}: links {target}");
        }
    }
}

#[test]
fn a_word_of_many_characters_no_font_has_is_one_warning_and_linear() {
    let dir = scratch("records-glyphs");
    // 40 000 distinct unassigned characters (plane 4), one word: `check` accepts it.
    let glyphs: String = (0x4_0000..0x5_0000u32)
        .filter(|c| c & 0xFFFE != 0xFFFE)
        .filter_map(char::from_u32)
        .take(40_000)
        .collect();
    record(&dir, "2024-03-20-glyphs", "Glyphs", &glyphs, 20_000_000);
    assert_eq!(run(&dir, &["check"]).code, 0);
    let built = run(&dir, &["build", "--month", "2024-03", "--format", "pdf"]);
    assert_eq!(built.code, 0, "{}", built.stderr);
    let warnings: Vec<&str> = built
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(
        warnings.len(),
        1,
        "one line per record: {}",
        &built.stderr[..built.stderr.len().min(2000)]
    );
    assert!(
        warnings[0].starts_with(
            "warning: the PDF's fonts have no glyph for 40000 characters in record 2024-03-20-glyphs: U+40000"
        ) && warnings[0].ends_with("and 39995 more; each is shown as `?`"),
        "{}",
        warnings[0]
    );
    // Each shown as `?`, none lost: the page text holds all 40 000 (cut across lines).
    let pdf = dir.join("output/brief-2024-03.pdf");
    let text = Command::new("pdftotext")
        .args([pdf.as_os_str(), std::ffi::OsStr::new("-")])
        .output()
        .unwrap_or_else(|e| panic!("pdftotext runs (.ci/run installs poppler-utils): {e}"));
    let shown = String::from_utf8_lossy(&text.stdout).matches('?').count();
    assert!(shown >= 40_000, "{shown} question marks");
}
