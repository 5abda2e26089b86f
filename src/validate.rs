//! The contract's rules beyond types: dates in range, URLs, text, unique ids. Pure: rules take
//! records and give violations by field path; loading places them in the file.

use crate::diagnostic::Diagnostic;
use crate::incident::{Incident, Source};
use crate::text::TextKind::{Line, Prose};
use crate::text::shown;
use crate::text::{TextKind, echo, looks_empty, problem_in};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// The first day a theft can have happened: the Bitcoin genesis block.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2009, 1, 3) {
    Some(d) => d,
    None => panic!("valid constant date"),
};

/// A broken rule, by field path, before it is given a place in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Violation {
    pub field: String,
    pub message: String,
    pub warning: bool,
}

impl Violation {
    fn error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            field: field.into(),
            message: message.into(),
            warning: false,
        }
    }

    fn warning(field: impl Into<String>, message: impl Into<String>) -> Self {
        Violation {
            warning: true,
            ..Violation::error(field, message)
        }
    }
}

/// Every rule the record breaks.
pub fn rule_violations(incident: &Incident, today: NaiveDate) -> Vec<Violation> {
    let mut out = Vec::new();
    let theft = incident.date;
    if theft > today {
        out.push(Violation::error(
            "date",
            format!("{theft} is in the future (today is {today})"),
        ));
    }
    if theft < EARLIEST_DATE {
        out.push(Violation::error(
            "date",
            format!("{theft} is before the first Bitcoin block ({EARLIEST_DATE})"),
        ));
    }
    text(&mut out, || "victim".into(), &incident.victim, Line);
    text(&mut out, || "summary".into(), &incident.summary, Prose);
    if let Some(note) = &incident.attribution_note {
        text(&mut out, || "attribution_note".into(), note, Prose);
    }
    if let Some(actor) = &incident.actor {
        text(&mut out, || "actor".into(), actor, Line);
    }
    for (i, tag) in incident.tags.iter().enumerate() {
        text(&mut out, || format!("tags[{i}]"), tag, Line);
    }
    for (i, alias) in incident.aliases.iter().enumerate() {
        let field = || format!("aliases[{i}]");
        if text(&mut out, field, alias, Line) && alias == &incident.id {
            out.push(Violation::error(
                field(),
                "is the record's own id; aliases list the ids it had before",
            ));
        }
    }
    if let Some(country) = &incident.country
        && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        out.push(Violation::error(
            "country",
            format!(
                "`{}` is not an ISO 3166-1 alpha-2 code; use two capital letters, like \"JP\"",
                echo(country)
            ),
        ));
    }
    for (i, chain) in incident.chains.iter().enumerate() {
        let field = || format!("chains[{i}]");
        if text(&mut out, field, chain, Line)
            && chain.chars().any(|c| c.is_uppercase() || c.is_whitespace())
        {
            out.push(Violation::error(
                field(),
                format!(
                    "`{}`: chain names are lower-case words, like \"ethereum\"",
                    echo(chain)
                ),
            ));
        }
    }
    for (i, step) in incident.laundering.iter().enumerate() {
        text(
            &mut out,
            || format!("laundering[{i}].service"),
            &step.service,
            Line,
        );
        if let Some(date) = step.date {
            if date < theft {
                out.push(Violation::error(
                    format!("laundering[{i}].date"),
                    format!("{date} is before the theft ({theft})"),
                ));
            }
            if date > today {
                out.push(Violation::error(
                    format!("laundering[{i}].date"),
                    format!("{date} is in the future (today is {today})"),
                ));
            }
        }
    }
    if incident.sources.is_empty() {
        out.push(Violation::error(
            "sources",
            "at least one source is required: add a [[sources]] table with name and url",
        ));
    }
    for (i, source) in incident.sources.iter().enumerate() {
        text(
            &mut out,
            || format!("sources[{i}].name"),
            &source.name,
            Line,
        );
        if let Err(problem) = check_web_url(&source.url) {
            out.push(Violation::error(format!("sources[{i}].url"), problem));
        }
        if let Some(published) = source.published
            && published < theft
        {
            out.push(Violation::error(
                format!("sources[{i}].published"),
                format!("{published} is before the theft ({theft})"),
            ));
        }
        source_trail(&mut out, i, source, today);
    }
    if incident.id.contains(char::REPLACEMENT_CHARACTER) {
        out.push(Violation::error(
            "id",
            "the file name is not valid UTF-8 (shown with �); rename it to YYYY-MM-DD-victim.toml",
        ));
    } else if let Some(problem) = problem_in(&incident.id, Line) {
        out.push(Violation::error(
            "id",
            format!("the file name {problem}; rename it to YYYY-MM-DD-victim.toml"),
        ));
    }
    let stem_date = incident
        .id
        .get(..10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    if stem_date != Some(theft) {
        out.push(Violation::error(
            "date",
            format!(
                "the file name must start with the theft's date: rename it to {theft}-<victim>.toml (keep the old name in `aliases`)"
            ),
        ));
    }
    out
}

/// The longest `quote` a source may carry: a sentence or two, not the article.
pub const MAX_QUOTE_CHARS: usize = 300;

/// The verification trail of one source: its quote and the day it was read.
fn source_trail(out: &mut Vec<Violation>, i: usize, source: &Source, today: NaiveDate) {
    match &source.quote {
        None => out.push(Violation::warning(
            format!("sources[{i}]"),
            "has no `quote`: add the sentence of the page that states what the record takes from it",
        )),
        Some(quote) => {
            let field = || format!("sources[{i}].quote");
            if text(out, field, quote, Prose) && quote.chars().nth(MAX_QUOTE_CHARS).is_some() {
                let length = quote.chars().count();
                out.push(Violation::error(
                    field(),
                    format!(
                        "is {length} characters; quote at most {MAX_QUOTE_CHARS}: the sentence that states the figure, date or attribution"
                    ),
                ));
            }
        }
    }
    if let Some(accessed) = source.accessed {
        let field = || format!("sources[{i}].accessed");
        if accessed > today {
            out.push(Violation::error(
                field(),
                format!("{accessed} is in the future (today is {today})"),
            ));
        } else if let Some(published) = source.published
            && accessed < published
        {
            out.push(Violation::error(
                field(),
                format!("{accessed} is before the page was published ({published})"),
            ));
        }
    }
}

/// Checks a text field: not empty to the eye, and no character its kind may not hold. True when
/// the text passed, so that rules about its content are only applied to readable text.
/// The field's name is formatted only when there is a problem: valid records allocate nothing.
fn text(out: &mut Vec<Violation>, field: impl Fn() -> String, value: &str, kind: TextKind) -> bool {
    if looks_empty(value) {
        let message = if value.chars().all(char::is_whitespace) {
            "must not be empty"
        } else {
            "holds only invisible characters"
        };
        out.push(Violation::error(field(), message));
        return false;
    }
    match problem_in(value, kind) {
        Some(problem) => {
            out.push(Violation::error(field(), problem));
            false
        }
        None => true,
    }
}

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

/// Aliases (earlier ids) that collide with an id or with another record's alias: an old id must
/// lead to one record only.
pub fn colliding_aliases(
    ids: &[String],
    paths: &[PathBuf],
    aliased: &[(&[String], &Path)],
) -> Vec<Diagnostic> {
    let mut owners: std::collections::BTreeMap<&str, &Path> = ids
        .iter()
        .map(String::as_str)
        .zip(paths.iter().map(PathBuf::as_path))
        .collect();
    let mut out = Vec::new();
    for (aliases, path) in aliased {
        for alias in *aliases {
            match owners.get(alias.as_str()) {
                Some(owner) => out.push(Diagnostic {
                    field: Some("aliases".into()),
                    ..Diagnostic::for_file(
                        path,
                        format!(
                            "alias `{}` is already the id or an alias of {}; an old id must lead to one record",
                            echo(alias),
                            shown(owner)
                        ),
                    )
                }),
                None => {
                    owners.insert(alias, path);
                }
            }
        }
    }
    out
}

/// Files whose stems collide: ids must be unique across the whole folder.
pub fn duplicate_ids(records: &[(&str, &Path)]) -> Vec<Diagnostic> {
    let mut sorted = records.to_vec();
    // Stable: within one id, files keep their (sorted) order, so the first one is reported as kept.
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    let mut first = sorted.first().copied();
    for &(id, path) in sorted.iter().skip(1) {
        match first {
            Some((first_id, first_path)) if first_id == id => {
                let message = format!(
                    "duplicate id `{}`: {} has the same file name; rename one of them",
                    echo(id),
                    shown(first_path)
                );
                out.push(Diagnostic {
                    field: Some("id".into()),
                    ..Diagnostic::for_file(path, message)
                });
            }
            _ => first = Some((id, path)),
        }
    }
    out
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

    #[test]
    fn duplicate_ids_name_both_files() {
        let records = [
            ("a", Path::new("i/2023/a.toml")),
            ("a", Path::new("i/2024/a.toml")),
            ("b", Path::new("i/b.toml")),
        ];
        let found = duplicate_ids(&records);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path.as_path(), Path::new("i/2024/a.toml"));
        assert!(
            found[0].message.contains("i/2023/a.toml"),
            "{}",
            found[0].message
        );
    }
}
