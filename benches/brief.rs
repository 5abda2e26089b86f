//! The bundled brief (March 2024, from `incidents/` and `benchmarks.toml`), rendered to each
//! format: the view and charts, then Markdown, HTML and PDF. Loading is measured by `scale`.
//!
//! Run with `cargo bench --bench brief`.

use heistbrief::benchmark::{Benchmark, read_benchmarks};
use heistbrief::incident::Incident;
use heistbrief::period::Period;
use heistbrief::render::templates::Templates;
use heistbrief::render::view::{Brief, BriefOptions, brief};
use heistbrief::render::{self, Format};
use std::path::Path;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn bundled() -> &'static (Vec<Incident>, Vec<Benchmark>) {
    static DATA: OnceLock<(Vec<Incident>, Vec<Benchmark>)> = OnceLock::new();
    DATA.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
        let loaded = heistbrief::load::load_dir(&root.join("incidents"), today).expect("records");
        let path = root.join("benchmarks.toml");
        let bytes = std::fs::read(&path).expect("benchmarks");
        (loaded.incidents, read_benchmarks(&path, &bytes).0)
    })
}

fn march_2024() -> Brief {
    let (incidents, benchmarks) = bundled();
    let options = BriefOptions {
        version: "bench".into(),
        generated_on: None,
    };
    let period = Period::parse_month("2024-03").expect("month");
    brief(incidents, period, benchmarks, &options).expect("the charts draw")
}

/// The view with its charts (SVG included): shared by every format.
#[divan::bench]
fn view() -> Brief {
    march_2024()
}

#[divan::bench]
fn markdown(bencher: divan::Bencher) {
    let (brief, templates) = (march_2024(), Templates::builtin());
    bencher.bench(|| render::markdown(&brief, &templates, Format::Md).expect("markdown"));
}

#[divan::bench]
fn html(bencher: divan::Bencher) {
    let (brief, templates) = (march_2024(), Templates::builtin());
    bencher.bench(|| render::html(&brief, &templates).expect("html"));
}

#[divan::bench]
fn pdf(bencher: divan::Bencher) {
    let (brief, templates) = (march_2024(), Templates::builtin());
    bencher.bench(|| render::pdf::pdf(&brief, &templates, Default::default()).expect("pdf"));
}
