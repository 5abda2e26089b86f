//! Every input the fuzz targets (`fuzz/`) have kept, replayed through the same harness on
//! stable Rust, and random inputs through the same paths (proptest), so CI always exercises
//! them whether or not a nightly toolchain is there.
//!
//! A crashing input found by `cargo +nightly fuzz run TARGET` goes into `tests/fuzz/TARGET/`.

use heistbrief::harness;
use proptest::prelude::*;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    for input in inputs {
        let bytes = std::fs::read(&input).expect("input");
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} fails again", input.display());
    }
}

#[test]
fn kept_record_inputs_pass() {
    replay("record", harness::record);
}

#[test]
fn kept_render_inputs_pass() {
    replay("render", |bytes| {
        harness::render(bytes);
    });
}

#[test]
fn kept_period_inputs_pass() {
    replay("period", harness::period);
}

/// Text fields built from characters that matter here: markup, controls, bidi, quotes, CJK.
fn field() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>(),
            prop::sample::select(vec![
                '<', '>', '&', '"', '\'', '[', ']', '(', ')', '|', '*', '_', '`', '#', '\\', '\n',
                '\r', '\t', '\u{1b}', '\u{202e}', '\u{200b}', '€', '한', 'ア', ' ',
            ]),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Text a record accepts: visible characters, including markup and non-Latin scripts.
fn visible_field() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            any::<char>().prop_filter("visible", |c| {
                !c.is_control()
                    && !heistbrief::text::is_bidi_control(*c)
                    && !heistbrief::text::is_invisible(*c)
                    && !matches!(*c, '\u{2028}' | '\u{2029}')
            }),
            prop::sample::select(vec![
                '<', '>', '&', '"', '\'', '[', ']', '(', ')', '|', '*', '_', '`', '#', '\\', '€',
                '한', 'ア', '!', ':',
            ]),
        ],
        1..40,
    )
    .prop_map(|chars| format!("A{}", chars.into_iter().collect::<String>()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_a_record(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        harness::record(&bytes);
    }

    #[test]
    fn random_text_in_a_record(
        victim in field(),
        summary in field(),
        notes in field(),
        url_tail in field(),
        quote in field(),
    ) {
        let text = format!("{victim}\0{summary}\0{notes}\0Source\0https://fuzz.test/{url_tail}\0{quote}");
        harness::render(text.as_bytes());
    }

    #[test]
    fn visible_text_renders_to_every_format(
        victim in visible_field(),
        summary in visible_field(),
        quote in visible_field(),
    ) {
        let text = format!("{victim}\0{summary}\0\0Source\0https://fuzz.test/a\0{quote}");
        prop_assert!(harness::render(text.as_bytes()), "rejected: {text:?}");
    }

    #[test]
    fn random_period_text(text in "[0-9Q,-]{0,24}") {
        harness::period(text.as_bytes());
    }

    #[test]
    fn random_valid_periods(year in 1i32..9999, month in 1u32..=12, quarter in 1u32..=4) {
        harness::period(format!("{year:04}-{month:02}").as_bytes());
        harness::period(format!("{year:04}-Q{quarter}").as_bytes());
        harness::period(format!("{year:04}").as_bytes());
    }
}
