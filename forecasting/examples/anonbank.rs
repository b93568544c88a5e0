//! Backtest every model on the Anonymous Bank (Israel) 1999 call-centre arrivals (Brown et al. 2005,
//! JASA 100(469)): 6-minute counts aggregated to 30 minutes, the last 8 weeks held out as 8 weekly
//! origins with a 1-week horizon.
//!
//! `cargo run --release -p rota-forecasting --example anonbank [-- PATH]`

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use rota_forecasting::backtest::{backtest_channel, render_table, BacktestSettings};
use rota_forecasting::pipeline::default_models;
use rota_forecasting::series::{plain_days, ChannelSeries};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/anonymous_bank_1999/anonbank_1999_6min_arrivals.csv.gz"
        )
        .to_string()
    });
    let series = load(&path, 48)?;
    println!(
        "{} days ({} with data), {} contacts",
        series.n_days(),
        series.observed_days(),
        series.offered().iter().flatten().sum::<f64>()
    );
    let settings = BacktestSettings {
        horizon_days: 7,
        origins: 8,
        calibration_origins: 4,
        coverage_target: 0.8,
    };
    let t = std::time::Instant::now();
    let result = backtest_channel(&series, &default_models(), &settings, &|| {})?;
    println!("{}", render_table(&[result]));
    println!("backtest took {:.2?}", t.elapsed());
    Ok(())
}

/// Read the 6-minute arrivals and sum them into `slots_per_day` intervals by local start time.
fn load(path: &str, slots_per_day: usize) -> Result<ChannelSeries, Box<dyn std::error::Error>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_string(&mut text)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let minutes = 1440 / slots_per_day as u32;
    let mut by_day: BTreeMap<NaiveDate, Vec<Option<f64>>> = BTreeMap::new();
    for row in reader.records() {
        let row = row?;
        let start = NaiveDateTime::parse_from_str(&row[0], "%Y-%m-%d %H:%M")?;
        let calls: f64 = row[2].parse()?;
        let slot = ((start.hour() * 60 + start.minute()) / minutes) as usize;
        let day = by_day
            .entry(start.date())
            .or_insert_with(|| vec![None; slots_per_day]);
        *day[slot].get_or_insert(0.0) += calls;
    }
    let first = *by_day.keys().next().ok_or("empty file")?;
    let last = *by_day.keys().last().ok_or("empty file")?;
    let n = (last - first).num_days() as usize + 1;
    let mut offered = Vec::with_capacity(n * slots_per_day);
    for date in first.iter_days().take(n) {
        match by_day.get(&date) {
            Some(v) => offered.extend_from_slice(v),
            None => offered.extend(std::iter::repeat_n(None, slots_per_day)),
        }
    }
    Ok(ChannelSeries::new(
        "voice_all_records",
        slots_per_day,
        plain_days(first, n),
        offered,
    )?)
}
