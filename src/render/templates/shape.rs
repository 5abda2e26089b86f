//! A template's shape, checked on its text before Tera parses it: its size, how long one tag
//! is, and how deeply its blocks and brackets nest.
//!
//! Tera's parser (pest) and its renderer recurse once per level of nesting, and neither has a
//! limit of its own: a template of ten thousand nested `{% if %}` or `((((…))))` would overflow
//! the stack. These bounds keep every recursion the engine can reach (with the include chain
//! bound in `graph`) well inside the stack the render thread is given, so a stack overflow
//! cannot happen rather than being unlikely.

/// The largest template, in bytes. The default `brief.md.tera` is about 8 KB.
pub const MAX_TEMPLATE_BYTES: usize = 1 << 20;
/// The longest `{{ … }}` or `{% … %}` tag, in bytes: it bounds how deep one expression's
/// parse tree can be (an operator chain such as `1 + 1 + …`, a run of `not`).
pub const MAX_TAG_BYTES: usize = 4096;
/// How deeply `{% if %}`, `{% for %}`, `{% block %}`, `{% macro %}` and `{% filter %}` nest.
pub const MAX_NESTING: usize = 24;
/// How deeply brackets nest inside one tag.
pub const MAX_BRACKETS: usize = 24;

/// A shape problem: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub line: usize,
    pub message: String,
}

/// The tags that open a body closed by `{% end… %}`.
const OPENERS: &[&str] = &["if", "for", "block", "macro", "filter"];

/// Checks a template's size, tag length and nesting. Linear in the text.
pub fn check(text: &str) -> Result<(), ShapeError> {
    if text.len() > MAX_TEMPLATE_BYTES {
        return Err(ShapeError {
            line: 1,
            message: format!(
                "the template is {} bytes; a template holds at most {MAX_TEMPLATE_BYTES} (1 MiB)",
                text.len()
            ),
        });
    }
    let bytes = text.as_bytes();
    let line_at = |at: usize| bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(found) = find(bytes, at, b"{") {
        let kind = bytes.get(found + 1).copied();
        match kind {
            Some(b'#') => {
                // A comment ends at the first `#}`; an unclosed one is Tera's to report.
                at = find(bytes, found + 2, b"#}").map_or(bytes.len(), |end| end + 2);
            }
            Some(b'{') | Some(b'%') => {
                let close: &[u8] = if kind == Some(b'{') { b"}}" } else { b"%}" };
                let end = tag_end(bytes, found + 2, close);
                let inner = &text[found + 2..end.min(bytes.len())];
                if end - found > MAX_TAG_BYTES {
                    return Err(ShapeError {
                        line: line_at(found),
                        message: format!(
                            "a tag of more than {MAX_TAG_BYTES} bytes; split the expression with `set`"
                        ),
                    });
                }
                if brackets(inner) > MAX_BRACKETS {
                    return Err(ShapeError {
                        line: line_at(found),
                        message: format!("brackets nested more than {MAX_BRACKETS} deep"),
                    });
                }
                at = (end + 2).min(bytes.len());
                if kind == Some(b'%') {
                    let word = first_word(inner);
                    if word == "raw" {
                        // A raw section's text is not parsed: skip to its end tag.
                        at = raw_end(bytes, at);
                    } else if OPENERS.contains(&word) {
                        depth += 1;
                        if depth > MAX_NESTING {
                            return Err(ShapeError {
                                line: line_at(found),
                                message: format!(
                                    "`{word}` nested more than {MAX_NESTING} deep; use a macro or an include instead"
                                ),
                            });
                        }
                    } else if word.starts_with("end") {
                        depth = depth.saturating_sub(1);
                    }
                }
            }
            _ => at = found + 1,
        }
    }
    Ok(())
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Where a tag's closing delimiter starts, skipping quoted strings (which may hold `%}`).
fn tag_end(bytes: &[u8], from: usize, close: &[u8]) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if bytes[i..].starts_with(close) => return i,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The deepest bracket nesting in a tag's text, outside quoted strings.
fn brackets(inner: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '(' | '[' | '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    deepest
}

/// A tag's keyword, after any whitespace-control `-`.
fn first_word(inner: &str) -> &str {
    let trimmed = inner.trim_start_matches('-').trim_start();
    let end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    &trimmed[..end]
}

/// The end of a `{% raw %}` section: just after its `{% endraw %}` tag.
fn raw_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(open) = find(bytes, at, b"{%") {
        let end = tag_end(bytes, open + 2, b"%}");
        let inner = String::from_utf8_lossy(&bytes[open + 2..end.min(bytes.len())]);
        at = (end + 2).min(bytes.len());
        if first_word(&inner) == "endraw" {
            return at;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_templates_pass() {
        for (name, text) in super::super::DEFAULTS {
            if name.ends_with(".tera") {
                assert_eq!(check(text), Ok(()), "{name}");
            }
        }
    }

    #[test]
    fn deep_blocks_and_brackets_are_placed() {
        let ifs = "x\n".to_owned() + &"{% if a %}".repeat(MAX_NESTING + 1);
        let error = check(&ifs).expect_err("too deep");
        assert_eq!(error.line, 2);
        assert!(error.message.contains("`if` nested more than 24 deep"));
        let ok = "{% if a %}".repeat(MAX_NESTING) + &"{% endif %}".repeat(MAX_NESTING);
        assert_eq!(check(&(ok.clone() + &ok)), Ok(()));
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(25), ")".repeat(25));
        assert!(check(&parens).is_err());
        assert_eq!(check("{{ \"((((((((((((((((((((((((((\" }}"), Ok(()));
        assert!(check(&format!("{{{{ {} }}}}", "1 + ".repeat(2000))).is_err());
    }

    #[test]
    fn raw_sections_and_comments_are_not_counted() {
        let raw = format!("{{% raw %}}{}{{% endraw %}}", "{% if a %}".repeat(100));
        assert_eq!(check(&raw), Ok(()));
        let comment = format!("{{# {} #}}", "{% for x in y %}".repeat(100));
        assert_eq!(check(&comment), Ok(()));
    }
}
