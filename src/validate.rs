//! The contract's rules beyond types: dates in range, URLs, non-empty text, unique ids.

use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::Incident;
use crate::load::record::{read_record_bytes, span_of};
use chrono::NaiveDate;
use std::path::Path;

/// The first day a theft can have happened: the Bitcoin genesis block.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2009, 1, 3) {
    Some(d) => d,
    None => panic!("valid constant date"),
};

/// Reads one file and applies every per-record rule. The record is returned only when it has no
/// errors, so nothing downstream ever sees an invalid record.
pub fn check_file(
    path: &Path,
    bytes: &[u8],
    id: &str,
    today: NaiveDate,
) -> (Option<Incident>, Vec<Diagnostic>) {
    let mut read = read_record_bytes(path, bytes, id);
    let violations = read
        .incident
        .as_ref()
        .map(|i| rule_violations(i, today))
        .unwrap_or_default();
    if !violations.is_empty() {
        // The bytes were valid UTF-8, or there would be no record.
        let text = String::from_utf8_lossy(bytes);
        let file = SourceText::new(path, &text);
        read.diagnostics
            .extend(violations.into_iter().map(|v| v.locate(&file)));
    }
    Diagnostic::sort(&mut read.diagnostics);
    let incident = if read.diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        read.incident
    };
    (incident, read.diagnostics)
}

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

    fn locate(self, file: &SourceText<'_>) -> Diagnostic {
        let diagnostic = match span_of(file.text, &self.field) {
            Some(span) => Diagnostic::at(file, span, Some(self.field), self.message),
            None => Diagnostic {
                field: Some(self.field),
                ..Diagnostic::for_file(file.path, self.message)
            },
        };
        if self.warning {
            diagnostic.warning()
        } else {
            diagnostic
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
    non_empty(&mut out, "victim", &incident.victim);
    non_empty(&mut out, "summary", &incident.summary);
    if let Some(country) = &incident.country
        && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        out.push(Violation::error("country", format!("`{country}` is not an ISO 3166-1 alpha-2 code; use two capital letters, like \"JP\"")));
    }
    for (i, chain) in incident.chains.iter().enumerate() {
        if chain.is_empty() || chain.chars().any(|c| c.is_uppercase() || c.is_whitespace()) {
            out.push(Violation::error(
                format!("chains[{i}]"),
                format!("`{chain}`: chain names are lower-case words, like \"ethereum\""),
            ));
        }
    }
    for (i, step) in incident.laundering.iter().enumerate() {
        non_empty(&mut out, &format!("laundering[{i}].service"), &step.service);
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
        non_empty(&mut out, &format!("sources[{i}].name"), &source.name);
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
    }
    let stem_date = incident
        .id
        .get(..10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    if stem_date != Some(theft) {
        out.push(Violation {
            field: "date".into(),
            message: format!(
                "the file name should start with the theft's date: {theft}-<victim>.toml"
            ),
            warning: true,
        });
    }
    out
}

fn non_empty(out: &mut Vec<Violation>, field: &str, text: &str) {
    if text.trim().is_empty() {
        out.push(Violation::error(field, "must not be empty"));
    }
}

/// Checks that a URL is an absolute http(s) address with a plausible host.
pub fn check_web_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`{url}` is not an http(s) URL; it must start with https:// or http://")
        })?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{url}` contains spaces or control characters; percent-encode them"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err(format!("`{url}` has an invalid port")),
        None => host_port,
    };
    // A trailing dot is a fully qualified host name, and valid.
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !labels_ok {
        return Err(format!("`{url}` has no valid host name"));
    }
    Ok(())
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
                    "duplicate id `{id}`: {} has the same file name; rename one of them",
                    first_path.display()
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
        assert_eq!(check_web_url("http://localhost:8080/a"), Ok(()));
        assert!(check_web_url("ftp://x.org/").is_err());
        assert!(check_web_url("https://").is_err());
        assert!(check_web_url("https://exa mple.org/").is_err());
        assert!(check_web_url("https://a..b/").is_err());
        assert!(check_web_url("www.fbi.gov").is_err());
        assert_eq!(
            check_web_url("https://economictimes.indiatimes.com./tech/x.cms"),
            Ok(())
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
