//! The PDF as a screen reader meets it (PDF/UA-1): tagged, its structure holding all the body
//! text and none of the page furniture, its links described, its language and dates set, and
//! nothing drawn under the footer. Read back with poppler's and qpdf's tools.

mod common;
use common::{TODAY, heistbrief, repo_root, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::pdf_tool as tool;

/// The document's objects as qpdf writes them uncompressed, one key per line.
fn plain(pdf: &Path) -> String {
    let out = pdf.with_extension("plain.pdf");
    let status = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(pdf)
        .arg(&out)
        .status()
        .expect("qpdf runs");
    assert!(status.success());
    String::from_utf8_lossy(&std::fs::read(&out).expect("plain copy")).into_owned()
}

/// `build` of the bundled records for `period` (e.g. `--month 2024-03`) into a scratch folder,
/// with `env` set; the PDF's path.
fn build(name: &str, period: &[&str], env: &[(&str, Option<&str>)]) -> PathBuf {
    let out = scratch(name);
    let mut command = Command::new(env!("CARGO_BIN_EXE_heistbrief"));
    command
        .arg("build")
        .args(period)
        .args(["--format", "pdf", "--out"])
        .arg(&out)
        .current_dir(repo_root())
        .env("HEISTBRIEF_TODAY", TODAY);
    for (key, value) in env {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let output = command.output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_dir(&out)
        .expect("output")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF")
}

/// The bundled March 2024 brief, built into the scratch folder `name` (one per test: tests
/// run side by side).
fn march(name: &str) -> PathBuf {
    build(
        name,
        &["--month", "2024-03"],
        &[("SOURCE_DATE_EPOCH", Some("1764892800"))],
    )
}

#[test]
fn the_pdf_is_tagged_with_every_element_kind_and_says_its_language() {
    let pdf = march("tags-kinds");
    let info = tool("pdfinfo", &[], &pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let structure = tool("pdfinfo", &["-struct"], &pdf);
    for role in [
        "Document", "H1", "H2", "P", "L", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TR",
        "TH", "TD", "Figure", "Caption", "Link",
    ] {
        assert!(
            structure.lines().any(|l| l.trim_start().starts_with(role)),
            "no {role} element"
        );
    }
    let objects = plain(&pdf);
    for entry in [
        "/Lang (en)",
        "/Marked true",
        "/DisplayDocTitle true",
        "/Tabs /S",
        "/StructTreeRoot",
        "/ParentTree",
        "<pdfuaid:part>1</pdfuaid:part>",
        "/Scope /Column",
    ] {
        assert!(objects.contains(entry), "no {entry}");
    }
    // Every link annotation says where it goes and has its place in the tree.
    let annotations = objects.matches("/Subtype /Link").count();
    assert!(annotations > 100, "{annotations} links");
    assert_eq!(objects.matches("/StructParent ").count(), annotations);
    assert_eq!(
        objects.matches("/Contents (Source ").count()
            + objects.matches("/Contents (Record: ").count()
            + objects.matches("/Contents <feff").count()
            + objects.matches("/Contents (Web page: ").count(),
        annotations
    );
    // A figure speaks: its text alternative is the chart's.
    assert!(objects.contains("/Alt (Bar chart"), "a chart's alt text");
}

#[test]
fn the_tags_hold_all_the_body_text_in_order_and_none_of_the_page_furniture() {
    let pdf = march("tags-text");
    let squeeze = |text: &str| -> String { text.chars().filter(|c| !c.is_whitespace()).collect() };
    let tree = tool("pdfinfo", &["-struct-text"], &pdf);
    let quoted = |line: &str| -> Option<String> {
        let line = line.trim();
        Some(line.strip_prefix('"')?.strip_suffix('"')?.to_owned())
    };
    let tagged = squeeze(&tree.lines().filter_map(quoted).collect::<String>());
    assert!(!tagged.contains("Page1of"), "the footer is not text");
    // Each table's header row as the tags hold it: drawn again on a page the table crosses,
    // where it is furniture.
    let mut headers: Vec<String> = Vec::new();
    let mut in_head = false;
    for line in tree.lines() {
        match line.trim() {
            "THead" => {
                in_head = true;
                headers.push(String::new());
            }
            "TBody" => in_head = false,
            other if in_head => {
                if let (Some(text), Some(header)) = (quoted(other), headers.last_mut()) {
                    header.push_str(&squeeze(&text));
                }
            }
            _ => {}
        }
    }
    // The page text in the order it is drawn (`-raw`), each page without its last two lines:
    // the running header (title and period) and "Page N of M", drawn last.
    let raw = tool("pdftotext", &["-raw"], &pdf);
    let shown: String = raw
        .split('\u{c}')
        .map(|page| {
            let lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
            let body = lines.len().saturating_sub(2);
            squeeze(&lines[..body].concat())
        })
        .collect();
    assert!(raw.contains("Page 1 of"), "the footer is on the page");
    // The tagged text is the shown text, in the same order, but for repeated headers.
    let (mut at, mut repeated) = (0, 0);
    let mut rest = shown.as_str();
    while !rest.is_empty() {
        if tagged[at..].starts_with(&rest[..rest.chars().next().map_or(0, char::len_utf8)]) {
            let step = rest.chars().next().map_or(0, char::len_utf8);
            at += step;
            rest = &rest[step..];
        } else if let Some(header) = headers
            .iter()
            .find(|h| !h.is_empty() && rest.starts_with(h.as_str()))
        {
            rest = &rest[header.len()..];
            repeated += 1;
        } else {
            let near = |s: &str, i: usize| {
                s.chars()
                    .skip(i.saturating_sub(40))
                    .take(80)
                    .collect::<String>()
            };
            panic!(
                "the tags and the page part at {at}:\n tagged: {}\n shown:  {}",
                near(&tagged[at..], 0),
                near(rest, 0)
            );
        }
    }
    assert_eq!(at, tagged.len(), "tagged text the page does not show");
    assert!(headers.len() >= 4, "{headers:?}");
    assert!(
        repeated >= 1,
        "the bundled brief has a table that crosses a page"
    );
}

#[test]
fn the_dates_are_source_date_epochs_or_the_start_of_the_day() {
    let fixed = march("tags-dates");
    let info = tool("pdfinfo", &["-isodates"], &fixed);
    assert!(
        info.contains("CreationDate:    2025-12-05T00:00:00Z"),
        "{info}"
    );
    assert!(
        info.contains("ModDate:         2025-12-05T00:00:00Z"),
        "{info}"
    );
    let today = build(
        "tags-today",
        &["--month", "2024-03"],
        &[("SOURCE_DATE_EPOCH", None)],
    );
    let info = tool("pdfinfo", &["-isodates"], &today);
    assert!(
        info.contains(&format!("CreationDate:    {TODAY}T00:00:00Z")),
        "{info}"
    );
    assert!(plain(&today).contains(&format!("<xmp:CreateDate>{TODAY}T00:00:00Z")));
}

#[test]
fn links_the_policy_refuses_reach_neither_the_html_nor_the_pdf() {
    let dir = scratch("tags-links");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    let brief = std::fs::read_to_string(repo_root().join("templates/brief.md.tera"))
        .expect("default template");
    std::fs::write(
        templates.join("brief.md.tera"),
        format!(
            "{brief}\n[run this](javascript:alert(1)) [open this](file:///etc/passwd) [that](data:text/html,x) [fine](https://example.test/)\n"
        ),
    )
    .expect("template");
    std::fs::create_dir_all(dir.join("out")).expect("out");
    let incidents = repo_root().join("incidents");
    let run = heistbrief(
        &dir,
        &[
            "build",
            "--month",
            "2024-03",
            "--incidents",
            &incidents.to_string_lossy(),
            "--format",
            "html,pdf",
            "--out",
            "out",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(dir.join("out/brief-2024-03.html")).expect("html");
    let objects = plain(&dir.join("out/brief-2024-03.pdf"));
    for refused in ["javascript:", "file:", "data:text"] {
        assert!(
            !html.contains(&format!("href=\"{refused}")),
            "{refused} in HTML"
        );
        assert!(
            !objects.contains(&format!("/URI ({refused}")),
            "{refused} in PDF"
        );
    }
    assert!(html.contains("href=\"https://example.test/\""));
    assert!(objects.contains("/URI (https://example.test/)"));
    // The words stay, as text.
    let text = tool("pdftotext", &[], &dir.join("out/brief-2024-03.pdf"));
    assert!(text.contains("run this") && text.contains("open this"));
}

/// A record of March 2024 laundered through `services` distinct services that month.
fn laundered_through(services: usize) -> String {
    let steps: String = (1..=services)
        .map(|n| {
            format!(
                "[[laundering]]\ndate = 2024-03-20\nmethod = \"dex\"\nservice = \"Service number {n}\"\namount_usd = {}\n\n",
                1_000_000 * n
            )
        })
        .collect();
    format!(
        "date = 2024-03-15\nvictim = \"Example Exchange\"\nvictim_kind = \"exchange\"\nvector = \"unknown\"\namount_usd = 50_000_000\nattribution = \"attributed\"\nsummary = \"A theft laundered through many services.\"\n\n{steps}[[sources]]\nname = \"Example\"\nurl = \"https://example.test/report\"\n"
    )
}

#[test]
fn a_month_of_forty_laundering_services_keeps_every_word_above_the_footer() {
    let dir = scratch("tags-forty");
    let folder = dir.join("incidents/2024");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(
        folder.join("2024-03-15-example-exchange.toml"),
        laundered_through(40),
    )
    .expect("record");
    let run = heistbrief(
        &dir,
        &[
            "build", "--month", "2024-03", "--format", "pdf", "--out", "out",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = dir.join("out/brief-2024-03.pdf");
    let boxes = tool("pdftotext", &["-bbox"], &pdf);
    // A4 with the default 24 mm bottom margin: the text area ends 68 pt above the foot.
    let text_bottom = 841.89 - 24.0 * 72.0 / 25.4;
    let mut below = Vec::new();
    let mut labels = 0;
    for line in boxes.lines().filter(|l| l.contains("<word ")) {
        let number = |key: &str| -> f32 {
            line.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0)
        };
        let word = line
            .split('>')
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or("");
        if word == "number" {
            labels += 1;
        }
        let footer = word == "Page" || word == "of" || word.chars().all(|c| c.is_ascii_digit());
        if number("yMax") > text_bottom + 1.0 && !footer {
            below.push(format!("{word} at {}", number("yMax")));
        }
    }
    assert!(labels >= 40, "the chart names every service: {labels}");
    assert!(below.is_empty(), "drawn under the text area: {below:?}");
}
