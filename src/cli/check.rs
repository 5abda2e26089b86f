//! `heistbrief check`: validate every record and report problems for people, CI or programs.

use super::{Failure, IncidentsArg, today};
use crate::diagnostic::{ColorChoice, render_github, render_human, render_json};
use crate::load::load_dir;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;

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

pub fn run(args: &CheckArgs) -> Result<u8, Failure> {
    let loaded = load_dir(&args.incidents.incidents, today()?)?;
    let errors = loaded.error_count();
    let warnings = loaded.diagnostics.len() - errors;
    match args.format {
        CheckFormat::Json => print!("{}", render_json(&loaded.diagnostics)),
        CheckFormat::Github => print!("{}", render_github(&loaded.diagnostics)),
        CheckFormat::Human => {
            let color = ColorChoice::for_stream(std::io::stdout().is_terminal());
            print!("{}", render_human(&loaded.diagnostics, color));
        }
    }
    if args.format != CheckFormat::Json {
        let folder = args.incidents.incidents.display();
        let files = plural(loaded.files, "record");
        let summary = match (errors, warnings) {
            (0, 0) => format!("checked {files} in {folder}: no problems"),
            (0, w) => format!("checked {files} in {folder}: {}", plural(w, "warning")),
            (e, 0) => format!("checked {files} in {folder}: {}", plural(e, "error")),
            (e, w) => format!(
                "checked {files} in {folder}: {}, {}",
                plural(e, "error"),
                plural(w, "warning")
            ),
        };
        // The summary is for people: keep it off stdout when stdout is a machine format.
        if args.format == CheckFormat::Human {
            println!("{summary}")
        } else {
            eprintln!("{summary}")
        }
    }
    Ok(if errors > 0 { 1 } else { 0 })
}

pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
