//! `heistbrief stats`: the period's figures as a summary, as the contract's JSON, or one table as CSV.

use super::{BenchmarksArg, Failure, IncidentsArg, PeriodArgs, emit, load_clean};
use crate::render::csv::{CsvTable, figures_table};
use crate::render::summary::summary;
use crate::stats::figures;
use clap::Args;

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub incidents: IncidentsArg,
    #[command(flatten)]
    pub period: PeriodArgs,
    #[command(flatten)]
    pub benchmarks: BenchmarksArg,
    /// Print the figures as the data contract's JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print one grouped table as CSV.
    #[arg(long, value_enum, value_name = "TABLE")]
    pub csv: Option<CsvTable>,
}

pub fn run(args: &StatsArgs, out: &mut dyn std::io::Write) -> Result<u8, Failure> {
    let period = args.period.period_or_last_month()?;
    let benchmarks = args.benchmarks.load()?;
    let loaded = load_clean(&args.incidents)?;
    let figures = figures(&loaded.incidents, period, &benchmarks);
    let text = if args.json {
        crate::text::escape_json(
            &serde_json::to_string_pretty(&figures)
                .map_err(|e| Failure::data("cannot write the figures as JSON").because(e))?,
        ) + "\n"
    } else if let Some(table) = args.csv {
        figures_table(&figures, table)
    } else {
        summary(&figures)
    };
    emit(out, &text)?;
    Ok(0)
}
