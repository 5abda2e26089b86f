//! `build`: the brief as Markdown and HTML, from the stats fixture and the bundled data.
//!
//! Golden files live in `tests/golden/brief/`: the Markdown as written, the HTML as an outline of
//! its text and structure (`common::outline`). After a deliberate change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --test build` and review the diff by eye.

mod common;
use common::{build, fixture, heistbrief, read, repo_root, scratch};
use std::path::Path;

/// Runs `build` in a copy-free way: the fixture folder is the working directory, the output
/// goes to a scratch folder.
/// Runs `build` on the stats fixture for March 2024 with an editor's templates folder.
fn build_with(templates: &Path, out: &Path, extra: &[&str]) -> common::Run {
    let templates = templates.to_string_lossy().into_owned();
    let mut args = vec!["--month", "2024-03", "--templates", templates.as_str()];
    args.extend_from_slice(extra);
    build(&fixture("stats"), out, &args)
}

fn golden(name: &str, actual: &str) {
    common::golden(&format!("tests/golden/brief/{name}"), actual);
}

#[test]
fn fixture_briefs_match_their_golden_files() {
    for (period, label) in [
        (["--month", "2024-03"], "2024-03"),
        (["--month", "2024-05"], "2024-05"),
        (["--quarter", "2024-Q1"], "2024-Q1"),
        (["--year", "2024"], "2024"),
    ] {
        let out = scratch(&format!("build-golden-{label}"));
        let run = build(&fixture("stats"), &out, &period);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let md = read(&out.join(format!("brief-{label}.md")));
        let html = read(&out.join(format!("brief-{label}.html")));
        golden(&format!("brief-{label}.md"), &md);
        // The HTML's text and structure: its stylesheet and chart drawings would bury them.
        golden(
            &format!("brief-{label}.html.outline"),
            &common::outline::outline(&html),
        );
    }
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let (a, b) = (scratch("build-same-a"), scratch("build-same-b"));
    for out in [&a, &b] {
        let run = build(&fixture("stats"), out, &["--month", "2024-03"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    // The folder's lock file (`.heistbrief.lock`) is not part of the brief.
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .expect("out")
        .map(|e| e.expect("entry").file_name())
        .filter(|name| name != ".heistbrief.lock")
        .collect();
    names.sort();
    // The brief in three formats, its four charts and its snapshot.
    assert_eq!(names.len(), 8, "{names:?}");
    for name in names {
        assert_eq!(
            std::fs::read(a.join(&name)).expect("a"),
            std::fs::read(b.join(&name)).expect("b"),
            "{name:?}"
        );
    }
}

#[test]
fn it_prints_each_path_and_writes_the_charts_the_markdown_links() {
    let out = scratch("build-paths");
    let run = build(&fixture("stats"), &out, &["--month", "2024-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = out.to_string_lossy();
    let wrote: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        wrote,
        [
            "brief-2024-03.md",
            "brief-2024-03-trend.svg",
            "brief-2024-03-annual.svg",
            "brief-2024-03-vectors.svg",
            "brief-2024-03-laundering.svg",
            "brief-2024-03.html",
            "brief-2024-03.pdf",
            "brief-2024-03.json",
        ]
        .map(|f| format!("wrote {shown}/{f}"))
    );
    let md = read(&out.join("brief-2024-03.md"));
    for chart in ["trend", "annual", "vectors", "laundering"] {
        assert!(
            md.contains(&format!("](brief-2024-03-{chart}.svg)")),
            "{chart}"
        );
        let svg = read(&out.join(format!("brief-2024-03-{chart}.svg")));
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{chart}");
    }
    let html = read(&out.join("brief-2024-03.html"));
    assert_eq!(html.matches("<svg role=\"img\" aria-label=").count(), 4);
    assert!(
        !html.contains("brief-2024-03-trend.svg"),
        "the HTML inlines its charts"
    );
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"//"),
        "nothing is fetched"
    );
}

#[test]
fn only_the_formats_asked_for_are_written() {
    let out = scratch("build-format");
    let run = build(
        &fixture("stats"),
        &out,
        &["--month", "2024-03", "--format", "html"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The HTML, and the snapshot of what it printed (whatever the formats).
    assert_eq!(run.stdout.lines().count(), 2);
    assert!(out.join("brief-2024-03.html").is_file());
    assert!(out.join("brief-2024-03.json").is_file());
    assert!(!out.join("brief-2024-03.md").exists());
}

/// March 2024 of the bundled data: HTX's November 2023 theft laundered through Tornado Cash in
/// March 2024 is in the brief, and every figure leads to a source entry with its URL.
#[test]
fn the_bundled_march_2024_brief_shows_htx_laundering_and_its_sources() {
    let out = scratch("build-bundled");
    let run = build(&repo_root(), &out, &["--month", "2024-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2024-03.md"));
    assert!(
        md.contains("$147.5 million through Tornado Cash (mixer) from [HTX / Heco Bridge](#rec-2023-11-22-htx-heco-bridge), stolen 22 November 2023"),
        "{md}"
    );
    let html = read(&out.join("brief-2024-03.html"));
    // Every in-page link lands on an anchor that exists.
    let ids: std::collections::BTreeSet<&str> = html
        .split("id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    for target in html
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        assert!(ids.contains(target), "#{target} has no anchor");
    }
    // Every source entry links out.
    let sources = md.split("### Numbered sources").nth(1).expect("sources");
    let entries: Vec<&str> = sources
        .lines()
        .filter(|l| l.contains("<a id=\"src-"))
        .collect();
    assert!(entries.len() >= 7);
    assert!(
        entries.iter().all(|l| l.contains(": <http")),
        "every source entry ends with its URL"
    );
    // The source list holds the sources behind the period's own figures: its thefts, and HTX's
    // laundered in it. A record named only for context (a bar of the annual chart) shows one
    // source in place, and none of its sources is numbered.
    assert!(
        entries
            .iter()
            .any(|l| l.contains("#rec-2023-11-22-htx-heco-bridge")),
        "the laundering's theft keeps its sources"
    );
    let cited = md
        .split("### Other records cited")
        .nth(1)
        .and_then(|rest| rest.split("### Numbered sources").next())
        .expect("other records");
    let context: Vec<&str> = cited
        .lines()
        .filter(|l| l.starts_with("| <a id=\"rec-") && l.contains("](<https://"))
        .collect();
    assert!(context.len() >= 10, "{cited}");
    for row in context {
        let anchor = row.split('"').nth(1).expect("anchor");
        assert!(
            !entries.iter().any(|l| l.contains(&format!("(#{anchor})"))),
            "{anchor} is named for context only, yet its sources are listed"
        );
    }
    // The UN monitors' $54.7M over 11 thefts of early 2024 is smaller than these records over
    // the same dates: said in words, never as a share above 100%, in every format.
    let said = "more than its $54.7 million over 11 thefts: the two count different thefts";
    assert!(md.contains(said), "{md}");
    assert!(html.contains(said), "the HTML says it too");
    assert!(
        !md.lines()
            .filter(|l| l.starts_with("- **Against"))
            .any(|l| l
                .split('%')
                .next()
                .is_some_and(|s| s.ends_with(char::is_numeric)
                    && s.rsplit(' ')
                        .next()
                        .and_then(|n| n.parse::<u32>().ok())
                        .is_some_and(|n| n > 100))),
        "no coverage above 100%: {md}"
    );
}

/// In the HTML, every record the brief names keeps all its sources within reach: the period's
/// records through the numbered list, a record named only for context in its own row (print
/// shows its first source only).
#[test]
fn every_record_the_html_names_shows_all_its_sources() {
    let out = scratch("build-bundled-provenance");
    let run = build(
        &repo_root(),
        &out,
        &["--month", "2024-03", "--format", "md,html"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(&out.join("brief-2024-03.html"));
    let md = read(&out.join("brief-2024-03.md"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    let loaded =
        heistbrief::load::load_dir(&repo_root().join("incidents"), today).expect("records");
    let mut named = 0;
    let mut context_sources_left_out_of_print = 0;
    for incident in &loaded.incidents {
        let anchor = format!("href=\"#rec-{}\"", incident.id);
        if !html.contains(&anchor) {
            continue;
        }
        named += 1;
        for source in &incident.sources {
            let url = source.url.replace('&', "&amp;");
            assert!(
                html.contains(&format!("href=\"{url}\"")),
                "{}: {} is not linked in the HTML",
                incident.id,
                source.url
            );
            context_sources_left_out_of_print += usize::from(!md.contains(source.url.as_str()));
        }
    }
    assert!(named >= 30, "{named} records named");
    assert!(
        context_sources_left_out_of_print > 0,
        "print lists every source in full: the HTML's difference is untested"
    );
}

fn hostile_fixture() -> std::path::PathBuf {
    let dir = scratch("build-hostile");
    let folder = dir.join("incidents/2024");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(
        folder.join("2024-03-05-evil.toml"),
        r#"date = 2024-03-05
victim = "Evil | *Corp* # <b>bold</b> [x](javascript:alert(3)) `code`"
victim_kind = "exchange"
vector = "unknown"
amount_usd = 5_000_000
attribution = "suspected"
attribution_note = "| forged | cell | <script>alert(4)</script>"
summary = """<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))

# Not a heading
| not | a | row |"""

[[sources]]
name = "Publisher <i>x</i> | y"
url = "https://publisher.test/a_b*c"
quote = "The quote."
"#,
    )
    .expect("write");
    dir
}

#[test]
fn record_text_cannot_inject_markup_into_either_format() {
    let dir = hostile_fixture();
    let out = dir.join("out");
    let run = build(&dir, &out, &["--month", "2024-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2024-03.md"));
    let row = md
        .lines()
        .find(|l| l.contains("rec-2024-03-05-evil\"></a>2024-03-05"))
        .expect("the theft's row");
    // The row keeps its eight cell borders: the victim's `|` is escaped.
    let borders = row.replace("\\|", "").matches('|').count();
    assert_eq!(borders, 8, "{row}");
    assert!(
        !md.contains("\n# Not a heading"),
        "a summary cannot open a heading"
    );
    for tag in ["<script", "<img", "<b>", "</b>", "<i>"] {
        for (at, _) in md.match_indices(tag) {
            assert_eq!(&md[at - 1..at], "\\", "unescaped {tag} in the Markdown");
        }
    }

    let html = read(&out.join("brief-2024-03.html"));
    for forbidden in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "href=\"javascript",
        "onerror=alert(2)>",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the HTML");
    }
    assert!(
        html.contains("Evil | *Corp* # &lt;b&gt;bold&lt;/b&gt; [x](javascript:alert(3)) `code`")
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;")
    );
    assert!(
        html.contains("href=\"https://publisher.test/a_b*c\""),
        "the URL is kept as it is"
    );
}

#[test]
fn an_override_of_the_markdown_template_changes_both_formats() {
    let dir = scratch("build-override");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    std::fs::write(
        templates.join("brief.md.tera"),
        "# Custom brief for {{ period.name }}\n\n{{ key.thefts }}, {{ key.total }} ({{ format }}).\n",
    )
    .expect("template");
    let out = dir.join("out");
    let run = build_with(&templates, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        read(&out.join("brief-2024-03.md")),
        "# Custom brief for March 2024\n\n3 thefts, $70 million (md).\n"
    );
    let html = read(&out.join("brief-2024-03.html"));
    assert!(
        html.contains("<h1 id=\"custom-brief-for-march-2024\">Custom brief for March 2024</h1>")
    );
    assert!(html.contains("3 thefts, $70 million (html)."));
    assert!(
        html.contains("font-variant-numeric"),
        "the default stylesheet still applies"
    );
}

#[test]
fn an_override_can_extend_the_default_and_replace_one_block() {
    let dir = scratch("build-extend");
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    std::fs::write(
        templates.join("brief.md.tera"),
        "{% extends \"builtin/brief.md.tera\" %}\n{% block method %}## Method\n\nOur own method note.\n{% endblock method %}\n",
    )
    .expect("template");
    let out = dir.join("out");
    let default_out = dir.join("default");
    let run = build_with(&templates, &out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = build(&fixture("stats"), &default_out, &["--month", "2024-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let custom = read(&out.join("brief-2024-03.md"));
    let default = read(&default_out.join("brief-2024-03.md"));
    assert!(custom.contains("## Method\n\nOur own method note.\n"));
    assert!(!custom.contains("## Method and caveats"));
    // Everything else is the default's.
    let before = |t: &str| t.split("## Method").next().unwrap_or("").to_owned();
    assert_eq!(before(&custom), before(&default));
}

#[test]
fn a_broken_template_names_its_file_and_line_and_leaves_the_previous_brief() {
    let dir = scratch("build-broken");
    let out = dir.join("out");
    let ok = build(&fixture("stats"), &out, &["--month", "2024-03"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let before: Vec<(std::ffi::OsString, Vec<u8>)> = {
        let mut files: Vec<_> = std::fs::read_dir(&out)
            .expect("out")
            .map(|e| {
                let e = e.expect("entry");
                (e.file_name(), std::fs::read(e.path()).expect("read"))
            })
            .collect();
        files.sort();
        files
    };
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).expect("templates");
    for (name, text, expected) in [
        (
            "brief.md.tera",
            "# {{ title }}\n\n{{ key.totl }}\n",
            "brief.md.tera:3: Variable `key.totl` not found in context",
        ),
        (
            "brief.md.tera",
            "# ok\n{% if %}\n",
            "brief.md.tera:2: syntax error:",
        ),
        (
            "brief.md.tera",
            "# ok\n\n{{ title | shout }}\n",
            "brief.md.tera:3: Filter 'shout' not found",
        ),
        (
            "chart.md.tera",
            "{{ chart.nope }}\n",
            "chart.md.tera:1: Variable `chart.nope` not found in context",
        ),
    ] {
        let _ = std::fs::remove_dir_all(&templates);
        std::fs::create_dir_all(&templates).expect("templates");
        std::fs::write(templates.join(name), text).expect("template");
        let run = build_with(&templates, &out, &[]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&templates.to_string_lossy().into_owned()),
            "{}",
            run.stderr
        );
        let mut after: Vec<_> = std::fs::read_dir(&out)
            .expect("out")
            .map(|e| {
                let e = e.expect("entry");
                (e.file_name(), std::fs::read(e.path()).expect("read"))
            })
            .collect();
        after.sort();
        assert!(after == before, "{name}: the previous brief changed");
    }
}

#[test]
fn source_date_epoch_sets_the_generated_date_and_nothing_else_does() {
    let out = scratch("build-epoch");
    let plain = build(
        &fixture("stats"),
        &out,
        &["--month", "2024-03", "--format", "md"],
    );
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!read(&out.join("brief-2024-03.md")).contains("generated"));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_heistbrief"))
        .args(["build", "--month", "2024-03", "--format", "md", "--out"])
        .arg(&out)
        .current_dir(fixture("stats"))
        .env("HEISTBRIEF_TODAY", common::TODAY)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(read(&out.join("brief-2024-03.md")).contains("· generated 14 November 2023"));
}

#[test]
fn init_writes_the_defaults_once() {
    let dir = scratch("build-init");
    let run = heistbrief(&dir, &["init", "my-templates"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 9, "{}", run.stdout);
    assert!(
        run.stdout.contains("notes/2024-03.md") && run.stdout.contains("[@record-id]"),
        "where the assessment goes: {}",
        run.stdout
    );
    let settings = read(&dir.join("my-templates/pdf.toml"));
    assert!(
        settings.starts_with("# Written by heistbrief"),
        "{settings}"
    );
    let md = read(&dir.join("my-templates/brief.md.tera"));
    assert!(md.starts_with(&format!(
        "{{# Written by heistbrief {} from its default brief.md.tera",
        env!("CARGO_PKG_VERSION")
    )));
    std::fs::write(dir.join("my-templates/style.css"), "edited").expect("edit");
    let again = heistbrief(&dir, &["init", "my-templates"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exist"), "{}", again.stderr);
    assert_eq!(read(&dir.join("my-templates/style.css")), "edited");
    // The written defaults build the same brief as the built-in ones.
    let (a, b) = (dir.join("a"), dir.join("b"));
    let with = build_with(&dir.join("my-templates"), &a, &["--format", "md,pdf"]);
    assert_eq!(with.code, 0, "{}", with.stderr);
    let without = build(
        &fixture("stats"),
        &b,
        &["--month", "2024-03", "--format", "md,pdf"],
    );
    assert_eq!(without.code, 0);
    assert_eq!(
        read(&a.join("brief-2024-03.md")),
        read(&b.join("brief-2024-03.md"))
    );
    let bytes = |dir: &Path| std::fs::read(dir.join("brief-2024-03.pdf")).expect("pdf");
    assert!(
        bytes(&a) == bytes(&b),
        "the written pdf.toml changes the PDF"
    );
}

#[test]
fn build_refuses_data_that_fails_check() {
    let out = scratch("build-bad-data");
    let run = build(&fixture("amount-zero"), &out, &["--month", "2024-05"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("amount_usd: must be greater than 0"),
        "{}",
        run.stderr
    );
    assert!(!out.join("brief-2024-05.md").exists());
}

#[test]
fn quiet_says_nothing_and_verbose_says_each_step() {
    let out = scratch("build-quiet");
    let quiet = build(&fixture("stats"), &out, &["--month", "2024-03", "--quiet"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    assert!(out.join("brief-2024-03.pdf").exists());
    let verbose = build(&fixture("stats"), &out, &["--month", "2024-03", "-v"]);
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    let steps: Vec<&str> = verbose.stderr.lines().collect();
    assert_eq!(steps.len(), 3, "{}", verbose.stderr);
    assert!(
        steps[0].starts_with("read 8 records from incidents (")
            && steps[0].contains(
                " unchanged since the last build, from the cache) and 2 published figures ("
            ),
        "{}",
        steps[0]
    );
    assert!(
        steps[1].starts_with("worked out the figures and charts for March 2024 ("),
        "{}",
        steps[1]
    );
    assert!(
        steps[2].starts_with("rendered the brief for March 2024 ("),
        "{}",
        steps[2]
    );
    // The files were already there, byte for byte.
    assert!(
        verbose.stdout.lines().all(|l| l.starts_with("unchanged ")),
        "{}",
        verbose.stdout
    );
    let both = build(&fixture("stats"), &out, &["--month", "2024-03", "-q", "-v"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
}

#[test]
fn a_period_before_the_first_record_says_there_are_none_yet() {
    let out = scratch("build-before-first");
    let run = build(
        &fixture("stats"),
        &out,
        &["--month", "2022-01", "--format", "md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(&out.join("brief-2022-01.md"));
    assert!(
        md.contains(
            "- **Up to 31 January 2022:** no thefts in these records yet; the first is dated 10 March 2023."
        ),
        "{md}"
    );
    assert!(!md.contains("**Since"), "{md}");
}
