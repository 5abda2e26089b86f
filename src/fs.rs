//! Reading files a pull request or an editor controls: regular files only, never blocking on a
//! FIFO or following a link swapped in. Below the loader and the renderers, which both read such
//! files (records; templates, the logo, the benchmarks).

use std::io;
use std::path::Path;

/// Reads a file that must be a regular file. A FIFO would block the read forever (a pull request
/// can commit one), and a device may never end; both are refused before the file is opened,
/// and checked again on the opened handle.
pub fn read_regular_file(path: &Path) -> io::Result<Vec<u8>> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(refuse(kind));
    }
    read_opened(std::fs::File::open(path)?)
}

/// Reads a record file the folder walk listed as a regular file: without a second path lookup
/// to ask again, but opened so that it cannot block (a FIFO put in its place opens at once) or
/// follow a link put in its place, then checked on the handle.
pub fn read_listed_file(path: &Path) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
            .open(path)?
    };
    #[cfg(not(unix))]
    let file = std::fs::File::open(path)?;
    read_opened(file)
}

/// Reads `relative` inside the folder `root` without following a symbolic link anywhere: not
/// the folder itself, not a subfolder on the way, not the file. Templates, the stylesheet and
/// the logo come from a folder a pull request controls; a `style.css` linked to a credentials
/// file would otherwise be inlined into the published brief. Each step is opened relative to
/// the one before (`openat` with `O_NOFOLLOW`), so a link swapped in between listing the
/// folder and reading it is refused as well. `relative` holds only plain names (no `..`, no
/// root), else the read is refused.
pub fn read_beneath(root: &Path, relative: &Path) -> io::Result<Vec<u8>> {
    read_beneath_at_most(root, relative, u64::MAX)
}

/// As [`read_beneath`], refusing a file of more than `max` bytes (`ErrorKind::FileTooLarge`)
/// before reading it, and reading no more than that should it grow meanwhile: an editor's
/// note is text for a page, not whatever a pull request puts in its place.
pub fn read_beneath_at_most(root: &Path, relative: &Path, max: u64) -> io::Result<Vec<u8>> {
    let mut names = Vec::new();
    for component in relative.components() {
        match component {
            std::path::Component::Normal(name) => names.push(name),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a plain path inside the folder (no `..`, no absolute path)",
                ));
            }
        }
    }
    let Some((file, folders)) = names.split_last() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "an empty name"));
    };
    #[cfg(unix)]
    {
        use std::os::fd::{FromRawFd, OwnedFd};
        use std::os::unix::ffi::OsStrExt;
        let open_at = |dir: Option<&OwnedFd>, name: &std::ffi::OsStr, flags: libc::c_int| {
            let name = std::ffi::CString::new(name.as_bytes())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL in a name"))?;
            let at = dir.map_or(libc::AT_FDCWD, std::os::fd::AsRawFd::as_raw_fd);
            let flags = flags | libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
            // SAFETY: `name` is a valid C string and `at` an open directory or AT_FDCWD.
            let fd = unsafe { libc::openat(at, name.as_ptr(), flags) };
            if fd < 0 {
                let error = io::Error::last_os_error();
                return Err(if error.raw_os_error() == Some(libc::ELOOP) {
                    symbolic_link()
                } else {
                    error
                });
            }
            // SAFETY: `fd` was just opened and is owned by nobody else.
            Ok(unsafe { OwnedFd::from_raw_fd(fd) })
        };
        let mut dir = open_at(None, root.as_os_str(), libc::O_DIRECTORY)?;
        for folder in folders {
            dir = open_at(Some(&dir), folder, libc::O_DIRECTORY)?;
        }
        let opened = open_at(Some(&dir), file, libc::O_NONBLOCK)?;
        read_opened_at_most(std::fs::File::from(opened), max)
    }
    #[cfg(not(unix))]
    {
        let mut path = root.to_path_buf();
        for name in std::iter::once(root.as_os_str())
            .chain(folders.iter().copied())
            .skip(1)
        {
            path.push(name);
            if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
                return Err(symbolic_link());
            }
        }
        path.push(file);
        if std::fs::symlink_metadata(&path)?.file_type().is_symlink()
            || std::fs::symlink_metadata(root)?.file_type().is_symlink()
        {
            return Err(symbolic_link());
        }
        read_opened_at_most(std::fs::File::open(&path)?, max)
    }
}

fn symbolic_link() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "a symbolic link, which is not followed here: put the file itself in the folder",
    )
}

/// The contents of an opened file, once its handle shows a regular file.
fn read_opened(file: std::fs::File) -> io::Result<Vec<u8>> {
    read_opened_at_most(file, u64::MAX)
}

/// The contents of an opened file of at most `max` bytes, once its handle shows a regular file.
fn read_opened_at_most(file: std::fs::File, max: u64) -> io::Result<Vec<u8>> {
    let metadata = file.metadata()?;
    if !metadata.file_type().is_file() {
        return Err(refuse(metadata.file_type()));
    }
    if metadata.len() > max {
        return Err(too_large(max));
    }
    // Sized from the metadata at hand: `read_to_end` on a `File` would ask the system for its
    // size and position again, once per record file.
    let len = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(len.saturating_add(1));
    io::Read::read_to_end(
        &mut io::Read::take(&file, max.saturating_add(1)),
        &mut bytes,
    )?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(too_large(max));
    }
    Ok(bytes)
}

fn too_large(max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("larger than {} KiB", max / 1024),
    )
}

fn refuse(kind: std::fs::FileType) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}, not a regular file", describe(kind)),
    )
}

fn describe(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}
