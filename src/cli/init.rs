//! `heistbrief init`: the default templates written out for an editor to change.

use super::{Failure, emit};
use crate::render::templates::DEFAULTS;
use crate::text::shown;
use clap::Args;
use std::path::PathBuf;

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
    let mut report = String::new();
    for (name, text) in DEFAULTS {
        let path = args.dir.join(name);
        let stamp = if name.ends_with(".css") {
            format!("/* Written by heistbrief {version} from its default {name}; edit freely. */\n")
        } else if name.ends_with(".toml") {
            format!("# Written by heistbrief {version} from its default {name}; edit freely.\n")
        } else {
            format!(
                "{{# Written by heistbrief {version} from its default {name}; edit freely, or keep only the blocks you change and start with {{% extends \"builtin/{name}\" %}}. #}}\n"
            )
        };
        crate::write::write_new(&path, format!("{stamp}{text}").as_bytes())
            .map_err(|e| Failure::io(format!("cannot write {}", shown(&path)), e))?;
        report.push_str(&format!("wrote {}\n", shown(&path)));
    }
    emit(out, &report)?;
    Ok(0)
}
