//! `rota data check FILE`: validate an interval history export and print its summary.

use std::path::PathBuf;

use anyhow::Context as _;
use rota_data::config::CentreConfig;
use rota_data::figures::HistoryFigures;
use rota_data::grid::IntervalLength;
use rota_data::ingest::{read_history_with_report, ColumnMapping, IngestOptions};
use rota_data::summary::HistorySummary;

/// Validate an interval history export (CSV or CSV.gz) and print its summary: span, channels,
/// totals, abandon rates per week, the peak day and interval, gaps and outlier days. Every
/// problem in the file is printed to stderr as `file:line:column: message`; then the command
/// exits with status 1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The history file (`.csv` or `.csv.gz`).
    pub file: PathBuf,
    /// Centre configuration (TOML): time zone, interval, channels (others are errors), opening
    /// hours (gaps are counted inside them) and the export's column names.
    #[arg(long, value_name = "CENTRE_TOML")]
    pub config: Option<PathBuf>,
    /// Centre interval length (15m, 30m or 60m); default: the configuration's, else inferred from
    /// the timestamps.
    #[arg(long)]
    pub interval: Option<IntervalLength>,
    /// Time zone of local timestamps (IANA name); default: the configuration's, else
    /// Europe/London.
    #[arg(long)]
    pub tz: Option<chrono_tz::Tz>,
    /// Read a column under another name: FIELD=HEADER, e.g. `--column offered=calls`
    /// (repeatable; fields: interval_start, channel, offered, handled, abandoned, aht_seconds,
    /// asa_seconds, agents_staffed).
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    pub columns: Vec<String>,
    /// A chrono format for timestamps in a form Rota does not recognise, e.g. `%d.%m.%Y %H:%M`,
    /// or `%m/%d/%Y %H:%M` for US dates (a/b/YYYY is otherwise read as day/month/year).
    #[arg(long, visible_alias = "date-format", value_name = "FORMAT")]
    pub timestamp_format: Option<String>,
    /// Rows stamped in the hour the clocks skip in spring: reject the file naming them (error),
    /// leave them out (drop), or read them an hour later (shift).
    #[arg(long, value_enum, default_value_t = super::backtest::OnMissingLocalTime::Error)]
    pub on_missing_local_time: super::backtest::OnMissingLocalTime,
    /// Unit of plain numbers in the AHT column: s, ms, min or h:mm:ss (default: the
    /// configuration's `[history] aht_unit`, else seconds).
    #[arg(long, value_parser = super::backtest::parse_aht_unit)]
    pub aht_unit: Option<rota_data::ingest::AhtUnit>,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(path) => Some(CentreConfig::load(path)?),
        None => None,
    };
    let mut options = config
        .as_ref()
        .map(IngestOptions::from_config)
        .unwrap_or_default();
    // Command-line settings override the configuration.
    if args.tz.is_some() {
        options.tz = args.tz;
    }
    if args.interval.is_some() {
        options.interval = args.interval;
    }
    if args.timestamp_format.is_some() {
        options.timestamp_format = args.timestamp_format.clone();
    }
    let mut columns: ColumnMapping = options.columns.clone();
    for c in &args.columns {
        columns.parse_assignment(c).context("--column")?;
    }
    options.columns = columns;
    options.missing_local_time = args.on_missing_local_time.into();
    if let Some(unit) = args.aht_unit {
        options.aht_unit = unit;
    }
    match read_history_with_report(&args.file, &options) {
        Ok(ingested) => {
            let summary =
                HistorySummary::of(&ingested.history, config.as_ref()).with_report(ingested.report);
            if out.text() {
                print!("{summary}");
            }
            out.json(&HistoryFigures::from(&summary))
        }
        // A file that cannot be read at all is said once, not as "1 problem found" after it.
        Err(errors) if errors.total() == 1 && errors.diagnostics[0].line.is_none() => {
            anyhow::bail!("{errors}")
        }
        Err(errors) => {
            eprintln!("{errors}");
            let n = errors.total();
            anyhow::bail!(
                "{} is not valid history: {n} problem{} found",
                args.file.display(),
                if n == 1 { "" } else { "s" }
            )
        }
    }
}
