//! The shipped schema is exactly what `heistbrief schema` prints, and every bundled record uses it.

mod common;
use common::{heistbrief, repo_root};

#[test]
fn shipped_schema_matches_the_command() {
    let run = heistbrief(&repo_root(), &["schema"]);
    assert_eq!(run.code, 0);
    let shipped = std::fs::read_to_string(repo_root().join("schema/incident.schema.json"))
        .expect("schema file");
    assert_eq!(
        shipped, run.stdout,
        "regenerate with: cargo run -- schema > schema/incident.schema.json"
    );
}
