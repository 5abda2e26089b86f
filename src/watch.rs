//! Watching what a brief is made from (records, templates, published figures) so the editor's
//! loop needs no command: changes are gathered until the files have been quiet for a moment,
//! so one save (which editors do as write, rename and touch) is one rebuild.

use notify::{EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What to watch: folders, whole and recursively, and single files.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub folders: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

pub struct Watcher {
    // Kept alive for as long as the events are wanted.
    _watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    inputs: Inputs,
}

impl Watcher {
    /// Starts watching. A folder or file that does not exist yet is skipped (a templates folder
    /// created later is not seen until the next start).
    pub fn new(inputs: Inputs) -> notify::Result<Self> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        for folder in inputs.folders.iter().filter(|f| f.is_dir()) {
            watcher.watch(folder, RecursiveMode::Recursive)?;
        }
        // A file is watched through its folder: editors replace files by renaming over them,
        // which ends a watch on the file itself.
        for file in &inputs.files {
            let folder = match file.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            if folder.is_dir() {
                watcher.watch(folder, RecursiveMode::NonRecursive)?;
            }
        }
        Ok(Watcher {
            _watcher: watcher,
            events,
            inputs: Inputs {
                folders: inputs.folders.iter().map(|f| absolute(f)).collect(),
                files: inputs.files.iter().map(|f| absolute(f)).collect(),
            },
        })
    }

    /// Waits for a change to an input, then until none has come for `quiet`; returns the
    /// changed inputs, sorted, or `None` when the watch has ended.
    pub fn next_change(&self, quiet: Duration) -> Option<Vec<PathBuf>> {
        let mut changed: Vec<PathBuf> = Vec::new();
        while changed.is_empty() {
            let event = self.events.recv().ok()?;
            self.collect(event, &mut changed);
        }
        loop {
            match self.events.recv_timeout(quiet) {
                Ok(event) => self.collect(event, &mut changed),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        changed.sort();
        changed.dedup();
        Some(changed)
    }

    fn collect(&self, event: notify::Result<notify::Event>, changed: &mut Vec<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        changed.extend(
            event
                .paths
                .into_iter()
                .filter(|path| relevant(path, &self.inputs)),
        );
    }
}

/// Whether a changed path is an input: a file under a watched folder that is not an editor's
/// or heistbrief's own temporary file, or one of the watched files.
fn relevant(path: &Path, inputs: &Inputs) -> bool {
    let path = absolute(path);
    if inputs.files.contains(&path) {
        return true;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp");
    !temporary && inputs.folders.iter().any(|folder| path.starts_with(folder))
}

/// The path from the root, without touching the file system beyond the working directory
/// (a removed file has no canonical path).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_files_under_the_folders_and_the_named_files() {
        let inputs = Inputs {
            folders: vec![absolute(Path::new("/data/incidents"))],
            files: vec![absolute(Path::new("/data/benchmarks.toml"))],
        };
        assert!(relevant(Path::new("/data/incidents/2024/a.toml"), &inputs));
        assert!(relevant(Path::new("/data/benchmarks.toml"), &inputs));
        assert!(!relevant(Path::new("/data/other.toml"), &inputs));
        assert!(!relevant(Path::new("/data/output/brief.md"), &inputs));
        for temporary in [".a.toml.swp", "a.toml~", ".#a.toml", "a.toml.swp", "x.tmp"] {
            let path = PathBuf::from("/data/incidents/2024").join(temporary);
            assert!(!relevant(&path, &inputs), "{temporary}");
        }
    }
}
