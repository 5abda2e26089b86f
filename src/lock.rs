//! One build at a time per output folder. Two builds writing one folder at once would leave a
//! mixed set (the Markdown of one, the PDF of the other), and a build's "unchanged" would be
//! compared against files another build is replacing.
//!
//! The lock is an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through std's
//! `File::try_lock`) on `.heistbrief.lock` in the folder. The system releases it when the
//! process ends, however it ends, so a crashed or killed build never leaves a stale lock. The
//! file itself stays: removing it would let a third build lock a new file while a second still
//! holds the old one. Its name starts with a dot, so `serve` neither lists nor serves it.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file's name in the output folder.
pub const LOCK_FILE: &str = ".heistbrief.lock";

/// An output folder this process alone writes, until the value is dropped.
#[derive(Debug)]
pub struct LockedFolder {
    dir: PathBuf,
    // Held open for the lock; closing it releases the lock.
    _file: File,
}

/// Why a folder could not be locked.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds the lock: a build is writing there now.
    Busy,
    /// The folder or its lock file could not be made or opened.
    Io(io::Error),
}

impl LockedFolder {
    /// Locks `dir` (creating it if needed) without waiting: a folder another build is writing
    /// is refused at once, so the second build says so instead of hanging behind the first.
    pub fn try_lock(dir: &Path) -> Result<Self, LockError> {
        fs::create_dir_all(dir).map_err(LockError::Io)?;
        let file = open_lock_file(&dir.join(LOCK_FILE)).map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => Ok(LockedFolder {
                dir: dir.to_path_buf(),
                _file: file,
            }),
            Err(fs::TryLockError::WouldBlock) => Err(LockError::Busy),
            Err(fs::TryLockError::Error(e)) => Err(LockError::Io(e)),
        }
    }

    /// The folder locked.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Opens (creating when missing) the lock file, never through a symbolic link: a link put in
/// its place must not make a build create or lock a file elsewhere.
fn open_lock_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{LOCK_FILE} is not a regular file"),
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_folder_is_refused_until_the_first_is_dropped() {
        let dir = std::env::temp_dir().join(format!("heistbrief-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let first = LockedFolder::try_lock(&dir).expect("first lock");
        assert!(matches!(LockedFolder::try_lock(&dir), Err(LockError::Busy)));
        drop(first);
        let again = LockedFolder::try_lock(&dir).expect("lock again once released");
        assert_eq!(again.dir(), dir.as_path());
        drop(again);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn the_lock_file_is_never_a_link() {
        let dir = std::env::temp_dir().join(format!("heistbrief-lock-link-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let target = dir.join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.join(LOCK_FILE)).expect("link");
        assert!(matches!(
            LockedFolder::try_lock(&dir),
            Err(LockError::Io(_))
        ));
        assert!(!target.exists(), "the link was followed");
        let _ = fs::remove_dir_all(&dir);
    }
}
