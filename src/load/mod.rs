//! Loading the incidents folder: find the files, read them in parallel, validate, and report.

mod cache;
mod discover;
pub(crate) mod fields;
pub mod note;
mod plain;
pub(crate) mod raw;
pub mod record;
pub(crate) mod sections;
pub(crate) mod typing;

use crate::diagnostic::{Diagnostic, SourceText};
use crate::incident::Incident;
use crate::validate;
use crate::validate::Violation;
use chrono::NaiveDate;
use fields::Spans;
use rayon::prelude::*;
pub(crate) use sections::Reading;
use std::io;
use std::path::{Path, PathBuf};

pub use discover::record_files;
pub use record::{ReadRecord, read_record, read_record_bytes};

/// Every record that passed, every problem found, and how many files were read.
#[derive(Debug)]
pub struct Loaded {
    /// Valid records, sorted by id (which starts with the date, so this is nearly date order).
    pub incidents: Vec<Incident>,
    /// Each record's file, in the same order.
    pub paths: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    /// How many of the files were unchanged since the last build, their records taken from its
    /// cache ([`load_dir_light`] only).
    pub cached: usize,
    /// Every file's id, sorted, when the records are not kept ([`check_dir`]): what a note's
    /// citation is resolved against there. Empty otherwise, where `incidents` hold the ids.
    pub ids: Vec<String>,
    /// Each valid record's aliases (earlier ids), each with the record's id. Light records
    /// leave their aliases out, so they are kept here for a note's citations.
    pub aliases: std::collections::BTreeMap<String, String>,
}

impl Loaded {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// Whether a file or folder could not be read at all (an I/O problem, not a data problem).
    pub fn has_io_problems(&self) -> bool {
        self.diagnostics.iter().any(|d| d.io)
    }

    /// The id of the record `key` names, by its id or one of its aliases.
    pub fn resolve(&self, key: &str) -> Option<&str> {
        if let Some(id) = self.aliases.get(key) {
            return Some(id);
        }
        if let Ok(at) = self.incidents.binary_search_by(|i| i.id.as_str().cmp(key)) {
            return Some(&self.incidents[at].id);
        }
        let at = self.ids.binary_search_by(|id| id.as_str().cmp(key)).ok()?;
        Some(&self.ids[at])
    }
}

/// Loads and validates every record under `root`. Only a missing or unreadable folder is an
/// `Err`; problems in files are diagnostics.
pub fn load_dir(root: &Path, today: NaiveDate) -> io::Result<Loaded> {
    load(root, today, Keep::Records)
}

/// Validates every record under `root` as [`load_dir`] does, keeping only the problems: what
/// `check` needs, in the memory of its problems rather than of every record (`incidents` is
/// empty).
pub fn check_dir(root: &Path, today: NaiveDate) -> io::Result<Loaded> {
    load(root, today, Keep::Problems)
}

/// Validates every record under `root` as [`load_dir`] does, keeping each without its prose
/// and its sources' addresses and quotes ([`light`]): all that the figures read, in a fraction
/// of the memory. [`reread`] makes the records a brief cites whole again.
pub fn load_dir_light(root: &Path, today: NaiveDate) -> io::Result<Loaded> {
    load(root, today, Keep::Light)
}

/// What loading keeps of each valid record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Records,
    Light,
    Problems,
}

/// A record as the figures read it: its dates, amounts, vocabularies, victim, publishers,
/// laundering steps and aliases (which match a renamed record to the snapshot of an earlier
/// brief), without the summary, notes, tags, revision trail or its sources' addresses and quotes.
/// The build cache (`cache.rs`) stores exactly what this keeps: a field kept here is written
/// there too (its round-trip test over the bundled records fails otherwise).
pub fn light(mut incident: Incident) -> Incident {
    incident.summary = String::new();
    incident.attribution_note = None;
    incident.actor = None;
    incident.country = None;
    incident.chains = Vec::new();
    incident.tags = Vec::new();
    incident.revisions = Vec::new();
    for source in &mut incident.sources {
        source.url = String::new();
        source.quote = None;
        source.published = None;
        source.accessed = None;
    }
    incident
}

/// Reads again, whole, the records of `loaded` whose ids are in `ids` (light ones, from
/// [`load_dir_light`]). A file that no longer reads as the record it was is an error: it
/// changed while the brief was being made.
pub fn reread(
    loaded: &mut Loaded,
    ids: &std::collections::HashSet<&str>,
    today: NaiveDate,
) -> Result<(), String> {
    let wanted: Vec<usize> = (0..loaded.incidents.len())
        .filter(|&i| ids.contains(loaded.incidents[i].id.as_str()))
        .collect();
    let whole: Vec<Option<Incident>> = wanted
        .par_iter()
        .map(|&i| {
            let path = &loaded.paths[i];
            let bytes = crate::fs::read_listed_file(path).ok()?;
            check_file(path, &bytes, &loaded.incidents[i].id, today).0
        })
        .collect();
    for (i, incident) in wanted.into_iter().zip(whole) {
        match incident {
            Some(incident) if light(incident.clone()) == loaded.incidents[i] => {
                loaded.incidents[i] = incident;
            }
            _ => {
                return Err(format!(
                    "{} changed while the brief was being made; build again",
                    crate::text::shown(&loaded.paths[i])
                ));
            }
        }
    }
    Ok(())
}

/// One file as loading found it: the record kept of it (if valid and kept), its aliases, its
/// problems, its identity (when a cache is in use) and whether the cache gave its record.
struct Checked {
    record: Option<Incident>,
    aliases: Option<Vec<String>>,
    problems: Vec<Diagnostic>,
    stamp: Option<cache::Stamp>,
    cached: bool,
}

fn load(root: &Path, today: NaiveDate, keep: Keep) -> io::Result<Loaded> {
    let (paths, mut diagnostics) = discover::record_files(root)?;
    let ids: Vec<String> = paths.iter().map(|path| record_id(path)).collect();
    // Light records for a build come from the last build's cache when their file is unchanged.
    let cache = match keep {
        Keep::Light => cache::Cache::open(root, today),
        Keep::Records | Keep::Problems => None,
    };
    // Parsing dominates loading, and files are independent: read and check them in parallel.
    // A valid record's aliases are kept apart for the folder-wide check, which needs no more.
    let results: Vec<Checked> = paths
        .par_iter()
        .zip(&ids)
        .map(|(path, id)| {
            let stamp = cache.as_ref().and_then(|_| cache::Stamp::of(path));
            let from_cache = match (&cache, stamp) {
                (Some(cache), Some(stamp)) => cache.record(path, stamp, id),
                _ => None,
            };
            let cached = from_cache.is_some();
            let (incident, problems) = match from_cache {
                Some(record) => (Some(record), Vec::new()),
                None => match crate::fs::read_listed_file(path) {
                    Ok(bytes) => check_file(path, &bytes, id, today),
                    Err(e) => (None, vec![Diagnostic::unreadable(path, &e)]),
                },
            };
            let aliases = incident
                .as_ref()
                .filter(|i| !i.aliases.is_empty())
                .map(|i| i.aliases.clone());
            let kept = match keep {
                Keep::Records => incident,
                Keep::Light => incident.map(light),
                Keep::Problems => None,
            };
            Checked {
                record: kept,
                aliases,
                problems,
                stamp,
                cached,
            }
        })
        .collect();
    let cached = results.iter().filter(|r| r.cached).count();
    if let Some(cache) = &cache
        && (cached < results.len() || cache.len() != results.len())
    {
        // Something changed since the cache was written: it is written again with every file
        // that has no problem. A cache that cannot be written costs the next build its speed
        // only.
        let kept = results.iter().zip(&paths).filter_map(|(r, path)| {
            Some(cache::Kept {
                path,
                stamp: r.stamp?,
                record: r.record.as_ref().filter(|_| r.problems.is_empty())?,
            })
        });
        let _ = cache.save(kept);
    }
    let mut kept = Vec::with_capacity(if keep == Keep::Problems {
        0
    } else {
        results.len()
    });
    let mut aliased: Vec<(Vec<String>, &Path)> = Vec::new();
    let mut alias_ids = std::collections::BTreeMap::new();
    for (((checked, path), id), at) in results.into_iter().zip(&paths).zip(&ids).zip(0..) {
        kept.extend(checked.record.map(|i| (i, at)));
        if let Some(aliases) = checked.aliases {
            for alias in &aliases {
                alias_ids.entry(alias.clone()).or_insert_with(|| id.clone());
            }
            aliased.push((aliases, path.as_path()));
        }
        diagnostics.extend(checked.problems);
    }
    let named: Vec<(&str, &Path)> = ids
        .iter()
        .map(String::as_str)
        .zip(paths.iter().map(PathBuf::as_path))
        .collect();
    diagnostics.extend(validate::duplicate_ids(&named));
    // Most data sets have few aliases or none: the check runs only for them.
    if !aliased.is_empty() {
        let aliased: Vec<(&[String], &Path)> =
            aliased.iter().map(|(a, p)| (a.as_slice(), *p)).collect();
        diagnostics.extend(validate::colliding_aliases(&ids, &paths, &aliased));
    }
    Diagnostic::sort(&mut diagnostics);
    kept.sort_unstable_by(|a, b| a.0.id.cmp(&b.0.id));
    // Each kept record's path is moved out of the folder's list, which the checks above are done
    // with: no path is copied.
    let files = paths.len();
    let mut paths = paths;
    let (incidents, kept_paths) = kept
        .into_iter()
        .map(|(incident, at)| (incident, std::mem::take(&mut paths[at])))
        .unzip();
    let all_ids = if keep == Keep::Problems {
        let mut ids = ids;
        ids.sort_unstable();
        ids
    } else {
        Vec::new()
    };
    Ok(Loaded {
        incidents,
        paths: kept_paths,
        diagnostics,
        files,
        cached,
        ids: all_ids,
        aliases: alias_ids,
    })
}

/// Reads one file and applies every per-record rule. The record is returned only when it has no
/// errors, so nothing downstream ever sees an invalid record.
pub fn check_file(
    path: &Path,
    bytes: &[u8],
    id: &str,
    today: NaiveDate,
) -> (Option<Incident>, Vec<Diagnostic>) {
    check_file_as(path, bytes, id, today, Reading::BySize)
}

/// [`check_file`], reading the file whole or section by section as `reading` says.
pub(crate) fn check_file_as(
    path: &Path,
    bytes: &[u8],
    id: &str,
    today: NaiveDate,
    reading: Reading,
) -> (Option<Incident>, Vec<Diagnostic>) {
    let mut read = record::read_record_bytes_as(path, bytes, id, reading);
    let violations = read
        .incident
        .as_ref()
        .map(|i| validate::rule_violations(i, today))
        .unwrap_or_default();
    if !violations.is_empty() {
        // The bytes were valid UTF-8, or there would be no record.
        let text = String::from_utf8_lossy(bytes);
        let file = SourceText::new(path, &text);
        let mut spans = Spans::parse(&text, reading);
        read.diagnostics
            .extend(violations.into_iter().map(|v| locate(v, &file, &mut spans)));
    }
    Diagnostic::sort(&mut read.diagnostics);
    let incident = if read.diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        read.incident
    };
    (incident, read.diagnostics)
}

/// A violation placed in its file: at its field's value, or on the file when the field has no
/// place (the id, which is the file name).
fn locate(v: Violation, file: &SourceText<'_>, spans: &mut Spans<'_>) -> Diagnostic {
    let diagnostic = match spans.of(&v.field) {
        Some(span) => Diagnostic::at(file, span, Some(v.field), v.message),
        None => Diagnostic {
            field: Some(v.field),
            ..Diagnostic::for_file(file.path, v.message)
        },
    };
    if v.warning {
        diagnostic.warning()
    } else {
        diagnostic
    }
}

/// A record's id: its file stem.
pub fn record_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The shared copy of a publisher's name. A data set cites a few dozen publishers many
/// thousands of times; shared names save the memory of the copies and keep them in cache when
/// `stats` groups by publisher. Interned while each file is read, when its text is in cache, by
/// each loading thread for itself (a few copies of each name, not one per source), and only
/// the first few thousand names, so that a data set of distinct names cannot grow the table.
pub(crate) fn publisher_name(name: &str) -> std::sync::Arc<str> {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::sync::Arc;
    const MOST: usize = 4096;
    thread_local! {
        static NAMES: RefCell<HashSet<Arc<str>>> = RefCell::new(HashSet::new());
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(shared) = names.get(name) {
            return shared.clone();
        }
        let fresh: Arc<str> = name.into();
        if names.len() < MOST {
            names.insert(fresh.clone());
        }
        fresh
    })
}
