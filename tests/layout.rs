//! The source tree's shape: no two modules import each other, so dependencies run one way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `render/view.rs` as `render::view`, `render/mod.rs` as `render`.
fn module(src: &Path, file: &Path) -> String {
    let relative = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a file's code (not its comments or unit tests) names by `crate::` or `super::`.
fn imports(text: &str, own: &str, is_mod_rs: bool, known: &BTreeSet<String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let parent = if is_mod_rs {
        own.to_owned()
    } else {
        own.rsplit_once("::")
            .map_or(String::new(), |(p, _)| p.to_owned())
    };
    let mut found = BTreeSet::new();
    for (prefix, base) in [("crate::", String::new()), ("super::", parent)] {
        for (at, _) in code.match_indices(prefix) {
            let path: String = code[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            // The longest prefix of the path that is a module.
            let named = (1..=parts.len()).rev().find_map(|n| {
                let name = parts[..n].join("::");
                let full = if base.is_empty() {
                    name
                } else {
                    format!("{base}::{name}")
                };
                known.contains(&full).then_some(full)
            });
            found.extend(named.filter(|m| m != own));
        }
    }
    found
}

#[test]
fn no_two_modules_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let known: BTreeSet<String> = files.iter().map(|f| module(&src, f)).collect();
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|f| {
            let own = module(&src, f);
            let text = std::fs::read_to_string(f).expect("source");
            let is_mod_rs = f.file_name().is_some_and(|n| n == "mod.rs");
            let found = imports(&text, &own, is_mod_rs, &known);
            (own, found)
        })
        .collect();
    assert!(graph.len() > 40 && graph["render::view"].contains("render::charts"));
    let mutual: Vec<(&String, &String)> = graph
        .iter()
        .flat_map(|(a, targets)| targets.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && graph.get(*b).is_some_and(|t| t.contains(*a)))
        .collect();
    assert!(
        mutual.is_empty(),
        "modules that import each other: {mutual:?}"
    );
}
