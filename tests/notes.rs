//! The editor's assessment (`notes/<label>.md`): on page one of the brief in every format, its
//! citations linked to the records (by id or alias), a citation that names no record refused
//! with its file, line and column, and a hostile note kept inside its section as text.
//!
//! The records are the `stats` fixture's; the brief is March 2023's, in which the 2024 records
//! are named by no figure or chart, so a note citing one adds it to the other records cited.

mod common;
use common::{build, cmark_gfm, heistbrief, pdf_tool, read, scratch};
use heistbrief::render::document::{self, Block};
use std::path::{Path, PathBuf};

/// A folder with the stats fixture's records (Fixture Hotel with an alias) and these notes.
fn with_notes(name: &str, notes: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    common::copy_stats_records(&dir);
    let hotel = dir.join("incidents/2024/2024-06-01-hotel.toml");
    let text = read(&hotel);
    std::fs::write(&hotel, format!("aliases = [\"2024-06-02-hotel\"]\n{text}")).expect("alias");
    std::fs::create_dir_all(dir.join("notes")).expect("notes");
    for (file, text) in notes {
        std::fs::write(dir.join("notes").join(file), text).expect("note");
    }
    dir
}

const NOTE: &str = "# What the month showed\n\nThe month's theft, [@2023-03-10-alpha], stands alone; a later one, [@2024-06-02-hotel], is cited by its old id, and [the bridge][@2023-11-22-bravo] by its own.\n\n## Caveats\n\n- *Few* records\n- a [source](https://example.org/report)\n";

fn headings(markdown: &str) -> Vec<(u8, String)> {
    document::blocks(markdown)
        .into_iter()
        .filter_map(|b| match b {
            Block::Heading { level, runs } => Some((level, document::plain(runs))),
            _ => None,
        })
        .collect()
}

#[test]
fn the_assessment_is_on_page_one_in_every_format_with_its_citations_linked() {
    let dir = with_notes("notes-all-formats", &[("2023-03.md", NOTE)]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2023-03.md"));
    common::golden("tests/golden/brief/brief-2023-03-note.md", &md);
    let html = read(&out.join("brief-2023-03.html"));
    common::golden(
        "tests/golden/brief/brief-2023-03-note.html.outline",
        &common::outline::outline(&html),
    );

    // Right after the key figures, its headings below "Assessment".
    let h = headings(&md);
    let at = h
        .iter()
        .position(|(l, t)| (*l, t.as_str()) == (2, "Assessment"))
        .expect("the heading");
    assert_eq!(h[at - 1], (2, "Key figures".to_owned()));
    assert_eq!(h[at + 1], (3, "What the month showed".to_owned()));
    assert_eq!(h[at + 2], (3, "Caveats".to_owned()));
    assert!(h[at + 3].0 == 2, "{h:?}");
    // Citations: in the period, to its row; outside it, to the other records cited, which now
    // list Fixture Hotel (cited by its alias) with one source in place.
    assert!(md.contains("The month's theft, [Fixture Alpha](#rec-2023-03-10-alpha), stands"));
    assert!(md.contains("[Fixture Hotel](#rec-2024-06-01-hotel), is cited by its old id"));
    assert!(md.contains("[the bridge](#rec-2023-11-22-bravo) by its own"));
    let hotel_row = md
        .lines()
        .find(|l| l.contains("<a id=\"rec-2024-06-01-hotel\"></a>"))
        .expect("Fixture Hotel joins the other records cited");
    assert!(
        hotel_row
            .contains("[UN Panel of Experts](<https://un-panel-of-experts.test/2024-06-01-hotel>)")
    );

    assert!(html.contains(">Assessment</h2>"), "the HTML heading");
    assert!(html.contains("<a href=\"#rec-2024-06-01-hotel\">Fixture Hotel</a>"));
    assert!(html.contains("id=\"rec-2024-06-01-hotel\""));
    assert!(html.contains("<a href=\"https://example.org/report\">source</a>"));

    let pdf = out.join("brief-2023-03.pdf");
    let text = pdf_tool("pdftotext", &["-f", "1", "-l", "1"], &pdf);
    for words in [
        "Assessment",
        "What the month showed",
        "Fixture Hotel, is cited by its old id",
    ] {
        assert!(
            text.replace('\n', " ").contains(words),
            "page one of the PDF lacks {words:?}:\n{text}"
        );
    }
    let outline = pdf_tool("qpdf", &["--json", "--json-key=outlines"], &pdf);
    assert!(outline.contains("\"title\": \"Assessment\""), "{outline}");
    assert!(
        outline.contains("\"title\": \"What the month showed\""),
        "{outline}"
    );
}

#[test]
fn without_a_note_there_is_no_heading() {
    let dir = with_notes("notes-none", &[("2023-04.md", NOTE)]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2023-03.md"));
    assert!(!md.contains("Assessment"), "{md}");
    assert!(!read(&out.join("brief-2023-03.html")).contains("Assessment"));
    let text = pdf_tool("pdftotext", &[], &out.join("brief-2023-03.pdf"));
    assert!(!text.contains("Assessment"));
    // Nor does Fixture Hotel join the other records cited.
    assert!(!md.contains("rec-2024-06-01-hotel"));
}

const UNKNOWN: &str =
    "A first line.\n\nThe second paragraph\ncites [@2023-03-10-alfa], which is no record.\n";

#[test]
fn an_unknown_citation_fails_build_and_check_with_its_line_and_nothing_is_written() {
    let dir = with_notes("notes-unknown", &[("2023-03.md", UNKNOWN)]);
    let out = dir.join("output");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("brief-2023-03.md"), "the previous brief").expect("previous");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("notes/2023-03.md:4:7") && run.stderr.contains("[@2023-03-10-alfa]"),
        "{}",
        run.stderr
    );
    assert_eq!(read(&out.join("brief-2023-03.md")), "the previous brief");
    assert_eq!(std::fs::read_dir(&out).expect("out").count(), 1);

    let check = heistbrief(&dir, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("notes/2023-03.md:4:7"),
        "{}",
        check.stdout
    );
    let json = heistbrief(&dir, &["check", "--format", "json"]);
    assert!(json.stdout.contains("\"line\": 4"), "{}", json.stdout);
    // A brief the note is not for is built.
    assert_eq!(build(&dir, &out, &["--month", "2023-04"]).code, 0);
}

#[test]
fn check_validates_every_note_and_its_name() {
    let dir = with_notes(
        "notes-check",
        &[
            ("2023-03.md", NOTE),
            ("2024-Q1.md", "Quarter: [@2024-01-15-charlie]."),
            ("2024.md", "Year: [@nothing-here]."),
            ("march.md", "A note for no period."),
            ("README.txt", "not a note"),
        ],
    );
    let check = heistbrief(&dir, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(
        check.stdout.contains("notes/2024.md:1:7"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("notes/march.md"), "{}", check.stdout);
    assert!(
        !check.stdout.contains("notes/2024-Q1.md"),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("README"), "{}", check.stdout);
    assert!(
        check.stdout.contains("and 4 notes in notes: 2 errors"),
        "{}",
        check.stdout
    );
    std::fs::remove_file(dir.join("notes/2024.md")).expect("rm");
    std::fs::remove_file(dir.join("notes/march.md")).expect("rm");
    let check = heistbrief(&dir, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn a_named_notes_folder_must_exist_and_a_huge_or_linked_note_is_refused() {
    let dir = with_notes("notes-missing", &[]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03", "--notes", "elsewhere"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--notes elsewhere"), "{}", run.stderr);
    assert_eq!(heistbrief(&dir, &["check", "--notes", "elsewhere"]).code, 2);

    let huge = "word ".repeat(60_000);
    std::fs::write(dir.join("notes/2023-03.md"), huge).expect("huge");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("larger than 256 KiB"), "{}", run.stderr);
    assert!(!out.exists());

    // A note is read as a template is: never through a symbolic link.
    std::fs::write(dir.join("secret.md"), "a file outside the notes").expect("secret");
    std::fs::remove_file(dir.join("notes/2023-03.md")).expect("rm");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("secret.md"), dir.join("notes/2023-03.md"))
            .expect("link");
        let run = build(&dir, &out, &["--month", "2023-03"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
        assert!(!out.exists());
    }
}

#[test]
fn a_character_no_font_has_is_reported_in_the_note() {
    let dir = with_notes("notes-glyph", &[("2023-03.md", "An Ethiopic ሀ here.")]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03", "--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "warning: the PDF's fonts have no glyph for a character in the assessment (notes): U+1200 (ሀ); it is shown as `?`"
    );
}

#[test]
fn each_brief_of_a_span_gets_its_own_note() {
    let dir = with_notes(
        "notes-each",
        &[
            ("2024-01.md", "January's note on [@2024-01-15-charlie]."),
            ("2024-03.md", "March's note."),
        ],
    );
    let out = dir.join("output");
    let run = build(
        &dir,
        &out,
        &["--quarter", "2024-Q1", "--each", "month", "--format", "md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let brief = |month: &str| read(&out.join(format!("brief-2024-{month}.md")));
    assert!(brief("01").contains(
        "## Assessment\n\nJanuary's note on [Fixture Charlie](#rec-2024-01-15-charlie)."
    ));
    assert!(!brief("02").contains("Assessment"));
    assert!(brief("03").contains("## Assessment\n\nMarch's note."));
}

/// A note that tries everything a Markdown text can do to the text around it, or to a reader.
const HOSTILE: &str = r#"# Opening

<script>alert(1)</script>

<img src="https://evil.test/pixel.png" onerror="alert(2)"> ![tracker](https://evil.test/t.png)

[run](javascript:alert(3)) [file](brief-2023-03.pdf) [far](//evil.test/x) [ok](https://example.org/)

<a id="src-1"></a><details><summary>forged</summary>

Setext text
---

[ref]: javascript:alert(4)
[ref] and a footnote[^1].

[^1]: footnote.html

www.evil.test and someone@evil.test

<!-- the rest of the brief would be a comment
"#;

#[test]
fn a_hostile_note_stays_text_inside_its_section_in_every_format() {
    let dir = with_notes("notes-hostile", &[("2023-03.md", HOSTILE)]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2023-03.md"));

    // The brief's outline is whole: the note's headings sit below "Assessment", and every
    // section after it is there.
    let h = headings(&md);
    let at = h
        .iter()
        .position(|(_, t)| t == "Assessment")
        .expect("Assessment");
    assert_eq!(h[at + 1], (3, "Opening".to_owned()), "{h:?}");
    assert_eq!(h[at + 2], (3, "Setext text".to_owned()), "{h:?}");
    assert_sections_follow(&h[at + 3..]);
    // Raw HTML is escaped in the note's section of the Markdown, in our reading and on
    // GitHub's.
    let section = md
        .split("\n## Assessment\n")
        .nth(1)
        .and_then(|rest| rest.split("\n![").next())
        .expect("the section");
    for tag in ["<script", "<img", "<a id=\"src-1\"", "<details", "<!--"] {
        assert!(section.contains(&tag[1..]), "{tag} in {section}");
        for (at, _) in section.match_indices(tag) {
            // The empty comment that breaks an autolink on GitHub is ours.
            if section[at..].starts_with("<!-- -->") {
                continue;
            }
            assert_eq!(
                &section[at - 1..at],
                "\\",
                "unescaped {tag} in the Markdown"
            );
        }
    }
    let github = cmark_gfm(section);
    for forbidden in [
        "<script",
        "<img",
        "<details",
        "href=\"javascript",
        "href=\"brief-2023-03.pdf",
        "href=\"//evil",
        "href=\"http://www.evil",
        "href=\"mailto:someone",
        "src=\"https://evil",
    ] {
        assert!(!github.contains(forbidden), "{forbidden} on GitHub");
    }
    assert!(github.contains("<a href=\"https://example.org/\">ok</a>"));

    let html = read(&out.join("brief-2023-03.html"));
    for forbidden in [
        "<script",
        "<img",
        "<details><summary>forged",
        "href=\"javascript",
        "href=\"brief-2023-03.pdf",
        "href=\"//evil",
        "evil.test/t.png\"",
        "href=\"footnote.html",
        "<summary>forged",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the HTML");
    }
    assert_eq!(html.matches("<a id=\"src-1\">").count(), 1, "one source 1");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<a href=\"https://example.org/\">ok</a>"));
    // The code fence the note left open was closed: the sections after it are not code.
    assert!(html.contains(">Thefts in March 2023</h2>"));

    let pdf = out.join("brief-2023-03.pdf");
    let text = pdf_tool("pdftotext", &[], &pdf);
    assert!(text.contains("<script>alert(1)</script>"), "as text");
    assert!(text.contains("Thefts in March 2023"));
    let uris = pdf_uris(&pdf);
    assert!(
        uris.contains(&"https://example.org/".to_owned()),
        "{uris:?}"
    );
    for uri in &uris {
        assert!(
            !uri.contains("evil") && !uri.starts_with("javascript") && !uri.ends_with(".pdf"),
            "a live link in the PDF: {uri}"
        );
    }
}

#[test]
fn a_note_nested_a_hundred_thousand_deep_is_written_flat_in_every_format() {
    let deep = format!("{} deep [@2023-03-10-alpha]\n", ">".repeat(100_000));
    let dir = with_notes("notes-deep", &[("2023-03.md", &deep)]);
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2023-03.md"));
    assert!(md.contains("\n> > > > > > > > deep [Fixture Alpha](#rec-2023-03-10-alpha)\n"));
    assert!(read(&out.join("brief-2023-03.html")).contains(">Fixture Alpha</a>"));
    assert!(heistbrief(&dir, &["check"]).code == 0);
}

/// Every section of the brief follows the note, as sections.
fn assert_sections_follow(after: &[(u8, String)]) {
    let after: Vec<&str> = after
        .iter()
        .filter(|(l, _)| *l == 2)
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        after,
        [
            "Thefts in March 2023",
            "Laundering in March 2023",
            "Year by year and published estimates",
            "How and whom",
            "Attribution",
            "Method and caveats",
            "Annex A: Thefts in March 2023 in full",
            "Annex B: Data behind the charts",
            "Annex C: Sources",
        ],
    );
}

#[test]
fn a_code_fence_a_note_leaves_open_ends_with_the_note() {
    let dir = with_notes(
        "notes-open-fence",
        &[(
            "2023-03.md",
            "Before.\n\n> quoted\n- listed\n\n````\n```\nall that follows\n",
        )],
    );
    let out = dir.join("output");
    let run = build(&dir, &out, &["--month", "2023-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2023-03.md"));
    let h = headings(&md);
    let at = h
        .iter()
        .position(|(_, t)| t == "Assessment")
        .expect("Assessment");
    assert_sections_follow(&h[at + 1..]);
    let github = cmark_gfm(&md);
    assert!(github.contains("<h2>Thefts in March 2023</h2>"), "{github}");
    let html = read(&out.join("brief-2023-03.html"));
    assert!(html.contains(">Thefts in March 2023</h2>"));
    assert!(
        html.contains("<code>```\nall that follows\n</code>"),
        "{html}"
    );
    let text = pdf_tool("pdftotext", &[], &out.join("brief-2023-03.pdf"));
    assert!(text.contains("Sources"));
}

/// Every link annotation's URI in the PDF.
fn pdf_uris(pdf: &Path) -> Vec<String> {
    let json = pdf_tool("qpdf", &["--json", "--json-key=qpdf"], pdf);
    let mut uris = Vec::new();
    for (at, _) in json.match_indices("\"/URI\": \"u:") {
        let rest = &json[at + "\"/URI\": \"u:".len()..];
        uris.push(rest.split('"').next().unwrap_or_default().to_owned());
    }
    uris
}
