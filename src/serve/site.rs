//! What `serve` answers: the files of the output folder (by name only, never outside it, never
//! through a link, never a hidden file such as the build lock), each HTML page with a small
//! script that reloads it when the folder changes, and the folder's version for that script to
//! poll.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The address the script polls.
pub const VERSION_PATH: &str = "/__heistbrief/version";

/// The largest HTML page that gets the reload script: it is read whole to place the script.
/// A larger one is sent as it is, read as it goes, so no answer holds more than this in memory.
pub const MAX_RELOADED_PAGE: u64 = 8 * 1024 * 1024;

/// Reloads the page when the output folder's version changes (a rebuild).
const RELOAD: &str = "<script>\n(function () {\n  var seen = null;\n  setInterval(function () {\n    fetch('/__heistbrief/version', { cache: 'no-store' })\n      .then(function (r) { return r.text(); })\n      .then(function (v) { if (seen !== null && v !== seen) { location.reload(); } seen = v; })\n      .catch(function () {});\n  }, 1000);\n})();\n</script>\n";

#[derive(Debug)]
pub enum Reply {
    Found {
        content_type: &'static str,
        body: Body,
    },
    NotFound,
}

/// An answer's bytes: made in memory, or a file read as it is sent.
#[derive(Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    /// An opened regular file and its length when opened.
    File(File, u64),
}

impl Body {
    pub fn len(&self) -> u64 {
        match self {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File(_, len) => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub struct Site {
    root: PathBuf,
}

impl Site {
    pub fn new(root: &Path) -> Self {
        Site {
            root: root.to_path_buf(),
        }
    }

    /// The answer to a GET of `url` (path and maybe a query).
    pub fn reply(&self, url: &str) -> Reply {
        let path = url.split(['?', '#']).next().unwrap_or("");
        if path == VERSION_PATH {
            return Reply::Found {
                content_type: "text/plain; charset=utf-8",
                body: Body::Bytes(self.version().into_bytes()),
            };
        }
        let name = match path.trim_start_matches('/') {
            "" => "index.html".to_owned(),
            name => name.to_owned(),
        };
        if !plain(&name) {
            return Reply::NotFound;
        }
        let content_type = content_type(&name);
        let Some((file, len)) = open_regular(&self.root.join(&name)) else {
            return if name == "index.html" {
                Reply::Found {
                    content_type,
                    body: Body::Bytes(self.listing().into_bytes()),
                }
            } else {
                Reply::NotFound
            };
        };
        let body = if content_type.starts_with("text/html") && len <= MAX_RELOADED_PAGE {
            let mut page = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            // Read no more than was measured: a file growing meanwhile is cut, not unbounded.
            if file.take(len).read_to_end(&mut page).is_err() {
                return Reply::NotFound;
            }
            Body::Bytes(with_reload(page))
        } else {
            Body::File(file, len)
        };
        Reply::Found { content_type, body }
    }

    /// Changes whenever a file in the folder is written, added or removed.
    pub fn version(&self) -> String {
        let mut entries: Vec<(String, u64, u128)> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            // Hidden files are the build's lock and its temporary files: a page reloads when
            // the brief has been replaced, not while it is being written.
            .filter(|entry| !entry.file_name().to_string_lossy().starts_with('.'))
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                let modified = meta
                    .modified()
                    .ok()?
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()?
                    .as_nanos();
                Some((
                    entry.file_name().to_string_lossy().into_owned(),
                    meta.len(),
                    modified,
                ))
            })
            .collect();
        entries.sort();
        let mut bytes = Vec::new();
        for (name, len, modified) in entries {
            bytes.extend(name.bytes());
            bytes.extend(len.to_le_bytes());
            bytes.extend(modified.to_le_bytes());
        }
        format!("{:032x}", crate::digest::fingerprint(&bytes))
    }

    /// A page listing the folder's briefs, when it has no index of its own.
    fn listing(&self) -> String {
        let mut names: Vec<String> = std::fs::read_dir(&self.root)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| plain(n))
            .filter(|n| n.ends_with(".html") || n.ends_with(".pdf") || n.ends_with(".md"))
            .collect();
        names.sort();
        // Plain names need no escaping in an attribute or in text.
        let items: String = names
            .iter()
            .map(|n| format!("<li><a href=\"{n}\">{n}</a></li>\n"))
            .collect();
        let page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Briefs</title></head>\n<body>\n<h1>Briefs</h1>\n<ul>\n{items}</ul>\n</body>\n</html>\n"
        );
        String::from_utf8(with_reload(page.into_bytes())).unwrap_or_default()
    }
}

/// The file, opened if it is a regular file: never through a symbolic link (one put in the
/// folder could point anywhere), never blocking on a FIFO (its open returns at once and the
/// handle is then refused), checked on the handle so nothing can be swapped in between.
fn open_regular(path: &Path) -> Option<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    let file = options.open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta.len()))
}

/// One file name from the folder: no subfolders, no `..`, nothing hidden, nothing that would
/// need escaping.
fn plain(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The page with the reload script before `</body>` (or at its end).
fn with_reload(mut page: Vec<u8>) -> Vec<u8> {
    let at = page
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(page.len());
    page.splice(at..at, RELOAD.bytes());
    page
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own for each test: tests run in parallel threads of one process.
    fn site(test: &str) -> (Site, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("heistbrief-serve-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("brief-2024-03.html"),
            "<html><body><p>Brief</p></body></html>",
        )
        .expect("html");
        std::fs::write(dir.join("brief-2024-03.md"), "# Brief\n").expect("md");
        (Site::new(&dir), dir)
    }

    /// The bytes of a found answer, whether made in memory or read from the file.
    fn found(reply: Reply) -> (&'static str, Vec<u8>) {
        match reply {
            Reply::Found {
                content_type,
                body: Body::Bytes(bytes),
            } => (content_type, bytes),
            Reply::Found {
                content_type,
                body: Body::File(mut file, len),
            } => {
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes).expect("read");
                assert_eq!(bytes.len() as u64, len);
                (content_type, bytes)
            }
            Reply::NotFound => panic!("not found"),
        }
    }

    #[test]
    fn files_by_name_with_the_reload_script_in_html() {
        let (site, dir) = site("files");
        let (content_type, body) = found(site.reply("/brief-2024-03.html?x=1"));
        assert_eq!(content_type, "text/html; charset=utf-8");
        let body = String::from_utf8(body).expect("utf-8");
        assert!(body.contains("<p>Brief</p><script>"), "{body}");
        assert!(body.ends_with("</script>\n</body></html>"), "{body}");
        assert_eq!(
            found(site.reply("/brief-2024-03.md")),
            ("text/markdown; charset=utf-8", b"# Brief\n".to_vec())
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn no_link_fifo_or_hidden_file_is_served_nor_changes_the_version() {
        let (site, dir) = site("links");
        let before = site.version();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("passwd.md")).expect("link");
        let fifo = dir.join("pipe.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        for url in ["/passwd.md", "/pipe.md", "/.heistbrief.lock"] {
            assert!(matches!(site.reply(url), Reply::NotFound), "{url}");
        }
        let changed = site.version();
        std::fs::write(dir.join(".heistbrief.lock"), b"").expect("lock");
        std::fs::write(dir.join(".brief-2024-03.pdf.1.0.tmp"), b"half").expect("temp");
        assert_eq!(site.version(), changed, "hidden files changed the version");
        assert_ne!(before, changed);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn nothing_outside_the_folder_or_hidden() {
        let (site, dir) = site("outside");
        for url in [
            "/../etc/passwd",
            "/..",
            "/%2e%2e/etc/passwd",
            "/sub/brief.html",
            "/.hidden",
            "//etc/passwd",
            "/missing.pdf",
        ] {
            assert!(matches!(site.reply(url), Reply::NotFound), "{url}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_version_changes_when_a_file_does_and_the_root_lists_briefs() {
        let (site, dir) = site("version");
        let before = site.version();
        assert_eq!(before, site.version());
        std::fs::write(dir.join("brief-2024-04.md"), "# April\n").expect("write");
        assert_ne!(before, site.version());
        let (_, body) = found(site.reply("/"));
        let body = String::from_utf8(body).expect("utf-8");
        assert!(body.contains("<a href=\"brief-2024-04.md\">"), "{body}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
