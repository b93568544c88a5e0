//! `rota backtest`: rolling-origin backtest of every forecasting model and the baselines, per
//! channel, printed and written to CSV.

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rota_data::config::CentreConfig;
use rota_data::grid::IntervalLength;
use rota_data::ingest::{read_history, IngestOptions};
use rota_forecasting::adapter::{channel_series, CentreCalendar};
use rota_forecasting::backtest::{render_table, write_csv, BacktestSettings};
use rota_forecasting::pipeline::{backtest_channels, fits_per_channel, parse_horizon_days};

/// The history a forecast or backtest is made from, and how to read it; shared by `rota forecast`
/// and `rota backtest`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Interval history (CSV or CSV.gz).
    #[arg(long)]
    pub history: PathBuf,
    /// Centre configuration (TOML): channels, opening hours, special days, default AHT.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Interval length when there is no configuration (default: inferred from the timestamps).
    #[arg(long)]
    pub interval: Option<IntervalLength>,
    /// Time zone of local timestamps when there is no configuration (default Europe/London).
    #[arg(long)]
    pub tz: Option<chrono_tz::Tz>,
    /// Public-holiday calendar: England & Wales bank holidays, or none (a centre elsewhere).
    #[arg(long, value_enum, default_value_t = Holidays::EnglandAndWales)]
    pub holidays: Holidays,
    /// Only these channels (repeatable; default: all).
    #[arg(long = "channel")]
    pub channels: Vec<String>,
    /// Rows stamped in the hour the clocks skip in spring: reject the file naming them (error),
    /// leave them out (drop), or read them an hour later (shift).
    #[arg(long, value_enum, default_value_t = OnMissingLocalTime::Error)]
    pub on_missing_local_time: OnMissingLocalTime,
    /// Unit of plain numbers in the AHT column: s, ms, min or h:mm:ss (default: the
    /// configuration's `[history] aht_unit`, else seconds).
    #[arg(long, value_parser = parse_aht_unit)]
    pub aht_unit: Option<rota_data::ingest::AhtUnit>,
    /// A chrono format for the history's timestamps, e.g. `%m/%d/%Y %H:%M` for US dates
    /// (default: the configuration's `[history] timestamp_format`, else the built-in forms, which
    /// read a/b/YYYY as day/month/year).
    #[arg(long, visible_alias = "date-format", value_name = "FORMAT")]
    pub timestamp_format: Option<String>,
}

/// `--aht-unit`.
pub fn parse_aht_unit(s: &str) -> Result<rota_data::ingest::AhtUnit, String> {
    rota_data::ingest::AhtUnit::parse(s)
        .ok_or_else(|| format!("`{s}` is not an AHT unit: expected s, ms, min or h:mm:ss"))
}

/// `--on-missing-local-time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnMissingLocalTime {
    Error,
    Drop,
    Shift,
}

impl From<OnMissingLocalTime> for rota_data::ingest::MissingLocalTime {
    fn from(v: OnMissingLocalTime) -> Self {
        match v {
            OnMissingLocalTime::Error => Self::Error,
            OnMissingLocalTime::Drop => Self::Drop,
            OnMissingLocalTime::Shift => Self::Shift,
        }
    }
}

/// Rolling-origin backtest of every forecasting model against the baselines.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// Days forecast from each origin (`7d`, `2w`, `14`): 1 to 92 days.
    #[arg(long, default_value = "7d")]
    pub horizon: String,
    /// Weekly origins scored (the latest leaves exactly one horizon of history): 1 to 104.
    #[arg(long, default_value_t = 12,
        value_parser = clap::builder::RangedI64ValueParser::<usize>::new()
            .range(1..=rota_forecasting::pipeline::MAX_BACKTEST_ORIGINS as i64))]
    pub origins: usize,
    /// Write the scores (per channel, model and lead day) to this CSV.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    super::output::no_json(&out, "backtest", "use --out FILE for the scores as CSV")?;
    let horizon_days = parse_horizon_days(&args.horizon).context("--horizon")?;
    let (history, calendar) = args.input.load()?;
    let series = channel_series(&history, &calendar, &args.input.channels)?;
    let settings = BacktestSettings {
        horizon_days,
        origins: args.origins,
        ..BacktestSettings::default()
    };
    let bar = ProgressBar::new((series.len() * fits_per_channel(&settings)) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} model fits ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let results = backtest_channels(&series, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    if out.text() {
        print!("{}", render_table(&results));
    }
    if let Some(path) = &args.out {
        let file =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        write_csv(&results, file).with_context(|| format!("writing {}", path.display()))?;
        if out.text() {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// Which public holidays the forecast knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Holidays {
    /// England & Wales bank holidays (computed, incl. Easter and substitute days).
    EnglandAndWales,
    /// No public-holiday calendar.
    None,
}

impl HistoryArgs {
    /// The history and the centre calendar: with a configuration, its grid, time zone, channels,
    /// column mapping, opening hours, special days and default AHT; without one, the options given
    /// and England & Wales bank holidays (closures are then learned from history).
    pub fn load(&self) -> anyhow::Result<(rota_data::history::History, CentreCalendar)> {
        let (history, calendar) = load(self)?;
        // An unknown --channel names the file it is not in.
        let known = history.channels();
        if let Some(c) = self
            .channels
            .iter()
            .find(|c| !known.iter().any(|k| k.as_str() == c.as_str()))
        {
            anyhow::bail!(
                "--channel {c}: unknown channel `{c}` in {}; its channels are {}",
                self.history.display(),
                known
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        Ok((history, calendar))
    }
}

fn load(args: &HistoryArgs) -> anyhow::Result<(rota_data::history::History, CentreCalendar)> {
    let (history, config, interval) = (&args.history, args.config.as_deref(), args.interval);
    let (mut options, calendar) = match config {
        Some(path) => {
            // The error names the file already.
            let config = CentreConfig::load(path)?;
            let mut options = IngestOptions::from_config(&config);
            if interval.is_some() {
                options.interval = interval;
            }
            (options, CentreCalendar::from_config(&config))
        }
        None => (
            IngestOptions {
                interval,
                tz: args.tz,
                ..IngestOptions::default()
            },
            CentreCalendar::england_and_wales(),
        ),
    };
    options.missing_local_time = args.on_missing_local_time.into();
    if let Some(unit) = args.aht_unit {
        options.aht_unit = unit;
    }
    if let Some(format) = &args.timestamp_format {
        options.timestamp_format = Some(format.clone());
    }
    let mut calendar = calendar;
    calendar.bank_holidays = args.holidays == Holidays::EnglandAndWales;
    let history = read_history(history, &options)
        .map_err(|e| anyhow::anyhow!("{e}"))
        // The reader's errors name the file (and line) themselves.
        .context("reading the history")?;
    if config.is_none() {
        // No opening hours are known: a weekday empty in each of the last 4 weeks is closed.
        calendar.learn_closed_weekdays(&history, 4);
    }
    Ok((history, calendar))
}
