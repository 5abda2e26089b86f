//! A record file cut at its `[[sources]]` and `[[laundering]]` headers, so that a huge file is
//! parsed one section at a time.
//!
//! The TOML parser holds every token, every parse event and the whole spanned tree at once:
//! about 26 bytes of memory per byte of a record with a million sources. Parsed section by
//! section, only the record itself grows with the file. The cut is found by a scan that follows
//! TOML's strings, comments and brackets; anything it does not fully recognise (another header,
//! a root key named like a section) is left to the whole-file parse, and so is any section with
//! a syntax error, so messages never depend on the path taken.

use std::ops::Range;

/// Files at least this large are read section by section.
pub const SECTIONED_FROM: usize = 1 << 20;

/// How a record file is read: whole, or section by section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Section by section from [`SECTIONED_FROM`] bytes, when the file can be cut.
    BySize,
    Whole,
    /// Section by section whatever the size, when the file can be cut: for the tests and fuzz
    /// targets that compare the two ways.
    Sectioned,
}

/// The sections to read `text` by, or `None` to read it whole.
pub fn choose(text: &str, reading: Reading) -> Option<Sections> {
    match reading {
        Reading::BySize if text.len() >= SECTIONED_FROM => split(text),
        Reading::Sectioned => split(text),
        _ => None,
    }
}

/// The array of tables a section's header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Sources,
    Laundering,
    Revisions,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Sources, Section::Laundering, Section::Revisions];

    /// The section whose array of tables is named `key`.
    pub fn named(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|kind| kind.key() == key)
    }

    pub fn key(self) -> &'static str {
        match self {
            Section::Sources => "sources",
            Section::Laundering => "laundering",
            Section::Revisions => "revisions",
        }
    }
}

/// Whether a root table holds a key a section would define (`sources = [...]` written inline):
/// such a file is read, and its rules placed, whole, for toml to judge.
pub fn root_names_a_section(root: &toml::de::DeTable<'_>) -> bool {
    Section::ALL
        .iter()
        .any(|kind| root.get(kind.key()).is_some())
}

/// The root part (before the first header) and each section, header line included.
#[derive(Debug, PartialEq, Eq)]
pub struct Sections {
    pub root: Range<usize>,
    sources: Vec<Range<usize>>,
    laundering: Vec<Range<usize>>,
    revisions: Vec<Range<usize>>,
}

impl Sections {
    /// The sections of `kind`, in file order.
    pub fn of(&self, kind: Section) -> &[Range<usize>] {
        match kind {
            Section::Sources => &self.sources,
            Section::Laundering => &self.laundering,
            Section::Revisions => &self.revisions,
        }
    }
}

/// Where each header line starts, when every header is `[[sources]]`, `[[laundering]]` or
/// `[[revisions]]`;
/// `None` for any other header, or a file the scan cannot follow to its end.
pub fn split(text: &str) -> Option<Sections> {
    let mut headers: Vec<(Section, usize)> = Vec::new();
    let mut scan = Scan::default();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if scan.at_top_level() {
            let head = line.trim_start_matches([' ', '\t']);
            if head.starts_with('[') {
                headers.push((header(head)?, line_start));
                line_start += line.len();
                continue;
            }
        }
        scan.line(line)?;
        line_start += line.len();
    }
    if !scan.at_top_level() {
        return None;
    }
    let root_end = headers.first().map_or(text.len(), |(_, at)| *at);
    let ends = headers
        .iter()
        .skip(1)
        .map(|(_, at)| *at)
        .chain([text.len()]);
    let mut sections = Sections {
        root: 0..root_end,
        sources: Vec::new(),
        laundering: Vec::new(),
        revisions: Vec::new(),
    };
    for ((kind, start), end) in headers.iter().zip(ends) {
        match kind {
            Section::Sources => sections.sources.push(*start..end),
            Section::Laundering => sections.laundering.push(*start..end),
            Section::Revisions => sections.revisions.push(*start..end),
        }
    }
    Some(sections)
}

/// The section a header line opens: `[[sources]]`, optionally followed by a comment.
fn header(line: &str) -> Option<Section> {
    let rest = line.strip_prefix("[[")?;
    let (name, after) = rest.split_once("]]")?;
    let after = after.trim_start_matches([' ', '\t']);
    if !(after.is_empty() || after.starts_with(['#', '\n', '\r'])) {
        return None;
    }
    Section::named(name.trim_matches([' ', '\t']))
}

/// What the scan is inside of when a line ends.
#[derive(Default)]
struct Scan {
    /// Open `[` and `{` of values (arrays, inline tables).
    depth: usize,
    /// Inside a `"""` or `'''` string.
    multiline: Option<&'static str>,
}

impl Scan {
    fn at_top_level(&self) -> bool {
        self.depth == 0 && self.multiline.is_none()
    }

    /// Follows one line; `None` when it cannot (an unclosed single-line string, a stray `]`).
    fn line(&mut self, line: &str) -> Option<()> {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if let Some(close) = self.multiline {
                match find_close(&bytes[i..], close.as_bytes()[0], close == "\"\"\"") {
                    Some(end) => {
                        self.multiline = None;
                        i += end;
                    }
                    None => return Some(()),
                }
                continue;
            }
            match bytes[i] {
                b'#' => return Some(()),
                quote @ (b'"' | b'\'') => {
                    let triple = [quote; 3];
                    if bytes[i..].starts_with(&triple) {
                        self.multiline = Some(if quote == b'"' { "\"\"\"" } else { "'''" });
                        i += 3;
                    } else {
                        let end = string_end(&bytes[i + 1..], quote)?;
                        i += 1 + end;
                    }
                }
                b'[' | b'{' => {
                    self.depth += 1;
                    i += 1;
                }
                b']' | b'}' => {
                    self.depth = self.depth.checked_sub(1)?;
                    i += 1;
                }
                _ => i += 1,
            }
        }
        Some(())
    }
}

/// The offset just past the closing quote of a one-line string whose body starts `body`.
fn string_end(body: &[u8], quote: u8) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\n' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the `"""` (or `'''`) that closes a multi-line string, counting the up
/// to two quotes TOML lets the body end with; `None` when the line does not close it.
fn find_close(body: &[u8], quote: u8, escapes: bool) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        if escapes && body[i] == b'\\' {
            i += 2;
            continue;
        }
        if body[i..].starts_with(&[quote; 3]) {
            let mut end = i + 3;
            while end < body.len() && end < i + 5 && body[end] == quote {
                end += 1;
            }
            return Some(end);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str) -> Option<Vec<(Section, &str)>> {
        let sections = split(text)?;
        let mut cuts: Vec<(usize, Section, &str)> = Section::ALL
            .into_iter()
            .flat_map(|kind| {
                sections
                    .of(kind)
                    .iter()
                    .map(move |r| (r.start, kind, text[r.clone()].lines().next().unwrap_or("")))
            })
            .collect();
        cuts.sort_by_key(|(start, _, _)| *start);
        Some(
            cuts.into_iter()
                .map(|(_, kind, line)| (kind, line))
                .collect(),
        )
    }

    #[test]
    fn cuts_at_each_array_table_header() {
        let text = "date = 2024-05-31\n\n[[laundering]]\nmethod = \"mixer\"\n[[ sources ]] # first\nname = \"A\"\n[[sources]]\nname = \"B\"\n";
        let sections = split(text).expect("sections");
        assert_eq!(&text[sections.root.clone()], "date = 2024-05-31\n\n");
        assert_eq!(
            cuts(text).expect("sections"),
            [
                (Section::Laundering, "[[laundering]]"),
                (Section::Sources, "[[ sources ]] # first"),
                (Section::Sources, "[[sources]]"),
            ]
        );
        assert_eq!(
            &text[sections.of(Section::Sources)[1].clone()],
            "[[sources]]\nname = \"B\"\n"
        );
    }

    #[test]
    fn brackets_inside_values_strings_and_comments_are_not_headers() {
        let text = "tags = [\n[\"x\"],\n]\nsummary = \"\"\"\n[[sources]]\n\"\"\"\nnote = '[[sources]]' # [[sources]]\nq = \"a \\\" [\"\n[[sources]]\nname = \"A\"\n";
        assert_eq!(
            cuts(text).expect("sections"),
            [(Section::Sources, "[[sources]]")]
        );
    }

    #[test]
    fn a_multiline_string_may_end_with_extra_quotes() {
        let text = "summary = \"\"\"a\"\"\"\"\"\n[[sources]]\n";
        assert_eq!(cuts(text).expect("sections").len(), 1);
    }

    #[test]
    fn other_headers_and_unfollowable_text_are_left_to_the_whole_parse() {
        for text in [
            "[sources]\nname = \"A\"\n",
            "[[sources.extra]]\n",
            "[[sources]] junk\n",
            "[[other]]\n",
            "summary = \"open\n[[sources]]\n",
            "tags = ]\n",
            "tags = [\n",
        ] {
            assert_eq!(split(text), None, "{text:?}");
        }
    }
}
