//! The JSON Schema of a record, derived from the Rust types so it cannot drift from the loader.

use crate::incident::Incident;
use serde_json::Value;

/// The schema as pretty JSON with a trailing newline, exactly as shipped in
/// `schema/incident.schema.json`.
pub fn incident_schema_json() -> String {
    let mut schema = schemars::schema_for!(Incident).to_value();
    drop_null(&mut schema);
    // A derived schema is plain JSON data; serialising it cannot fail.
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// TOML has no null: an optional field is left out, never written as null. schemars renders
/// `Option<T>` as "T or null", so take the null back out everywhere.
fn drop_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any_of)) = map.get("anyOf") {
                let rest: Vec<Value> = any_of
                    .iter()
                    .filter(|s| s.get("type").is_none_or(|t| t != "null"))
                    .cloned()
                    .collect();
                if let [only] = rest.as_slice() {
                    let only = only.clone();
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        map.extend(inner);
                    }
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_typed_without_null() {
        let schema: Value = serde_json::from_str(&incident_schema_json()).expect("JSON");
        assert_eq!(schema["properties"]["country"]["type"], "string");
        assert_eq!(
            schema["$defs"]["Source"]["properties"]["amount_usd"]["$ref"],
            "#/$defs/Usd"
        );
        assert!(!incident_schema_json().contains("\"null\""));
        let required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            required,
            [
                "date",
                "victim",
                "victim_kind",
                "vector",
                "amount_usd",
                "attribution",
                "summary",
                "sources"
            ]
        );
        assert_eq!(schema["additionalProperties"], false);
    }
}
