//! The sample centre's acceptance measurement of issue #16: the backtest of every channel of the
//! bundled sample (`data/samples/`, with its configuration: deferred email and social are judged
//! per day) at its planning grain, the selection's out-of-sample record against both baselines,
//! and the time of what `rota forecast` computes (selection backtest, refit, 14-day forecast) for
//! all channels.
//!
//! `cargo run --release -p rota-forecasting --example sample_centre -- [--origins N] [--no-config]`

use std::path::Path;

use rota_data::config::CentreConfig;
use rota_data::ingest::{read_history, IngestOptions};
use rota_forecasting::adapter::{channel_series, CentreCalendar};
use rota_forecasting::backtest::{render_table, BacktestSettings};
use rota_forecasting::pipeline::{backtest_channels, forecast_channels, ForecastSettings};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut origins, mut with_config) = (12usize, true);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--origins" => origins = args.next().ok_or("--origins N")?.parse()?,
            "--no-config" => with_config = false,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/samples");
    let (options, mut calendar) = if with_config {
        let config = CentreConfig::load(samples.join("centre.toml"))?;
        (
            IngestOptions::from_config(&config),
            CentreCalendar::from_config(&config),
        )
    } else {
        (
            IngestOptions::default(),
            CentreCalendar::england_and_wales(),
        )
    };
    let history = read_history(samples.join("history.csv.gz"), &options)?;
    if !with_config {
        calendar.learn_closed_weekdays(&history, 4);
    }
    let series = channel_series(&history, &calendar, &[])?;
    let settings = BacktestSettings {
        origins,
        ..BacktestSettings::default()
    };
    let t = std::time::Instant::now();
    let results = backtest_channels(&series, &settings, &|| {})?;
    println!("{}", render_table(&results));
    println!("backtest ({origins} origins) took {:.2?}", t.elapsed());
    println!(
        "\nchannel    grain     selection  naive    average  (mean planning error, out of sample)"
    );
    for r in &results {
        let (own, naive, average) = r.selection_summary();
        let pct = |e: f64| {
            if r.low_volume {
                format!("{e:.2}")
            } else {
                format!("{:.1}%", 100.0 * e)
            }
        };
        println!(
            "{:<10} {:<9} {:>9}  {:>7}  {:>7}  {}",
            r.channel.as_str(),
            r.grain.as_str(),
            pct(own),
            pct(naive),
            pct(average),
            if own < naive && own < average {
                "beats both"
            } else {
                "does NOT beat both"
            }
        );
    }
    let from = series[0]
        .days()
        .last()
        .ok_or("empty")?
        .date
        .succ_opt()
        .ok_or("date")?;
    let inputs: Vec<_> = series
        .iter()
        .map(|s| (s.clone(), calendar.configured_aht(s.channel())))
        .collect();
    let t = std::time::Instant::now();
    let forecasts = forecast_channels(
        &inputs,
        from,
        &|channel, first, n| calendar.days(channel, first, n),
        14,
        &ForecastSettings::default(),
    )?;
    println!(
        "\nrota forecast's work (selection backtest, refit, 14 days) for {} channels: {:.2?}",
        forecasts.len(),
        t.elapsed()
    );
    for f in &forecasts {
        println!(
            "  {}: {} {:?}",
            f.channel, f.model, f.backtest.selected_members
        );
    }
    Ok(())
}
