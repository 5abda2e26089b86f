//! `heistbrief init`: the default templates written out for an editor to change.

use super::{Failure, emit};
use crate::render::templates::DEFAULTS;
use crate::text::shown;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write the templates to.
    #[arg(value_name = "DIR", default_value = "templates")]
    pub dir: PathBuf,
}

pub fn run(args: &InitArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    // Refuse before writing anything, so a run never leaves half a set.
    let existing: Vec<String> = DEFAULTS
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| shown(&path))
        .collect();
    if !existing.is_empty() {
        return Err(Failure::usage(format!(
            "nothing written: {} already exist; move them away or choose another folder",
            existing.join(", ")
        )));
    }
    let version = env!("CARGO_PKG_VERSION");
    let files: Vec<(PathBuf, String)> = DEFAULTS
        .iter()
        .map(|(name, text)| {
            (
                args.dir.join(name),
                format!("{}{text}", stamp(name, version)),
            )
        })
        .collect();
    write_set(&args.dir, &files)?;
    let mut report: String = files
        .iter()
        .map(|(path, _)| format!("wrote {}\n", shown(path)))
        .collect();
    // The one input an editor writes that is not a template: where it goes.
    report.push_str(NOTES_HINT);
    emit(out, &report)?;
    Ok(0)
}

/// Where the editor's assessment goes, said once the templates are written (the `assessment`
/// block of `brief.md.tera` says it too).
const NOTES_HINT: &str = "the assessment of a period goes in notes/<label>.md (notes/2024-03.md, notes/2024-Q1.md, notes/2024.md), Markdown that cites a record as [@record-id]; build puts it under \"Assessment\"\n";

/// The first line of a written default: where it came from, in the file's comment syntax.
fn stamp(name: &str, version: &str) -> String {
    if name.ends_with(".css") {
        format!("/* Written by heistbrief {version} from its default {name}; edit freely. */\n")
    } else if name.ends_with(".toml") {
        format!("# Written by heistbrief {version} from its default {name}; edit freely.\n")
    } else {
        format!(
            "{{# Written by heistbrief {version} from its default {name}; edit freely, or keep only the blocks you change and start with {{% extends \"builtin/{name}\" %}}. #}}\n"
        )
    }
}

/// Writes every file, each new (never over one that appeared since the check), all or none:
/// when one cannot be written (a full disk, a file that appeared meanwhile), the ones already
/// written by this run are removed, and the folder too if this run made it.
fn write_set(dir: &Path, files: &[(PathBuf, String)]) -> Result<(), Failure> {
    let made_dir = !dir.exists();
    let mut written: Vec<&Path> = Vec::new();
    for (path, text) in files {
        if let Err(e) = crate::write::write_new(path, text.as_bytes()) {
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            if made_dir {
                // Only if empty: whatever else appeared there is not ours to remove.
                let _ = std::fs::remove_dir(dir);
            }
            return Err(Failure::io(format!("cannot write {}", shown(path)), e)
                .with_note("nothing written; no template was left behind"));
        }
        written.push(path);
    }
    Ok(())
}
