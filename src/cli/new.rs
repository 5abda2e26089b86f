//! `heistbrief new`: write a new record file from command-line fields, validated before writing.

use super::{Failure, today};
use crate::diagnostic::Diagnostic;
use crate::incident::{Attribution, Keyword, Vector, VictimKind};
use crate::load::{check_file, record_files, record_id};
use crate::text::shown;
use crate::write::write_new;
use chrono::NaiveDate;
use clap::Args;
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Folder of incident records; the file goes to DIR/YYYY/.
    #[arg(long, value_name = "DIR", default_value = "incidents")]
    pub incidents: PathBuf,
    /// Day of the theft, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: NaiveDate,
    /// Organisation or protocol robbed, as it writes its own name.
    #[arg(long)]
    pub victim: String,
    /// USD at the time of theft, whole dollars.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
    pub amount_usd: u64,
    #[arg(long, value_enum)]
    pub vector: Vector,
    #[arg(long, value_enum)]
    pub victim_kind: VictimKind,
    #[arg(long, value_enum)]
    pub attribution: Attribution,
    /// Publisher of the source (FBI, Elliptic, the victim…).
    #[arg(long, value_name = "NAME")]
    pub source_name: String,
    /// URL of the page that states the figure.
    #[arg(long, value_name = "URL")]
    pub source_url: String,
    /// The sentence of that page that states the figure, verbatim (at most 300 characters);
    /// recorded with today's date as the day the page was read.
    #[arg(long, value_name = "TEXT")]
    pub source_quote: Option<String>,
    /// Two or three sentences; without it a one-line summary is made from the fields.
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
}

pub fn run(args: &NewArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let id = format!("{}-{}", args.date, slug(&args.victim));
    let year_dir = args.incidents.join(args.date.format("%Y").to_string());
    let path = year_dir.join(format!("{id}.toml"));
    if path.symlink_metadata().is_ok() {
        return Err(Failure::usage(format!(
            "{} already exists; edit it, or choose another --victim",
            shown(&path)
        )));
    }
    if let Some(existing) = find_id(&args.incidents, &id)? {
        return Err(Failure::usage(format!(
            "a record with id `{id}` already exists at {}",
            shown(&existing)
        )));
    }
    let text = record_text(args, schema_directive(&args.incidents), today()?);
    let (incident, diagnostics) = check_file(&path, text.as_bytes(), &id, today()?);
    if incident.is_none() {
        let problems: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(as_flag_problem)
            .collect();
        return Err(Failure::usage(format!(
            "nothing written:\n{}",
            problems.join("\n")
        )));
    }
    real_folder(&year_dir)?;
    write_new(&path, text.as_bytes())
        .map_err(|e| Failure::io(format!("cannot write {}", shown(&path)), e))?;
    let mut report = format!("wrote {}\n", shown(&path));
    if args.summary.is_none() {
        report.push_str("note: the summary was made from the fields; replace it with two or three sentences of your own\n");
    }
    // The record is on disk whatever happens now; a failed report must not hide that.
    out.write_all(report.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            Failure::io(
                format!("wrote {}, but could not say so", shown(&path)),
                Failure::output(e),
            )
        })?;
    Ok(0)
}

/// Makes sure the year folder is a real folder inside the incidents folder, creating it if
/// needed. A symbolic link would send the record somewhere else, where `check` (which never
/// follows links) would not see it.
fn real_folder(dir: &Path) -> Result<(), Failure> {
    match dir.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => Err(Failure::usage(format!(
            "nothing written: {} is a symbolic link, and `check` does not follow links, so the record would never be validated; make it a real folder",
            shown(dir)
        ))),
        Ok(m) if !m.is_dir() => Err(Failure::usage(format!(
            "nothing written: {} is not a folder",
            shown(dir)
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::create_dir_all(dir)
            .map_err(|e| Failure::io(format!("cannot create {}", shown(dir)), e)),
        Err(e) => Err(Failure::io(format!("cannot read {}", shown(dir)), e)),
    }
}

/// A problem in the generated text, named by the option that supplied the value.
fn as_flag_problem(d: &Diagnostic) -> String {
    let field = d.field.as_deref().unwrap_or("");
    let flag = match field {
        "sources[0].url" => "--source-url".to_owned(),
        "sources[0].name" => "--source-name".to_owned(),
        "sources[0].quote" => "--source-quote".to_owned(),
        other => format!("--{}", other.replace('_', "-")),
    };
    format!("error: {flag}: {}", d.message)
}

/// Lower-case ASCII letters and digits, other runs of characters as one hyphen.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "incident".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Ids are unique across the whole folder, not just the year's subfolder: look among the files
/// `check` would read.
fn find_id(root: &Path, id: &str) -> Result<Option<PathBuf>, Failure> {
    if !root.exists() {
        return Ok(None);
    }
    let (paths, _skipped) = record_files(root)?;
    Ok(paths.into_iter().find(|path| record_id(path) == id))
}

/// The Taplo `#:schema` line, when the folder sits beside the shipped schema.
fn schema_directive(incidents: &Path) -> Option<&'static str> {
    let parent = incidents.parent().unwrap_or(Path::new(""));
    parent
        .join("schema/incident.schema.json")
        .exists()
        .then_some("#:schema ../../schema/incident.schema.json")
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn record_text(args: &NewArgs, schema: Option<&str>, today: NaiveDate) -> String {
    let summary = args.summary.clone().unwrap_or_else(|| {
        format!(
            "{} ({}) lost ${} on {} ({}).",
            args.victim,
            args.victim_kind,
            crate::money::grouped(u128::from(args.amount_usd)),
            args.date.format("%-d %B %Y"),
            args.vector.as_str().replace('-', " ")
        )
    });
    let mut out = String::new();
    if let Some(line) = schema {
        let _ = writeln!(out, "{line}");
    }
    let _ = write!(
        out,
        "date = {date}
victim = {victim}
victim_kind = \"{kind}\"
# country = \"JP\"                   # ISO 3166-1 alpha-2 code of the victim's base
# chains = [\"ethereum\"]            # lower-case chain names
vector = \"{vector}\"
amount_usd = {amount}
attribution = \"{attribution}\"
# attribution_note = \"\"            # who named North Korea, and any dispute
# actor = \"Lazarus Group\"          # group name as the sources give it
summary = {summary}
# tags = [\"hot-wallet\"]

# [[laundering]]                   # one table per step, in route order
# date = YYYY-MM-DD                # optional: when the step happened
# method = \"mixer\"                 # mixer | bridge | dex | exchange | otc | swap-service | other
# service = \"Tornado Cash\"
# amount_usd = 0                   # optional: USD moved in this step, as reported

[[sources]]
name = {source_name}
url = {source_url}
{quote}# published = YYYY-MM-DD
# amount_usd = 0                   # optional: this source's own estimate of the theft
",
        date = args.date,
        victim = quoted(&args.victim),
        kind = args.victim_kind,
        vector = args.vector,
        amount = underscored(args.amount_usd),
        attribution = args.attribution,
        summary = quoted(&summary),
        source_name = quoted(&args.source_name),
        source_url = quoted(&args.source_url),
        quote = match &args.source_quote {
            Some(quote) => format!("quote = {}\naccessed = {today}\n", quoted(quote)),
            None => "# quote = \"\"                     # the page's sentence that states the figure\n# accessed = YYYY-MM-DD           # the day you read it\n".to_owned(),
        },
    );
    out
}

/// `305000000` as `305_000_000`, the way contributors write amounts.
fn underscored(amount: u64) -> String {
    crate::money::grouped(u128::from(amount)).replace(',', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("DMM Bitcoin"), "dmm-bitcoin");
        assert_eq!(slug("HTX / Heco Bridge"), "htx-heco-bridge");
        assert_eq!(slug("  Zoë's Exchange!! "), "zo-s-exchange");
        assert_eq!(slug("???"), "incident");
    }
}
