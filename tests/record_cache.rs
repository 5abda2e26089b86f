//! The record cache between builds (src/load/cache.rs): an unchanged file's record comes from
//! it, a changed one is read again, and a cache that is damaged, of another day or switched off
//! changes nothing a build makes.

mod common;
use common::{copy_stats_records, heistbrief_with, read, scratch};
use std::path::Path;

/// `build -v` of March 2024 in `dir` with the cache in `cache` (empty: off): the run, how many
/// records came from the cache, and the Markdown brief.
fn build(dir: &Path, cache: &Path, env: &[(&str, &str)]) -> (common::Run, usize, String) {
    let out = dir.join("out");
    let out_arg = out.to_string_lossy().into_owned();
    let cache = cache.to_string_lossy().into_owned();
    let mut env = env.to_vec();
    env.push(("HEISTBRIEF_CACHE_DIR", &cache));
    let run = heistbrief_with(
        dir,
        &[
            "build", "-v", "--month", "2024-03", "--format", "md", "--out", &out_arg,
        ],
        &env,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cached = run
        .stderr
        .lines()
        .find_map(|l| {
            l.split(" (")
                .nth(1)?
                .split(" unchanged")
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no count of cached records: {}", run.stderr));
    let brief = read(&out.join("brief-2024-03.md"));
    (run, cached, brief)
}

#[test]
fn unchanged_files_come_from_the_cache_and_changed_ones_are_read_again() {
    let dir = scratch("record-cache");
    let cache = dir.join("cache");
    copy_stats_records(&dir);
    // A file changed within two seconds of the cache being written is not trusted ("racy"):
    // let the copies age first, as records in a checkout have.
    std::thread::sleep(std::time::Duration::from_millis(2100));

    let (_, cached, cold) = build(&dir, &cache, &[]);
    assert_eq!(cached, 0, "nothing cached yet");
    let (_, cached, warm) = build(&dir, &cache, &[]);
    assert_eq!(cached, 8, "every record from the cache");
    assert_eq!(warm, cold, "the same brief either way");

    // A record changed since: read again, and the brief says what the file now says.
    let delta = dir.join("incidents/2024/2024-03-02-delta.toml");
    let text = read(&delta).replace("amount_usd = 30_000_000", "amount_usd = 31_000_000");
    assert!(
        text.contains("31_000_000"),
        "the fixture's amount is written so"
    );
    std::fs::write(&delta, text).expect("edit");
    let (_, cached, edited) = build(&dir, &cache, &[]);
    assert!(cached <= 7, "{cached} from the cache after an edit");
    assert!(edited.contains("$31 million"), "{edited}");

    // A record that breaks a rule is refused as before, cache or not.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build(&dir, &cache, &[]);
    let bad = read(&delta).replace("amount_usd = 31_000_000", "amount_usd = 0");
    std::fs::write(&delta, bad).expect("edit");
    let out = dir.join("out").to_string_lossy().into_owned();
    let cache_arg = cache.to_string_lossy().into_owned();
    let run = heistbrief_with(
        &dir,
        &["build", "--month", "2024-03", "--out", &out],
        &[("HEISTBRIEF_CACHE_DIR", &cache_arg)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("2024-03-02-delta.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_damaged_or_foreign_cache_changes_nothing() {
    let dir = scratch("record-cache-damaged");
    let cache = dir.join("cache");
    copy_stats_records(&dir);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let (_, _, reference) = build(&dir, &cache, &[]);
    let (_, cached, _) = build(&dir, &cache, &[]);
    assert_eq!(cached, 8);

    // Another day checks rules (dates not in the future) against another date: read again.
    let (_, cached, _) = build(&dir, &cache, &[("HEISTBRIEF_TODAY", "2026-12-06")]);
    assert_eq!(cached, 0, "a cache of another day is not used");

    // Every byte of the cache file flipped in turn, or the file cut short: the build reads the
    // records again where it must and makes the same brief.
    let file = std::fs::read_dir(&cache)
        .expect("cache folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "bin"))
        .expect("a cache file");
    let good = std::fs::read(&file).expect("cache");
    let step = (good.len() / 40).max(1);
    for at in (0..good.len()).step_by(step) {
        let mut bad = good.clone();
        bad[at] ^= 0xff;
        std::fs::write(&file, &bad).expect("damage");
        let (_, _, brief) = build(&dir, &cache, &[]);
        assert_eq!(brief, reference, "byte {at} flipped");
    }
    std::fs::write(&file, &good[..good.len() / 2]).expect("cut");
    let (_, cached, brief) = build(&dir, &cache, &[]);
    assert_eq!((cached, &brief), (0, &reference), "a cut cache is not used");

    // Switched off: no cache is read or written.
    std::fs::remove_dir_all(&cache).expect("remove the cache");
    let (_, cached, brief) = build(&dir, Path::new(""), &[]);
    assert_eq!((cached, &brief), (0, &reference));
    assert!(!cache.exists(), "a cache was written while off");
}
