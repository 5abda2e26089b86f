//! Finding records by id, for the view and the charts that name them.

use crate::incident::Incident;
use std::collections::HashMap;

/// Records by id. Loading hands records over sorted by id, and then an id is found by binary
/// search: building a map of 100 000 ids cost a tenth of a year brief's view. Records in any
/// other order get a map.
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
