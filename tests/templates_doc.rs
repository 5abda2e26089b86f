//! docs/templates.md documents every variable, block and filter a template can use: this test
//! fails when the brief view, the default templates or the filters change without it.

mod common;
use common::repo_root;
use heistbrief::render::templates::DEFAULTS;
use heistbrief::render::view::{BriefOptions, brief};
use std::collections::BTreeSet;

/// Every key of the brief view, as the path a template writes (`key.previous.change`), with
/// list elements written `[]` (`charts[].rows[].cells`).
fn paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                paths(inner, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// The "Revised since the last brief" view of March 2024 against a February brief made before
/// the amounts of the first record and of a February theft were corrected, so that its keys
/// are documented as well as the rest.
fn revisions_since_february(
    incidents: &[heistbrief::incident::Incident],
    benchmarks: &[heistbrief::benchmark::Benchmark],
    period: heistbrief::period::Period,
) -> Option<heistbrief::render::revisions::Revisions> {
    use heistbrief::snapshot::{Snapshot, compare};
    use heistbrief::stats::figures;
    let february = heistbrief::period::Period::parse_month("2024-02").expect("period");
    let mut before = incidents.to_vec();
    before[0].amount_usd.0 += 1_000_000;
    // A February theft too, so that February's figure is shown with what was published.
    let theft = before
        .iter_mut()
        .find(|i| february.contains(i.date))
        .expect("a theft in February 2024");
    theft.amount_usd.0 += 1_000_000;
    let old = figures(&before, february, benchmarks);
    let old = Snapshot::of(&old, &before);
    let new = figures(incidents, period, benchmarks);
    let changes = compare(&old, &Snapshot::of(&new, incidents));
    let view = heistbrief::render::revisions::revisions(&changes, incidents, period);
    assert!(view.is_some(), "a change to show");
    view
}

#[test]
fn every_variable_block_and_filter_is_documented() {
    let doc =
        std::fs::read_to_string(repo_root().join("docs/templates.md")).expect("docs/templates.md");
    let today: chrono::NaiveDate = common::TODAY.parse().expect("date");
    let loaded =
        heistbrief::load::load_dir(&repo_root().join("incidents"), today).expect("incidents");
    let path = repo_root().join("benchmarks.toml");
    let bytes = std::fs::read(&path).expect("benchmarks");
    let (benchmarks, _) = heistbrief::benchmark::read_benchmarks(&path, &bytes);
    let options = BriefOptions {
        version: "0".into(),
        generated_on: Some(today),
    };
    let period = heistbrief::period::Period::parse_month("2024-03").expect("period");
    let mut view =
        brief(&loaded.incidents, period, &benchmarks, &options).expect("the charts draw");
    view.revisions = revisions_since_february(&loaded.incidents, &benchmarks, period);
    let mut keys = BTreeSet::new();
    paths(&serde_json::to_value(&view).expect("json"), "", &mut keys);
    keys.insert("format".into());
    keys.insert("content".into());
    keys.insert("style".into());
    let undocumented = |keys: &BTreeSet<String>| -> Vec<String> {
        keys.iter()
            .filter(|k| !doc.contains(&format!("`{k}`")))
            .cloned()
            .collect()
    };
    let missing = undocumented(&keys);
    assert!(
        missing.is_empty(),
        "variables missing from docs/templates.md: {missing:?}"
    );

    // Every key of the archive's index view.
    use heistbrief::render::archive::{Archive, ArchivedBrief, BriefFile};
    let archive = Archive {
        title: "t".into(),
        span: "s".into(),
        each: "month",
        version: "0".into(),
        briefs: vec![ArchivedBrief::new(
            &view,
            vec![BriefFile {
                format: "PDF",
                file: "brief-2024-03.pdf".into(),
            }],
        )],
    };
    let mut archive_keys = BTreeSet::new();
    paths(
        &serde_json::to_value(&archive).expect("json"),
        "",
        &mut archive_keys,
    );
    let missing = undocumented(&archive_keys);
    assert!(
        missing.is_empty(),
        "archive variables missing from docs/templates.md: {missing:?}"
    );

    // Every key of the PDF settings.
    let settings = DEFAULTS
        .iter()
        .find(|(name, _)| *name == "pdf.toml")
        .map(|(_, text)| *text)
        .expect("pdf.toml");
    for line in settings.lines() {
        let line = line.trim_start_matches("# ");
        if let Some((key, _)) = line.split_once(" = ") {
            let key = key.trim();
            assert!(
                doc.contains(&format!("`{key}`")) || doc.contains(&format!("`margins.{key}`")),
                "pdf.toml key {key} is not documented"
            );
        }
    }

    for (name, text) in DEFAULTS {
        assert!(
            doc.contains(&format!("`{name}`")),
            "template {name} is not documented"
        );
        for block in text
            .split("{% block ")
            .skip(1)
            .chain(text.split("{%- block ").skip(1))
        {
            let block = block.split_whitespace().next().unwrap_or("");
            // A comment may show the syntax with a placeholder; blocks are identifiers.
            if !block.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                continue;
            }
            assert!(
                doc.contains(&format!("`{block}`")),
                "block {block} of {name} is not documented"
            );
        }
    }
    assert!(doc.contains("`url`"), "the url filter is not documented");
}
