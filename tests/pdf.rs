//! `build --format pdf`, read back with poppler's and qpdf's tools (installed by `.ci/run`).

mod common;
use common::{fixture, heistbrief, repo_root, scratch};
use std::path::Path;
use std::process::Command;

fn build_pdf(dir: &Path, out: &Path, month: &str) -> common::Run {
    build_pdf_of(dir, out, &["--month", month])
}

/// The PDF of the period `period` names (`--year 2024`, `--each month --from …`) in `out`.
fn build_pdf_of(dir: &Path, out: &Path, period: &[&str]) -> common::Run {
    let out = out.to_string_lossy();
    let mut args = vec!["build", "--format", "pdf", "--out", &out];
    args.extend_from_slice(period);
    heistbrief(dir, &args)
}

/// A scratch folder `name` whose `templates/` holds an editor's `files` (name, text).
fn with_templates(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = scratch(name);
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    for (file, text) in files {
        std::fs::write(templates.join(file), text).expect("template");
    }
    dir
}

/// The `stats` fixture's March 2024 built in `dir` (so its `templates/` applies) into
/// `dir/out`, with `extra` options.
fn build_march_in(dir: &Path, extra: &[&str]) -> (common::Run, std::path::PathBuf) {
    let out = dir.join("out");
    let incidents = fixture("stats").join("incidents");
    let (incidents, out_arg) = (incidents.to_string_lossy(), out.to_string_lossy());
    let mut args = vec!["build", "--incidents", &incidents, "--month", "2024-03"];
    args.extend_from_slice(&["--out", &out_arg]);
    args.extend_from_slice(extra);
    (heistbrief(dir, &args), out)
}

use common::pdf_tool as tool;

/// pdftotext's text with line breaks and spaces removed, so a URL wrapped across lines is whole.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_fixture_brief_is_a_valid_pdf_with_its_figures_and_sources() {
    let out = scratch("pdf-fixture");
    let run = build_pdf(&fixture("stats"), &out, "2024-03");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024-03.pdf");
    let bytes = std::fs::read(&pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    tool("qpdf", &["--check"], &pdf);
    let info = tool("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Title:           North Korea-attributed crypto thefts — March 2024"),
        "{info}"
    );
    assert!(!info.contains("PDF subtype"), "no PDF/X claim: {info}");
    // Every font embedded, subset (tagged `ABCDEF+`) and mapped to Unicode.
    let fonts = tool("pdffonts", &[], &pdf);
    let faces: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(faces.len(), 3, "{fonts}");
    for face in faces {
        let columns: Vec<&str> = face.split_whitespace().collect();
        let name = columns.first().copied().unwrap_or("");
        let (tag, family) = name.split_once('+').unwrap_or(("", name));
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{face}"
        );
        assert!(family.starts_with("NotoSans-"), "{face}");
        assert_eq!(
            columns.get(4..7),
            Some(&["yes", "yes", "yes"][..]),
            "{face}"
        );
    }
    // Subset fonts keep the file small (the whole faces alone are 1.5 MB).
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    // No chart is a bitmap.
    let images = tool("pdfimages", &["-list"], &pdf);
    assert_eq!(images.lines().count(), 2, "images found:\n{images}");
    let text = tool("pdftotext", &["-layout"], &pdf);
    for expected in [
        "3 thefts, $70 million",
        "Fixture Delta",
        "$147.5 million through Tornado Cash",
        "Page 1 of",
        // The charts are vectors: their titles and axis labels are text.
        "Stolen per month, Apr 2022 to Mar 2024",
        "Stolen per year: these records and published estimates",
        "Mar 2024",
        "$100M",
        "Fixture Analytics",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let flat = squeezed(&tool("pdftotext", &[], &pdf));
    for url in [
        "https://fbi.test/2024-03-02-delta",
        "https://elliptic.test/2023-11-22-bravo",
    ] {
        assert!(flat.contains(url), "{url}");
    }
    // Reading order: the key figures come before the source list.
    let key = text.find("Key figures").expect("key figures");
    let sources = text.rfind("Sources").expect("sources");
    assert!(key < sources);
}

#[test]
fn two_builds_write_the_same_bytes_also_within_one_process() {
    let (a, b) = (scratch("pdf-same-a"), scratch("pdf-same-b"));
    for out in [&a, &b] {
        let run = build_pdf(&fixture("stats"), out, "2024-03");
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let read = |d: &Path| std::fs::read(d.join("brief-2024-03.pdf")).expect("pdf");
    assert!(read(&a) == read(&b), "two runs differ");

    use heistbrief::render::{pdf::pdf, templates::Templates, view};
    let today: chrono::NaiveDate = common::TODAY.parse().expect("date");
    let loaded =
        heistbrief::load::load_dir(&fixture("stats").join("incidents"), today).expect("load");
    let period = heistbrief::period::Period::parse_month("2024-03").expect("month");
    let options = view::BriefOptions {
        version: env!("CARGO_PKG_VERSION").into(),
        generated_on: None,
    };
    let brief = view::brief(&loaded.incidents, period, &[], &options).expect("the charts draw");
    let templates = Templates::builtin();
    let first = pdf(&brief, &templates, Default::default())
        .expect("pdf")
        .bytes;
    let second = pdf(&brief, &templates, Default::default())
        .expect("pdf")
        .bytes;
    assert!(first == second, "two documents in one process differ");
}

#[test]
fn links_resolve_and_a_short_table_moves_whole_with_its_label() {
    let out = scratch("pdf-bundled");
    let run = heistbrief(
        &repo_root(),
        &[
            "build",
            "--month",
            "2024-03",
            "--format",
            "md,pdf",
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024-03.pdf");
    tool("qpdf", &["--check"], &pdf);
    // The charts' annex opens a page of its own; each table's label (its chart's title) keeps
    // with the table's header.
    let annex = (1..=12)
        .map(|n| {
            let n = n.to_string();
            tool("pdftotext", &["-layout", "-f", &n, "-l", &n], &pdf)
        })
        .find(|text| text.contains("Annex B: Data behind the charts"))
        .expect("the charts' annex");
    let body: Vec<&str> = annex
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("North Korea-attributed"))
        .collect();
    assert_eq!(
        body.first().copied(),
        Some("Annex B: Data behind the charts"),
        "{annex}"
    );
    assert_eq!(
        body.get(1).copied(),
        Some("Stolen per month, April 2022 to March 2024"),
        "{annex}"
    );
    assert!(
        body.get(2).is_some_and(|l| l.starts_with("month")),
        "{annex}"
    );
    assert!(
        annex.contains("2022-04") && annex.contains("2024-03"),
        "{annex}"
    );
    // Every source URL the brief cites is in the PDF's text, whole once line breaks are gone
    // (`-raw`: the default mode joins a line that ends in a hyphen to the next without it).
    let flat = squeezed(&tool("pdftotext", &["-raw"], &pdf));
    let markdown = std::fs::read_to_string(out.join("brief-2024-03.md")).expect("markdown");
    // Autolinks, which show their URL; `[source](<…>)` shows only its word.
    let urls: Vec<&str> = markdown
        .match_indices("<https://")
        .filter(|(at, _)| !markdown[..*at].ends_with('('))
        .filter_map(|(at, _)| markdown[at + "<https://".len()..].split('>').next())
        .collect();
    // The source list holds the period's own sources (16 for March 2024); records named only
    // for context show one source each, linked by its publisher's name.
    assert!(urls.len() >= 10, "{} source URLs", urls.len());
    for url in urls {
        assert!(
            flat.contains(&format!("https://{url}")),
            "https://{url} missing"
        );
    }
    // Internal links jump inside the document; external ones are URIs.
    let raw = std::fs::read(&pdf).expect("pdf");
    let qpdf = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(out.join("plain.pdf"))
        .status()
        .expect("qpdf");
    assert!(qpdf.success() && !raw.is_empty());
    let plain =
        String::from_utf8_lossy(&std::fs::read(out.join("plain.pdf")).expect("plain")).into_owned();
    assert!(plain.contains("/S /GoTo"), "internal links");
    assert!(plain.contains("/S /URI"), "external links");
}

#[test]
fn no_page_starts_with_the_rest_of_a_source_entry() {
    let out = scratch("pdf-widows");
    // The 2024 brief: its 71 sources take more than a page.
    let run = build_pdf_of(&repo_root(), &out, &["--year", "2024"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024.pdf");
    let pages: usize = tool("pdfinfo", &[], &pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    let mut source_pages = 0;
    let mut in_sources = false;
    for page in 1..=pages {
        let n = page.to_string();
        let text = tool("pdftotext", &["-layout", "-f", &n, "-l", &n], &pdf);
        let body: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .skip(1) // the running header
            .collect();
        if in_sources {
            // Each page of the source list opens with a numbered entry, never with the wrapped
            // end of the previous page's entry.
            let first = body.first().copied().unwrap_or("");
            let number = first.split('.').next().unwrap_or("");
            assert!(
                number.parse::<u32>().is_ok(),
                "page {page} opens with: {first}"
            );
            source_pages += 1;
        }
        in_sources |= body.contains(&"Numbered sources");
    }
    assert!(
        source_pages >= 1,
        "{source_pages} pages open with a source entry"
    );
}

#[test]
fn a_table_longer_than_a_page_repeats_its_header_on_each() {
    let dir = with_templates(
        "pdf-long-table",
        &[(
            "brief.md.tera",
            "{% extends \"builtin/brief.md.tera\" %}\n{% block method %}\n## Long table\n\n| row number | text |\n| ---: | --- |\n{% for i in range(end=120) %}| {{ i }} | row {{ i }} of the long table |\n{% endfor %}\n{% endblock method %}\n",
        )],
    );
    let (run, out) = build_march_in(&dir, &["--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024-03.pdf");
    let text = tool("pdftotext", &["-layout"], &pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| p.contains("of the long table"))
        .collect();
    assert!(pages.len() >= 3, "{} pages hold the table", pages.len());
    for (i, page) in pages.iter().enumerate() {
        let first_row = page
            .lines()
            .map(str::trim)
            .skip_while(|l| !l.starts_with("row number") && !l.starts_with("Long table"))
            .find(|l| l.starts_with("row number"));
        assert!(
            first_row.is_some(),
            "page {i} of the table has no header:\n{page}"
        );
    }
    // Every row is there once, in order.
    let numbers: Vec<u32> = text
        .lines()
        .filter(|l| l.contains("of the long table"))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(numbers, (0..120).collect::<Vec<u32>>());
}

/// The outline as (depth, title, page) in the order a viewer lists it, read with qpdf.
fn outline(pdf: &Path) -> Vec<(usize, String, u64)> {
    fn walk(items: &[serde_json::Value], depth: usize, into: &mut Vec<(usize, String, u64)>) {
        for item in items {
            let title = item["title"].as_str().unwrap_or("").to_owned();
            let page = item["destpageposfrom1"].as_u64().unwrap_or(0);
            into.push((depth, title, page));
            if let Some(kids) = item["kids"].as_array() {
                walk(kids, depth + 1, into);
            }
        }
    }
    let json = tool("qpdf", &["--json", "--json-key=outlines"], pdf);
    let value: serde_json::Value = serde_json::from_str(&json).expect("qpdf's json");
    let mut entries = Vec::new();
    walk(
        value["outlines"].as_array().map_or(&[][..], Vec::as_slice),
        0,
        &mut entries,
    );
    entries
}

#[test]
fn the_outline_nests_the_headings_in_document_order() {
    let out = scratch("pdf-outline");
    let run = build_pdf(&repo_root(), &out, "2024-03");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let entries = outline(&out.join("brief-2024-03.pdf"));
    let titles: Vec<(usize, &str)> = entries.iter().map(|(d, t, _)| (*d, t.as_str())).collect();
    assert_eq!(
        titles,
        vec![
            (0, "North Korea-attributed crypto thefts — March 2024"),
            (1, "Key figures"),
            (1, "Thefts in March 2024"),
            (1, "Laundering in March 2024"),
            (1, "Year by year and published estimates"),
            (1, "How and whom"),
            (1, "Attribution"),
            (1, "Method and caveats"),
            (1, "Annex A: Thefts in March 2024 in full"),
            (1, "Annex B: Data behind the charts"),
            (1, "Annex C: Sources"),
            (2, "Other records cited"),
            (2, "Numbered sources"),
        ]
    );
    // Each entry jumps to a page, and the pages never go back.
    let pages: Vec<u64> = entries.iter().map(|(_, _, p)| *p).collect();
    assert!(
        pages[0] == 1 && pages.windows(2).all(|w| w[0] <= w[1]),
        "{pages:?}"
    );
    assert!(pages.last().is_some_and(|p| *p > 1), "{pages:?}");
}

/// Builds May 2024 from the `valid` fixture with its victim renamed to `victim`.
fn build_with_victim(name: &str, victim: &str) -> (common::Run, std::path::PathBuf) {
    let dir = scratch(name);
    let folder = dir.join("incidents/2024");
    std::fs::create_dir_all(&folder).expect("folder");
    let record =
        std::fs::read_to_string(fixture("valid").join("incidents/2024/2024-05-31-fixture.toml"))
            .expect("fixture")
            .replace("Fixture Exchange", victim);
    std::fs::write(folder.join("2024-05-31-fixture.toml"), record).expect("write");
    let out = dir.join("out");
    let run = build_pdf(&dir, &out, "2024-05");
    (run, out.join("brief-2024-05.pdf"))
}

#[test]
fn korean_and_japanese_names_are_drawn_with_the_fallback_face() {
    let (run, pdf) = build_with_victim("pdf-cjk", "Fixture 取引所 거래소 ハッカー");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let text = tool("pdftotext", &[], &pdf);
    assert!(text.contains("Fixture 取引所 거래소 ハッカー"), "{text}");
    let fonts = tool("pdffonts", &[], &pdf);
    assert!(fonts.contains("+DroidSansFallback"), "{fonts}");
}

#[test]
fn a_glyph_no_font_has_is_replaced_visibly_and_reported_with_its_record() {
    let (run, pdf) = build_with_victim("pdf-glyph", "Fixture ሀ Exchange");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim(),
        "warning: the PDF's fonts have no glyph for a character in record 2024-05-31-fixture: U+1200 (ሀ); it is shown as `?`"
    );
    let text = tool("pdftotext", &[], &pdf);
    assert!(text.contains("Fixture ? Exchange"), "{text}");
}

/// A small RGBA PNG: a blue bar on a transparent ground.
fn write_logo(path: &Path) {
    let (width, height) = (60u32, 20u32);
    let pixels: Vec<u8> = (0..width * height)
        .flat_map(|i| {
            let y = i / width;
            let alpha = if (5..15).contains(&y) { 255 } else { 0 };
            [0, 90, 160, alpha]
        })
        .collect();
    let file = std::fs::File::create(path).expect("logo file");
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&pixels).expect("png pixels");
}

#[test]
fn the_editors_settings_set_paper_metadata_and_logo() {
    let dir = with_templates(
        "pdf-settings",
        &[(
            "pdf.toml",
            "paper = \"letter\"\nauthor = \"A. Analyst\"\norganisation = \"Example Institute\"\nlogo = \"logo.png\"\naccent = \"#aa3300\"\n[margins]\nleft = 30\n",
        )],
    );
    write_logo(&dir.join("templates/logo.png"));
    let (run, out) = build_march_in(&dir, &["--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024-03.pdf");
    tool("qpdf", &["--check"], &pdf);
    let info = tool("pdfinfo", &[], &pdf);
    assert!(
        info.contains("Author:          A. Analyst, Example Institute"),
        "{info}"
    );
    assert!(info.contains("(letter)"), "{info}");
    // The logo is the one image, with its transparency as a soft mask.
    let images = tool("pdfimages", &["-list"], &pdf);
    let rows: Vec<&str> = images.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{images}");
    assert!(
        rows[0].contains(" image ") && rows[0].contains(" 60 ") && rows[0].contains(" 20 "),
        "{images}"
    );
    assert!(rows[1].contains(" smask "), "{images}");
    // --paper wins over the file.
    let (run, _) = build_march_in(&dir, &["--format", "pdf", "--paper", "a4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(tool("pdfinfo", &[], &pdf).contains("(A4)"));
}

#[test]
fn a_wrong_setting_names_file_line_and_key_and_writes_nothing() {
    let dir = with_templates(
        "pdf-bad-settings",
        &[("pdf.toml", "paper = \"a4\"\nbase_size = 40\n")],
    );
    let (run, out) = build_march_in(&dir, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: template error: templates/pdf.toml:2:13: `base_size` is 40; it must be from 8 to 14"
        ),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing is written, not even the Markdown");
}

#[test]
fn an_editors_markdown_keeps_quotes_code_and_bold_italic() {
    let dir = with_templates(
        "pdf-markdown",
        &[(
            "brief.md.tera",
            "{% extends \"builtin/brief.md.tera\" %}\n{% block method %}\n## Method\n\n> The Panel *continued* to investigate.\n\nRun `heistbrief check` and ***read*** this:\n\n```\nheistbrief build \\\n    --month 2024-03\n```\n{% endblock method %}\n",
        )],
    );
    let (run, out) = build_march_in(&dir, &["--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = out.join("brief-2024-03.pdf");
    let text = tool("pdftotext", &["-layout"], &pdf);
    for expected in [
        "The Panel continued to investigate.",
        "Run heistbrief check and read this:",
        "heistbrief build \\",
        "    --month 2024-03",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let fonts = tool("pdffonts", &[], &pdf);
    for face in [
        "+DejaVuSansMono",
        "+NotoSans-BoldItalic",
        "+NotoSans-Italic",
    ] {
        assert!(fonts.contains(face), "{face} missing from:\n{fonts}");
    }
}

/// The pages of a PDF's text, each without its running header and blank lines.
fn page_texts(pdf: &Path) -> Vec<Vec<String>> {
    tool("pdftotext", &["-layout"], pdf)
        .split('\u{c}')
        .map(|page| {
            page.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("North Korea-attributed"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|page| !page.is_empty())
        .collect()
}

/// How many pages the body takes (up to the first annex), and the whole document's; fails
/// unless every annex opens a page of its own.
fn body_and_whole(pdf: &Path) -> (usize, usize) {
    let pages = page_texts(pdf);
    let is_annex = |line: &str| {
        line.starts_with("Annex ") && line.split(':').next().is_some_and(|l| l.len() <= 8)
    };
    let mut first_annex = None;
    for (index, page) in pages.iter().enumerate() {
        for (at, line) in page.iter().enumerate() {
            if is_annex(line) {
                assert_eq!(
                    at,
                    0,
                    "{}: {line} does not open page {}",
                    pdf.display(),
                    index + 1
                );
                first_annex.get_or_insert(index);
            }
        }
    }
    let body = first_annex.unwrap_or_else(|| panic!("{}: no annex", pdf.display()));
    (body, pages.len())
}

/// The brief a policy office sends is short: on the bundled data, the body of every monthly
/// brief of 2024 and 2025 fits in four A4 pages and the 2024 year brief's in eight, and March
/// 2024 whole takes at most ten. Detail is in annexes, each opening a page.
#[test]
fn every_bundled_brief_keeps_its_body_short() {
    let out = scratch("pdf-page-counts");
    let each = [
        "--each",
        "month",
        "--from",
        "2024-01-01",
        "--to",
        "2025-12-31",
    ];
    let run = build_pdf_of(&repo_root(), &out, &each);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let year = out.join("year");
    let run = build_pdf_of(&repo_root(), &year, &["--year", "2024"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let mut months = 0;
    for year in [2024, 2025] {
        for month in 1..=12 {
            let pdf = out.join(format!("brief-{year}-{month:02}.pdf"));
            let (body, whole) = body_and_whole(&pdf);
            assert!(body <= 4, "{}: the body takes {body} pages", pdf.display());
            if (year, month) == (2024, 3) {
                assert!(whole <= 10, "March 2024 takes {whole} pages");
            }
            months += 1;
        }
    }
    assert_eq!(months, 24);
    let (body, _) = body_and_whole(&year.join("brief-2024.pdf"));
    assert!(body <= 8, "the 2024 brief's body takes {body} pages");
}
