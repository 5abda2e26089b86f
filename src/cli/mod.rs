//! The command line: argument definitions, dispatch, and the exit-code policy.
//!
//! Exit codes: 0 success (also when the reader of standard output went away); 1 the data has
//! problems; 2 usage or I/O errors, including a failed write.

mod build;
mod check;
mod docs;
mod earlier;
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

/// `heistbrief --version`: the package version and, when the build knew it, the commit
/// (`0.1.0 (abc1234)`; see build.rs). Briefs print the package version alone.
pub const LONG_VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), env!("HEISTBRIEF_VERSION_SUFFIX"));

#[derive(Debug, Parser)]
#[command(
    name = "heistbrief",
    version = LONG_VERSION,
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

/// `--notes DIR`, taken by the commands that read the editor's assessments.
#[derive(Debug, Args)]
pub struct NotesArg {
    /// Folder of the editor's assessments, one per period (2024-03.md, 2024-Q1.md, 2024.md) [default: notes, when present].
    #[arg(long, value_name = "DIR")]
    pub notes: Option<PathBuf>,
}

impl NotesArg {
    const DEFAULT: &str = "notes";

    /// The notes folder: the one named, which must be a folder; else `notes/` when there is
    /// one; else none (no notes).
    pub fn dir(&self) -> Result<Option<&Path>, Failure> {
        match &self.notes {
            Some(dir) if !dir.is_dir() => Err(Failure::usage(format!(
                "--notes {}: not a folder",
                shown(dir)
            ))),
            Some(dir) => Ok(Some(dir)),
            None if Path::new(Self::DEFAULT).is_dir() => Ok(Some(Path::new(Self::DEFAULT))),
            None => Ok(None),
        }
    }

    /// The folder `watch` watches, whether or not it exists yet.
    pub fn watched(&self) -> PathBuf {
        self.notes
            .clone()
            .unwrap_or_else(|| PathBuf::from(Self::DEFAULT))
    }

    /// The note for each period (`None` where there is none), its citations resolved against
    /// `loaded`; any problem stops the command as a record's would, before anything is written.
    pub fn for_periods(
        &self,
        periods: &[Period],
        loaded: &Loaded,
    ) -> Result<Vec<Option<crate::load::note::Note>>, Failure> {
        use crate::load::note;
        let Some(dir) = self.dir()? else {
            return Ok(periods.iter().map(|_| None).collect());
        };
        let mut problems = Vec::new();
        let mut notes = Vec::with_capacity(periods.len());
        for period in periods {
            notes.push(match note::read_note(dir, &period.label()) {
                Ok(Some(mut found)) => {
                    problems.extend(note::resolve(&mut found, |key| loaded.resolve(key)));
                    Some(found)
                }
                Ok(None) => None,
                Err(problem) => {
                    problems.push(*problem);
                    None
                }
            });
        }
        Diagnostic::sort(&mut problems);
        stop_on_errors(&problems, dir, "; nothing written")?;
        Ok(notes)
    }
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

/// Why a command did not succeed: what it was doing, the error that stopped it (kept whole,
/// with its own causes), and the kind of failure, which chooses the exit code.
#[derive(Debug)]
pub struct Failure {
    kind: FailureKind,
    /// What failed, in words (`cannot write output/brief.pdf`); empty when the cause says it all.
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    /// A line after the error: what it means for the files (`nothing written; …`).
    note: Option<String>,
}

/// The kinds of failure the exit codes tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The data has problems: exit 1.
    Data,
    /// The command line or the environment is wrong: exit 2.
    Usage,
    /// A file, folder or stream could not be read or written: exit 2.
    Io,
}

impl Failure {
    fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
            source: None,
            note: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(FailureKind::Usage, message)
    }

    pub fn data(message: impl Into<String>) -> Self {
        Failure::new(FailureKind::Data, message)
    }

    /// An input or output that failed, with the error that says why.
    pub fn io(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Failure::new(FailureKind::Io, message).because(source)
    }

    /// A failed write to standard output.
    pub fn output(e: std::io::Error) -> Self {
        Failure::io("cannot write to standard output", e)
    }

    /// The error that caused this one.
    pub fn because(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn kind(&self) -> FailureKind {
        self.kind
    }

    /// Whether a broken pipe is somewhere in the chain: the reader of standard output went away
    /// (`heistbrief list | head -1`) and has all it wanted, so the run ends quietly with
    /// success, as ripgrep does, however many layers the write went through.
    pub fn is_broken_pipe(&self) -> bool {
        self.chain().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        })
    }

    /// The exit code: 0 for a broken pipe, else as the kind says.
    pub fn code(&self) -> u8 {
        match self.kind {
            _ if self.is_broken_pipe() => 0,
            FailureKind::Data => 1,
            FailureKind::Usage | FailureKind::Io => 2,
        }
    }

    /// This failure and every cause below it.
    fn chain(&self) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
        let top: &(dyn std::error::Error + 'static) = self;
        std::iter::successors(Some(top), |e| e.source())
    }

    /// The error as people read it, once: each layer's words joined by `: ` down to the root
    /// cause (`cannot write the brief to output: No space left on device`), then the note. A
    /// template error already says what tera said, placed in its file, so the chain stops there.
    pub fn report(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.message.is_empty() {
            parts.push(self.message.clone());
        }
        let mut cause = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(e) = cause {
            // Causes come from libraries and the file system: printed escaped, on one line.
            parts.push(crate::text::escape(&e.to_string()).into_owned());
            if e.is::<crate::render::templates::TemplateError>() {
                break;
            }
            cause = e.source();
        }
        let mut text = parts.join(": ");
        if let Some(note) = &self.note {
            text.push('\n');
            text.push_str(note);
        }
        text
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Writes a command's output, mapping a failed write to [`Failure::output`].
pub fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    out.write_all(text.as_bytes()).map_err(Failure::output)
}

/// An I/O error reached by `?`: its own words say what failed.
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::io("", e)
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
    load_clean_with(incidents, load_dir)
}

/// [`load_clean`] with another loader (`build` loads light records).
pub fn load_clean_with(
    incidents: &IncidentsArg,
    load: fn(&Path, NaiveDate) -> std::io::Result<Loaded>,
) -> Result<Loaded, Failure> {
    let loaded = load(&incidents.incidents, today()?)?;
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
    // A file that could not be read is an I/O error, whatever else is wrong.
    let kind = if errors.iter().any(|d| d.io) {
        FailureKind::Io
    } else {
        FailureKind::Data
    };
    Err(Failure::new(
        kind,
        format!(
            "{} in {}{hint}",
            crate::render::words::plural(errors.len(), "problem"),
            shown(place)
        ),
    ))
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
        .map_err(|e| Failure::io(format!("cannot read benchmarks file {}", shown(path)), e))?;
    let (benchmarks, problems) = crate::benchmark::read_benchmarks(path, &bytes);
    stop_on_errors(&problems, path, "")?;
    Ok(benchmarks)
}

#[cfg(test)]
mod failure_tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn the_chain_is_printed_once_from_the_top() {
        let failure = Failure::io(
            "cannot write the brief to output",
            Error::other("No space left on device"),
        )
        .with_note("the previous brief, if any, is unchanged");
        assert_eq!(
            failure.report(),
            "cannot write the brief to output: No space left on device\nthe previous brief, if any, is unchanged"
        );
        assert_eq!(failure.code(), 2);
        assert_eq!(Failure::data("2 problems").code(), 1);
    }

    #[test]
    fn a_broken_pipe_is_found_however_deep() {
        let pipe = || Error::new(ErrorKind::BrokenPipe, "pipe");
        let deep = Failure::io("wrote x, but could not say so", Failure::output(pipe()));
        assert!(deep.is_broken_pipe());
        assert_eq!(deep.code(), 0);
        // A write reached by `?` (not through `emit`) is found too.
        assert_eq!(Failure::from(pipe()).code(), 0);
        assert_eq!(Failure::from(Error::other("disk")).code(), 2);
    }

    #[test]
    fn a_template_error_ends_the_report() {
        let tera = std::sync::Arc::new(Error::other("Failed to render 'brief.md.tera'"));
        let template = crate::render::templates::TemplateError {
            template: "brief.md.tera".into(),
            origin: None,
            line: Some(3),
            column: None,
            message: "Variable `x` not found".into(),
            cause: Some(tera),
        };
        let failure = Failure::data("template error").because(template);
        assert_eq!(
            failure.report(),
            "template error: brief.md.tera:3: Variable `x` not found"
        );
        // The cause is still there for a program to read.
        let source = std::error::Error::source(&failure).and_then(std::error::Error::source);
        assert!(source.is_some_and(|e| e.to_string().contains("Failed to render")));
    }

    #[test]
    fn causes_are_printed_escaped() {
        let failure = Failure::io("cannot read x", Error::other("bad \u{1b}[2J name"));
        assert_eq!(failure.report(), "cannot read x: bad \\u{1b}[2J name");
    }
}
