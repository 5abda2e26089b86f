//! `heistbrief check`: validate every record and report problems for people, CI or programs.

use super::{Failure, IncidentsArg, NotesArg, Verbosity, emit, today};
use crate::diagnostic::{ColorChoice, render_github, render_human, render_json};
use crate::load::check_dir;
use crate::text::shown;
use clap::{Args, ValueEnum};
use std::io::Write;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub notes: NotesArg,
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
    let mut loaded = check_dir(&args.incidents.incidents, today()?)?;
    let notes = check_notes(&args.notes, &mut loaded)?;
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
        // With notes, the records' folder is named beside the count of records.
        let folder = match notes {
            Some(_) => String::new(),
            None => format!(" in {}", shown(&args.incidents.incidents)),
        };
        let mut files = crate::render::words::plural(loaded.files, "record");
        if let Some((count, dir)) = &notes {
            files = format!(
                "{files} in {folder} and {} in {dir}",
                crate::render::words::plural(*count, "note"),
                folder = shown(&args.incidents.incidents)
            );
        }
        let summary = match (errors, warnings) {
            (0, 0) => format!("checked {files}{folder}: no problems"),
            (0, w) => format!(
                "checked {files}{folder}: {}",
                crate::render::words::plural(w, "warning")
            ),
            (e, 0) => format!(
                "checked {files}{folder}: {}",
                crate::render::words::plural(e, "error")
            ),
            (e, w) => format!(
                "checked {files}{folder}: {}, {}",
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

/// Checks every note in the notes folder (when there is one) against the records: its name, its
/// characters, its citations. The problems join the records'; how many notes, and the folder.
fn check_notes(
    notes: &NotesArg,
    loaded: &mut crate::load::Loaded,
) -> Result<Option<(usize, String)>, Failure> {
    use crate::load::note;
    let Some(dir) = notes.dir()? else {
        return Ok(None);
    };
    let (mut found, mut problems, files) = note::read_notes(dir)
        .map_err(|e| Failure::io(format!("cannot read the notes folder {}", shown(dir)), e))?;
    for n in &mut found {
        problems.extend(note::resolve(n, |key| loaded.resolve(key)));
    }
    loaded.diagnostics.extend(problems);
    crate::diagnostic::Diagnostic::sort(&mut loaded.diagnostics);
    Ok(Some((files, shown(dir))))
}
