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

/// The contents of an opened file, once its handle shows a regular file.
fn read_opened(file: std::fs::File) -> io::Result<Vec<u8>> {
    let metadata = file.metadata()?;
    if !metadata.file_type().is_file() {
        return Err(refuse(metadata.file_type()));
    }
    // Sized from the metadata at hand: `read_to_end` on a `File` would ask the system for its
    // size and position again, once per record file.
    let len = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(len.saturating_add(1));
    io::Read::read_to_end(&mut io::Read::take(&file, u64::MAX), &mut bytes)?;
    Ok(bytes)
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
