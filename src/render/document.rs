//! The brief as one typed document, parsed once from its Markdown: headings, paragraphs, lists,
//! tables with their header cells, quotations, code, figures (the charts), collapsible details,
//! and links typed by where they lead. The HTML and the PDF are both written from it, so what
//! one format refuses (a raw tag, a `javascript:` link) the other never sees.
//!
//! Raw HTML in the Markdown is read only for the inert tags the default templates use:
//! `<a id="…"></a>` (an anchor), and `<details>` with its `<summary>` (a collapsible section,
//! which the PDF prints open), and the empty comment the Markdown escaping puts in record text
//! so that GitHub makes no link of it (nothing). Any other HTML is text.

use super::link::{self, Target};
use super::templates::LINK_BREAK;
pub use pulldown_cmark::Alignment;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

/// Where a link leads, once the link policy ([`link::target`]) has allowed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// An anchor in the brief, without its `#`.
    Anchor(String),
    /// An http, https or mailto address.
    Web(String),
    /// A file beside the document (the archive's index links its briefs so).
    Relative(String),
}

impl Link {
    fn new(url: &str) -> Option<Link> {
        Some(match link::target(url)? {
            Target::Anchor(id) => Link::Anchor(id.to_owned()),
            Target::Web(url) => Link::Web(url.to_owned()),
            Target::Relative(path) => Link::Relative(path.to_owned()),
        })
    }

    /// The link as an address: `#id`, the URL, or the path.
    pub fn href(&self) -> String {
        match self {
            Link::Anchor(id) => format!("#{id}"),
            Link::Web(url) | Link::Relative(url) => url.clone(),
        }
    }
}

/// A piece of text in one style, maybe a link; or an anchor (empty text) a link can jump to.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub text: String,
    pub style: Style,
    pub link: Option<Link>,
    pub anchor: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        runs: Vec<Run>,
    },
    Paragraph(Vec<Run>),
    /// `start` is the first number of an ordered list; `None` for bullets. A tight list's items
    /// hold their text without paragraph spacing.
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    Table {
        align: Vec<Alignment>,
        header: Vec<Vec<Run>>,
        rows: Vec<Vec<Vec<Run>>>,
    },
    /// An image: one of the brief's charts, by file name, with its text alternative.
    Figure {
        file: String,
        alt: String,
    },
    /// A block quote: its blocks, set in from the left with a rule beside them.
    Quote(Vec<Block>),
    /// A code block: its lines, as written.
    Code(String),
    /// A section a reader can open: its summary line and its blocks.
    Details {
        summary: String,
        blocks: Vec<Block>,
    },
    Rule,
}

/// Parses the brief's Markdown into blocks.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).peekable();
    let mut out = Vec::new();
    sequence(&mut parser, &mut out, |_| false);
    out
}

type Events<'a> = std::iter::Peekable<Parser<'a>>;

/// Reads blocks into `out` until an event `end` matches (consumed), or the events end. A
/// `<details>` opens a nested sequence that its `</details>` closes.
fn sequence(events: &mut Events<'_>, out: &mut Vec<Block>, end: impl Fn(&Event<'_>) -> bool) {
    while let Some(event) = events.next() {
        if end(&event) {
            return;
        }
        match event {
            Event::Html(html) => html_block(&html, events, out),
            other => out.extend(block(other, events)),
        }
    }
}

/// A block of raw HTML: the opening of a details section (read to its close), a closing tag
/// (handled by the sequence that opened it), an anchor, or anything else, which is text.
fn html_block(html: &str, events: &mut Events<'_>, out: &mut Vec<Block>) {
    let mut lines = html.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut text = Vec::new();
    while let Some(line) = lines.next() {
        if line == "<details>" {
            flush_text(&mut text, out);
            // The summary comes on the next line of the same block, as the templates write it;
            // any lines after it are the section's first text.
            let rest: Vec<&str> = lines.by_ref().collect();
            let (mut summary, after) = match rest.split_first() {
                Some((first, after)) if summary_text(first).is_some() => {
                    (summary_text(first).unwrap_or_default(), after.to_vec())
                }
                _ => (String::new(), rest),
            };
            // Or it is a raw-HTML event of its own, as pulldown-cmark gives a block's lines.
            if summary.is_empty()
                && after.is_empty()
                && let Some(Event::Html(next)) = events.peek()
                && let Some(text) = summary_text(next.trim())
            {
                summary = text;
                events.next();
            }
            let mut inner = Vec::new();
            if !after.is_empty() {
                inner.push(Block::Paragraph(vec![text_run(
                    &after.join(" "),
                    Style::default(),
                )]));
            }
            sequence(events, &mut inner, closes_details);
            out.push(Block::Details {
                summary,
                blocks: inner,
            });
            return;
        }
        if line == "</details>" || line == "</a>" || line == LINK_BREAK {
            continue;
        }
        match anchor_id(line) {
            Some(id) => {
                flush_text(&mut text, out);
                out.push(Block::Paragraph(vec![anchor_run(id)]));
            }
            None => text.push(line.to_owned()),
        }
    }
    flush_text(&mut text, out);
}

fn flush_text(text: &mut Vec<String>, out: &mut Vec<Block>) {
    if !text.is_empty() {
        out.push(Block::Paragraph(vec![text_run(
            &std::mem::take(text).join(" "),
            Style::default(),
        )]));
    }
}

fn closes_details(event: &Event<'_>) -> bool {
    matches!(event, Event::Html(html) if html.trim() == "</details>")
}

/// The text of `<summary>text</summary>`, when it holds no markup.
fn summary_text(line: &str) -> Option<String> {
    let text = line.strip_prefix("<summary>")?.strip_suffix("</summary>")?;
    (!text.contains(['<', '>', '&', '"'])).then(|| text.to_owned())
}

fn block(first: Event<'_>, events: &mut Events<'_>) -> Option<Block> {
    match first {
        Event::Start(Tag::Heading { level, .. }) => Some(Block::Heading {
            level: match level {
                HeadingLevel::H1 => 1,
                HeadingLevel::H2 => 2,
                _ => 3,
            },
            runs: inline(events, |e| matches!(e, Event::End(TagEnd::Heading(_)))),
        }),
        Event::Start(Tag::Paragraph) => {
            // A paragraph that is only an image is a figure.
            if let Some(Event::Start(Tag::Image { .. })) = events.peek()
                && let Some(Event::Start(Tag::Image { dest_url, .. })) = events.next()
            {
                let alt = plain(inline(events, |e| matches!(e, Event::End(TagEnd::Image))));
                let rest = inline(events, |e| matches!(e, Event::End(TagEnd::Paragraph)));
                let figure = Block::Figure {
                    file: dest_url.to_string(),
                    alt,
                };
                return Some(if plain(rest.clone()).trim().is_empty() {
                    figure
                } else {
                    Block::Paragraph(rest)
                });
            }
            Some(Block::Paragraph(inline(events, |e| {
                matches!(e, Event::End(TagEnd::Paragraph))
            })))
        }
        Event::Start(Tag::List(start)) => {
            let mut items = Vec::new();
            let mut tight = true;
            while let Some(event) = events.next() {
                match event {
                    Event::Start(Tag::Item) => {
                        let (blocks, loose) = item(events);
                        tight &= !loose;
                        items.push(blocks);
                    }
                    Event::End(TagEnd::List(_)) => break,
                    _ => {}
                }
            }
            Some(Block::List {
                start,
                tight,
                items,
            })
        }
        Event::Start(Tag::Table(align)) => {
            let mut header = Vec::new();
            let mut rows: Vec<Vec<Vec<Run>>> = Vec::new();
            let mut in_head = false;
            while let Some(event) = events.next() {
                match event {
                    Event::Start(Tag::TableHead) => in_head = true,
                    Event::End(TagEnd::TableHead) => in_head = false,
                    Event::Start(Tag::TableRow) => rows.push(Vec::new()),
                    Event::Start(Tag::TableCell) => {
                        let cell = inline(events, |e| matches!(e, Event::End(TagEnd::TableCell)));
                        if in_head {
                            header.push(cell);
                        } else if let Some(row) = rows.last_mut() {
                            row.push(cell);
                        }
                    }
                    Event::End(TagEnd::Table) => break,
                    _ => {}
                }
            }
            Some(Block::Table {
                align,
                header,
                rows,
            })
        }
        Event::Rule => Some(Block::Rule),
        Event::Start(Tag::BlockQuote(_)) => {
            let mut inner = Vec::new();
            sequence(events, &mut inner, |e| {
                matches!(e, Event::End(TagEnd::BlockQuote(_)))
            });
            Some(Block::Quote(inner))
        }
        Event::Start(Tag::CodeBlock(_)) => {
            let mut code = String::new();
            for event in events.by_ref() {
                match event {
                    Event::Text(text) => code.push_str(&text),
                    Event::End(TagEnd::CodeBlock) => break,
                    _ => {}
                }
            }
            Some(Block::Code(code))
        }
        _ => None,
    }
}

/// A list item's blocks, and whether it was loose (its text in paragraphs).
fn item(events: &mut Events<'_>) -> (Vec<Block>, bool) {
    let mut blocks = Vec::new();
    let mut loose = false;
    // A tight list item's text comes without a paragraph; its styles and links span events.
    let mut text: Vec<Run> = Vec::new();
    let mut styles: Vec<Style> = Vec::new();
    let mut link: Option<Option<Link>> = None;
    while let Some(event) = events.next() {
        match event {
            Event::End(TagEnd::Item) => break,
            Event::Start(Tag::Paragraph | Tag::List(_) | Tag::Table(_)) | Event::Html(_) => {
                loose |= matches!(event, Event::Start(Tag::Paragraph));
                if !text.is_empty() {
                    blocks.push(Block::Paragraph(std::mem::take(&mut text)));
                }
                match event {
                    Event::Html(html) => html_block(&html, events, &mut blocks),
                    other => blocks.extend(block(other, events)),
                }
            }
            other => push_inline(other, &mut text, &mut styles, &mut link),
        }
    }
    if !text.is_empty() {
        blocks.push(Block::Paragraph(text));
    }
    (blocks, loose)
}

/// Collects inline events up to the one `end` matches.
fn inline(events: &mut Events<'_>, end: impl Fn(&Event<'_>) -> bool) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut styles: Vec<Style> = Vec::new();
    let mut link: Option<Option<Link>> = None;
    for event in events.by_ref() {
        if end(&event) {
            break;
        }
        push_inline(event, &mut runs, &mut styles, &mut link);
    }
    runs
}

/// Adds one inline event. `link` is the open link: `Some(None)` for one the policy refused,
/// whose words stay as text.
fn push_inline(
    event: Event<'_>,
    runs: &mut Vec<Run>,
    styles: &mut Vec<Style>,
    link: &mut Option<Option<Link>>,
) {
    let current = styles.last().copied().unwrap_or_default();
    let linked = |run: Run| Run {
        link: link.clone().flatten(),
        ..run
    };
    match event {
        Event::Text(text) => runs.push(linked(text_run(&text, current))),
        Event::Code(text) => runs.push(linked(text_run(
            &text,
            Style {
                code: true,
                ..current
            },
        ))),
        Event::SoftBreak | Event::HardBreak => runs.push(linked(text_run(" ", current))),
        Event::Start(Tag::Strong) => styles.push(Style {
            bold: true,
            ..current
        }),
        Event::Start(Tag::Emphasis) => styles.push(Style {
            italic: true,
            ..current
        }),
        Event::End(TagEnd::Strong) | Event::End(TagEnd::Emphasis) => {
            styles.pop();
        }
        Event::Start(Tag::Link { dest_url, .. }) => *link = Some(Link::new(&dest_url)),
        Event::End(TagEnd::Link) => *link = None,
        Event::InlineHtml(html) | Event::Html(html) => match anchor_id(&html) {
            Some(id) => runs.push(anchor_run(id)),
            // The break the Markdown escaping puts in record text against autolinks: nothing.
            None if html.trim() == "</a>" || html.as_ref() == LINK_BREAK => {}
            None => runs.push(text_run(&html, current)),
        },
        _ => {}
    }
}

fn text_run(text: &str, style: Style) -> Run {
    Run {
        text: text.to_owned(),
        style,
        link: None,
        anchor: None,
    }
}

fn anchor_run(id: String) -> Run {
    Run {
        text: String::new(),
        style: Style::default(),
        link: None,
        anchor: Some(id),
    }
}

/// The id of `<a id="…">` or `<a id="…"></a>`, when it is a plain token.
fn anchor_id(html: &str) -> Option<String> {
    let rest = html.trim().strip_prefix("<a id=\"")?;
    let (id, after) = rest.split_once('"')?;
    let plain = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (plain && matches!(after, ">" | "></a>")).then(|| id.to_owned())
}

pub fn plain(runs: Vec<Run>) -> String {
    runs.into_iter().map(|r| r.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_briefs_markdown_becomes_blocks() {
        let md = "# Title\n\nSome **bold** and [a link](https://e.test/).\n\n- one\n- two <a id=\"rec-x\"></a>\n\n| a | b |\n| --- | ---: |\n| 1 | 2 |\n\n![alt text](chart.svg)\n\n> Quoted *text*.\n\n```\nlet x = 1;\n  indented\n```\n";
        let b = blocks(md);
        assert!(matches!(&b[0], Block::Heading { level: 1, .. }));
        let Block::Paragraph(runs) = &b[1] else {
            panic!("{b:?}")
        };
        assert!(runs.iter().any(|r| r.style.bold && r.text == "bold"));
        assert!(
            runs.iter()
                .any(|r| r.link == Some(Link::Web("https://e.test/".into())))
        );
        let Block::List {
            start: None,
            tight: true,
            items,
        } = &b[2]
        else {
            panic!("{b:?}")
        };
        assert_eq!(items.len(), 2);
        let Block::Paragraph(second) = &items[1][0] else {
            panic!("{items:?}")
        };
        assert!(second.iter().any(|r| r.anchor.as_deref() == Some("rec-x")));
        let Block::Table {
            header,
            rows,
            align,
        } = &b[3]
        else {
            panic!("{b:?}")
        };
        assert_eq!(
            (header.len(), rows.len(), align[1]),
            (2, 1, Alignment::Right)
        );
        assert_eq!(
            b[4],
            Block::Figure {
                file: "chart.svg".into(),
                alt: "alt text".into()
            }
        );
        let Block::Quote(quoted) = &b[5] else {
            panic!("{b:?}")
        };
        let Block::Paragraph(runs) = &quoted[0] else {
            panic!("{quoted:?}")
        };
        assert!(runs.iter().any(|r| r.style.italic && r.text == "text"));
        assert_eq!(b[6], Block::Code("let x = 1;\n  indented\n".into()));
    }

    #[test]
    fn details_hold_their_blocks_and_other_html_is_text() {
        let b = blocks(
            "<details>\n<summary>Data for this chart</summary>\n\n| a |\n| --- |\n| 1 |\n\nA note.\n\n</details>\n\n<div onclick=\"x\">hi</div>\n\nAfter.\n",
        );
        let Block::Details { summary, blocks } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(summary, "Data for this chart");
        assert!(matches!(blocks[0], Block::Table { .. }));
        assert!(matches!(&blocks[1], Block::Paragraph(r) if plain(r.clone()) == "A note."));
        assert_eq!(
            b[1],
            Block::Paragraph(vec![text_run(
                "<div onclick=\"x\">hi</div>",
                Style::default()
            )])
        );
        assert!(matches!(&b[2], Block::Paragraph(r) if plain(r.clone()) == "After."));
    }

    #[test]
    fn a_link_the_policy_refuses_keeps_its_words_as_text() {
        let b = blocks("[run](javascript:alert(1)) [read](https://e.test/) [file](file:///x)");
        let Block::Paragraph(runs) = &b[0] else {
            panic!("{b:?}")
        };
        let linked: Vec<(&str, Option<&Link>)> = runs
            .iter()
            .map(|r| (r.text.as_str(), r.link.as_ref()))
            .collect();
        assert_eq!(
            linked,
            [
                ("run", None),
                (" ", None),
                ("read", Some(&Link::Web("https://e.test/".into()))),
                (" ", None),
                ("file", None)
            ]
        );
    }
}
