//! What a public web address may be, wherever one is written: a record's source, a benchmark's
//! page, a link in a template. Below the loaders and the renderers, which all apply it.

/// The longest source URL accepted: far beyond any real article's address.
pub const MAX_URL_CHARS: usize = 2_000;

/// Checks that a source URL is a plain http(s) address a reviewer can read at a glance: the host
/// shown is the host visited. Parsed with the WHATWG parser browsers use (the `url` crate), so
/// what we check is what a browser would open.
pub fn check_web_url(url: &str) -> Result<(), String> {
    // Formatted only for a message: most URLs are valid.
    let shown = || crate::text::echo(url);
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "`{}` is longer than {MAX_URL_CHARS} characters; link the page itself",
            shown()
        ));
    }
    if let Some(problem) = crate::text::problem_in(url, crate::text::TextKind::Line) {
        return Err(format!("`{}` {problem}", shown()));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{}` contains spaces; percent-encode them (%20)",
            shown()
        ));
    }
    // RFC 3986 allows these only percent-encoded; unencoded, they can end a Markdown autolink
    // or an HTML attribute early, so a URL holding one could smuggle text after itself.
    if let Some(c) = url.chars().find(|c| "<>\"\\`{}|^".contains(*c)) {
        return Err(format!(
            "`{}` contains `{c}`, which must be percent-encoded in a URL (as %{:02X})",
            shown(),
            u32::from(c)
        ));
    }
    // Browsers read `HTTPS://` as https too, but nobody writes it: require the plain spelling so
    // that the scheme a reviewer reads is the one checked.
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(format!(
            "`{}` is not an http(s) URL; it must start with https:// or http://",
            shown()
        ));
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!(
            "`{}` has a user name before `@`: the page is on the host after it, not the one a reader sees first; link the real address",
            shown()
        ));
    }
    if !authority.is_ascii() {
        return Err(format!(
            "`{}` has a host name with non-ASCII characters, which can imitate another site's name; use the address as the publisher writes it in ASCII",
            shown()
        ));
    }
    let parsed =
        url::Url::parse(url).map_err(|e| format!("`{}` is not a valid URL: {e}", shown()))?;
    let host = match parsed.host() {
        Some(url::Host::Domain(host)) => host,
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => {
            return Err(format!(
                "`{}` points at an IP address; link the publisher's page by its host name",
                shown()
            ));
        }
        None => return Err(format!("`{}` has no host name", shown())),
    };
    if host.ends_with('.') {
        return Err(format!(
            "`{}` has a trailing dot after its host name; remove it",
            shown()
        ));
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !host.split('.').all(label_ok) {
        return Err(format!("`{}` has no valid host name", shown()));
    }
    if !host.contains('.') || host == "localhost" || host.ends_with(".localhost") {
        return Err(format!(
            "`{}` has no public host name (`{}`); link a page on the public web",
            shown(),
            crate::text::echo(host)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls() {
        assert_eq!(
            check_web_url("https://www.fbi.gov/news/press-releases/x?y=1#z"),
            Ok(())
        );
        assert_eq!(check_web_url("http://example.org:8080/a?b=c%20d"), Ok(()));
        let rejected = |url: &str, why: &str| {
            let message = check_web_url(url).expect_err(url);
            assert!(message.contains(why), "{url}: {message}");
        };
        rejected("https://www.fbi.gov@evil.example/", "user name");
        rejected("https://user:pw@fbi.gov/", "user name");
        rejected("https://@fbi.gov/", "user name");
        rejected("ftp://x.org/", "not an http(s) URL");
        rejected("javascript:alert(1)", "not an http(s) URL");
        rejected("HTTPS://fbi.gov/", "not an http(s) URL");
        rejected("https://", "not a valid URL");
        rejected("https://exa mple.org/", "spaces");
        rejected("https://a..b/", "no valid host name");
        rejected("www.fbi.gov", "not an http(s) URL");
        rejected("http://localhost:8080/a", "no public host name");
        rejected("https://intranet/x", "no public host name");
        rejected("https://127.0.0.1/", "IP address");
        rejected("https://2130706433/", "IP address");
        rejected("https://[::1]/", "IP address");
        rejected("https://fbі.gov/", "non-ASCII");
        rejected("https://fbi.gov/\u{202E}fdp.exe", "bidirectional");
        rejected("https://fbi.gov/\u{1b}[2J", "control character");
        rejected("https://fbi.gov/a>b", "percent-encoded");
        rejected("https://fbi.gov/a\"onclick=x", "percent-encoded");
        rejected(
            "https://economictimes.indiatimes.com./tech/x.cms",
            "trailing dot",
        );
        rejected(
            &format!("https://fbi.gov/{}", "a".repeat(MAX_URL_CHARS)),
            "longer than",
        );
    }
}
