//! The editor's assessment as the brief's Markdown holds it. The note is parsed, and Markdown
//! is written again from what it means: paragraphs, headings, lists, quotations, code,
//! emphasis and links, each written by us, every piece of the editor's text escaped as record
//! text is. So a note cannot close or forge the brief around it: raw HTML (a comment, a
//! script) is text, a code fence left open is closed, a link definition or a footnote is
//! not carried over, an image is its description, and a link leads only to a web page, a
//! mail address or a place in the brief, else its words stay as text.
//!
//! The note's headings sit below the brief's "Assessment" heading: a note's `#` is written
//! `###`, `##` is `####`, and so on (at most `######`). A citation `[@id]` becomes a link to
//! the record it names, with the record's victim as its words (`[the words][@id]` keeps the
//! words).

use super::link::{self, Target};
use super::records::RecordLink;
use super::templates::escape_markdown;
use crate::load::note::{self, citation_key};
use pulldown_cmark::{Event, HeadingLevel, LinkType, Tag, TagEnd, TextMergeWithOffset};

/// The note's text as Markdown for the brief, ending with a newline; `cite` gives the record a
/// citation's key names (a citation it does not know stays as its text).
pub fn markdown(text: &str, mut cite: impl FnMut(&str) -> Option<RecordLink>) -> String {
    let mut writer = Writer {
        cite: &mut cite,
        stack: vec![Frame::Blocks(Vec::new())],
        line: None,
        spans: Vec::new(),
        nesting: 0,
    };
    for (event, _) in TextMergeWithOffset::new(note::events(text)) {
        writer.event(event);
    }
    // Whatever the note left open is closed here, so the brief after it stays as it is.
    writer.close_inline();
    while writer.stack.len() > 1 {
        writer.end_container();
    }
    let blocks = match writer.stack.pop() {
        Some(Frame::Blocks(blocks)) => blocks,
        _ => Vec::new(),
    };
    let mut out = lines(&blocks, true).join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A block of the note, its inline text already written as one line of Markdown.
enum Block {
    Heading(usize, String),
    Paragraph(String),
    /// A tight list item's text: a paragraph written without the blank line around it.
    Text(String),
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Code(String),
    Rule,
}

/// What is open while the events are read.
enum Frame {
    /// The note itself, or an item's blocks.
    Blocks(Vec<Block>),
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
    Heading(usize),
    Paragraph,
    Code(String),
    /// A raw HTML block: its text, shown as a paragraph of text.
    Html(String),
    /// A quotation, list or item nested deeper than [`MAX_NESTING`]: its blocks go to the
    /// container around it.
    Flat,
}

/// How many quotations and lists a note's Markdown nests, at most: deeper ones are written
/// flat, so a note of 100 000 `>` costs neither this writer's stack nor the brief's readers'.
const MAX_NESTING: usize = 8;

/// An open inline span: how it will be closed, and where its words begin in the line (the
/// line is written once, left to right, so deep nesting costs no copies).
struct Span {
    kind: SpanKind,
    start: usize,
}

enum SpanKind {
    Strong,
    Emphasis,
    /// A link: where it leads (when it may), and, for a citation, the record's victim in place
    /// of the words `@id`.
    Link {
        to: Option<String>,
        victim: Option<String>,
    },
    /// An image: only its description is kept.
    Image,
}

struct Writer<'c> {
    cite: &'c mut dyn FnMut(&str) -> Option<RecordLink>,
    stack: Vec<Frame>,
    /// The open line of a paragraph, heading or tight list item, and its open spans.
    line: Option<String>,
    spans: Vec<Span>,
    /// Quotations and lists open (not flattened).
    nesting: usize,
}

impl Writer<'_> {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match self.stack.last_mut() {
                Some(Frame::Code(code)) => code.push_str(&text),
                Some(Frame::Html(html)) => html.push_str(&text),
                _ => self.words(&escape_markdown(&text)),
            },
            Event::Code(code) => self.words(&code_span(&code)),
            Event::Html(html) | Event::InlineHtml(html) => match self.stack.last_mut() {
                Some(Frame::Html(block)) => block.push_str(&html),
                _ => self.words(&escape_markdown(&html)),
            },
            Event::SoftBreak | Event::HardBreak => self.words(" "),
            Event::Rule => self.push_block(Block::Rule),
            // Not enabled for notes (footnotes, task lists, math): anything else is left out.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let citation = citation_key(&tag).map(str::to_owned);
        match tag {
            Tag::Paragraph => {
                self.close_inline();
                self.stack.push(Frame::Paragraph);
                self.open_line();
            }
            Tag::Heading { level, .. } => {
                self.close_inline();
                self.stack.push(Frame::Heading(shifted(level)));
                self.open_line();
            }
            Tag::BlockQuote(_) => {
                self.close_inline();
                self.open_container(Frame::Quote(Vec::new()));
            }
            Tag::CodeBlock(_) => {
                self.close_inline();
                self.stack.push(Frame::Code(String::new()));
            }
            Tag::HtmlBlock => {
                self.close_inline();
                self.stack.push(Frame::Html(String::new()));
            }
            Tag::List(start) => {
                self.close_inline();
                self.open_container(Frame::List {
                    start,
                    tight: true,
                    items: Vec::new(),
                });
            }
            Tag::Item => {
                self.close_inline();
                let item = match self.stack.last() {
                    Some(Frame::List { .. }) => Frame::Item(Vec::new()),
                    _ => Frame::Flat,
                };
                self.stack.push(item);
            }
            Tag::Strong => self.open(SpanKind::Strong),
            Tag::Emphasis => self.open(SpanKind::Emphasis),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                let kind = match citation {
                    Some(key) => {
                        let record = (self.cite)(&key);
                        let keeps_words = link_type == LinkType::ReferenceUnknown;
                        SpanKind::Link {
                            to: record.as_ref().map(|r| format!("#{}", r.anchor)),
                            victim: record
                                .filter(|_| !keeps_words)
                                .map(|r| escape_markdown(&r.victim)),
                        }
                    }
                    None => SpanKind::Link {
                        to: destination(&dest_url),
                        victim: None,
                    },
                };
                self.open(kind);
            }
            Tag::Image { .. } => self.open(SpanKind::Image),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Strong | TagEnd::Emphasis | TagEnd::Link | TagEnd::Image => self.close_span(),
            TagEnd::Paragraph | TagEnd::Heading(_) => {
                let line = self.take_line();
                match self.stack.pop() {
                    Some(Frame::Heading(level)) => self.push_block(Block::Heading(level, line)),
                    Some(Frame::Paragraph) => self.push_block(Block::Paragraph(line)),
                    Some(other) => self.stack.push(other),
                    None => {}
                }
            }
            TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Item => {
                self.close_inline();
                self.end_container();
            }
            _ => {}
        }
    }

    /// Opens a quotation or list, or a flat frame in its place past [`MAX_NESTING`].
    fn open_container(&mut self, frame: Frame) {
        if self.nesting < MAX_NESTING {
            self.nesting += 1;
            self.stack.push(frame);
        } else {
            self.stack.push(Frame::Flat);
        }
    }

    /// Closes the innermost open block or container, adding it to the one around it.
    fn end_container(&mut self) {
        if matches!(
            self.stack.last(),
            Some(Frame::Quote(_) | Frame::List { .. })
        ) {
            self.nesting -= 1;
        }
        let block = match self.stack.pop() {
            Some(Frame::Code(code)) => Block::Code(code),
            Some(Frame::Html(html)) => {
                let words = html.split_whitespace().collect::<Vec<_>>().join(" ");
                Block::Paragraph(escape_markdown(&words))
            }
            Some(Frame::Quote(blocks)) => Block::Quote(blocks),
            Some(Frame::List {
                start,
                tight,
                items,
            }) => Block::List {
                start,
                tight,
                items,
            },
            Some(Frame::Item(blocks)) => {
                if let Some(Frame::List { items, tight, .. }) = self.stack.last_mut() {
                    // A paragraph in an item is what makes a list loose.
                    *tight &= !blocks.iter().any(|b| matches!(b, Block::Paragraph(_)));
                    items.push(blocks);
                }
                return;
            }
            Some(Frame::Heading(level)) => Block::Heading(level, self.take_line()),
            Some(Frame::Paragraph) => Block::Paragraph(self.take_line()),
            Some(Frame::Flat) => return,
            Some(frame @ Frame::Blocks(_)) => {
                self.stack.push(frame);
                return;
            }
            None => return,
        };
        self.push_block(block);
    }

    /// Adds a finished block to the innermost container (a tight item's text first), past
    /// any flattened ones.
    fn push_block(&mut self, block: Block) {
        self.close_inline();
        let flattened = self
            .stack
            .iter()
            .rev()
            .take_while(|f| matches!(f, Frame::Flat))
            .count();
        // Text that was a tight item's is a paragraph of its own outside the item.
        let block = match block {
            Block::Text(text) if flattened > 0 => Block::Paragraph(text),
            block => block,
        };
        let at = self.stack.len().saturating_sub(flattened + 1);
        match self.stack.get_mut(at) {
            Some(Frame::Blocks(blocks) | Frame::Quote(blocks) | Frame::Item(blocks)) => {
                blocks.push(block)
            }
            Some(Frame::List { items, .. }) => items.push(vec![block]),
            _ => {}
        }
    }

    fn open_line(&mut self) {
        self.line = Some(String::new());
        self.spans.clear();
    }

    /// Opens a span, writing its opening mark (a refused link and an image have none).
    fn open(&mut self, kind: SpanKind) {
        let mark = match &kind {
            SpanKind::Strong => "**",
            SpanKind::Emphasis => "*",
            SpanKind::Link { to: Some(_), .. } => "[",
            SpanKind::Link { to: None, .. } | SpanKind::Image => "",
        };
        self.words(mark);
        let start = self.line.as_ref().map_or(0, String::len);
        self.spans.push(Span { kind, start });
    }

    /// Adds written Markdown to the open line (a tight item's text opens one).
    fn words(&mut self, markdown: &str) {
        // A tight list item's text comes without a paragraph.
        self.line.get_or_insert_with(String::new).push_str(markdown);
    }

    /// Closes the innermost span: its closing mark, or (empty emphasis) no marks at all, or a
    /// citation's victim in place of its words.
    fn close_span(&mut self) {
        let (Some(span), Some(line)) = (self.spans.pop(), self.line.as_mut()) else {
            return;
        };
        match span.kind {
            SpanKind::Strong | SpanKind::Emphasis if line.len() == span.start => {
                line.truncate(
                    span.start
                        - if matches!(span.kind, SpanKind::Strong) {
                            2
                        } else {
                            1
                        },
                );
            }
            SpanKind::Strong => line.push_str("**"),
            SpanKind::Emphasis => line.push('*'),
            SpanKind::Link {
                to: Some(to),
                victim,
            } => {
                if let Some(victim) = victim {
                    line.truncate(span.start);
                    line.push_str(&victim);
                }
                line.push_str("](");
                line.push_str(&to);
                line.push(')');
            }
            SpanKind::Link { to: None, .. } | SpanKind::Image => {}
        }
    }

    /// The open line's Markdown, with every span still open closed.
    fn take_line(&mut self) -> String {
        while !self.spans.is_empty() {
            self.close_span();
        }
        self.line.take().unwrap_or_default()
    }

    /// A tight item's text, ended by a block or the item's end, becomes its paragraph.
    fn close_inline(&mut self) {
        if self.line.is_none()
            || matches!(
                self.stack.last(),
                Some(Frame::Paragraph | Frame::Heading(_))
            )
        {
            return;
        }
        let line = self.take_line();
        self.push_block(Block::Text(line));
    }
}

/// A note's heading level below the brief's `##` sections: `#` is `###`, at most `######`.
fn shifted(level: HeadingLevel) -> usize {
    (level as usize + 2).min(6)
}

/// Where a note's link may lead, written as a Markdown destination: a web page or mail address
/// (`<…>`, holding nothing that could end it) or a place in the brief; `None` keeps its words
/// as text, as the brief's link policy does for every link ([`link::target`]).
fn destination(url: &str) -> Option<String> {
    match link::target(url)? {
        Target::Anchor(id)
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) =>
        {
            Some(format!("#{id}"))
        }
        Target::Web(url)
            if !url
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\\')) =>
        {
            Some(format!("<{url}>"))
        }
        _ => None,
    }
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for d in text.chars() {
        run = if d == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// A code span holding `code` exactly: fenced by more backticks than it holds in a row, and
/// padded with a space where the reader would otherwise take one away or join a backtick.
fn code_span(code: &str) -> String {
    if code.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(code, '`') + 1);
    let pad = code.starts_with('`')
        || code.ends_with('`')
        || (code.starts_with(' ') && code.ends_with(' ') && !code.trim().is_empty());
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{code}{pad}{fence}")
}

/// The lines of a sequence of blocks; `loose`: a blank line between blocks (always, except in
/// a tight list item).
fn lines(blocks: &[Block], loose: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Two lists in a row are written with different markers, so that they stay two lists.
    let mut other_marker = false;
    let mut first = true;
    for block in blocks {
        if matches!(block, Block::Paragraph(t) | Block::Text(t) if t.is_empty()) {
            continue;
        }
        // An ordered list that does not start at 1 cannot interrupt a paragraph.
        let needs_blank = matches!(block, Block::List { start: Some(n), .. } if *n != 1);
        if !first && (loose || needs_blank) {
            out.push(String::new());
        }
        first = false;
        match block {
            Block::Heading(level, text) => {
                let hashes = "#".repeat(*level);
                out.push(if text.is_empty() {
                    hashes
                } else {
                    format!("{hashes} {text}")
                });
            }
            Block::Paragraph(text) | Block::Text(text) => out.push(text.clone()),
            Block::Code(code) => {
                let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
                out.push(fence.clone());
                out.extend(code.lines().map(str::to_owned));
                out.push(fence);
            }
            Block::Rule => out.push("***".to_owned()),
            Block::Quote(inner) => out.extend(lines(inner, true).into_iter().map(|line| {
                if line.is_empty() {
                    ">".to_owned()
                } else {
                    format!("> {line}")
                }
            })),
            Block::List {
                start,
                tight,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    if n > 0 && !tight {
                        out.push(String::new());
                    }
                    let marker = match start {
                        Some(first) => format!(
                            "{}{} ",
                            first.saturating_add(n as u64),
                            if other_marker { ')' } else { '.' }
                        ),
                        None => format!("{} ", if other_marker { '*' } else { '-' }),
                    };
                    let indent = " ".repeat(marker.len());
                    let inner = lines(item, !tight);
                    if inner.is_empty() {
                        out.push(marker.trim_end().to_owned());
                    }
                    for (i, line) in inner.into_iter().enumerate() {
                        out.push(match (i, line.is_empty()) {
                            (0, _) => format!("{marker}{line}").trim_end().to_owned(),
                            (_, true) => String::new(),
                            (_, false) => format!("{indent}{line}"),
                        });
                    }
                }
            }
        }
        other_marker = matches!(block, Block::List { .. }) && !other_marker;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> Option<RecordLink> {
        (id == "a" || id == "alias-a").then(|| RecordLink {
            id: "2024-03-01-a".into(),
            victim: "Victim <A>".into(),
            anchor: "rec-2024-03-01-a".into(),
            date: "1 March 2024".into(),
        })
    }

    fn md(text: &str) -> String {
        markdown(text, record)
    }

    #[test]
    fn citations_become_links_to_the_record() {
        assert_eq!(
            md("As [@a] and [the theft][@alias-a] show."),
            "As [Victim \\<A\\>](#rec-2024-03-01-a) and [the theft](#rec-2024-03-01-a) show.\n"
        );
    }

    #[test]
    fn headings_sit_below_the_briefs_sections() {
        assert_eq!(
            md("# One\n\nText\n---\n\n###### Six"),
            "### One\n\n#### Text\n\n###### Six\n"
        );
    }

    #[test]
    fn what_the_note_leaves_open_is_closed_and_raw_html_is_text() {
        assert_eq!(md("```\ncode\n"), "```\ncode\n```\n");
        assert_eq!(md("<!-- swallow"), "\\<\\!-- swallow\n");
        assert_eq!(
            md("<script>alert(1)</script>\n\n<img src=x onerror=y>"),
            "\\<script\\>alert(1)\\</script\\>\n\n\\<img src=x onerror=y\\>\n"
        );
        // A fence in the code is longer than any run of backticks it holds.
        assert_eq!(md("~~~\n````\n~~~"), "`````\n````\n`````\n");
    }

    #[test]
    fn links_lead_only_where_the_policy_allows_and_images_are_words() {
        assert_eq!(
            md(
                "[a](https://e.test/x) [b](javascript:alert(1)) [c](other.html) [d](#src-1) [e](mailto:x@e.test) ![chart](https://e.test/t.png)"
            ),
            "[a](<https://e.test/x>) b c [d](#src-1) [e](<mailto:x@e.test>) chart\n"
        );
        assert_eq!(
            md("[x][r]\n\n[r]: https://e.test/"),
            "[x](<https://e.test/>)\n"
        );
        // Without footnotes, `[^1]: foot` defines a link to `foot`, a relative path: words only.
        assert_eq!(md("a[^1]\n\n[^1]: foot"), "a^1\n");
    }

    #[test]
    fn lists_quotes_and_emphasis_are_kept() {
        assert_eq!(
            md("- one *two*\n- **three**\n  - four\n\n> quoted\n>\n> more\n\n3. x\n4. y"),
            "- one *two*\n- **three**\n  - four\n\n> quoted\n>\n> more\n\n3. x\n4. y\n"
        );
        assert_eq!(md("- a\n\n  b\n- c"), "- a\n\n  b\n\n- c\n");
        assert_eq!(md("- a\n\n* b"), "- a\n\n* b\n");
        assert_eq!(md("`a``b` ` `` `"), "```a``b``` ``` `` ```\n");
    }

    #[test]
    fn quotations_and_lists_nest_at_most_eight_deep() {
        let deep = format!("{} deep\n", ">".repeat(100_000));
        assert_eq!(md(&deep), format!("{}deep\n", "> ".repeat(MAX_NESTING)));
        let list: String = (0..40)
            .map(|i| format!("{}- {i}\n", "  ".repeat(i)))
            .collect();
        let written = md(&list);
        assert!(
            written.contains(&format!("{}- 7\n", "  ".repeat(7))),
            "{written}"
        );
        assert!(
            written.contains(&format!("{}  8\n", "  ".repeat(7))),
            "{written}"
        );
        assert!(!written.contains("- 8"), "{written}");
    }

    use pulldown_cmark::{Options, Parser};

    proptest::proptest! {
        /// Whatever a note holds, the brief after it stays as it is: a section heading and a
        /// paragraph written after the note's Markdown are read as such, the note's headings
        /// are below the brief's, and the only raw HTML is the empty comment against autolinks.
        #[test]
        fn a_note_cannot_reach_the_brief_after_it(
            text in "([ #>*_`~=+!<>@:/|&;\"'()\\[\\]\\\\.a-c0-9-]|\n|\n\n|```|<!--|-->|\\[@a\\]|    ){0,60}"
        ) {
            let note = md(&text);
            let brief = format!("## Assessment\n\n{note}\n## After\n\nTail.\n");
            let events: Vec<Event<'_>> = Parser::new_ext(&brief, Options::ENABLE_TABLES).collect();
            let mut top_headings = Vec::new();
            let mut depth = 0usize;
            for (i, event) in events.iter().enumerate() {
                match event {
                    Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                        top_headings.push((*level, i));
                    }
                    Event::Start(Tag::Heading { level, .. }) => {
                        proptest::prop_assert!(*level >= HeadingLevel::H3, "{brief}");
                    }
                    Event::Start(_) => depth += 1,
                    Event::End(TagEnd::Heading(_)) => {}
                    Event::End(_) => depth = depth.saturating_sub(1),
                    Event::Html(html) | Event::InlineHtml(html) => {
                        proptest::prop_assert_eq!(html.as_ref(), super::super::templates::LINK_BREAK, "{}", brief);
                    }
                    _ => {}
                }
            }
            let h2: Vec<usize> = top_headings
                .iter()
                .filter(|(l, _)| *l <= HeadingLevel::H2)
                .map(|(_, i)| *i)
                .collect();
            proptest::prop_assert_eq!(h2.len(), 2, "{}", brief);
            // The last heading is "After", at the top, followed by the paragraph "Tail.".
            let last = h2[1];
            proptest::prop_assert_eq!(&events[last + 1], &Event::Text("After".into()));
            proptest::prop_assert_eq!(&events[last + 3..], &[
                Event::Start(Tag::Paragraph),
                Event::Text("Tail.".into()),
                Event::End(TagEnd::Paragraph),
            ][..]);
        }
    }
}
