//! `rota report`: per channel and week — offered, handled, abandon rate, ASA, service level, AHT,
//! forecast accuracy and staffing against requirement — printed, as CSV and as a self-contained
//! HTML page with charts.

use std::path::PathBuf;

use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate};
use rota_data::config::CentreConfig;
use rota_data::ingest::{read_history, IngestOptions};
use rota_plan::report::{build_report, render_html, render_table, write_csv, ReportOptions};

/// Weekly performance per channel from history.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Interval history (CSV or CSV.gz).
    #[arg(long)]
    pub history: PathBuf,
    /// Centre configuration (TOML): channels, targets, week start.
    #[arg(long)]
    pub config: PathBuf,
    /// First local date (default: 13 weeks before --to).
    #[arg(long, value_parser = super::date::parse)]
    pub from: Option<NaiveDate>,
    /// Last local date, inclusive (default: the last day of the history).
    #[arg(long, value_parser = super::date::parse)]
    pub to: Option<NaiveDate>,
    /// Skip the forecast-accuracy columns (one forecast per week otherwise).
    #[arg(long)]
    pub no_forecast_accuracy: bool,
    /// Write the table as CSV here.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write the self-contained HTML page here.
    #[arg(long)]
    pub html: Option<PathBuf>,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    super::output::no_json(&out, "report", "use --csv FILE for the table as CSV")?;
    // The library errors name the file (and line): no context that would repeat it.
    let config = CentreConfig::load(&args.config)?;
    let history = read_history(&args.history, &IngestOptions::from_config(&config))?;
    let to = match args.to {
        Some(d) => d,
        None => history.span().context("the history is empty")?.last_date(),
    };
    let from = args.from.unwrap_or(to - Duration::days(7 * 13 - 1));
    let opts = ReportOptions {
        from,
        to,
        forecast_accuracy: !args.no_forecast_accuracy,
    };
    // One forecast per week of the range (the long step), when forecast accuracy is on.
    let week_start = config.centre().planning().week_starts_on();
    let weeks = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| d.weekday() == week_start || *d == from)
        .count();
    let steps = out.steps(
        if opts.forecast_accuracy {
            weeks as u64
        } else {
            0
        },
        "weeks forecast from the history before them",
    );
    let report = build_report(&history, &config, &opts, &|line| {
        steps.done(&format!("  {line}"))
    });
    steps.finish();
    let report = report?;
    if out.text() {
        print!("{}", render_table(&report));
    }
    if let Some(path) = &args.csv {
        let f =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        write_csv(&report, f).with_context(|| format!("writing {}", path.display()))?;
        if out.text() {
            println!("wrote {}", path.display());
        }
    }
    if let Some(path) = &args.html {
        std::fs::write(path, render_html(&report))
            .with_context(|| format!("writing {}", path.display()))?;
        if out.text() {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}
