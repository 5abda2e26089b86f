//! `heistbrief list`: the incidents of a period as a table, CSV or JSON.

use super::{Failure, IncidentsArg, PeriodArgs, emit, load_clean};
use crate::incident::Incident;
use crate::render::listing::{csv, table};
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Order: by date (oldest first) or by amount (largest first).
    #[arg(long, value_enum, default_value_t = SortKey::Date)]
    pub sort: SortKey,
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    Date,
    Amount,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Csv,
    Json,
}

pub fn run(args: &ListArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let period = args.period.period()?;
    let loaded = load_clean(&args.incidents)?;
    let mut selected: Vec<&Incident> = loaded
        .incidents
        .iter()
        .filter(|i| period.is_none_or(|p| p.contains(i.date)))
        .collect();
    match args.sort {
        SortKey::Date => selected.sort_by(|a, b| Incident::chronological(a, b)),
        // As the brief's "top" list orders them.
        SortKey::Amount => selected.sort_by(|a, b| Incident::largest_first(a, b)),
    }
    let text = match args.format {
        ListFormat::Table => table(&selected),
        ListFormat::Csv => csv(&selected),
        ListFormat::Json => {
            crate::text::escape_json(
                &serde_json::to_string_pretty(&selected)
                    .map_err(|e| Failure::data("cannot write the list as JSON").because(e))?,
            ) + "\n"
        }
    };
    emit(out, &text)?;
    Ok(0)
}
