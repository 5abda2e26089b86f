//! Finding record files: `*.toml` under a folder, recursively, skipping hidden entries and symlinks.

use crate::diagnostic::Diagnostic;
use crate::text::shown;
use std::io;
use std::path::{Path, PathBuf};

/// Every record file under `root`, sorted, plus warnings for entries deliberately skipped.
///
/// Symlinks are never followed: one pointing inside the folder would load its target twice (a
/// duplicate id), one pointing outside would pull in files nobody reviewed.
pub fn record_files(root: &Path) -> io::Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    let metadata = std::fs::metadata(root).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot open incidents folder `{}`: {e}", shown(root)),
        )
    })?;
    if !metadata.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "`{}` is not a folder; pass the folder that holds the records with --incidents",
                shown(root)
            ),
        ));
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    walk(root, &mut files, &mut skipped);
    // Byte order of the whole path: deterministic, and cheaper than comparing path components.
    files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    Diagnostic::sort(&mut skipped);
    Ok((files, skipped))
}

/// Collects record files under `dir`. A folder or entry that cannot be read is reported and
/// skipped, so one unreadable subfolder never hides the problems in all the others.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, skipped: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return skipped.push(Diagnostic::unreadable(dir, &e)),
    };
    for entry in entries {
        let (entry, file_type) = match entry.and_then(|e| Ok((e.file_type()?, e))) {
            Ok((file_type, entry)) => (entry, file_type),
            Err(e) => {
                skipped.push(Diagnostic::unreadable(dir, &e));
                continue;
            }
        };
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if file_type.is_symlink() {
            if path.extension().is_some_and(|e| e == "toml")
                || std::fs::metadata(&path).is_ok_and(|m| m.is_dir())
            {
                skipped.push(Diagnostic::for_file(&path, "skipped: symbolic links are not followed; move or copy the record into the folder").warning());
            }
        } else if file_type.is_dir() {
            walk(&path, files, skipped);
        } else if path.extension().is_some_and(|e| e == "toml") {
            if file_type.is_file() {
                files.push(path);
            } else {
                skipped.push(
                    Diagnostic::for_file(&path, "skipped: not a regular file (a named pipe or device); records are plain files")
                        .warning(),
                );
            }
        }
    }
}
