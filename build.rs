//! Build script: names the commit the binary was built from, for `heistbrief --version`
//! (`heistbrief 0.1.0 (abc1234)`).
//!
//! The commit comes from `HEISTBRIEF_COMMIT` when set (a packager building from a tarball who
//! knows it), else from `git rev-parse` when the source is a git checkout with git installed,
//! else there is none and `--version` prints the version alone. Only `--version` (and the
//! manual page) show it: a brief prints the package version only, so the same data and
//! templates give the same brief bytes from any commit.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=HEISTBRIEF_COMMIT");
    let commit = match std::env::var("HEISTBRIEF_COMMIT") {
        Ok(given) => clean(&given),
        Err(_) => from_git(),
    };
    let suffix = commit.map(|c| format!(" ({c})")).unwrap_or_default();
    println!("cargo:rustc-env=HEISTBRIEF_VERSION_SUFFIX={suffix}");
}

/// A commit name, if it is one: hex digits only (nothing else reaches the binary), a full
/// 40-digit name shortened to git's usual seven.
fn clean(text: &str) -> Option<String> {
    let text = text.trim();
    let hex = (4..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit());
    let short = if text.len() == 40 { &text[..7] } else { text };
    hex.then(|| short.to_ascii_lowercase())
}

/// The checked-out commit, and which files to watch so a new commit rebuilds this script's
/// output (without them cargo would keep the first commit it saw). Any failure (no git, not
/// a repository, a tarball inside someone else's repository) means no commit.
fn from_git() -> Option<String> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&manifest)
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        Some(String::from_utf8(output.stdout).ok()?.trim().to_owned())
    };
    // A crate unpacked inside another project's checkout must not take that project's commit.
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    if top.canonicalize().ok()? != manifest.canonicalize().ok()? {
        return None;
    }
    // HEAD moves on a commit or checkout; the branch's ref (loose or packed) on a commit.
    // In a worktree, HEAD is in the worktree's git folder and the refs in the common one.
    let git_dir = PathBuf::from(git(&["rev-parse", "--absolute-git-dir"])?);
    println!("cargo:rerun-if-changed={}", git_dir.join("HEAD").display());
    if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
        let common = manifest.join(common);
        println!(
            "cargo:rerun-if-changed={}",
            common.join("packed-refs").display()
        );
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={}", common.join(branch).display());
        }
    }
    clean(&git(&["rev-parse", "--short=7", "HEAD"])?)
}
