//! Where a link in a brief may lead, decided once for every format: a place in the brief, a web
//! page (http, https) or a mail address, or (in HTML, for the archive's index) a file beside it.
//! Anything else (`javascript:`, `data:`, `file:`, a protocol-relative `//host`) is no link: its
//! words stay, as text.

/// A link's destination, once the policy has allowed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// An anchor in the same document, without its `#`.
    Anchor(&'a str),
    /// An http, https or mailto address.
    Web(&'a str),
    /// A path relative to the document: the index's links to the briefs beside it.
    Relative(&'a str),
}

/// The destination of `url`, or `None` when a brief may not link there.
pub fn target(url: &str) -> Option<Target<'_>> {
    let url = url.trim();
    if let Some(anchor) = url.strip_prefix('#') {
        return Some(Target::Anchor(anchor));
    }
    match url.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            matches!(
                scheme.to_ascii_lowercase().as_str(),
                "http" | "https" | "mailto"
            )
            .then_some(Target::Web(url))
        }
        // No scheme: a relative path, unless it names another host (`//host`, `\\host`).
        _ => (!url.starts_with("//") && !url.starts_with("\\\\")).then_some(Target::Relative(url)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anchors_web_pages_mail_and_relative_paths_are_links() {
        assert_eq!(target("#src-1"), Some(Target::Anchor("src-1")));
        assert_eq!(
            target("https://e.test/"),
            Some(Target::Web("https://e.test/"))
        );
        assert_eq!(
            target("HTTP://e.test/"),
            Some(Target::Web("HTTP://e.test/"))
        );
        assert_eq!(
            target("mailto:a@e.test"),
            Some(Target::Web("mailto:a@e.test"))
        );
        assert_eq!(
            target("brief-2024-03.html"),
            Some(Target::Relative("brief-2024-03.html"))
        );
        for refused in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "vbscript:x",
            "//evil.test/x",
            "\\\\host\\share",
        ] {
            assert_eq!(target(refused), None, "{refused}");
        }
    }
}
