//! The brief's Markdown as the blocks a page is made of: pulldown-cmark's events, the same ones
//! the HTML is rendered from, gathered into headings, paragraphs, lists, tables and figures.

use crate::render::link::Target;
use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
}

/// A piece of text in one style, maybe a link; or an anchor (empty text) a link can jump to.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub text: String,
    pub style: Style,
    pub link: Option<String>,
    pub anchor: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        runs: Vec<Run>,
    },
    Paragraph(Vec<Run>),
    /// `start` is the first number of an ordered list; `None` for bullets.
    List {
        start: Option<u64>,
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
    Rule,
}

/// Parses Markdown into blocks. Raw HTML is read only for the anchors the template places
/// (`<a id="…">`); any other HTML is text, as in the HTML output.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).peekable();
    let mut out = Vec::new();
    while let Some(event) = parser.next() {
        if let Some(block) = block(event, &mut parser) {
            out.push(block);
        }
    }
    out
}

type Events<'a> = std::iter::Peekable<Parser<'a>>;

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
            }
            Some(Block::Paragraph(inline(events, |e| {
                matches!(e, Event::End(TagEnd::Paragraph))
            })))
        }
        Event::Start(Tag::List(start)) => {
            let mut items = Vec::new();
            while let Some(event) = events.next() {
                match event {
                    Event::Start(Tag::Item) => items.push(item(events)),
                    Event::End(TagEnd::List(_)) => break,
                    _ => {}
                }
            }
            Some(Block::List { start, items })
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
            while let Some(event) = events.next() {
                match event {
                    Event::End(TagEnd::BlockQuote(_)) => break,
                    other => inner.extend(block(other, events)),
                }
            }
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
        Event::Html(html) => {
            // A block of raw HTML (the template's <details>): nothing to print but its text,
            // which for the inert tags is nothing.
            let text: String = strip_tags(&html);
            (!text.trim().is_empty())
                .then(|| Block::Paragraph(vec![text_run(&text, Style::default())]))
        }
        _ => None,
    }
}

fn item(events: &mut Events<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    // A tight list item's text comes without a paragraph; its styles and links span events.
    let mut loose: Vec<Run> = Vec::new();
    let mut styles: Vec<Style> = Vec::new();
    let mut link: Option<String> = None;
    while let Some(event) = events.next() {
        match event {
            Event::End(TagEnd::Item) => break,
            Event::Start(Tag::Paragraph)
            | Event::Start(Tag::List(_))
            | Event::Start(Tag::Table(_)) => {
                if !loose.is_empty() {
                    blocks.push(Block::Paragraph(std::mem::take(&mut loose)));
                }
                if let Some(b) = block(event, events) {
                    blocks.push(b);
                }
            }
            other => push_inline(other, &mut loose, &mut styles, &mut link),
        }
    }
    if !loose.is_empty() {
        blocks.push(Block::Paragraph(loose));
    }
    blocks
}

/// Collects inline events up to the one `end` matches.
fn inline(events: &mut Events<'_>, end: impl Fn(&Event<'_>) -> bool) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut styles: Vec<Style> = Vec::new();
    let mut link: Option<String> = None;
    for event in events.by_ref() {
        if end(&event) {
            break;
        }
        push_inline(event, &mut runs, &mut styles, &mut link);
    }
    runs
}

fn push_inline(
    event: Event<'_>,
    runs: &mut Vec<Run>,
    styles: &mut Vec<Style>,
    link: &mut Option<String>,
) {
    let current = styles.last().copied().unwrap_or_default();
    match event {
        Event::Text(text) => runs.push(Run {
            link: link.clone(),
            ..text_run(&text, current)
        }),
        Event::Code(text) => runs.push(Run {
            link: link.clone(),
            ..text_run(
                &text,
                Style {
                    code: true,
                    ..current
                },
            )
        }),
        Event::SoftBreak | Event::HardBreak => runs.push(text_run(" ", current)),
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
        // The same policy as the HTML's; a path relative to a PDF names nothing a reader has.
        Event::Start(Tag::Link { dest_url, .. }) => {
            *link = match crate::render::link::target(&dest_url) {
                Some(Target::Anchor(_) | Target::Web(_)) => Some(dest_url.trim().to_owned()),
                Some(Target::Relative(_)) | None => None,
            }
        }
        Event::End(TagEnd::Link) => *link = None,
        Event::InlineHtml(html) | Event::Html(html) => match anchor_id(&html) {
            Some(id) => runs.push(Run {
                text: String::new(),
                style: current,
                link: None,
                anchor: Some(id),
            }),
            None if html.trim() == "</a>"
                || html.as_ref() == super::super::templates::LINK_BREAK => {}
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

/// The id of `<a id="…">` or `<a id="…"></a>`.
fn anchor_id(html: &str) -> Option<String> {
    let rest = html.trim().strip_prefix("<a id=\"")?;
    let id = rest.split('"').next()?;
    id.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        .then(|| id.to_owned())
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
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
                .any(|r| r.link.as_deref() == Some("https://e.test/"))
        );
        let Block::List { start: None, items } = &b[2] else {
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
}
