//! Watching what a brief is made from (records, templates, published figures) so the editor's
//! loop needs no command: changes are gathered until the files have been quiet for a moment,
//! so one save (which editors do as write, rename and touch) is one rebuild.
//!
//! A watch is on a folder as it is when the watch begins (on Linux, its inode): a folder that is
//! moved away and back, or deleted and made again, is not watched any more (the watcher drops
//! a watch whose folder is renamed or deleted). So each watched folder ("root") is armed again
//! whenever it may have been replaced: when an event names the root itself (its parent is
//! watched too, so its removal, creation and renames are seen at once), and, for what events
//! cannot show (a parent replaced, a folder that was missing at the start), when a poll once a
//! second finds that the path names another folder than the one armed, or one where there was
//! none. Re-arming counts as a change: what the folder holds may be wholly different.

use notify::{EventKind, RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What to watch: folders, whole and recursively, and single files.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub folders: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

/// How often the roots are checked for a replacement no event showed.
const POLL: Duration = Duration::from_secs(1);

pub struct Watcher {
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    inputs: Inputs,
    roots: Vec<Root>,
}

/// A folder watched, and which folder its path named when it was armed.
struct Root {
    path: PathBuf,
    mode: RecursiveMode,
    armed: Option<Identity>,
}

/// Which folder a path names: its device and inode (on other systems, only that it is one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Identity(u64, u64);

fn identity(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Identity(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Some(Identity(0, 0))
    }
}

impl Watcher {
    /// Starts watching. A folder that does not exist yet is watched once it does.
    pub fn new(inputs: Inputs) -> notify::Result<Self> {
        let (sender, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(sender)?;
        let inputs = Inputs {
            folders: inputs.folders.iter().map(|f| absolute(f)).collect(),
            files: inputs.files.iter().map(|f| absolute(f)).collect(),
        };
        let mut watcher = Watcher {
            watcher,
            events,
            roots: roots(&inputs),
            inputs,
        };
        for at in 0..watcher.roots.len() {
            watcher.arm(at)?;
        }
        Ok(watcher)
    }

    /// Waits for a change to an input, then until none has come for `quiet`; returns the
    /// changed inputs, sorted, or `None` when the watch has ended. `first_seen` is called as
    /// soon as the first change is seen, before the quiet wait: a build of the older inputs
    /// can stop then rather than a quarter-second later.
    pub fn next_change(
        &mut self,
        quiet: Duration,
        first_seen: impl FnOnce(),
    ) -> Option<Vec<PathBuf>> {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut polled = Instant::now();
        while changed.is_empty() {
            match self.events.recv_timeout(POLL) {
                Ok(event) => self.collect(event, &mut changed),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
            if polled.elapsed() >= POLL {
                self.rearm_replaced(&mut changed);
                polled = Instant::now();
            }
        }
        first_seen();
        loop {
            match self.events.recv_timeout(quiet) {
                Ok(event) => self.collect(event, &mut changed),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        self.rearm_replaced(&mut changed);
        changed.sort();
        changed.dedup();
        Some(changed)
    }

    fn collect(&mut self, event: notify::Result<notify::Event>, changed: &mut Vec<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        // The system's queue overflowed: events were lost, so anything may have changed.
        if event.need_rescan() {
            changed.extend(self.inputs.folders.iter().cloned());
            self.rearm_replaced(changed);
        }
        // Created, removed or renamed (not a change to its time stamps or permissions).
        let structural = matches!(
            event.kind,
            EventKind::Create(_)
                | EventKind::Remove(_)
                | EventKind::Modify(notify::event::ModifyKind::Name(_))
                | EventKind::Other
                | EventKind::Any
        );
        for path in event.paths {
            let path = absolute(&path);
            // A root itself was moved, deleted or made: its watch may be gone.
            let root = self.roots.iter().position(|r| r.path == path);
            if let Some(at) = root.filter(|_| structural) {
                self.rearm(at, changed);
            }
            if relevant(&path, &self.inputs) {
                changed.push(path);
            }
        }
    }

    /// Arms again every root whose path now names another folder, or none, or one at last.
    fn rearm_replaced(&mut self, changed: &mut Vec<PathBuf>) {
        for at in 0..self.roots.len() {
            if identity(&self.roots[at].path) != self.roots[at].armed {
                self.rearm(at, changed);
            }
        }
    }

    /// Drops the root's watch and watches what its path names now, as a change.
    fn rearm(&mut self, at: usize, changed: &mut Vec<PathBuf>) {
        // The watcher may have dropped it already; either way it is gone.
        let _ = self.watcher.unwatch(&self.roots[at].path);
        self.roots[at].armed = None;
        // A folder that cannot be watched now (gone again, or no watches left) is tried again
        // at the next poll, since its identity stays unarmed.
        let _ = self.arm(at);
        changed.push(self.roots[at].path.clone());
    }

    /// Watches the root if its path names a folder, and records which.
    fn arm(&mut self, at: usize) -> notify::Result<()> {
        let root = &mut self.roots[at];
        let Some(now) = identity(&root.path) else {
            return Ok(());
        };
        self.watcher.watch(&root.path, root.mode)?;
        root.armed = Some(now);
        Ok(())
    }
}

/// The folders to watch: each input folder, recursively; each input file's folder (editors
/// replace files by renaming over them, which ends a watch on the file itself); and the parent
/// of each of those, alone, to see the folder itself be removed, made or renamed. A folder
/// named twice is watched once, recursively if either asks.
fn roots(inputs: &Inputs) -> Vec<Root> {
    let mut roots: Vec<Root> = Vec::new();
    let mut add =
        |path: PathBuf, mode: RecursiveMode| match roots.iter_mut().find(|r| r.path == path) {
            Some(root) if mode == RecursiveMode::Recursive => root.mode = mode,
            Some(_) => {}
            None => roots.push(Root {
                path,
                mode,
                armed: None,
            }),
        };
    let folders = inputs
        .folders
        .iter()
        .map(|f| (f.clone(), RecursiveMode::Recursive));
    let files = inputs
        .files
        .iter()
        .filter_map(|f| f.parent())
        .map(|f| (f.to_path_buf(), RecursiveMode::NonRecursive));
    let watched: Vec<(PathBuf, RecursiveMode)> = folders.chain(files).collect();
    for (path, mode) in &watched {
        add(path.clone(), *mode);
    }
    for (path, _) in &watched {
        if let Some(parent) = path.parent() {
            add(parent.to_path_buf(), RecursiveMode::NonRecursive);
        }
    }
    roots
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
    fn roots_are_the_folders_the_files_folders_and_their_parents_once_each() {
        let inputs = Inputs {
            folders: vec![PathBuf::from("/data/incidents"), PathBuf::from("/data")],
            files: vec![PathBuf::from("/data/benchmarks.toml")],
        };
        let roots: Vec<(PathBuf, bool)> = roots(&inputs)
            .into_iter()
            .map(|r| (r.path, r.mode == RecursiveMode::Recursive))
            .collect();
        assert_eq!(
            roots,
            vec![
                (PathBuf::from("/data/incidents"), true),
                (PathBuf::from("/data"), true),
                (PathBuf::from("/"), false),
            ]
        );
    }

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
