//! Record text is data: which characters a field may hold, and how any text is shown safely.
//!
//! Contributors we don't know write the records, and their text reaches terminals, CI logs and,
//! later, HTML and PDF. Two defences meet here: validation rejects characters that have no
//! business in a field ([`problem_in`]), and every printer escapes what it shows ([`escape`]) so
//! that text which slips past validation (file names, quoted keys, values in messages) can
//! neither forge a line nor send an escape sequence.

use std::borrow::Cow;
use std::path::Path;

/// How much of a field's value a message or an excerpt echoes.
pub const ECHO_CHARS: usize = 80;

/// Characters that reorder the display of the text around them (Unicode bidi controls): a name
/// holding one can show as a different name.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space or draw nothing: a field holding only these looks empty, and
/// one inside a name makes two different names look the same.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Line and paragraph separators: some terminals and editors break lines at them.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}')
}

/// What shape of text a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// A name, keyword or URL: one line, every character visible.
    Line,
    /// Prose (summary, notes, quotes): may hold newlines and tabs, and the joiners some scripts
    /// and emoji need; nothing that moves the cursor or reorders the display.
    Prose,
}

/// The first character a field of this kind may not hold, described for a message.
pub fn problem_in(text: &str, kind: TextKind) -> Option<String> {
    // This runs on every field of every record: ASCII bytes (most of any text) are settled by
    // one comparison each, and only the other characters are decoded and looked up.
    let prose = kind == TextKind::Prose;
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        at = next_unusual(bytes, at);
        let &b = bytes.get(at)?;
        if b < 0x80 {
            if (b < 0x20 || b == 0x7f) && !(prose && matches!(b, b'\n' | b'\t')) {
                return Some(describe(char::from(b), kind));
            }
            at += 1;
            continue;
        }
        // `at` is always on a character boundary: ASCII bytes and whole characters are stepped.
        let c = text.get(at..)?.chars().next()?;
        if !(prose && matches!(c, '\u{200C}' | '\u{200D}'))
            && (c.is_control() || is_line_separator(c) || is_bidi_control(c) || is_invisible(c))
        {
            return Some(describe(c, kind));
        }
        at += c.len_utf8();
    }
}

/// The index of the first byte from `from` that is not printable ASCII (a control character,
/// DEL, or part of a non-ASCII character), or the length.
fn next_unusual(bytes: &[u8], from: usize) -> usize {
    let word_hit = |v: u64| (v | bytes_below(v, 0x20) | bytes_equal(v, 0x7F)) & HIGHS;
    first_byte(bytes, from, word_hit, |b| !(0x20..0x7F).contains(&b))
}

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// A word whose high bit is set in each byte of `v` below `n` (at most 0x80), and perhaps in
/// bytes after one that is: exact as to whether there is any.
pub(crate) fn bytes_below(v: u64, n: u8) -> u64 {
    v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS
}

/// As [`bytes_below`], for bytes equal to `b`.
pub(crate) fn bytes_equal(v: u64, b: u8) -> u64 {
    bytes_below(v ^ (ONES * u64::from(b)), 1)
}

/// The index of the first byte from `from` for which `byte_hit` holds, or the length. Text is
/// scanned eight bytes at a time while `word_hit` (nonzero when some byte of the word may hit,
/// never zero when one does) says none does; then byte by byte.
pub(crate) fn first_byte(
    bytes: &[u8],
    from: usize,
    word_hit: impl Fn(u64) -> u64,
    byte_hit: impl Fn(u8) -> bool,
) -> usize {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        if word_hit(u64::from_ne_bytes(word)) != 0 {
            break;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if byte_hit(b) {
            return at;
        }
        at += 1;
    }
    at
}

/// Why `c` may not be in a field of this kind.
fn describe(c: char, kind: TextKind) -> String {
    let what = if c.is_control() || is_line_separator(c) {
        "a control character"
    } else if is_bidi_control(c) {
        "a bidirectional control character, which changes how the text around it is displayed"
    } else {
        "an invisible character"
    };
    let code = format!("U+{:04X}", u32::from(c));
    let hint = match (c, kind) {
        ('\n' | '\r', TextKind::Line) => "; this field is one line",
        ('\r', TextKind::Prose) => "; end lines with \\n only",
        _ => "; remove it",
    };
    format!("contains {code}, {what}{hint}")
}

/// True when nothing in `text` would be seen: empty, whitespace or invisible characters only.
pub fn looks_empty(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || is_invisible(c) || is_bidi_control(c))
}

/// `text` made safe to print to a terminal or CI log on one line: control, bidi, invisible and
/// line-separator characters become visible escapes (`\n`, `\u{1b}`); everything else is kept.
pub fn escape(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || is_bidi_control(c) || is_invisible(c) || is_line_separator(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// JSON text with the characters that would act on a terminal showing it (DEL, C1 controls,
/// bidi, invisible and line-separator characters, which JSON allows raw) written as `\u`
/// escapes instead. Such characters only occur inside JSON strings, so the JSON means the same.
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        // C0 controls are already escaped inside JSON strings, and outside them are only the
        // layout's own newlines.
        let acts = ('\u{7F}'..='\u{9F}').contains(&c)
            || is_bidi_control(c)
            || is_invisible(c)
            || is_line_separator(c);
        if acts {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as people should see it: lossy for names that are not UTF-8 (never dropped), escaped.
pub fn shown(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

/// Text as one line: newlines and runs of spaces become one space.
/// An id as an HTML id and URL fragment after `prefix`: `prefix-id` when the id holds only
/// ASCII letters, digits and hyphens (every bundled id); otherwise `prefixx-` and the id with
/// `-` written `--` and every other character `-<hex code point>-`. The two forms differ in
/// the character after `prefix`, and each is decoded one way, so different ids never share an
/// anchor: `2024-03-20-acm` and `2024-03-20-acmé` used to, the accent dropped, and every link
/// to one landed on the other. Only letters, digits and `-` appear, which no Markdown escape
/// touches, so the same anchor reaches the HTML id and the link.
pub fn anchor(prefix: &str, id: &str) -> String {
    if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return format!("{prefix}-{id}");
    }
    let mut out = format!("{prefix}x-");
    for c in id.chars() {
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '-' => out.push_str("--"),
            c => out.push_str(&format!("-{:x}-", u32::from(c))),
        }
    }
    out
}

pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters of `text`, with "…" marking a cut.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let keep: String = text.chars().take(max.saturating_sub(1)).collect();
            Cow::Owned(keep + "…")
        }
    }
}

/// A user's value quoted in a message: clipped, then escaped.
pub fn echo(text: &str) -> String {
    escape(&clip(text, ECHO_CHARS)).into_owned()
}

#[cfg(test)]
mod scan {
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time scan finds the byte a byte-by-byte scan finds.
        #[test]
        fn next_unusual_is_the_first_unusual_byte(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            from in 0usize..64,
        ) {
            let from = from.min(bytes.len());
            let expected = (from..bytes.len())
                .find(|&i| !(0x20..0x7F).contains(&bytes[i]))
                .unwrap_or(bytes.len());
            prop_assert_eq!(super::next_unusual(&bytes, from), expected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_plain_tokens_and_never_shared() {
        assert_eq!(anchor("rec", "2024-03-20-acm"), "rec-2024-03-20-acm");
        assert_eq!(
            anchor("rec", "2024-03-20-acmé"),
            "recx-2024--03--20--acm-e9-"
        );
        assert_eq!(anchor("rec", "a_b"), "recx-a-5f-b");
        let ids = [
            "acm",
            "acmé",
            "acme\u{301}",
            "acm-e9-",
            "x-acm-e9-",
            "ACM",
            "a b",
            "a-20-b",
            "a--b",
            "a-\u{2d}b",
            "-",
            "--",
            "é-",
            "-é",
        ];
        let anchors: std::collections::BTreeSet<_> = ids.iter().map(|i| anchor("rec", i)).collect();
        assert_eq!(anchors.len(), ids.len() - 1, "{anchors:?}"); // "a-\u{2d}b" is "a--b"
        assert!(
            anchors
                .iter()
                .all(|a| a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        );
    }

    #[test]
    fn names_are_one_visible_line() {
        assert_eq!(problem_in("DMM Bitcoin", TextKind::Line), None);
        assert_eq!(problem_in("Zoë Exchange 東京", TextKind::Line), None);
        let newline = problem_in("A\nerror: forged", TextKind::Line).unwrap_or_default();
        assert_eq!(
            newline,
            "contains U+000A, a control character; this field is one line"
        );
        assert!(
            problem_in("ab\u{202E}cd", TextKind::Line)
                .is_some_and(|m| m.contains("U+202E") && m.contains("bidirectional"))
        );
        assert!(problem_in("a\u{200B}b", TextKind::Line).is_some_and(|m| m.contains("invisible")));
        assert!(
            problem_in("\u{1b}]0;pwned\u{7}", TextKind::Line).is_some_and(|m| m.contains("U+001B"))
        );
    }

    #[test]
    fn prose_may_hold_lines_and_joiners_but_not_escapes() {
        assert_eq!(problem_in("one\ntwo\tthree", TextKind::Prose), None);
        assert_eq!(problem_in("👩\u{200D}💻", TextKind::Prose), None);
        assert!(problem_in("one\rtwo", TextKind::Prose).is_some_and(|m| m.contains("\\n only")));
        assert!(problem_in("\u{1b}[2J", TextKind::Prose).is_some());
        assert!(problem_in("x\u{2066}y", TextKind::Prose).is_some());
    }

    #[test]
    fn invisible_only_text_looks_empty() {
        assert!(looks_empty(" \u{200B}\u{FEFF}\t"));
        assert!(!looks_empty(" a "));
    }

    #[test]
    fn escape_shows_what_would_act() {
        assert_eq!(escape("plain Zoë"), "plain Zoë");
        assert_eq!(
            escape("a\nerror: x\r\u{1b}[31m\u{202E}"),
            "a\\nerror: x\\r\\u{1b}[31m\\u{202e}"
        );
    }

    #[test]
    fn json_escapes_keep_the_meaning() {
        let json =
            serde_json::to_string_pretty(&["a\u{202E}b\u{9B}c\u{E0041}\n"]).unwrap_or_default();
        let escaped = escape_json(&json);
        assert_eq!(escaped, "[\n  \"a\\u202eb\\u009bc\\udb40\\udc41\\n\"\n]");
        let back: Vec<String> = serde_json::from_str(&escaped).unwrap_or_default();
        assert_eq!(back, ["a\u{202E}b\u{9B}c\u{E0041}\n"]);
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("abc", 3), "abc");
        assert_eq!(clip("abcd", 3), "ab…");
        assert_eq!(clip("ëëëë", 2), "ë…");
    }
}
