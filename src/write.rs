//! Writing files without ever clobbering or half-writing one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::lock::LockedFolder;

/// Writes `contents` to `path`, which must not exist yet. The bytes go to a temporary file in the
/// same folder first and are then hard-linked into place, an atomic step that fails if `path`
/// appeared meanwhile: readers never see a partial file and an existing file is never replaced.
pub fn write_new(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (temp, mut file) = create_temp(dir, &name)?;
    let result = (|| {
        file.write_all(contents)?;
        file.sync_all()?;
        fs::hard_link(&temp, path)
    })();
    // Only the temporary file this call created is removed, never one that was there before.
    let _ = fs::remove_file(&temp);
    result
}

/// What `replace_all` did with a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// The file already held exactly these bytes, and was left alone (its time stamp too).
    Unchanged,
}

/// Writes every file into the locked folder, replacing files of the same name, all or nothing
/// as far as the file system allows: each file goes to a temporary file first, and only when
/// all of them are complete are they renamed into place (each rename is atomic). A failure
/// before that leaves every previous file as it was, and removes the temporary files. A file
/// that already holds the same bytes is not rewritten.
///
/// The folder's lock is what makes the set one build's and "unchanged" true: no other build
/// writes there between the comparison and the renames. Holding it also means any temporary
/// file already in the folder was left by a build that was killed, and is removed first.
pub fn replace_all(
    folder: &LockedFolder,
    files: &[(String, Vec<u8>)],
) -> io::Result<Vec<(std::path::PathBuf, Outcome)>> {
    let dir = folder.dir();
    remove_leftover_temps(dir)?;
    let same: Vec<bool> = files
        .iter()
        .map(|(name, contents)| holds(&dir.join(name), contents))
        .collect();
    let changed: Vec<&(String, Vec<u8>)> = files
        .iter()
        .zip(&same)
        .filter(|(_, same)| !**same)
        .map(|(file, _)| file)
        .collect();
    let mut temps: Vec<std::path::PathBuf> = Vec::with_capacity(changed.len());
    let written = (|| {
        for (name, contents) in changed.iter().copied() {
            let (temp, mut file) = create_temp(dir, name)?;
            temps.push(temp);
            file.write_all(contents)?;
            file.sync_all()?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(e) = written {
        for temp in &temps {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    for (temp, (name, _)) in temps.iter().zip(&changed) {
        if let Err(e) = fs::rename(temp, dir.join(name)) {
            for temp in &temps {
                let _ = fs::remove_file(temp);
            }
            return Err(e);
        }
    }
    Ok(files
        .iter()
        .zip(same)
        .map(|((name, _), same)| {
            let outcome = if same {
                Outcome::Unchanged
            } else {
                Outcome::Written
            };
            (dir.join(name), outcome)
        })
        .collect())
}

/// Whether `path` is a regular file holding exactly `contents` (compared by size first).
fn holds(path: &Path, contents: &[u8]) -> bool {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == contents.len() as u64 => {
            fs::read(path).is_ok_and(|existing| existing == contents)
        }
        _ => false,
    }
}

/// Removes the temporary files (named as `create_temp` names them) of a build that was killed
/// before it could remove its own. Only called with the folder locked, when no build is using
/// one.
fn remove_leftover_temps(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && name.to_str().is_some_and(is_temp_name) {
            match fs::remove_file(entry.path()) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether `name` is `.NAME.PID.ATTEMPT.tmp`, as `create_temp` makes them.
fn is_temp_name(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let mut parts = inner.rsplitn(3, '.');
    let numbers = [parts.next(), parts.next()];
    let stem = parts.next();
    numbers
        .iter()
        .all(|n| n.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
        && stem.is_some_and(|s| !s.is_empty())
}

/// Creates a temporary file beside the target under a name no one else holds: `create_new`
/// refuses an existing name, and the next name is tried.
fn create_temp(dir: &Path, name: &str) -> io::Result<(std::path::PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..100 {
        let temp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_and_leaves_no_temp_files() {
        let dir = std::env::temp_dir().join(format!("heistbrief-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let path = dir.join("sub/a.toml");
        write_new(&path, b"first").expect("first write");
        let second = write_new(&path, b"second").expect_err("must not overwrite");
        assert_eq!(second.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).expect("read back"), b"first");
        let names: Vec<_> = fs::read_dir(dir.join("sub"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.toml")]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn replacing_a_set_removes_a_killed_builds_temporary_files_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("heistbrief-replace-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let leftover = dir.join(".brief-2024-03.pdf.4242.0.tmp");
        fs::write(&leftover, b"half a PDF").expect("leftover");
        let kept = [
            ".notes.tmp",
            "a.1.2.tmp",
            ".x.1.tmp",
            ".x.1.y.tmp",
            "keep.md",
        ];
        for name in kept {
            fs::write(dir.join(name), b"theirs").expect("their file");
        }
        fs::write(dir.join("same.md"), b"same").expect("same");
        let folder = LockedFolder::try_lock(&dir).expect("lock");
        let files = [
            ("same.md".to_owned(), b"same".to_vec()),
            ("new.md".to_owned(), b"new".to_vec()),
        ];
        let written = replace_all(&folder, &files).expect("written");
        assert_eq!(
            written,
            vec![
                (dir.join("same.md"), Outcome::Unchanged),
                (dir.join("new.md"), Outcome::Written)
            ]
        );
        assert!(
            !leftover.exists(),
            "a killed build's temporary file is left"
        );
        for name in kept {
            assert_eq!(fs::read(dir.join(name)).expect(name), b"theirs", "{name}");
        }
        drop(folder);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn leaves_a_file_it_did_not_create_alone() {
        let dir = std::env::temp_dir().join(format!("heistbrief-temp-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let theirs = dir.join(format!(".a.toml.{}.0.tmp", std::process::id()));
        fs::write(&theirs, b"not ours").expect("their file");
        write_new(&dir.join("a.toml"), b"ours").expect("write");
        assert_eq!(fs::read(&theirs).expect("still there"), b"not ours");
        assert_eq!(fs::read(dir.join("a.toml")).expect("written"), b"ours");
        let _ = fs::remove_dir_all(&dir);
    }
}
