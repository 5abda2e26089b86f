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
    // A URL is rarely longer in bytes than the limit in characters: count only then.
    if url.len() > MAX_URL_CHARS && url.chars().count() > MAX_URL_CHARS {
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
    if let Some(c) = url
        .bytes()
        .find(|b| {
            matches!(
                b,
                b'<' | b'>' | b'"' | b'\\' | b'`' | b'{' | b'}' | b'|' | b'^'
            )
        })
        .map(char::from)
    {
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
    if plainly_public(authority, &rest[authority.len()..]) {
        return Ok(());
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

/// Whether an http(s) URL's authority and remainder are in a shape every rule above accepts
/// without the full parser: a lower-case host name of dot-separated labels of letters, digits
/// and hyphens whose last label starts with a letter (so the parser cannot read it as an IP
/// address), an optional port, and a remainder of characters a URL holds as they are. Nearly
/// every source URL is; the parser, which is most of a record's validation, checks the rest.
fn plainly_public(authority: &str, remainder: &str) -> bool {
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= 65_535)
    });
    let label_ok = |label: &str| {
        !label.is_empty()
            && !label.starts_with("xn--")
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last = host.rsplit('.').next().unwrap_or("");
    let public = host.contains('.')
        && host.split('.').all(label_ok)
        && last.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && last != "localhost";
    let remainder_ok = remainder.starts_with(['/', '?', '#']) || remainder.is_empty();
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-._~/?#&=+:;,!*'()@$%".contains(&b);
    port_ok && public && remainder_ok && remainder.bytes().all(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full parser's verdict, with no fast path: what the fast path must agree with.
    fn parsed_verdict(url: &str) -> Result<(), String> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or("scheme")?;
        let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
        let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
        match parsed.host() {
            Some(url::Host::Domain(host))
                if host == authority.split(':').next().unwrap_or("")
                    && host.contains('.')
                    && !host.ends_with('.')
                    && host != "localhost" =>
            {
                Ok(())
            }
            other => Err(format!("{other:?}")),
        }
    }

    proptest::proptest! {
        /// A URL the fast path accepts is one the parser accepts, with the host as written.
        #[test]
        fn the_fast_path_accepts_only_what_the_parser_accepts(
            host in "[a-z0-9.-]{1,12}|[a-z]{1,5}\\.[a-z0-9]{1,4}|0x[0-9a-f]{1,3}\\.[0-9]{1,3}|[a-z0-9]{1,4}\\.[0-9]{1,3}",
            port in proptest::option::of("[0-9]{0,6}"),
            rest in "[-._~/?#&=+:;,!*'()@$%a-zA-Z0-9]{0,16}",
        ) {
            let authority = match &port {
                Some(p) => format!("{host}:{p}"),
                None => host.clone(),
            };
            let rest = format!("/{rest}");
            let url = format!("https://{authority}{rest}");
            if plainly_public(&authority, &rest) {
                proptest::prop_assert_eq!(parsed_verdict(&url), Ok(()), "{}", url);
                proptest::prop_assert_eq!(check_web_url(&url), Ok(()), "{}", url);
            }
        }
    }

    #[test]
    fn the_fast_path_leaves_numbers_and_odd_hosts_to_the_parser() {
        for (authority, rest) in [
            ("2130706433", "/"),
            ("1.2.3.4", "/"),
            ("a.0x7f", "/"),
            ("a.1", "/"),
            ("localhost", "/"),
            ("a.localhost", "/"),
            ("xn--fb-ija.gov", "/"),
            ("fbi.gov.", "/"),
            ("FBI.gov", "/"),
            ("fbi.gov:99999", "/"),
            ("fbi.gov", "/a b"),
            ("fbi.gov", "/a[b]"),
        ] {
            assert!(!plainly_public(authority, rest), "{authority}{rest}");
        }
        assert!(plainly_public(
            "www.fbi.gov",
            "/news/press-releases/x?y=1#z"
        ));
    }

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
