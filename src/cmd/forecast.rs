//! `rota forecast`: next days' offered contacts (mean, P10, P50, P90) and AHT per channel and
//! interval, with the model chosen per channel by a short rolling-origin backtest.

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use rota_scheduler::scenario::forecast_history;

use super::backtest::HistoryArgs;

/// Forecast offered contacts and handle time per channel and interval.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: HistoryArgs,
    /// First local date to forecast (YYYY-MM-DD).
    #[arg(long)]
    pub from: NaiveDate,
    /// Number of days to forecast.
    #[arg(long, default_value_t = 7)]
    pub days: usize,
    /// Output CSV: interval_start, channel, offered_mean, offered_p10, offered_p50, offered_p90,
    /// aht_seconds.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.days == 0 {
        anyhow::bail!("--days must be at least 1");
    }
    let (history, calendar) = args.input.load()?;
    let (forecasts, demand) = forecast_history(
        &history,
        &calendar,
        &args.input.channels,
        args.from,
        args.days,
    )?;
    demand
        .write_csv(&args.out)
        .with_context(|| format!("writing forecast {}", args.out.display()))?;

    let minutes = history.grid().length.minutes() as usize;
    for f in &forecasts {
        let sel = f.backtest.selected_score();
        println!(
            "{}: model {} (backtest WAPE {:.1}%, P10-P90 coverage {:.0}%)",
            f.channel,
            f.model,
            100.0 * sel.wape,
            100.0 * sel.coverage
        );
        let totals: Vec<String> = f
            .daily_totals()
            .iter()
            .map(|(d, t)| format!("{} {:.0}", d.format("%a %d %b"), t))
            .collect();
        println!("  daily offered: {}", totals.join(", "));
        if let Some((date, slot, v)) = f.peak() {
            let m = slot * minutes;
            println!(
                "  peak interval: {} {:02}:{:02} ({:.1} offered)",
                date.format("%a %d %b"),
                m / 60,
                m % 60,
                v
            );
        }
    }
    println!("wrote {} intervals to {}", demand.len(), args.out.display());
    Ok(())
}
