//! The JSON Schema of a record, derived from the Rust types so it cannot drift from the loader.

use crate::incident::Incident;

/// The schema as pretty JSON with a trailing newline, exactly as shipped in
/// `schema/incident.schema.json`.
pub fn incident_schema_json() -> String {
    let schema = schemars::schema_for!(Incident);
    // A derived schema is plain JSON data; serialising it cannot fail.
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
