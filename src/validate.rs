//! The contract's rules beyond types: dates in range, URLs, text, unique ids. Pure: rules take
//! records and give violations by field path; loading places them in the file.

use crate::diagnostic::Diagnostic;
use crate::incident::{Incident, Previous, Source};
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
        if let Err(problem) = crate::web_url::check_web_url(&source.url) {
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
    revisions(&mut out, incident, today);
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

/// The revision trail: each entry gives a value the field no longer holds, on a day that has
/// come, for a reason a reader can be shown.
fn revisions(out: &mut Vec<Violation>, incident: &Incident, today: NaiveDate) {
    for (i, revision) in incident.revisions.iter().enumerate() {
        if revision.date > today {
            out.push(Violation::error(
                format!("revisions[{i}].date"),
                format!("{} is in the future (today is {today})", revision.date),
            ));
        }
        let previous_is_text = match &revision.previous {
            Previous::Victim(victim) => {
                text(out, || format!("revisions[{i}].previous"), victim, Line)
            }
            _ => true,
        };
        if previous_is_text && revision.previous == revision.previous.current(incident) {
            out.push(Violation::error(
                format!("revisions[{i}].previous"),
                format!(
                    "is the record's current `{}`; `previous` is the value it held before this correction",
                    revision.previous.field()
                ),
            ));
        }
        text(
            out,
            || format!("revisions[{i}].reason"),
            &revision.reason,
            Line,
        );
    }
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
    out.extend(anchor_collisions(&sorted));
    out
}

/// Different ids whose links would land in one place. Anchors are the ids themselves, made
/// injective (`text::anchor`), so two ids never share one exactly; but links are also
/// matched without regard to case (some Markdown renderers and PDF viewers, and a checkout on
/// a case-insensitive file system holds `…-ACM.toml` and `…-acm.toml` as one file), so ids
/// that differ only in case are refused too. `records` are sorted by id.
fn anchor_collisions(records: &[(&str, &Path)]) -> Vec<Diagnostic> {
    let mut by_key: std::collections::BTreeMap<String, (&str, &Path)> =
        std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for &(id, path) in records {
        let key = crate::text::anchor("rec", id).to_ascii_lowercase();
        match by_key.get(&key) {
            Some(&(other, other_path)) if other != id => {
                let message = format!(
                    "id `{}` would share its link anchor with `{}` ({}): anchors are matched without regard to case; rename one of them",
                    echo(id),
                    echo(other),
                    shown(other_path)
                );
                out.push(Diagnostic {
                    field: Some("id".into()),
                    ..Diagnostic::for_file(path, message)
                });
            }
            Some(_) => {}
            None => {
                by_key.insert(key, (id, path));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
