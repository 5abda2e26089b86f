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

/// Characters that matter to the renderers: markup, quotes, escapes, non-Latin scripts.
const MARKUP: &[char] = &[
    '<', '>', '&', '"', '\'', '[', ']', '(', ')', '|', '*', '_', '`', '#', '\\', '!', ':', '€',
    '한', 'ア', ' ', '\u{3000}',
];

/// A character every text field accepts: nothing control, bidi, invisible or line-breaking
/// (src/text.rs).
fn visible_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>().prop_filter("visible", |c| {
            !c.is_control()
                && !heistbrief::text::is_bidi_control(*c)
                && !heistbrief::text::is_invisible(*c)
                && !matches!(*c, '\u{2028}' | '\u{2029}')
        }),
        prop::sample::select(MARKUP),
    ]
}

/// Text from `chars` that shows something: a field of spaces and joiners is empty to `check`.
fn shown_text(chars: BoxedStrategy<char>, len: std::ops::Range<usize>) -> BoxedStrategy<String> {
    proptest::collection::vec(chars, len)
        .prop_map(|chars| chars.into_iter().collect::<String>())
        .prop_filter("shows something", |text| {
            text.chars()
                .any(|c| !c.is_whitespace() && !matches!(c, '\u{200C}' | '\u{200D}'))
        })
        .boxed()
}

/// One-line text (victim, source name).
fn line_text() -> BoxedStrategy<String> {
    shown_text(visible_char().boxed(), 1..40)
}

/// Prose (summary, attribution note, quote): also line ends, tabs, and the joiners scripts and
/// emoji need.
fn prose_text() -> BoxedStrategy<String> {
    let prose_char = prop_oneof![
        8 => visible_char(),
        1 => prop::sample::select(vec!['\n', '\t', '\u{200C}', '\u{200D}']),
    ];
    shown_text(prose_char.boxed(), 1..60)
}

/// A URL path, query and fragment: unreserved characters and percent-encoded random ones.
fn url_tail() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Za-z0-9._~/?=&#+!$'()*,;:@-]",
        any::<char>().prop_map(|c| {
            let mut bytes = [0u8; 4];
            c.encode_utf8(&mut bytes)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect()
        }),
    ];
    proptest::collection::vec(piece, 0..20).prop_map(|pieces| pieces.concat())
}

/// The fields `harness::render` reads, in its order.
const VICTIM: usize = 0;
const SOURCE_NAME: usize = 3;
const URL: usize = 4;

/// Characters `check` refuses: for one-line fields, prose, and URLs.
const NOT_IN_LINE: &[char] = &[
    '\n', '\r', '\t', '\u{1b}', '\u{7f}', '\u{85}', '\u{202e}', '\u{200b}', '\u{2028}', '\u{feff}',
];
const NOT_IN_PROSE: &[char] = &[
    '\r', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{2029}',
    '\u{feff}',
];
const NOT_IN_URL: &[char] = &[' ', '<', '>', '"', '`', '{', '|', '\n', '\u{202e}'];

/// A record's text fields, random but valid, or (one case in sixteen) with one character `check`
/// must refuse put into one field; `broken` says which.
#[derive(Debug)]
struct RecordText {
    fields: [String; 6],
    broken: Option<(usize, char)>,
}

fn record_text() -> impl Strategy<Value = RecordText> {
    let optional = || prop_oneof![Just(String::new()), prose_text()];
    let fields = (
        line_text(),
        prose_text(),
        optional(),
        line_text(),
        url_tail().prop_map(|tail| format!("https://fuzz.test/{tail}")),
        optional(),
    )
        .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f]);
    let breakage = prop_oneof![
        15 => Just(None),
        1 => (0..6usize, any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(Some),
    ];
    (fields, breakage).prop_map(|(mut fields, breakage)| {
        let broken = breakage.map(|(field, which, at)| {
            let bad = match field {
                VICTIM | SOURCE_NAME => NOT_IN_LINE,
                URL => NOT_IN_URL,
                _ => NOT_IN_PROSE,
            };
            let c = *which.get(bad);
            let text = &mut fields[field];
            // After the scheme and host, so that a URL breaks by the character, not its host.
            let first = if field == URL {
                "https://fuzz.test/".len()
            } else {
                0
            };
            let boundaries: Vec<usize> = (first..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            text.insert(*at.get(&boundaries), c);
            (field, c)
        });
        RecordText { fields, broken }
    })
}

/// Random text in every text field of a record: the harness renders a valid record to every
/// format (checking that no text becomes markup or a link) and refuses a broken one, and most
/// records are valid, so most cases reach rendering.
#[test]
fn random_text_in_a_record() {
    const CASES: u32 = 64;
    let rendered = std::sync::atomic::AtomicU32::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    });
    let outcome = runner.run(&record_text(), |record| {
        let text = record.fields.join("\0");
        let accepted = harness::render(text.as_bytes());
        prop_assert_eq!(
            accepted,
            record.broken.is_none(),
            "fields {:?}, broken {:?}",
            record.fields,
            record.broken
        );
        if accepted {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    // One case in sixteen is broken on purpose; 80% leaves room for chance (over 4 sigma).
    let rendered = rendered.into_inner();
    assert!(
        rendered * 10 > CASES * 8,
        "only {rendered} of {CASES} random records reached rendering"
    );
}

/// Text a record accepts: visible characters, including markup and non-Latin scripts.
fn visible_field() -> impl Strategy<Value = String> {
    proptest::collection::vec(visible_char(), 1..40)
        .prop_map(|chars| format!("A{}", chars.into_iter().collect::<String>()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_as_a_record(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        harness::record(&bytes);
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

    /// The month's assessment holds prose and markup an editor may write (headings, fences,
    /// raw HTML, links of every scheme) around a citation of the record: the brief renders in
    /// every format with nothing in it live that the record's text could not make live.
    #[test]
    fn a_random_assessment_renders_to_every_format(note in prose_text()) {
        let text = format!(
            "Fuzz Exchange\0A summary.\0\0Source\0https://fuzz.test/a\0\0{note}\n\nSee [@2024-05-31-fuzz]."
        );
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
