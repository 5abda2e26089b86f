//! The HTML brief: pulldown-cmark's rendering of the brief's Markdown, made safe, with the
//! charts inlined as SVG, placed in the editor's HTML shell.
//!
//! Safety is ours rather than a sanitiser's: the only HTML in the output is what pulldown-cmark
//! writes for Markdown (it escapes text), our SVG, and a handful of inert tags the default
//! template uses (`<a id>`, `<details>`, `<summary>`). Any other raw HTML is shown as text, a
//! link the policy refuses ([`super::link`]) loses its link (its text stays), and an image that is not one of our charts becomes its alt text, so nothing is ever
//! fetched. A filter on the events we already walk is a few dozen lines; a general sanitiser
//! (ammonia) would add a parser of its own to clean what we can simply never emit.

use super::charts::Chart;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeSet, HashMap};

/// Renders the brief's Markdown to an HTML fragment. `charts` maps each chart's file name (as
/// the Markdown links it) to the chart, which is inlined in place of the image.
pub fn fragment(markdown: &str, charts: &HashMap<String, &Chart>) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut skip_link_ends = Vec::new();
    // Inside an image: the chart it names, if any, and its text alternative so far.
    let mut in_image: Option<(Option<&Chart>, String)> = None;
    let mut used_ids = BTreeSet::new();
    let mut heading: Option<(HeadingLevel, Vec<Event<'_>>)> = None;
    for event in parser {
        // Inside a heading, collect the events to give it an id from its text.
        if let Some((level, collected)) = heading.as_mut()
            && let Event::End(TagEnd::Heading(_)) = event
        {
            {
                let text: String = collected
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let id = unique_id(&slug(&text), &mut used_ids);
                let level = *level;
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: Some(CowStr::from(id)),
                    classes: Vec::new(),
                    attrs: Vec::new(),
                }));
                events.append(collected);
                events.push(event);
                heading = None;
                continue;
            }
        }
        let mapped: Option<Event<'_>> = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new()));
                None
            }
            // The break the Markdown escaping puts in record text against autolinks: nothing.
            Event::Html(html) | Event::InlineHtml(html)
                if html.as_ref() == super::templates::LINK_BREAK =>
            {
                None
            }
            Event::Html(html) | Event::InlineHtml(html) => Some(if allowed_html(&html) {
                Event::Html(html)
            } else {
                Event::Text(html)
            }),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let safe = super::link::target(&dest_url).is_some();
                skip_link_ends.push(!safe);
                safe.then_some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Link) => match skip_link_ends.pop() {
                Some(true) => None,
                _ => Some(Event::End(TagEnd::Link)),
            },
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image = Some((charts.get(dest_url.as_ref()).copied(), String::new()));
                None
            }
            // A chart becomes its figure, described by the image's text alternative as the
            // template wrote it; another image keeps only that text.
            Event::End(TagEnd::Image) => match in_image.take() {
                Some((Some(chart), alt)) => Some(Event::Html(CowStr::from(figure(chart, &alt)))),
                Some((None, alt)) => Some(Event::Text(CowStr::from(alt))),
                None => None,
            },
            Event::Text(text) | Event::Code(text) if in_image.is_some() => {
                if let Some((_, alt)) = in_image.as_mut() {
                    alt.push_str(&text);
                }
                None
            }
            _ if in_image.is_some() => None,
            other => Some(other),
        };
        if let Some(event) = mapped {
            match heading.as_mut() {
                Some((_, collected)) => collected.push(event),
                None => events.push(event),
            }
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// A chart as an accessible figure: the SVG labelled by its text alternative (`alt`, as the
/// template describes it, else the chart's own), and its title as the caption.
fn figure(chart: &Chart, alt: &str) -> String {
    let alt = escape_attribute(if alt.trim().is_empty() {
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

/// The raw HTML the default template may use: inert tags only, each on its own.
fn allowed_html(html: &str) -> bool {
    html.lines().all(|line| {
        let line = line.trim();
        line.is_empty()
            || matches!(
                line,
                "<details>" | "</details>" | "</a>" | "<summary>" | "</summary>"
            )
            || anchor_tag(line)
            || line
                .strip_prefix("<summary>")
                .and_then(|rest| rest.strip_suffix("</summary>"))
                .is_some_and(|text| !text.contains(['<', '>', '&', '"']))
    })
}

/// `<a id="token"></a>` or `<a id="token">` with a plain token.
fn anchor_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("<a id=\"") else {
        return false;
    };
    let rest = rest
        .strip_suffix("\"></a>")
        .or_else(|| rest.strip_suffix("\">"));
    rest.is_some_and(|id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
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

pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn escape_attribute(text: &str) -> String {
    escape_text(text).replace('"', "&quot;")
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
