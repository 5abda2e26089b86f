//! Records as a brief names them, for the view and the charts alike: found by id, linked by
//! anchor, and the largest few named where a figure rests on many.

use super::words;
use crate::incident::Incident;
use crate::text::one_line;
use serde::Serialize;
use std::collections::HashMap;

/// A link to a record cited in the brief: its victim and its anchor.
#[derive(Clone, Debug, Serialize)]
pub struct RecordLink {
    pub id: String,
    pub victim: String,
    pub anchor: String,
    pub date: String,
}

/// A record as a figure names it: its victim on one line, its anchor and its date.
pub fn link(incident: &Incident) -> RecordLink {
    RecordLink {
        id: incident.id.clone(),
        victim: one_line(&incident.victim),
        anchor: anchor(&incident.id),
        date: words::date(incident.date),
    }
}

/// The HTML anchor of a record: `rec-` and its id for every plain id, and different for
/// different ids ([`crate::text::anchor`]), so every link lands on its own record.
pub fn anchor(id: &str) -> String {
    crate::text::anchor("rec", id)
}

/// How many records a figure or a chart row names: the largest, so that a brief over a large
/// data set stays a brief (and lists the rest by count).
pub const NAMED: usize = 12;

/// The [`NAMED`] largest of `records` as links in date order, and how many are left unnamed.
pub fn named(mut records: Vec<&Incident>) -> (Vec<RecordLink>, usize) {
    let more = records.len().saturating_sub(NAMED);
    if more > 0 {
        records.sort_by(|a, b| Incident::largest_first(a, b));
        records.truncate(NAMED);
    }
    records.sort_by(|a, b| Incident::chronological(a, b));
    (records.into_iter().map(link).collect(), more)
}

/// Records by id, for the few a brief cites by id (the figures hand over the records behind
/// each number themselves). Loading hands records over sorted by id, and then an id is found
/// by binary search: building a map of 100 000 ids cost a tenth of a year brief's view. Records
/// in any other order get a map.
pub enum ById<'a> {
    Sorted(&'a [Incident]),
    Map(HashMap<&'a str, &'a Incident>),
}

impl<'a> ById<'a> {
    pub fn new(incidents: &'a [Incident]) -> Self {
        if incidents.is_sorted_by(|a, b| a.id < b.id) {
            ById::Sorted(incidents)
        } else {
            ById::Map(incidents.iter().map(|i| (i.id.as_str(), i)).collect())
        }
    }

    pub fn get(&self, id: &str) -> Option<&'a Incident> {
        match self {
            ById::Sorted(incidents) => incidents
                .binary_search_by(|i| i.id.as_str().cmp(id))
                .ok()
                .and_then(|at| incidents.get(at)),
            ById::Map(map) => map.get(id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_records_in_either_order() {
        let record = |id: &str| crate::incident::test_incident(id, "2024-01-01", 1);
        let sorted = [record("a"), record("b"), record("c")];
        let shuffled = [record("c"), record("a"), record("b")];
        for records in [&sorted[..], &shuffled[..]] {
            let by_id = ById::new(records);
            assert_eq!(by_id.get("b").map(|i| i.id.as_str()), Some("b"));
            assert_eq!(by_id.get("d").map(|i| i.id.as_str()), None);
        }
        assert!(matches!(ById::new(&sorted), ById::Sorted(_)));
        assert!(matches!(ById::new(&shuffled), ById::Map(_)));
    }
}
