//! The one typing step: a table in the [`raw`](super::raw) form both readers produce, to a typed
//! record, holding every rule about required fields, unknown keys, types, vocabularies and
//! amounts.
//!
//! Problems go to a [`Report`]: the full reader's places each one in its file; the fast path's
//! only notes that there was one, and hands the file to the full reader, so messages always
//! carry a line and column. Rules on what a value says rather than what it is (dates in the
//! future, URLs, text) are [`crate::validate`]'s, applied to the typed record.

use super::raw::{Item, Table, Value};
use crate::incident::{
    Incident, Keyword, LaunderingStep, Previous, RevisedField, Revision, Source, Usd,
};
use chrono::NaiveDate;
use std::ops::Range;

pub const RECORD_FIELDS: &[&str] = &[
    "date",
    "victim",
    "aliases",
    "victim_kind",
    "country",
    "chains",
    "vector",
    "amount_usd",
    "attribution",
    "attribution_note",
    "actor",
    "summary",
    "tags",
    "laundering",
    "sources",
    "revisions",
];
pub const REVISION_FIELDS: &[&str] = &["date", "field", "previous", "reason"];
pub const LAUNDERING_FIELDS: &[&str] = &["date", "method", "service", "amount_usd"];
pub const SOURCE_FIELDS: &[&str] = &[
    "name",
    "url",
    "published",
    "amount_usd",
    "quote",
    "accessed",
];

/// Where a record's `[[laundering]]` and `[[sources]]` tables are.
pub(crate) enum Arrays {
    /// In the root table, as a file parsed whole gives them.
    InRoot,
    /// Read apart from the root, one section at a time, and each typed as it was read (so that
    /// a file of a million sources never holds them all untyped): `None` where one failed.
    Typed {
        laundering: Option<Vec<LaunderingStep>>,
        sources: Option<Vec<Source>>,
        revisions: Option<Vec<Revision>>,
    },
}

/// The record in `t`, whose id is `id`; `None` when a rule failed (and was reported).
pub(crate) fn incident<R: Report>(
    r: &mut R,
    mut t: Table<'_>,
    id: &str,
    arrays: Arrays,
) -> Option<Incident> {
    let date = r.required(&mut t, "date", R::date);
    let victim = r.required(&mut t, "victim", R::string);
    let aliases = r.optional(&mut t, "aliases", R::strings);
    let victim_kind = r.required(&mut t, "victim_kind", R::keyword);
    let country = r.optional(&mut t, "country", R::string);
    let chains = r.optional(&mut t, "chains", R::strings);
    let vector = r.required(&mut t, "vector", R::keyword);
    let amount_usd = r.required(&mut t, "amount_usd", R::usd);
    let attribution = r.required(&mut t, "attribution", R::keyword);
    let attribution_note = r.optional(&mut t, "attribution_note", R::string);
    let actor = r.optional(&mut t, "actor", R::string);
    let summary = r.required(&mut t, "summary", R::string);
    let tags = r.optional(&mut t, "tags", R::strings);
    let (laundering, sources, revisions) = match arrays {
        Arrays::InRoot => (
            r.optional(&mut t, "laundering", |r, v, field| {
                r.tables(v, field, laundering_step)
            }),
            r.required(&mut t, "sources", |r, v, field| r.tables(v, field, source)),
            r.optional(&mut t, "revisions", |r, v, field| {
                r.tables(v, field, revision)
            }),
        ),
        Arrays::Typed {
            laundering,
            sources,
            revisions,
        } => {
            // A reader that finds the arrays apart leaves a root that also names them to the
            // full reader; were one to get here, it is a problem, never a value dropped.
            for key in ["laundering", "sources", "revisions"] {
                if let Some(value) = t.take(key) {
                    r.problem(value.span, Field::of(&t, key), || {
                        format!(
                            "`{key}` is written in the record's table and as [[{key}]] sections"
                        )
                    });
                }
            }
            let sources = match sources {
                Some(list) if list.is_empty() => {
                    r.missing(&t, "sources");
                    None
                }
                sources => sources,
            };
            (laundering.map(Some), sources, revisions.map(Some))
        }
    };
    r.reject_unknown_keys(&t, RECORD_FIELDS);
    Some(Incident {
        id: id.to_owned(),
        date: date?,
        victim: victim?,
        aliases: aliases?.unwrap_or_default(),
        victim_kind: victim_kind?,
        country: country?,
        chains: chains?.unwrap_or_default(),
        vector: vector?,
        amount_usd: amount_usd?,
        attribution: attribution?,
        attribution_note: attribution_note?,
        actor: actor?,
        summary: summary?,
        tags: tags?.unwrap_or_default(),
        laundering: laundering?.unwrap_or_default(),
        sources: sources?,
        revisions: revisions?.unwrap_or_default(),
    })
}

/// One `[[revisions]]` table: `previous` is typed as the field `field` names.
pub(crate) fn revision<R: Report>(r: &mut R, mut t: Table<'_>) -> Option<Revision> {
    let date = r.required(&mut t, "date", R::date);
    let field: Option<RevisedField> = r.required(&mut t, "field", R::keyword);
    let previous = r.required(&mut t, "previous", |r, value, name| match field? {
        RevisedField::Date => r.date(value, name).map(Previous::Date),
        RevisedField::Victim => r.string(value, name).map(Previous::Victim),
        RevisedField::AmountUsd => r.usd(value, name).map(Previous::AmountUsd),
        RevisedField::Attribution => r.keyword(value, name).map(Previous::Attribution),
    });
    let reason = r.required(&mut t, "reason", R::string);
    r.reject_unknown_keys(&t, REVISION_FIELDS);
    Some(Revision {
        date: date?,
        previous: previous?,
        reason: reason?,
    })
}

/// One `[[laundering]]` table.
pub(crate) fn laundering_step<R: Report>(r: &mut R, mut t: Table<'_>) -> Option<LaunderingStep> {
    let date = r.optional(&mut t, "date", R::date);
    let method = r.required(&mut t, "method", R::keyword);
    let service = r.required(&mut t, "service", R::string);
    let amount_usd = r.optional(&mut t, "amount_usd", R::usd);
    r.reject_unknown_keys(&t, LAUNDERING_FIELDS);
    Some(LaunderingStep {
        date: date?,
        method: method?,
        service: service?,
        amount_usd: amount_usd?,
    })
}

/// One `[[sources]]` table.
pub(crate) fn source<R: Report>(r: &mut R, mut t: Table<'_>) -> Option<Source> {
    let name = r.required(&mut t, "name", R::string);
    let url = r.required(&mut t, "url", R::string);
    let published = r.optional(&mut t, "published", R::date);
    let amount_usd = r.optional(&mut t, "amount_usd", R::usd);
    let quote = r.optional(&mut t, "quote", R::string);
    let accessed = r.optional(&mut t, "accessed", R::date);
    r.reject_unknown_keys(&t, SOURCE_FIELDS);
    Some(Source {
        name: super::publisher_name(&name?),
        url: url?,
        published: published?,
        amount_usd: amount_usd?,
        quote: quote?,
        accessed: accessed?,
    })
}

/// A field's path, formatted only when a problem is described: typing stays allocation-free.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field<'p> {
    /// The array of tables and the index of the table the key is in (`sources[1].`).
    table: Option<(&'static str, usize)>,
    key: &'p str,
    /// The element of the key's array (`aliases[2]`).
    index: Option<usize>,
}

impl<'p> Field<'p> {
    pub(crate) fn of(t: &Table<'_>, key: &'p str) -> Self {
        Field {
            table: t.path,
            key,
            index: None,
        }
    }

    pub(crate) fn name(self) -> String {
        self.to_string()
    }

    fn element(self, index: usize) -> Self {
        Field {
            index: Some(index),
            ..self
        }
    }
}

impl std::fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some((array, index)) = self.table {
            write!(f, "{array}[{index}].")?;
        }
        f.write_str(self.key)?;
        match self.index {
            Some(i) => write!(f, "[{i}]"),
            None => Ok(()),
        }
    }
}

/// Where typing sends the problems it finds; the typing rules are its provided methods, so
/// every reader of a record or benchmark applies the same ones.
pub(crate) trait Report: Sized {
    /// A problem with the value at `span`; `message` is called only by a report that
    /// describes problems.
    fn problem(&mut self, span: Range<usize>, field: Field<'_>, message: impl FnOnce() -> String);

    /// Reports every key left in `t` once the known ones were taken.
    fn reject_unknown_keys(&mut self, t: &Table<'_>, known: &[&str]) {
        for key in t.left() {
            let name = key.name;
            self.problem(key.span.clone(), Field::of(t, name), || {
                let hint = match closest(name, known) {
                    Some(candidate) => format!("did you mean `{candidate}`?"),
                    None => format!("expected one of: {}", known.join(", ")),
                };
                format!("unknown field `{}`; {hint}", crate::text::echo(name))
            });
        }
    }

    /// Reports `key` missing from `t`, at the start of the table.
    fn missing(&mut self, t: &Table<'_>, key: &str) {
        let span = t.span.start..t.span.start;
        self.problem(span, Field::of(t, key), || {
            let place = match t.path {
                None => "the record".to_owned(),
                Some((array, _)) => format!("this [[{array}]] table"),
            };
            format!("missing required field `{key}` in {place}")
        });
    }

    /// Takes and reads a required field: `None` (reported) when missing or wrong.
    fn required<'t, T>(
        &mut self,
        t: &mut Table<'t>,
        key: &'static str,
        read: impl FnOnce(&mut Self, Item<'t>, Field<'static>) -> Option<T>,
    ) -> Option<T> {
        match t.take(key) {
            Some(value) => read(self, value, Field::of(t, key)),
            None => {
                self.missing(t, key);
                None
            }
        }
    }

    /// Takes and reads an optional field: `Some(None)` when absent, `None` when wrong.
    fn optional<'t, T>(
        &mut self,
        t: &mut Table<'t>,
        key: &'static str,
        read: impl FnOnce(&mut Self, Item<'t>, Field<'static>) -> Option<T>,
    ) -> Option<Option<T>> {
        match t.take(key) {
            Some(value) => read(self, value, Field::of(t, key)).map(Some),
            None => Some(None),
        }
    }

    fn wrong_type(&mut self, value: &Item<'_>, field: Field<'_>, expected: &str) {
        let found = value.value.type_name();
        self.problem(value.span.clone(), field, || {
            format!("expected {expected}, found {}", article(found))
        });
    }

    fn string(&mut self, value: Item<'_>, field: Field<'_>) -> Option<String> {
        match value.value {
            Value::String(s) => Some(s.into_owned()),
            _ => {
                self.wrong_type(&value, field, "a string");
                None
            }
        }
    }

    /// Reports a character `kind` text may not hold; true when there is none.
    fn readable(
        &mut self,
        span: Range<usize>,
        field: Field<'_>,
        text: &str,
        kind: crate::text::TextKind,
    ) -> bool {
        match crate::text::problem_in(text, kind) {
            Some(problem) => {
                self.problem(span, field, || problem);
                false
            }
            None => true,
        }
    }

    fn strings(&mut self, value: Item<'_>, field: Field<'_>) -> Option<Vec<String>> {
        let Value::Array(items) = value.value else {
            self.wrong_type(&value, field, "an array of strings");
            return None;
        };
        let mut read = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.into_iter().enumerate() {
            match (self.string(item, field.element(i)), read.as_mut()) {
                (Some(s), Some(list)) => list.push(s),
                _ => read = None,
            }
        }
        read
    }

    fn date(&mut self, value: Item<'_>, field: Field<'_>) -> Option<NaiveDate> {
        let example = "a TOML date without quotes, like 2024-05-31";
        match &value.value {
            Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => {
                    let date = NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    );
                    if date.is_none() {
                        self.problem(value.span, field, || {
                            format!("{dt} is not a day of the calendar")
                        });
                    }
                    date
                }
                _ => {
                    self.problem(value.span.clone(), field, || {
                        format!("expected a date without a time, like 2024-05-31, found `{dt}`")
                    });
                    None
                }
            },
            Value::String(s) if looks_like_date(s) => {
                self.problem(value.span.clone(), field, || {
                    format!("expected {example}, found the string \"{s}\"; remove the quotes")
                });
                None
            }
            _ => {
                self.wrong_type(&value, field, example);
                None
            }
        }
    }

    /// An amount of US dollars: an integer greater than 0.
    fn usd(&mut self, value: Item<'_>, field: Field<'_>) -> Option<Usd> {
        self.positive_integer(
            value,
            field,
            "an integer number of US dollars",
            " (whole dollars, like 305_000_000)",
        )
        .map(Usd)
    }

    /// A TOML integer greater than 0; `what` and `hint` phrase the expected type (the hint only
    /// for a value that looks like a number written another way).
    fn positive_integer(
        &mut self,
        value: Item<'_>,
        field: Field<'_>,
        what: &str,
        hint: &str,
    ) -> Option<u64> {
        let Value::Integer {
            value: number,
            text,
        } = &value.value
        else {
            let hint = match value.value {
                Value::String(_) | Value::Other("float") => hint,
                _ => "",
            };
            self.wrong_type(&value, field, &format!("{what}{hint}"));
            return None;
        };
        match number {
            Some(amount) if *amount > 0 => u64::try_from(*amount).ok(),
            Some(_) => {
                self.problem(value.span, field, || "must be greater than 0".to_owned());
                None
            }
            None => {
                self.problem(value.span.clone(), field, || {
                    format!(
                        "{text} is too large for a TOML integer (the largest is {})",
                        i64::MAX
                    )
                });
                None
            }
        }
    }

    fn keyword<K: Keyword>(&mut self, value: Item<'_>, field: Field<'_>) -> Option<K> {
        let names = || K::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>();
        let Value::String(text) = &value.value else {
            let expected = format!("a string, one of {}", names().join(", "));
            self.wrong_type(&value, field, &expected);
            return None;
        };
        if let Some(keyword) = K::parse(text) {
            return Some(keyword);
        }
        self.problem(value.span.clone(), field, || {
            let names = names();
            let hint = closest(text, &names)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            format!(
                "unknown value `{}`; expected one of {}{hint}",
                crate::text::echo(text),
                names.join(", ")
            )
        });
        None
    }

    /// Reads an array of tables (`[[sources]]`), each element with `read`.
    fn tables<T>(
        &mut self,
        value: Item<'_>,
        field: Field<'static>,
        read: impl Fn(&mut Self, Table<'_>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let expected = || format!("an array of tables, written as [[{field}]] sections");
        let Value::Array(items) = value.value else {
            self.wrong_type(&value, field, &expected());
            return None;
        };
        let mut out = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.into_iter().enumerate() {
            let Value::Table(table) = item.value else {
                self.wrong_type(&item, field.element(i), &expected());
                out = None;
                continue;
            };
            let mut table = *table;
            table.path = Some((field.key, i));
            match (read(self, table), out.as_mut()) {
                (Some(v), Some(list)) => list.push(v),
                _ => out = None,
            }
        }
        out
    }
}

/// A report that only notes whether there was a problem: the fast path's.
#[derive(Default)]
pub(crate) struct AnyProblem(pub bool);

impl Report for AnyProblem {
    fn problem(&mut self, _: Range<usize>, _: Field<'_>, _: impl FnOnce() -> String) {
        self.0 = true;
    }
}

fn looks_like_date(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn article(type_name: &str) -> String {
    let vowel = type_name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {type_name}", if vowel { "an" } else { "a" })
}

/// The known name closest to a misspelt one, when it is close enough to be a likely typo.
pub fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    // Edit distance costs the product of the lengths; a name this long is no typo of a field.
    if name.len() > 64 {
        return None;
    }
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(distance, k)| *distance <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}
