//! `heistbrief build`: the brief for a period, as Markdown, HTML (both with its charts) and PDF;
//! or, with `--each`, one brief per month or quarter of a span and an index of them.

use super::earlier;
use super::progress::Progress;
use super::{
    BenchmarksArg, Failure, IncidentsArg, NotesArg, PeriodArgs, Verbosity, emit, load_clean_with,
    today,
};
use crate::incident::Incident;
use crate::lock::{LockError, LockedFolder};
use crate::period::Each;
use crate::render::archive::{Archive, ArchivedBrief, BriefFile};
use crate::render::pdf::{PdfError, PdfOptions, style::Paper};
use crate::render::revisions::{Revisions, revisions};
use crate::render::templates::Templates;
use crate::render::view::{Brief, BriefOptions, brief_of, brief_with};
use crate::render::{self, Format};
use crate::snapshot::{Changes, Snapshot};
use crate::text::shown;
use crate::write::Outcome;
use clap::Args;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The most briefs one `build --each` makes: 100 years of months.
const MAX_EACH_BRIEFS: usize = 1200;

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub benchmarks: BenchmarksArg,
    #[command(flatten)]
    pub notes: NotesArg,
    /// Folder whose templates replace the built-in ones file by file [default: templates, when present].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Where the brief is written.
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,
    /// Formats to write, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Md, Format::Html, Format::Pdf])]
    pub format: Vec<Format>,
    /// The PDF's paper size [default: as the templates' pdf.toml says, else a4].
    #[arg(long, value_enum)]
    pub paper: Option<Paper>,
    /// Build one brief per month or quarter of the period (which must be given), and an index
    /// of them (index.md, index.html). Files whose bytes would not change are left alone.
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub each: Option<Each>,
    /// The earlier brief's snapshot (brief-<period>.json) to compare with [default: the one of
    /// the latest period ending before this one, in --out].
    #[arg(long, value_name = "FILE", conflicts_with = "each")]
    pub since: Option<PathBuf>,
}

/// Why a build ended without its brief: it failed, or `watch` abandoned it for a newer change.
#[derive(Debug)]
pub enum Stop {
    Failed(Failure),
    /// Stopped at a safe point, having written nothing: its inputs changed after it read them,
    /// so what it would write is already out of date.
    Abandoned,
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Self {
        Stop::Failed(failure)
    }
}

/// Whether a build is still wanted. `watch` counts the changes it sees; a build reads the
/// count when it starts and is wanted while no change has come since. The build asks at its
/// safe points (between stages, up to taking the output lock), never inside a renderer, and
/// once it has the lock it finishes, so a set is never half written.
#[derive(Clone, Copy, Debug)]
pub struct Wanted<'a> {
    /// The count of changes seen, and its value when the build started; `None`: always wanted.
    changes: Option<(&'a AtomicU64, u64)>,
}

impl Wanted<'static> {
    /// A build nothing abandons: `build` itself.
    pub const ALWAYS: Wanted<'static> = Wanted { changes: None };
}

impl<'a> Wanted<'a> {
    /// A build of the inputs as they are now, wanted until `changes` moves on. Taken before
    /// the build reads anything, so a change it could have missed always abandons it.
    pub fn until_changed(changes: &'a AtomicU64) -> Self {
        Wanted {
            changes: Some((changes, changes.load(Ordering::SeqCst))),
        }
    }

    fn still(&self) -> bool {
        self.changes
            .is_none_or(|(changes, started)| changes.load(Ordering::SeqCst) == started)
    }

    /// A safe point: stop here, before anything is written, if a newer change has come.
    fn check(&self) -> Result<(), Stop> {
        if self.still() {
            Ok(())
        } else {
            Err(Stop::Abandoned)
        }
    }
}

/// `heistbrief build`: nothing abandons it.
pub fn run(
    args: &BuildArgs,
    out: &mut dyn std::io::Write,
    verbosity: Verbosity,
) -> Result<u8, Failure> {
    match run_while(args, out, verbosity, Wanted::ALWAYS) {
        Ok(code) => Ok(code),
        Err(Stop::Failed(failure)) => Err(failure),
        // `Wanted::ALWAYS` never abandons; said plainly rather than a panic, should that change.
        Err(Stop::Abandoned) => Err(Failure::usage("the build was abandoned")),
    }
}

/// The build, stopping at its next safe point once it is no longer `wanted`.
pub fn run_while(
    args: &BuildArgs,
    out: &mut dyn std::io::Write,
    verbosity: Verbosity,
    wanted: Wanted,
) -> Result<u8, Stop> {
    let periods = periods(args)?;
    let started = Instant::now();
    let progress = Progress::start("reading records", verbosity);
    let templates = templates(args.templates.as_deref())?;
    let benchmarks = args.benchmarks.load()?;
    // The figures read every record, the brief's words only the few it cites: records are
    // kept light, and those cited are read again whole once the briefs have chosen them.
    let mut loaded = load_clean_with(&args.incidents, crate::load::load_dir_light)?;
    // Each brief's note, its citations resolved by id or alias: a problem stops the build here.
    let notes = args.notes.for_periods(&periods, &loaded)?;
    drop(progress);
    hold_for_tests(wanted);
    wanted.check()?;
    verbosity.step(
        &format!(
            "read {} from {} ({} unchanged since the last build, from the cache) and {}",
            render::words::plural(loaded.incidents.len(), "record"),
            shown(&args.incidents.incidents),
            loaded.cached,
            render::words::plural(benchmarks.len(), "published figure")
        ),
        started,
    );
    let epoch = source_epoch()?;
    let options = BriefOptions {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        generated_on: epoch
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(|t| t.date_naive()),
    };
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    // Everything is rendered before anything is written: a template error leaves the previous
    // briefs as they were.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut archived = Vec::new();
    let progress = Progress::start("rendering", verbosity);
    let started = Instant::now();
    let views_of = |incidents: &[Incident]| -> Result<Vec<Brief>, Failure> {
        periods
            .iter()
            .zip(&notes)
            .map(|(period, note)| {
                brief_with(incidents, *period, &benchmarks, &options, note.as_ref())
            })
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::data("").because(e))
    };
    // Each brief is compared with the snapshot of the latest earlier brief the folder held
    // before this build (for `--each`, so with what was published before the run: each brief
    // of a rebuilt span says what changed since it was last published).
    let earlier = earlier::choose(
        &periods,
        &earlier::in_folder(&args.out)?,
        args.since.as_deref(),
    );
    // Which records a brief cites follows from the figures alone (amounts, dates, groups), so
    // the light records choose them, and make the snapshots (which read no more); the views are
    // then made again with the records cited or changed read whole.
    let mut cited: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut snapshots: Vec<(Vec<u8>, Option<Changes>)> = Vec::with_capacity(periods.len());
    for ((period, earlier), note) in periods.iter().zip(&earlier).zip(&notes) {
        let f = crate::stats::figures(&loaded.incidents, *period, &benchmarks);
        let view = brief_of(
            &f,
            &loaded.incidents,
            *period,
            &benchmarks,
            &options,
            note.as_ref(),
        )
        .map_err(|e| Failure::data("").because(e))?;
        cited.extend(view.record_ids().map(str::to_owned));
        let new = Snapshot::of(&f, &loaded.incidents);
        let changes = match earlier {
            Some(path) => {
                let bytes = earlier::read(path)?;
                let old = earlier::parse(path, &bytes, *period)?;
                Some(crate::snapshot::compare(&old, &new))
            }
            None => None,
        };
        cited.extend(
            changes
                .iter()
                .flat_map(|c| &c.records)
                .map(|change| change.id.clone()),
        );
        snapshots.push((new.to_json(), changes));
    }
    let cited: std::collections::HashSet<&str> = cited.iter().map(String::as_str).collect();
    crate::load::reread(&mut loaded, &cited, today()?).map_err(Failure::data)?;
    let mut views = views_of(&loaded.incidents)?;
    for ((view, (_, changes)), period) in views.iter_mut().zip(&snapshots).zip(&periods) {
        view.revisions = changes
            .as_ref()
            .and_then(|c| revisions(c, &loaded.incidents, *period));
        if let Some(revised) = &view.revisions {
            let warnings = unexplained_warnings(revised, &view.period.name);
            let _ = std::io::stderr().write_all(warnings.as_bytes());
        }
    }
    wanted.check()?;
    // The views hold all the briefs need. Only the records they cite are kept (warnings name
    // them), so that rendering a long brief does not add its memory to that of every record.
    loaded.incidents.retain(|i| cited.contains(i.id.as_str()));
    loaded.incidents.shrink_to_fit();
    let summarised = match views.as_slice() {
        [view] => view.period.name.clone(),
        _ => render::words::plural(views.len(), "period"),
    };
    verbosity.step(
        &format!("worked out the figures and charts for {summarised}"),
        started,
    );
    for (period, view) in periods.iter().zip(&views) {
        wanted.check()?;
        let started = Instant::now();
        let rendered = render_brief(
            args,
            view,
            &templates,
            &formats,
            epoch,
            &loaded.incidents,
            wanted,
        )?;
        verbosity.step(
            &format!("rendered the brief for {}", view.period.name),
            started,
        );
        // Readers' order: the page, the print, the source text.
        let shown_files = [Format::Html, Format::Pdf, Format::Md]
            .iter()
            .filter(|format| formats.contains(format))
            .map(|format| BriefFile {
                format: format_name(*format),
                file: format.file_name(&period.label()),
            })
            .collect();
        archived.push(ArchivedBrief::new(view, shown_files));
        files.extend(rendered);
    }
    // Each brief's snapshot is written with it, in the same all-or-nothing set.
    for (period, (json, _)) in periods.iter().zip(snapshots) {
        files.push((crate::snapshot::file_name(period), json));
    }
    drop(progress);
    if let (Some(each), Some(span)) = (args.each, args.period.period()?) {
        wanted.check()?;
        let archive = Archive::new(&span, each, &options.version, archived);
        let md = render::archive::index_markdown(&archive, &templates).map_err(template_failure)?;
        let html = render::archive::index_html(&archive, &templates).map_err(template_failure)?;
        files.push(("index.md".into(), md.into_bytes()));
        files.push(("index.html".into(), html.into_bytes()));
    }
    // The last safe point: past it the build locks the folder (creating it if need be) and
    // writes its whole set, however many changes come meanwhile.
    wanted.check()?;
    // Held until the report is printed: what it says is what the folder holds.
    let folder = lock_output(&args.out)?;
    let written = crate::write::replace_all(&folder, &files).map_err(|e| {
        Failure::io(format!("cannot write the brief to {}", shown(&args.out)), e)
            .with_note("the previous brief, if any, is unchanged")
    })?;
    let report: String = written
        .iter()
        .map(|(path, outcome)| match outcome {
            Outcome::Written => format!("wrote {}\n", shown(path)),
            Outcome::Unchanged => format!("unchanged {}\n", shown(path)),
        })
        .collect();
    if verbosity != Verbosity::Quiet {
        emit(out, &report)?;
    }
    Ok(0)
}

/// The periods to build: the one asked for (else last month), or with `--each`, each month or
/// quarter of the span, bounded before anything is read.
fn periods(args: &BuildArgs) -> Result<Vec<crate::period::Period>, Failure> {
    Ok(match args.each {
        None => vec![args.period.period_or_last_month()?],
        Some(each) => {
            let span = args.period.period()?.ok_or_else(|| {
                Failure::usage(
                    "--each needs the span to divide: --year, --quarter, or --from with --to",
                )
            })?;
            let periods = span.each(each, super::today()?);
            if periods.is_empty() {
                return Err(Failure::usage(format!(
                    "{} holds no whole {} that has ended; nothing to build",
                    span.label(),
                    render::archive::each_name(each)
                )));
            }
            // Every brief is rendered before one is written, so the span is bounded before
            // anything is read: `--from 0001-01-01` would otherwise hold ~24 000 in memory.
            if periods.len() > MAX_EACH_BRIEFS {
                return Err(Failure::usage(format!(
                    "--each {} from {} to {} makes {} briefs; one build makes at most {MAX_EACH_BRIEFS} (100 years of months): build the span in parts with --from and --to",
                    render::archive::each_name(each),
                    span.from,
                    span.to,
                    periods.len()
                )));
            }
            periods
        }
    })
}

/// The output folder, locked for this build's writing. The lock is taken once everything is
/// rendered, so a template error never creates the folder, and a second build is refused at
/// once (not queued: what it rendered may already be older than what the first wrote).
fn lock_output(out: &Path) -> Result<LockedFolder, Failure> {
    LockedFolder::try_lock(out).map_err(|e| match e {
        LockError::Busy => Failure::io(
            format!("cannot write the brief to {}", shown(out)),
            std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                format!(
                    "another heistbrief build is writing there (it holds {}); run this one again when it has finished",
                    shown(&out.join(crate::lock::LOCK_FILE))
                ),
            ),
        )
        .with_note("nothing written by this build"),
        LockError::Io(e) => Failure::io(
            format!(
                "cannot lock {} for writing",
                shown(&out.join(crate::lock::LOCK_FILE))
            ),
            e,
        )
        .with_note("nothing written; the previous brief, if any, is unchanged"),
    })
}

/// One period's brief in each format asked for, as named files.
fn render_brief(
    args: &BuildArgs,
    view: &Brief,
    templates: &Templates,
    formats: &[Format],
    epoch: Option<i64>,
    incidents: &[Incident],
    wanted: Wanted,
) -> Result<Vec<(String, Vec<u8>)>, Stop> {
    use rayon::prelude::*;
    // The formats are independent: render them side by side, the PDF (the longest) first so
    // that it starts at once while the others share the other core.
    let mut order = formats.to_vec();
    order.sort_by_key(|format| std::cmp::Reverse(*format));
    let mut rendered: Vec<(Format, Rendered)> = order
        .par_iter()
        .map(|format| {
            // Each format is a stage: one not yet begun is not begun for an abandoned build.
            wanted.check()?;
            Ok((
                *format,
                render_format(args, view, templates, *format, epoch)?,
            ))
        })
        .collect::<Result<_, Stop>>()?;
    rendered.sort_by_key(|(format, _)| *format);
    let label = &view.period.label;
    let mut files = Vec::new();
    for (format, output) in rendered {
        files.push((format.file_name(label), output.bytes));
        if format == Format::Md {
            for chart in view.charts.iter().filter(|c| !c.svg.is_empty()) {
                files.push((chart.file.clone(), chart.svg.clone().into_bytes()));
            }
        }
        if !output.missing_glyphs.is_empty() {
            let cited: std::collections::HashSet<&str> = view.record_ids().collect();
            let note = view.assessment.as_ref().map(|a| a.markdown.as_str());
            let warnings = missing_glyph_warnings(&output.missing_glyphs, incidents, &cited, note);
            let _ = std::io::stderr().write_all(warnings.as_bytes());
        }
    }
    Ok(files)
}

/// A hidden hook for the tests of `watch`, not for users: when `HEISTBRIEF_TEST_HOLD` names a
/// file that exists, a build that has read its inputs says `test hook: held after loading` on
/// standard error and waits there while the file exists and the build is still wanted. A test
/// can so hold a build at a known point, save a newer change and see it abandoned, however
/// fast or loaded the machine is. Without the variable (or the file) it does nothing.
fn hold_for_tests(wanted: Wanted) {
    let Some(hold) = std::env::var_os("HEISTBRIEF_TEST_HOLD").map(PathBuf::from) else {
        return;
    };
    if !hold.exists() {
        return;
    }
    let _ = writeln!(std::io::stderr(), "test hook: held after loading");
    while hold.exists() && wanted.still() {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A brief in one format, and the characters its fonts could not draw (the PDF's only).
struct Rendered {
    bytes: Vec<u8>,
    missing_glyphs: Vec<char>,
}

fn render_format(
    args: &BuildArgs,
    view: &Brief,
    templates: &Templates,
    format: Format,
    epoch: Option<i64>,
) -> Result<Rendered, Failure> {
    let text = |text: String| Rendered {
        bytes: text.into_bytes(),
        missing_glyphs: Vec::new(),
    };
    Ok(match format {
        Format::Md => {
            text(render::markdown(view, templates, Format::Md).map_err(template_failure)?)
        }
        Format::Html => text(render::html(view, templates).map_err(template_failure)?),
        Format::Pdf => {
            let options = PdfOptions {
                date: pdf_date(epoch)?,
                paper: args.paper,
            };
            let pdf = render::pdf::pdf(view, templates, options).map_err(pdf_failure)?;
            Rendered {
                bytes: pdf.bytes,
                missing_glyphs: pdf.missing_glyphs,
            }
        }
    })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Md => "Markdown",
        Format::Html => "HTML",
        Format::Pdf => "PDF",
    }
}

/// One warning per change to a record that its `[[revisions]]` trail does not explain, naming
/// the record (escaped: ids come from file names).
fn unexplained_warnings(revised: &Revisions, brief: &str) -> String {
    revised
        .unexplained
        .iter()
        .map(|(id, field)| {
            format!(
                "warning: record {}: its {field} changed since the brief for {}, and no [[revisions]] entry gives the value that brief printed; the brief for {} says \"no reason recorded\"\n",
                crate::text::escape(id),
                revised.since,
                brief
            )
        })
        .collect()
}

/// How many missing characters a warning shows by code point; the rest are counted.
const GLYPHS_SHOWN: usize = 5;

/// The warnings for the characters the PDF's fonts cannot draw: one line per cited record
/// whose text holds some (how many, and the first few), one for those the editor's note holds,
/// and one for those only the templates hold. Each record is serialised once and its characters looked up in a set: a warning per
/// character that serialised every record again took 24 s for 60 000 distinct characters.
fn missing_glyph_warnings(
    missing: &[char],
    incidents: &[Incident],
    cited: &std::collections::HashSet<&str>,
    note: Option<&str>,
) -> String {
    let wanted: std::collections::HashSet<char> = missing.iter().copied().collect();
    let mut placed: std::collections::HashSet<char> = std::collections::HashSet::new();
    let mut out = String::new();
    for incident in incidents.iter().filter(|i| cited.contains(i.id.as_str())) {
        let Ok(json) = serde_json::to_string(incident) else {
            continue;
        };
        let mut seen = std::collections::HashSet::new();
        let found: Vec<char> = json
            .chars()
            .filter(|c| wanted.contains(c) && seen.insert(*c))
            .collect();
        if !found.is_empty() {
            placed.extend(&found);
            out.push_str(&missing_glyph_warning(
                &found,
                &format!("record {}", crate::text::escape(&incident.id)),
            ));
        }
    }
    if let Some(note) = note {
        let mut seen = std::collections::HashSet::new();
        let found: Vec<char> = note
            .chars()
            .filter(|c| wanted.contains(c) && !placed.contains(c) && seen.insert(*c))
            .collect();
        if !found.is_empty() {
            placed.extend(&found);
            out.push_str(&missing_glyph_warning(&found, "the assessment (notes)"));
        }
    }
    let templates: Vec<char> = missing
        .iter()
        .copied()
        .filter(|c| !placed.contains(c))
        .collect();
    if !templates.is_empty() {
        out.push_str(&missing_glyph_warning(&templates, "the templates"));
    }
    out
}

/// One warning line: how many characters `place` holds that no font draws, the first few.
fn missing_glyph_warning(chars: &[char], place: &str) -> String {
    let shown: Vec<String> = chars
        .iter()
        .take(GLYPHS_SHOWN)
        .map(|c| {
            let code = format!("U+{:04X}", u32::from(*c));
            if c.is_control() || crate::text::is_invisible(*c) {
                code
            } else {
                format!("{code} ({})", crate::text::escape(&c.to_string()))
            }
        })
        .collect();
    let more = match chars.len().saturating_sub(GLYPHS_SHOWN) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let (what, shown_as) = match chars.len() {
        1 => ("a character".to_owned(), "it is"),
        n => (format!("{n} characters"), "each is"),
    };
    format!(
        "warning: the PDF's fonts have no glyph for {what} in {place}: {}{more}; {shown_as} shown as `?`\n",
        shown.join(", ")
    )
}

fn pdf_failure(e: PdfError) -> Failure {
    match e {
        PdfError::Template(e) => template_failure(e),
        other => Failure::data("")
            .because(other)
            .with_note("nothing written; the previous brief, if any, is unchanged"),
    }
}

/// The templates: the folder asked for, else `templates/` when it exists, else the defaults.
fn templates(dir: Option<&Path>) -> Result<Templates, Failure> {
    let default = Path::new("templates");
    let dir = match dir {
        Some(dir) if !dir.is_dir() => {
            return Err(Failure::usage(format!(
                "--templates {}: not a folder",
                shown(dir)
            )));
        }
        Some(dir) => Some(dir),
        None if default.is_dir() => Some(default),
        None => None,
    };
    match dir {
        Some(dir) => Templates::with_overrides(dir).map_err(template_failure),
        None => Ok(Templates::builtin()),
    }
}

/// A template that is wrong is a data error (exit 1); one that cannot be read, an I/O error
/// (exit 2), as for the benchmarks file.
fn template_failure(e: crate::render::templates::TemplateError) -> Failure {
    if e.is_io() {
        return Failure::io("", e)
            .with_note("nothing written; the previous brief, if any, is unchanged");
    }
    Failure::data("template error")
        .because(e)
        .with_note("nothing written; the previous brief, if any, is unchanged")
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) when set: the "generated on" date and the
/// PDF's dates, so that builds are reproducible; no date otherwise.
/// The PDF's creation and modification dates: `SOURCE_DATE_EPOCH` when set, else the start
/// (UTC) of the day the brief is built, so that building again the same day changes no byte.
fn pdf_date(epoch: Option<i64>) -> Result<i64, Failure> {
    Ok(match epoch {
        Some(seconds) => seconds,
        None => today()?
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp(),
    })
}

fn source_epoch() -> Result<Option<i64>, Failure> {
    let Ok(text) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = text.trim().parse().map_err(|_| {
        Failure::usage(format!(
            "SOURCE_DATE_EPOCH=`{}` is not a number of seconds",
            crate::text::echo(&text)
        ))
    })?;
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|_| Some(seconds))
        .ok_or_else(|| Failure::usage(format!("SOURCE_DATE_EPOCH={seconds} is out of range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_wanted_until_a_change_comes_and_build_always() {
        let changes = AtomicU64::new(3);
        let wanted = Wanted::until_changed(&changes);
        assert!(wanted.check().is_ok());
        changes.fetch_add(1, Ordering::SeqCst);
        assert!(matches!(wanted.check(), Err(Stop::Abandoned)));
        // A build started after the change is wanted.
        assert!(Wanted::until_changed(&changes).check().is_ok());
        assert!(Wanted::ALWAYS.check().is_ok());
    }
}
