//! The one form both record readers produce: a table's keys and values with their places in the
//! file, before any rule of the record is applied.
//!
//! The fast path ([`super::plain`]) builds it straight from a plain file's lines; the full
//! reader converts toml's spanned tree to it ([`from_toml`]). Every rule about which keys a
//! record has and what their values must be is applied to this form, once, in
//! [`super::typing`], so a rule cannot hold on one path and not the other.

use std::borrow::Cow;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A value and the byte span of its text in the file (empty where the reader keeps no places:
/// the fast path's problems are never reported, so it needs none).
#[derive(Debug)]
pub(crate) struct Item<'t> {
    pub value: Value<'t>,
    pub span: Range<usize>,
}

#[derive(Debug)]
pub(crate) enum Value<'t> {
    String(Cow<'t, str>),
    /// Its value when it fits TOML's integers (`i64`), and its digits for messages.
    Integer {
        value: Option<i64>,
        text: &'t str,
    },
    Datetime(toml::value::Datetime),
    Array(Vec<Item<'t>>),
    /// Boxed: tables are few, and every other value is kept small by it.
    Table(Box<Table<'t>>),
    /// Any other TOML type, by its name: a float, a boolean, or a container nested deeper than
    /// any field of a record or benchmark reaches (whose contents no rule reads).
    Other(&'static str),
}

impl Value<'_> {
    /// The TOML name of the value's type, for "expected …, found a …" messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Integer { .. } => "integer",
            Value::Datetime(_) => "datetime",
            Value::Array(_) => "array",
            Value::Table(_) => "table",
            Value::Other(name) => name,
        }
    }
}

/// A table's entries in the order read, with the span of the table (where a missing key is
/// reported) and, for an element of an array of tables, that array's key and the element's
/// index (which name its fields: `sources[1].url`).
#[derive(Debug, Default)]
pub(crate) struct Table<'t> {
    /// Each key and its value, the value `None` once taken.
    pub entries: Vec<(Key<'t>, Option<Item<'t>>)>,
    pub span: Range<usize>,
    pub path: Option<(&'static str, usize)>,
    /// Where the next key is looked for first: the typing step takes keys in the order
    /// records write them, so each is usually found at once.
    next: usize,
}

#[derive(Debug)]
pub(crate) struct Key<'t> {
    pub name: &'t str,
    pub span: Range<usize>,
}

impl<'t> Table<'t> {
    /// An empty table with room for `keys` keys.
    pub fn with_capacity(keys: usize) -> Self {
        Table {
            entries: Vec::with_capacity(keys),
            ..Table::default()
        }
    }

    /// Takes `key`'s value out of the table: what is left once every known key has been taken
    /// are the unknown keys.
    pub fn take(&mut self, key: &str) -> Option<Item<'t>> {
        let n = self.entries.len();
        let start = self.next.min(n);
        let at = (start..n).chain(0..start).find(|&i| {
            let (k, v) = &self.entries[i];
            v.is_some() && k.name == key
        })?;
        self.next = at + 1;
        self.entries[at].1.take()
    }

    /// The keys not taken: once every known key has been, the unknown ones.
    pub fn left(&self) -> impl Iterator<Item = &Key<'t>> {
        self.entries
            .iter()
            .filter(|(_, v)| v.is_some())
            .map(|(k, _)| k)
    }
}

/// Containers are converted to this depth: the root's arrays of tables, their tables, and the
/// arrays those hold. Anything deeper is the wrong type for every field, which its type name
/// alone is enough to say; converting no deeper also bounds the recursion on hostile nesting.
const DEEPEST: usize = 3;

/// A parsed TOML document (or part of one, whose spans start at `offset` in the file) as the
/// one form.
pub(crate) fn from_toml<'t>(root: &'t DeTable<'_>, offset: usize) -> Table<'t> {
    table(root, 0..0, None, offset, 0)
}

fn table<'t>(
    t: &'t DeTable<'_>,
    span: Range<usize>,
    path: Option<(&'static str, usize)>,
    offset: usize,
    depth: usize,
) -> Table<'t> {
    Table {
        entries: t
            .iter()
            .map(|(key, value)| {
                let key = Key {
                    name: key.get_ref().as_ref(),
                    span: shift(key.span(), offset),
                };
                (key, Some(item(value, offset, depth + 1)))
            })
            .collect(),
        span,
        path,
        next: 0,
    }
}

fn item<'t>(value: &'t Spanned<DeValue<'_>>, offset: usize, depth: usize) -> Item<'t> {
    let span = shift(value.span(), offset);
    let value = match value.get_ref() {
        DeValue::String(s) => Value::String(Cow::Borrowed(s)),
        DeValue::Integer(integer) => Value::Integer {
            value: i64::from_str_radix(integer.as_str(), integer.radix()).ok(),
            text: integer.as_str(),
        },
        DeValue::Datetime(datetime) => Value::Datetime(*datetime),
        DeValue::Array(items) if depth < DEEPEST => Value::Array(
            items
                .iter()
                .map(|item| self::item(item, offset, depth + 1))
                .collect(),
        ),
        // A table's own path is given when it is read as an element of an array of tables.
        DeValue::Table(t) if depth < DEEPEST => {
            Value::Table(Box::new(table(t, span.clone(), None, offset, depth)))
        }
        other => Value::Other(other.type_str()),
    };
    Item { value, span }
}

fn shift(span: Range<usize>, offset: usize) -> Range<usize> {
    span.start + offset..span.end + offset
}
