//! `heistbrief check`: validate every record and report problems for people, CI or programs.

use super::{Failure, IncidentsArg, Verbosity, emit, today};
use crate::diagnostic::{ColorChoice, render_github, render_human, render_json};
use crate::load::check_dir;
use crate::text::shown;
use clap::{Args, ValueEnum};
use std::io::Write;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    /// How to print problems: for people, as GitHub Actions annotations, or as JSON.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Github,
    Json,
}

pub fn run(args: &CheckArgs, out: &mut dyn Write, verbosity: Verbosity) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let progress = super::progress::Progress::start("checking records", verbosity);
    let loaded = check_dir(&args.incidents.incidents, today()?)?;
    drop(progress);
    verbosity.step(
        &format!(
            "read and checked {} under {}",
            crate::render::words::plural(loaded.files, "file"),
            crate::text::shown(&args.incidents.incidents)
        ),
        started,
    );
    let errors = loaded.error_count();
    let warnings = loaded.diagnostics.len() - errors;
    match args.format {
        CheckFormat::Json => {
            let json = render_json(&loaded.diagnostics)
                .map_err(|e| Failure::io("cannot write the problems as JSON", e))?;
            emit(out, &json)?;
        }
        CheckFormat::Github => emit(out, &render_github(&loaded.diagnostics))?,
        CheckFormat::Human => {
            let color = ColorChoice::for_stream(&std::io::stdout());
            emit(out, &render_human(&loaded.diagnostics, color))?;
        }
    }
    if args.format != CheckFormat::Json {
        let folder = shown(&args.incidents.incidents);
        let files = crate::render::words::plural(loaded.files, "record");
        let summary = match (errors, warnings) {
            (0, 0) => format!("checked {files} in {folder}: no problems"),
            (0, w) => format!(
                "checked {files} in {folder}: {}",
                crate::render::words::plural(w, "warning")
            ),
            (e, 0) => format!(
                "checked {files} in {folder}: {}",
                crate::render::words::plural(e, "error")
            ),
            (e, w) => format!(
                "checked {files} in {folder}: {}, {}",
                crate::render::words::plural(e, "error"),
                crate::render::words::plural(w, "warning")
            ),
        };
        // The summary is for people: keep it off stdout when stdout is a machine format.
        if verbosity == Verbosity::Quiet {
            // Problems only.
        } else if args.format == CheckFormat::Human {
            emit(out, &format!("{summary}\n"))?;
        } else {
            let _ = writeln!(std::io::stderr(), "{summary}");
        }
    }
    Ok(if loaded.has_io_problems() {
        2
    } else if errors > 0 {
        1
    } else {
        0
    })
}
