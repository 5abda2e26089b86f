//! The HTML brief's content, written from the brief's document ([`super::document`]): the
//! same blocks the PDF is laid out from, with the charts inlined as SVG.
//!
//! Safety is ours rather than a sanitiser's: the only HTML in the output is what this writer
//! makes of the document's typed blocks (every text escaped), our SVG, and the inert tags the
//! document keeps (`<a id>`, `<details>`, `<summary>`). Any other raw HTML was read as text, a
//! link the policy refuses ([`super::link`]) has no link (its words stay), and an image that is
//! not one of our charts is its text alternative, so nothing is ever fetched.

use super::charts::Chart;
use super::document::{self, Alignment, Block, Run, Style};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// Renders the brief's Markdown to an HTML fragment. `charts` maps each chart's file name (as
/// the Markdown links it) to the chart, which is inlined in place of the image.
pub fn fragment(markdown: &str, charts: &HashMap<String, &Chart>) -> String {
    let mut writer = Writer {
        out: String::with_capacity(markdown.len() * 2),
        charts,
        ids: BTreeSet::new(),
    };
    writer.blocks(&document::blocks(markdown), false);
    writer.out
}

struct Writer<'c> {
    out: String,
    charts: &'c HashMap<String, &'c Chart>,
    /// Heading ids given so far: each is unique in the page.
    ids: BTreeSet<String>,
}

impl Writer<'_> {
    /// Blocks in order; `tight` when they are a tight list item's, whose text has no paragraph.
    fn blocks(&mut self, blocks: &[Block], tight: bool) {
        for block in blocks {
            self.block(block, tight);
        }
    }

    fn block(&mut self, block: &Block, tight: bool) {
        match block {
            Block::Heading { level, runs } => {
                let text: String = runs.iter().map(|r| r.text.as_str()).collect();
                let id = unique_id(&slug(&text), &mut self.ids);
                let _ = write!(self.out, "<h{level} id=\"");
                self.attribute(&id);
                self.out.push_str("\">");
                self.inline(runs);
                let _ = writeln!(self.out, "</h{level}>");
            }
            Block::Paragraph(runs) if tight => {
                self.inline(runs);
                self.out.push('\n');
            }
            Block::Paragraph(runs) => {
                self.out.push_str("<p>");
                self.inline(runs);
                self.out.push_str("</p>\n");
            }
            Block::List {
                start,
                tight,
                items,
            } => {
                let tag = match start {
                    None => "ul",
                    Some(_) => "ol",
                };
                match start {
                    Some(first) if *first != 1 => {
                        let _ = writeln!(self.out, "<ol start=\"{first}\">");
                    }
                    _ => {
                        let _ = writeln!(self.out, "<{tag}>");
                    }
                }
                for item in items {
                    self.out.push_str("<li>");
                    self.blocks(item, *tight);
                    // One newline before the closing tag at most, as the text ends.
                    if self.out.ends_with('\n') {
                        self.out.pop();
                    }
                    self.out.push_str("</li>\n");
                }
                let _ = writeln!(self.out, "</{tag}>");
            }
            Block::Table {
                align,
                header,
                rows,
            } => self.table(align, header, rows),
            Block::Figure { file, alt } => match self.charts.get(file.as_str()) {
                Some(chart) => {
                    self.out.push_str(&figure(chart, alt));
                    self.out.push('\n');
                }
                // Not one of our charts: its text alternative stands in, and nothing is fetched.
                None => {
                    self.out.push_str("<p>");
                    self.text(alt);
                    self.out.push_str("</p>\n");
                }
            },
            Block::Quote(inner) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(inner, false);
                self.out.push_str("</blockquote>\n");
            }
            Block::Code(code) => {
                self.out.push_str("<pre><code>");
                self.text(code);
                self.out.push_str("</code></pre>\n");
            }
            Block::Details { summary, blocks } => {
                self.out.push_str("<details>\n<summary>");
                self.text(summary);
                self.out.push_str("</summary>\n");
                self.blocks(blocks, false);
                self.out.push_str("</details>\n");
            }
            Block::Rule => self.out.push_str("<hr />\n"),
        }
    }

    /// A table; header cells name their column for screen readers.
    fn table(&mut self, align: &[Alignment], header: &[Vec<Run>], rows: &[Vec<Vec<Run>>]) {
        let style = |column: usize| match align.get(column) {
            Some(Alignment::Left) => " style=\"text-align: left\"",
            Some(Alignment::Center) => " style=\"text-align: center\"",
            Some(Alignment::Right) => " style=\"text-align: right\"",
            _ => "",
        };
        self.out.push_str("<table><thead><tr>");
        for (column, cell) in header.iter().enumerate() {
            let _ = write!(self.out, "<th scope=\"col\"{}>", style(column));
            self.inline(cell);
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr></thead>");
        if !rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in rows {
                self.out.push_str("<tr>");
                for (column, cell) in row.iter().enumerate() {
                    let _ = write!(self.out, "<td{}>", style(column));
                    self.inline(cell);
                    self.out.push_str("</td>");
                }
                self.out.push_str("</tr>\n");
            }
            self.out.push_str("</tbody>");
        }
        self.out.push_str("</table>\n");
    }

    /// Runs as inline HTML: the words of one link in one `<a>`, each stretch of one style in
    /// its tags, anchors as empty `<a id>`.
    fn inline(&mut self, runs: &[Run]) {
        let mut at = 0;
        while at < runs.len() {
            let run = &runs[at];
            if let Some(id) = &run.anchor {
                self.out.push_str("<a id=\"");
                self.attribute(id);
                self.out.push_str("\"></a>");
                at += 1;
                continue;
            }
            let end = at
                + runs[at..]
                    .iter()
                    .take_while(|r| r.anchor.is_none() && r.link == run.link)
                    .count();
            match &run.link {
                Some(link) => {
                    self.out.push_str("<a href=\"");
                    let _ = escape_href(&mut self.out, &link.href());
                    self.out.push_str("\">");
                    self.styled(&runs[at..end]);
                    self.out.push_str("</a>");
                }
                None => self.styled(&runs[at..end]),
            }
            at = end;
        }
    }

    /// Runs of one link (or none), each stretch of one style once in its tags.
    fn styled(&mut self, runs: &[Run]) {
        let mut at = 0;
        while at < runs.len() {
            let style = runs[at].style;
            let end = at + runs[at..].iter().take_while(|r| r.style == style).count();
            let text: String = runs[at..end].iter().map(|r| r.text.as_str()).collect();
            let tags = tags(style);
            for tag in &tags {
                let _ = write!(self.out, "<{tag}>");
            }
            self.text(&text);
            for tag in tags.iter().rev() {
                let _ = write!(self.out, "</{tag}>");
            }
            at = end;
        }
    }

    fn text(&mut self, text: &str) {
        let _ = escape_html_body_text(&mut self.out, text);
    }

    fn attribute(&mut self, text: &str) {
        let _ = escape_html(&mut self.out, text);
    }
}

/// The tags of a style, outermost first.
fn tags(style: Style) -> Vec<&'static str> {
    let mut tags = Vec::new();
    if style.bold {
        tags.push("strong");
    }
    if style.italic {
        tags.push("em");
    }
    if style.code {
        tags.push("code");
    }
    tags
}

/// A chart as an accessible figure: the SVG labelled by its text alternative (`alt`, as the
/// template describes it, else the chart's own), and its title as the caption.
fn figure(chart: &Chart, alt: &str) -> String {
    let alt = escape_text(if alt.trim().is_empty() {
        &chart.alt
    } else {
        alt
    });
    let svg = chart.svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{alt}\" focusable=\"false\" "),
        1,
    );
    format!(
        "<figure class=\"chart\" id=\"chart-{}\">{svg}<figcaption>{}</figcaption></figure>",
        chart.id,
        escape_text(&chart.title)
    )
}

/// A heading's id: lower-case words joined by hyphens.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn unique_id(base: &str, used: &mut BTreeSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Text for a double-quoted HTML attribute or an element.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = escape_html_body_text(&mut out, text);
    out.replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        fragment(markdown, &HashMap::new())
    }

    #[test]
    fn record_markup_is_shown_as_text() {
        let html = render(
            "<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> [x](javascript:alert(3)) ![an image](https://t.test/p.png)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:alert(3)\""), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("an image</p>"), "{html}");
        assert!(!html.contains("t.test"), "nothing is fetched: {html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(2)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn the_templates_inert_tags_pass() {
        let html = render(
            "<details>\n<summary>Data</summary>\n\n| a |\n|---|\n| 1 |\n\n</details>\n\nx <a id=\"rec-1\"></a>y",
        );
        assert!(
            html.contains("<details>") && html.contains("<summary>Data</summary>"),
            "{html}"
        );
        assert!(html.contains("<a id=\"rec-1\"></a>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(!render("<a id=\"x\" onclick=\"y\"></a>").contains("<a id"));
    }

    #[test]
    fn every_block_of_the_document_is_written() {
        let html = render(
            "3. three\n4. four\n\n- loose\n\n- list\n\n> a **quote**\n\n```\na < b\n```\n\n---\n\n<details>\n<summary>Data</summary>\n\n| n | v |\n| --- | ---: |\n| 1 | *2* |\n\n</details>\n",
        );
        assert_eq!(
            html,
            "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n<ul>\n<li><p>loose</p></li>\n<li><p>list</p></li>\n</ul>\n<blockquote>\n<p>a <strong>quote</strong></p>\n</blockquote>\n<pre><code>a &lt; b\n</code></pre>\n<hr />\n<details>\n<summary>Data</summary>\n<table><thead><tr><th scope=\"col\">n</th><th scope=\"col\" style=\"text-align: right\">v</th></tr></thead><tbody>\n<tr><td>1</td><td style=\"text-align: right\"><em>2</em></td></tr>\n</tbody></table>\n</details>\n"
        );
    }

    #[test]
    fn headings_get_ids_and_links_keep_safe_schemes() {
        let html = render(
            "# Key figures\n\n## Key figures\n\n[a](#src-1) [b](https://e.test/) [c](data:text/html,x)",
        );
        assert!(html.contains("<h1 id=\"key-figures\">"), "{html}");
        assert!(html.contains("<h2 id=\"key-figures-2\">"), "{html}");
        assert!(html.contains("href=\"#src-1\"") && html.contains("href=\"https://e.test/\""));
        assert!(!html.contains("data:text"), "{html}");
    }
}
