//! Writing files without ever clobbering or half-writing one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

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
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::hard_link(&temp, path)
    })();
    let _ = fs::remove_file(&temp);
    result
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
}
