//! The command line: argument definitions, dispatch, and the exit-code policy.
//!
//! Exit codes: 0 success (also when the reader of standard output went away); 1 the data has
//! problems; 2 usage or I/O errors, including a failed write.

mod build;
mod check;
mod docs;
mod init;
mod list;
mod new;
mod progress;
mod serve;
mod stats;
mod watch;

use crate::diagnostic::{ColorChoice, Diagnostic, render_human};
use crate::load::{Loaded, load_dir};
use crate::period::Period;
use crate::text::shown;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "heistbrief",
    version,
    about = "Sourced records of North Korea-attributed crypto thefts, turned into policy briefs"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only problems: no list of files written, no summary line.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say, on standard error, what was read and how long each step took.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

/// How much a command says beyond its results and problems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Verbosity {
    /// A step's timing on standard error, in verbose mode only.
    pub fn step(self, what: &str, started: std::time::Instant) {
        if self == Verbosity::Verbose {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let _ = writeln!(std::io::stderr(), "{what} ({ms:.1} ms)");
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the brief for a period as Markdown, HTML and PDF, with its charts; or an archive
    /// of briefs with --each.
    Build(build::BuildArgs),
    /// Validate every record and report each problem with file, line and column.
    Check(check::CheckArgs),
    /// List incidents, optionally for one period.
    List(list::ListArgs),
    /// Write a new record file from the given fields, validated before it is written.
    New(new::NewArgs),
    /// Write the default templates to a folder, to edit.
    Init(init::InitArgs),
    /// Print the JSON Schema of an incident record.
    Schema,
    /// Figures for a period: totals, groupings, laundering, comparisons, coverage.
    Stats(stats::StatsArgs),
    /// Build, then build again whenever a record, template or benchmarks.toml changes; a bad
    /// edit keeps the last good brief.
    Watch(watch::WatchArgs),
    /// Serve the output folder on 127.0.0.1, each page reloading when the brief is rebuilt.
    Serve(serve::ServeArgs),
    /// Print a shell's completion script: `heistbrief completions bash > ~/.local/share/bash-completion/completions/heistbrief`.
    Completions(docs::CompletionsArgs),
    /// Print the manual page (roff): `heistbrief man > heistbrief.1; man ./heistbrief.1`.
    Man,
}

/// `--incidents DIR`, taken by every command that reads records.
#[derive(Debug, Args)]
pub struct IncidentsArg {
    /// Folder of incident records (searched recursively for *.toml).
    #[arg(long, value_name = "DIR", default_value = "incidents")]
    pub incidents: PathBuf,
}

/// The period options shared by every command that takes a period: exactly one form.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// A calendar month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM", value_parser = Period::parse_month, group = "period")]
    pub month: Option<Period>,
    /// A calendar quarter, YYYY-QN.
    #[arg(long, value_name = "YYYY-QN", value_parser = Period::parse_quarter, group = "period")]
    pub quarter: Option<Period>,
    /// A calendar year, YYYY.
    #[arg(long, value_name = "YYYY", value_parser = Period::parse_year, group = "period")]
    pub year: Option<Period>,
    /// First day of a date range (inclusive); needs --to.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "to", group = "period")]
    pub from: Option<NaiveDate>,
    /// Last day of a date range (inclusive); needs --from.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "from")]
    pub to: Option<NaiveDate>,
}

impl PeriodArgs {
    /// The period asked for, or `None` when no period option was given.
    pub fn period(&self) -> Result<Option<Period>, Failure> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            return Period::range(from, to)
                .map(Some)
                .map_err(|e| Failure::usage(e.to_string()));
        }
        Ok(self.month.or(self.quarter).or(self.year))
    }

    /// The period asked for, or else the last complete month before today.
    pub fn period_or_last_month(&self) -> Result<Period, Failure> {
        match self.period()? {
            Some(period) => Ok(period),
            None => Ok(Period::last_complete_month(today()?)),
        }
    }
}

/// Why a command did not succeed, and the exit code that says so.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    pub fn data(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl Failure {
    /// A failed write to standard output. A closed pipe (`heistbrief list | head -1`) means the
    /// reader has all it wanted: end quietly with success, as ripgrep does. Anything else (a
    /// full disk) is an I/O error.
    pub fn output(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure {
                code: 0,
                message: String::new(),
            }
        } else {
            Failure {
                code: 2,
                message: format!("cannot write to standard output: {e}"),
            }
        }
    }
}

/// Writes a command's output, mapping a failed write to [`Failure::output`].
pub fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    out.write_all(text.as_bytes()).map_err(Failure::output)
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure {
            code: 2,
            message: e.to_string(),
        }
    }
}

/// Runs a parsed command, writing its output to `out`; `Ok` carries the exit code for a command
/// that ran to the end. Output is flushed here, so a write error is never lost in a buffer.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8, Failure> {
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let code = match cli.command {
        Command::Build(args) => build::run(&args, out, verbosity),
        Command::Check(args) => check::run(&args, out, verbosity),
        Command::Init(args) => init::run(&args, out),
        Command::List(args) => list::run(&args, out),
        Command::New(args) => new::run(&args, out),
        Command::Stats(args) => stats::run(&args, out),
        Command::Schema => emit(out, &crate::schema::incident_schema_json()).map(|()| 0),
        Command::Watch(args) => watch::run(&args, out, verbosity),
        Command::Serve(args) => serve::run(&args, out),
        Command::Completions(args) => docs::completions(&args, out),
        Command::Man => docs::man(out),
    }?;
    out.flush().map_err(Failure::output)?;
    Ok(code)
}

/// Today's date: the local date, or `HEISTBRIEF_TODAY` (YYYY-MM-DD) for reproducible runs.
pub fn today() -> Result<NaiveDate, Failure> {
    match std::env::var("HEISTBRIEF_TODAY") {
        Ok(text) => text.parse().map_err(|_| {
            Failure::usage(format!(
                "HEISTBRIEF_TODAY=`{text}` is not a date (YYYY-MM-DD)"
            ))
        }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// Loads the records for a command that needs clean data: any error stops it, with the problems
/// printed as `check` would and a pointer to `check`.
pub fn load_clean(incidents: &IncidentsArg) -> Result<Loaded, Failure> {
    let loaded = load_dir(&incidents.incidents, today()?)?;
    stop_on_errors(
        &loaded.diagnostics,
        &incidents.incidents,
        "; fix them first (`heistbrief check` lists them)",
    )?;
    Ok(loaded)
}

/// Stops a command when `problems` hold errors, printing them to stderr as `check` would.
pub fn stop_on_errors(problems: &[Diagnostic], place: &Path, hint: &str) -> Result<(), Failure> {
    let errors: Vec<Diagnostic> = problems.iter().filter(|d| d.is_error()).cloned().collect();
    if errors.is_empty() {
        return Ok(());
    }
    let color = ColorChoice::for_stream(&std::io::stderr());
    // Diagnostics on stderr are a courtesy before the failure itself: a closed stderr must not
    // turn the data error into a panic.
    let _ = std::io::stderr().write_all(render_human(&errors, color).as_bytes());
    let failure = Failure::data(format!(
        "{} in {}{hint}",
        crate::render::words::plural(errors.len(), "problem"),
        shown(place)
    ));
    // A file that could not be read is an I/O error, whatever else is wrong.
    let code = if errors.iter().any(|d| d.io) { 2 } else { 1 };
    Err(Failure { code, ..failure })
}

/// `--benchmarks FILE`, taken by every command that compares with published figures.
#[derive(Debug, Args)]
pub struct BenchmarksArg {
    /// Published figures to compare with [default: benchmarks.toml, when present].
    #[arg(long, value_name = "FILE")]
    pub benchmarks: Option<PathBuf>,
}

impl BenchmarksArg {
    /// Reads the benchmarks file: the one named, or `benchmarks.toml` when it exists.
    pub fn load(&self) -> Result<Vec<crate::benchmark::Benchmark>, Failure> {
        load_benchmarks(self.benchmarks.as_deref())
    }
}

fn load_benchmarks(path: Option<&Path>) -> Result<Vec<crate::benchmark::Benchmark>, Failure> {
    let default = Path::new("benchmarks.toml");
    let path = match path {
        Some(path) => path,
        None if default.exists() => default,
        None => return Ok(Vec::new()),
    };
    let bytes = crate::fs::read_regular_file(path)
        .map_err(|e| Failure::usage(format!("cannot read benchmarks file {}: {e}", shown(path))))?;
    let (benchmarks, problems) = crate::benchmark::read_benchmarks(path, &bytes);
    stop_on_errors(&problems, path, "")?;
    Ok(benchmarks)
}
