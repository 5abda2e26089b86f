//! The earlier brief a new one is compared with: its snapshot file, found in the output folder
//! (or named with `--since`) and read within bounds. What the snapshot holds and how two are
//! compared is [`crate::snapshot`]'s.

use super::Failure;
use crate::period::Period;
use crate::snapshot::{self, MAX_BYTES};
use crate::text::shown;
use std::path::{Path, PathBuf};

/// The snapshots in the output folder, as it is before the build writes anything: each with
/// the period its name gives. Only regular files named as `build` names them count; a folder
/// that does not exist yet holds none.
pub fn in_folder(out: &Path) -> Result<Vec<(Period, PathBuf)>, Failure> {
    let entries = match std::fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Failure::io(
                format!("cannot list {} for earlier briefs", shown(out)),
                e,
            ));
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Failure::io(format!("cannot list {}", shown(out)), e))?;
        let name = entry.file_name();
        let Some(period) = name.to_str().and_then(snapshot::period_of_file) else {
            continue;
        };
        // Not followed: a link put in the folder is no snapshot this tool wrote.
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            found.push((period, entry.path()));
        }
    }
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}

/// The snapshot each period's brief is compared with: `since` for every one when given, else
/// the latest earlier one in the folder (see [`snapshot::latest_before`]).
pub fn choose(
    periods: &[Period],
    in_folder: &[(Period, PathBuf)],
    since: Option<&Path>,
) -> Vec<Option<PathBuf>> {
    let candidates: Vec<Period> = in_folder.iter().map(|(p, _)| *p).collect();
    periods
        .iter()
        .map(|period| match since {
            Some(file) => Some(file.to_owned()),
            None => snapshot::latest_before(*period, &candidates).and_then(|chosen| {
                in_folder
                    .iter()
                    .find(|(p, _)| *p == chosen)
                    .map(|(_, path)| path.clone())
            }),
        })
        .collect()
}

/// A snapshot file's bytes: a regular file of at most [`MAX_BYTES`], its size checked before
/// it is read.
pub fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let cannot = || format!("cannot read the earlier brief's snapshot {}", shown(path));
    let size = std::fs::metadata(path)
        .map_err(|e| Failure::io(cannot(), e))?
        .len();
    if size > MAX_BYTES {
        return Err(Failure::data(format!(
            "{} is larger than a brief's snapshot can be ({} MB)",
            shown(path),
            MAX_BYTES >> 20
        ))
        .with_note(NOTE));
    }
    crate::fs::read_regular_file(path).map_err(|e| Failure::io(cannot(), e))
}

/// A snapshot that does not read is an error, not a brief without its section: the section
/// would otherwise say, by its absence, that nothing published has changed.
pub fn parse<'b>(
    path: &Path,
    bytes: &'b [u8],
    period: Period,
) -> Result<snapshot::Snapshot<'b>, Failure> {
    let read = snapshot::parse(bytes)
        .map_err(|problem| Failure::data(format!("{}: {problem}", shown(path))).with_note(NOTE))?;
    if read.to >= period.from {
        return Err(Failure::data(format!(
            "{}: the brief for {} does not end before {} begins, so it is no earlier brief",
            shown(path),
            crate::text::echo(&read.period),
            period.label()
        ))
        .with_note(NOTE));
    }
    Ok(read)
}

const NOTE: &str = "nothing written; the brief is compared with the earlier brief's snapshot (brief-<period>.json in the output folder): remove or replace that file, or name another with --since";
