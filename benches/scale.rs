//! Scale benchmarks: aggregation over 100 000 records, and loading 100 000 record files.
//!
//! Run with `cargo bench --bench scale`. The records are synthetic (generated here, never written
//! to `incidents/`): dates spread over 2017–2025, amounts, sources and laundering steps varied.

use chrono::NaiveDate;
use heistbrief::diagnostic::SourceText;
use heistbrief::incident::Incident;
use heistbrief::load::{check_dir, load_dir, read_record};
use heistbrief::period::Period;
use heistbrief::stats::figures;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "synthetic/mod.rs"]
mod synthetic;

use synthetic::{SHAPE, Sequence, record_text};

const RECORDS: usize = 100_000;

fn main() {
    divan::main();
}

fn texts() -> &'static Vec<(String, String)> {
    static TEXTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut seq = Sequence(0x9E37_79B9_7F4A_7C15);
        (0..RECORDS).map(|n| record_text(n, &mut seq)).collect()
    })
}

fn incidents() -> &'static Vec<Incident> {
    static INCIDENTS: OnceLock<Vec<Incident>> = OnceLock::new();
    INCIDENTS.get_or_init(|| {
        // In id order, as `load_dir` returns them.
        let mut records = texts()
            .iter()
            .map(|(id, text)| {
                read_record(&SourceText::new(Path::new("x.toml"), text), id)
                    .incident
                    .expect("valid synthetic record")
            })
            .collect::<Vec<_>>();
        records.sort_by(|a, b| a.id.cmp(&b.id));
        records
    })
}

/// The synthetic records as files, written once per target directory.
fn folder() -> &'static PathBuf {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        // Named by the generator's shape, so that a folder of an older shape is never reused.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("bench-incidents-{RECORDS}-{SHAPE}"));
        let done = dir.join(".complete");
        if !done.exists() {
            let _ = std::fs::remove_dir_all(&dir);
            for (id, text) in texts() {
                let year = dir.join(&id[..4]);
                std::fs::create_dir_all(&year).expect("year folder");
                std::fs::write(year.join(format!("{id}.toml")), text).expect("write record");
            }
            std::fs::write(&done, "").expect("marker");
        }
        dir
    })
}

/// `figures` over 100 000 records (one core) for a month, a year, and all nine years at once.
#[divan::bench(args = ["month", "year", "all"])]
fn aggregate_100k(bencher: divan::Bencher, period: &str) {
    let records = incidents();
    let period = match period {
        "month" => Period::parse_month("2024-03"),
        "year" => Period::parse_year("2024"),
        _ => Period::range(
            NaiveDate::from_ymd_opt(2017, 1, 1).expect("date"),
            NaiveDate::from_ymd_opt(2025, 12, 31).expect("date"),
        ),
    }
    .expect("period");
    bencher.bench(|| figures(divan::black_box(records), period, &[]));
}

/// Parsing and reading 100 000 record texts from memory, on one core: the floor for loading.
#[divan::bench(sample_count = 5)]
fn parse_100k_in_memory(bencher: divan::Bencher) {
    let texts = texts();
    bencher.bench(|| {
        texts
            .iter()
            .filter(|(id, text)| {
                read_record(&SourceText::new(Path::new("x.toml"), text), id)
                    .incident
                    .is_some()
            })
            .count()
    });
}

/// Loading 100 000 record files from disk with full validation, files parsed in parallel.
#[divan::bench(sample_count = 5)]
fn load_100k_files(bencher: divan::Bencher) {
    let dir = folder();
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
    bencher.bench(|| {
        let loaded = load_dir(dir, today).expect("load");
        assert_eq!(loaded.incidents.len(), RECORDS);
        loaded
    });
}

/// What `check` does with 100 000 record files: load and validate them, keeping the problems.
#[divan::bench(sample_count = 5)]
fn check_100k_files(bencher: divan::Bencher) {
    let dir = folder();
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
    bencher.bench(|| {
        let checked = check_dir(dir, today).expect("check");
        assert_eq!((checked.files, checked.error_count()), (RECORDS, 0));
        checked
    });
}

/// Only finding and reading the 100 000 files (no parsing), with the loader's parallelism: the
/// I/O floor under `load_100k_files`.
#[divan::bench(sample_count = 5)]
fn read_100k_files_only(bencher: divan::Bencher) {
    use rayon::prelude::*;
    let dir = folder();
    bencher.bench(|| {
        let mut paths = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "toml") {
                    paths.push(path);
                }
            }
        }
        paths
            .par_iter()
            .map(|p| std::fs::read(p).expect("read").len())
            .sum::<usize>()
    });
}

/// One file with N bad `[[sources]]` (an unsupported URL each): the cost of `check` must grow
/// linearly with N (it was quadratic when every problem re-parsed the file to find its place).
#[divan::bench(args = [1_000, 4_000, 20_000], sample_count = 10)]
fn check_file_with_bad_sources(bencher: divan::Bencher, n: usize) {
    let mut text = String::from(
        "date = 2024-05-31\nvictim = \"V\"\nvictim_kind = \"exchange\"\nvector = \"unknown\"\namount_usd = 5\nattribution = \"suspected\"\nsummary = \"s\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[sources]]\nname = \"X\"\nurl = \"ftp://bad{i}.example/\"\nquote = \"q\"\n"
        ));
    }
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
    bencher.bench(|| {
        let (_, problems) = heistbrief::load::check_file(
            Path::new("x.toml"),
            text.as_bytes(),
            "2024-05-31-x",
            today,
        );
        assert_eq!(problems.len(), n);
    });
}

/// The brief for 2024 from a 10 000-record set, to Markdown and HTML with its charts: the view,
/// the charts and both renderings (target: under 300 ms).
#[divan::bench(sample_count = 10)]
fn build_year_from_10k(bencher: divan::Bencher) {
    use heistbrief::render::{self, Format, templates::Templates};
    let records = &incidents()[..10_000];
    let templates = Templates::builtin();
    bencher.bench(|| {
        let brief = year_brief(records);
        let md = render::markdown(&brief, &templates, Format::Md).expect("markdown");
        let html = render::html(&brief, &templates).expect("html");
        (md.len(), html.len())
    });
}

/// The brief for 2024 from all 100 000 records (about 11 000 thefts in the year, 6 500 sources
/// cited), rendered to one format: what `build --year 2024` spends after loading.
#[divan::bench(args = ["md", "html", "pdf"], sample_count = 5)]
fn render_year_from_100k(bencher: divan::Bencher, format: &str) {
    use heistbrief::render::{self, Format, pdf, templates::Templates};
    let brief = year_brief(incidents());
    let templates = Templates::builtin();
    bencher.bench(|| match format {
        "md" => render::markdown(&brief, &templates, Format::Md)
            .expect("md")
            .len(),
        "html" => render::html(&brief, &templates).expect("html").len(),
        _ => pdf::pdf(&brief, &templates, pdf::PdfOptions::default())
            .map(|p| p.bytes.len())
            .unwrap_or(0),
    });
}

fn year_brief(records: &[Incident]) -> heistbrief::render::view::Brief {
    let period = Period::parse_year("2024").expect("year");
    let options = heistbrief::render::view::BriefOptions {
        version: "bench".into(),
        generated_on: None,
    };
    heistbrief::render::view::brief(records, period, &[], &options).expect("the charts draw")
}
