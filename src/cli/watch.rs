//! `heistbrief watch`: build, then build again whenever a record, template or the published
//! figures change. A bad edit prints its problems and keeps the last good brief; it never ends
//! the watch.

use super::build::{self, BuildArgs};
use super::{Failure, Verbosity, emit};
use crate::text::shown;
use crate::watch::{Inputs, Watcher};
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,
}

/// How long the inputs must be quiet before a rebuild: one save is often several writes.
const QUIET: Duration = Duration::from_millis(250);

pub fn run(args: &WatchArgs, out: &mut dyn Write, verbosity: Verbosity) -> Result<u8, Failure> {
    let inputs = inputs(&args.build);
    let mut watcher =
        Watcher::new(inputs.clone()).map_err(|e| Failure::io("cannot watch the inputs", e))?;
    let watched: Vec<String> = inputs
        .folders
        .iter()
        .chain(&inputs.files)
        .filter(|p| p.exists())
        .map(|p| shown(p))
        .collect();
    say(
        out,
        &format!("watching {}; Ctrl-C stops", watched.join(", ")),
    )?;
    rebuild(args, out, verbosity)?;
    while let Some(changed) = watcher.next_change(QUIET) {
        let names: Vec<String> = changed.iter().map(|p| shown(p)).collect();
        say(out, &format!("changed: {}", names.join(", ")))?;
        rebuild(args, out, verbosity)?;
    }
    Ok(0)
}

/// Builds once and says how it went. Only a failure to write to the terminal ends the watch.
fn rebuild(args: &WatchArgs, out: &mut dyn Write, verbosity: Verbosity) -> Result<(), Failure> {
    match build::run(&args.build, out, verbosity) {
        Ok(_) => say(out, "built"),
        Err(failure) => {
            let _ = writeln!(
                std::io::stderr(),
                "{}\nthe last good brief is kept; waiting for the next change",
                failure.report()
            );
            out.flush().map_err(Failure::output)
        }
    }
}

/// A line now, not when the buffer fills: the watch runs until it is stopped.
fn say(out: &mut dyn Write, line: &str) -> Result<(), Failure> {
    emit(out, &format!("{line}\n"))?;
    out.flush().map_err(Failure::output)
}

/// The records folder, the templates folder (the one given, or `templates/` when present) and
/// the published figures' file.
fn inputs(args: &BuildArgs) -> Inputs {
    let templates = args
        .templates
        .clone()
        .unwrap_or_else(|| PathBuf::from("templates"));
    let benchmarks = args
        .benchmarks
        .benchmarks
        .clone()
        .unwrap_or_else(|| Path::new("benchmarks.toml").to_path_buf());
    Inputs {
        folders: vec![args.incidents.incidents.clone(), templates],
        files: vec![benchmarks],
    }
}
