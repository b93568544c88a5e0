//! `rota forecast`: next days' offered contacts (mean, P10, P50, P90) and AHT per channel and
//! interval, with the model chosen per channel by a short rolling-origin backtest.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use rota_plan::Silent;
use serde::Serialize;

use super::backtest::HistoryArgs;
use super::output::{duration, thousands};

/// Forecast offered contacts and handle time per channel and interval.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// First local date to forecast (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, value_parser = super::date::parse)]
    pub from: NaiveDate,
    /// Number of days to forecast: 1 to 92 (a quarter; the cap keeps a mistyped number from
    /// running for hours).
    #[arg(long, default_value_t = 7,
        value_parser = clap::builder::RangedI64ValueParser::<usize>::new()
            .range(1..=rota_forecasting::pipeline::MAX_FORECAST_DAYS as i64))]
    pub days: usize,
    /// Output CSV: interval_start, channel, offered_mean, offered_p10, offered_p50, offered_p90,
    /// aht_seconds.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: Args, out: super::output::Output) -> anyhow::Result<()> {
    let (history, calendar) = args.input.load()?;
    let forecast = rota_plan::forecast_on(
        &history,
        &calendar,
        &args.input.channels,
        args.from,
        args.days,
        &Silent,
    )?;
    let intervals = forecast
        .write_csv(&args.out)
        .with_context(|| format!("writing forecast {}", args.out.display()))?;

    let minutes = history.grid().length.minutes() as usize;
    let mut summary = Vec::new();
    for f in &forecast.channels {
        let sel = f.backtest.selected_score();
        let peak = f.peak().map(|(date, slot, v)| {
            let m = slot * minutes;
            PeakFigure {
                date,
                time: format!("{:02}:{:02}", m / 60, m % 60),
                offered: v,
            }
        });
        let (selection_error, naive_error, average_error) = f.backtest.selection_summary();
        summary.push(ChannelFigure {
            channel: f.channel.clone(),
            model: f.model.to_string(),
            members: f.backtest.selected_members.clone(),
            planning_grain: f.backtest.grain.as_str(),
            low_volume: f.backtest.low_volume,
            selection_error,
            naive_error,
            average_error,
            backtest_wape: sel.wape,
            backtest_wape_daily: sel.wape_daily,
            backtest_wape_weekly: sel.wape_weekly,
            backtest_p10_p90_coverage: sel.coverage,
            daily_offered: f
                .daily_totals()
                .iter()
                .map(|&(date, offered)| DayFigure { date, offered })
                .collect(),
            peak,
            mean_aht_seconds: f.mean_aht_seconds(),
        });
    }
    if out.text() {
        for f in &summary {
            let model = if f.members.is_empty() {
                f.model.clone()
            } else {
                format!("{} of {}", f.model, f.members.join(", "))
            };
            println!(
                "{}: model {} (backtest error {:.1}% per interval, {:.1}% per day, {:.1}% per \
                 week; P10-P90 coverage {:.0}%)",
                f.channel,
                model,
                100.0 * f.backtest_wape,
                100.0 * f.backtest_wape_daily,
                100.0 * f.backtest_wape_weekly,
                100.0 * f.backtest_p10_p90_coverage
            );
            let error = |e: f64| {
                if f.low_volume {
                    format!("{e:.2} contacts (P50's mean absolute error)")
                } else {
                    format!("{:.1}%", 100.0 * e)
                }
            };
            println!(
                "  planned per {}: the selection's out-of-sample error {} against {} seasonal \
                 naive, {} 4-week average",
                f.planning_grain,
                error(f.selection_error),
                error(f.naive_error),
                error(f.average_error)
            );
            let totals: Vec<String> = f
                .daily_offered
                .iter()
                .map(|d| format!("{} {}", d.date.format("%a %d %b"), thousands(d.offered)))
                .collect();
            println!("  daily offered: {}", totals.join(", "));
            if let Some(p) = &f.peak {
                println!(
                    "  peak interval: {} {} ({:.1} offered)",
                    p.date.format("%a %d %b"),
                    p.time,
                    p.offered
                );
            }
            match f.mean_aht_seconds {
                Some(a) => println!("  AHT: {} on average", duration(Some(a), "-")),
                None => println!(
                    "  no handle time: a volume forecast. Staffing will need one: set \
                     aht_seconds under [channels.{}] in the centre configuration",
                    f.channel
                ),
            }
        }
        println!("wrote {} intervals to {}", intervals, args.out.display());
    }
    out.json(&ForecastSummary {
        intervals,
        out: args.out.display().to_string(),
        channels: summary,
    })
}

/// What `rota forecast --json` prints: per channel the model chosen and the week's shape.
#[derive(Serialize)]
struct ForecastSummary {
    intervals: usize,
    out: String,
    channels: Vec<ChannelFigure>,
}

#[derive(Serialize)]
struct ChannelFigure {
    channel: rota_data::channel::ChannelName,
    model: String,
    /// The single models the chosen combination combines (empty for a single model).
    members: Vec<String>,
    /// The grain the channel is planned and judged at: interval, hour or day.
    planning_grain: &'static str,
    /// Very low volume: the errors below are the P50's mean absolute error in contacts, not WAPE.
    low_volume: bool,
    /// Mean error at the planning grain of the selection replayed origin by origin (each
    /// origin's choice made on the origins before it).
    selection_error: f64,
    /// The seasonal naive's over the same origins.
    naive_error: f64,
    /// The 4-week historical average's over the same origins.
    average_error: f64,
    /// Weighted absolute percentage error of the chosen model in the backtest, per interval
    /// (fraction).
    backtest_wape: f64,
    /// The same of the daily totals.
    backtest_wape_daily: f64,
    /// The same of the weekly totals.
    backtest_wape_weekly: f64,
    /// Share of backtest actuals inside the P10-P90 band (fraction).
    backtest_p10_p90_coverage: f64,
    daily_offered: Vec<DayFigure>,
    peak: Option<PeakFigure>,
    /// Forecast AHT averaged over the forecast contacts; null in a volume-only forecast (the
    /// history has no handle time and the configuration sets none).
    mean_aht_seconds: Option<f64>,
}

#[derive(Serialize)]
struct DayFigure {
    date: NaiveDate,
    offered: f64,
}

#[derive(Serialize)]
struct PeakFigure {
    date: NaiveDate,
    time: String,
    offered: f64,
}
