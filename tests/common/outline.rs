//! An HTML page as an outline of its text and structure, for golden files a person can review:
//! one line per block element with its attributes and its inline text (links, emphasis and
//! escapes kept as written), a table row per line, the stylesheet left out and each SVG chart
//! reduced to its label and the text it shows. A CSS change or a chart's new coordinates leave
//! the outline as it was; the charts' drawing has its own tests.
//!
//! Only for the HTML this tool writes: a small tag reader, not a full HTML parser.

enum Node {
    Element {
        name: String,
        attrs: Vec<(String, String)>,
        children: Vec<Node>,
    },
    Text(String),
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];
const INLINE: &[&str] = &[
    "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "img", "ins", "kbd", "mark", "q",
    "s", "small", "span", "strong", "sub", "sup", "time", "u",
];
/// Elements whose content is not markup.
const RAW: &[&str] = &["style", "script"];
/// What an SVG keeps: what a screen reader says of it.
const SVG_ATTRS: &[&str] = &["id", "class", "role", "aria-label"];

pub fn outline(html: &str) -> String {
    let mut out = String::new();
    for node in &parse(html) {
        block(&mut out, node, 0);
    }
    out
}

fn parse(html: &str) -> Vec<Node> {
    // Open elements: name, attributes, children so far.
    type Open = (String, Vec<(String, String)>, Vec<Node>);
    fn close(stack: &mut Vec<Open>) {
        let (name, attrs, children) = stack.pop().expect("an open element");
        let element = Node::Element {
            name,
            attrs,
            children,
        };
        stack.last_mut().expect("the root").2.push(element);
    }
    let mut stack: Vec<Open> = vec![(String::new(), Vec::new(), Vec::new())];
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("<!") {
            rest = after.split_once('>').map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("</") {
            let (name, r) = after.split_once('>').expect("an end tag ends");
            let name = name.trim().to_ascii_lowercase();
            // Close up to the matching element; a stray end tag is ignored.
            if let Some(at) = stack.iter().rposition(|(open, ..)| *open == name)
                && at > 0
            {
                while stack.len() > at {
                    close(&mut stack);
                }
            }
            rest = r;
        } else if rest.starts_with('<') && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let (name, attrs, self_closing, r) = tag(&rest[1..]);
            rest = r;
            if RAW.contains(&name.as_str()) {
                let end = rest.find(&format!("</{name}")).unwrap_or(rest.len());
                let text = vec![Node::Text(rest[..end].to_owned())];
                stack.last_mut().expect("the root").2.push(Node::Element {
                    name,
                    attrs,
                    children: text,
                });
                rest = rest[end..].split_once('>').map_or("", |(_, r)| r);
            } else if self_closing || VOID.contains(&name.as_str()) {
                stack.last_mut().expect("the root").2.push(Node::Element {
                    name,
                    attrs,
                    children: Vec::new(),
                });
            } else {
                stack.push((name, attrs, Vec::new()));
            }
        } else {
            let end = rest[1..].find('<').map_or(rest.len(), |i| i + 1);
            let text = Node::Text(rest[..end].to_owned());
            stack.last_mut().expect("the root").2.push(text);
            rest = &rest[end..];
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().expect("the root").2
}

/// A start tag after its `<`: name, attributes, whether it closes itself, and the rest.
fn tag(text: &str) -> (String, Vec<(String, String)>, bool, &str) {
    let name_end = text
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    let name = text[..name_end].to_ascii_lowercase();
    let mut rest = &text[name_end..];
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("/>") {
            return (name, attrs, true, r);
        }
        if let Some(r) = rest.strip_prefix('>') {
            return (name, attrs, false, r);
        }
        if rest.is_empty() {
            return (name, attrs, false, rest);
        }
        let key_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len())
            .max(1);
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            let (v, r) = match r.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    r[1..].split_once(quote).expect("a quoted value ends")
                }
                _ => {
                    let end = r
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(r.len());
                    r.split_at(end)
                }
            };
            value = v.to_owned();
            rest = r;
        }
        attrs.push((key, value));
    }
}

fn is_inline(node: &Node) -> bool {
    match node {
        Node::Text(_) => true,
        Node::Element { name, .. } => INLINE.contains(&name.as_str()),
    }
}

fn attributes(attrs: &[(String, String)], keep: impl Fn(&str) -> bool) -> String {
    attrs
        .iter()
        .filter(|(key, _)| keep(key))
        .map(|(key, value)| format!(" {key}=\"{value}\""))
        .collect()
}

/// Text with each run of white space as one space.
fn collapse(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline content as written, its white space collapsed.
fn inline<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> String {
    fn write(out: &mut String, node: &Node) {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element {
                name,
                attrs,
                children,
            } => {
                out.push_str(&format!("<{name}{}>", attributes(attrs, |_| true)));
                for child in children {
                    write(out, child);
                }
                if !VOID.contains(&name.as_str()) {
                    out.push_str(&format!("</{name}>"));
                }
            }
        }
    }
    let mut out = String::new();
    for node in nodes {
        write(&mut out, node);
    }
    collapse(&out)
}

/// The text an SVG shows, one line per text element.
fn svg_text(out: &mut String, nodes: &[Node], depth: usize) {
    for node in nodes {
        if let Node::Element { name, children, .. } = node {
            if matches!(name.as_str(), "text" | "title" | "desc") {
                // Empty labels (ticks drawn without one) say nothing.
                let text = inline(children);
                if !text.is_empty() {
                    out.push_str(&format!("{}{name}: {text}\n", indent(depth)));
                }
            } else {
                svg_text(out, children, depth);
            }
        }
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn block(out: &mut String, node: &Node, depth: usize) {
    let pad = indent(depth);
    let (name, attrs, children) = match node {
        Node::Text(text) => {
            let text = collapse(text);
            if !text.is_empty() {
                out.push_str(&format!("{pad}| {text}\n"));
            }
            return;
        }
        Node::Element {
            name,
            attrs,
            children,
        } => (name, attrs, children),
    };
    match name.as_str() {
        "style" => {
            let kept = attributes(attrs, |_| true);
            out.push_str(&format!("{pad}style{kept} (not compared)\n"));
            return;
        }
        "svg" => {
            let kept = attributes(attrs, |key| SVG_ATTRS.contains(&key));
            out.push_str(&format!("{pad}svg{kept} (drawing not compared)\n"));
            svg_text(out, children, depth + 1);
            return;
        }
        _ => {}
    }
    let head = format!("{pad}{name}{}", attributes(attrs, |_| true));
    let shown = || {
        children.iter().filter(|child| match child {
            Node::Text(text) => !text.trim().is_empty(),
            Node::Element { .. } => true,
        })
    };
    // A table row on one line: a changed row is one changed line.
    let is_cell =
        |child: &Node| matches!(child, Node::Element { name, .. } if name == "td" || name == "th");
    if name == "tr" && shown().all(is_cell) {
        let row: Vec<String> = shown().map(|cell| inline([cell])).collect();
        out.push_str(&format!("{head}: {}\n", row.join(" ")));
        return;
    }
    if children.iter().all(is_inline) {
        let text = inline(children);
        let sep = if text.is_empty() { "" } else { ": " };
        out.push_str(&format!("{head}{sep}{text}\n"));
        return;
    }
    out.push_str(&format!("{head}\n"));
    // Inline runs between blocks are lines of their own.
    let mut run: Vec<&Node> = Vec::new();
    let flush = |out: &mut String, run: &mut Vec<&Node>| {
        let text = inline(run.drain(..));
        if !text.is_empty() {
            out.push_str(&format!("{}| {text}\n", indent(depth + 1)));
        }
    };
    for child in children {
        if is_inline(child) {
            run.push(child);
        } else {
            flush(out, &mut run);
            block(out, child, depth + 1);
        }
    }
    flush(out, &mut run);
}
