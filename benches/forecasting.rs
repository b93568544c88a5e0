//! Forecasting speed: fit + 14-day forecast for 5 channels x 2 years of 15-minute history.
//!
//! `cargo bench --bench forecasting` (add `-- --quick` for a short run). Two figures:
//! - `forecast_5ch_2y_15min/full_pipeline`: what `rota forecast` does per run: the selection and
//!   calibration backtest (6 models x 12 weekly origins, 8 scored and 4 for calibration, and the
//!   two combinations scored from their forecasts), the refit of the chosen model (or each member
//!   of the chosen combination) on all history and the 14-day forecast with P10/P50/P90 and AHT,
//!   channels in parallel;
//! - `forecast_5ch_2y_15min/fit_forecast_each_model`: one fit + 14-day forecast of every model on
//!   every channel (no backtest).
//!
//! Input: the bundled sample `data/samples/history.csv.gz` when present, otherwise a deterministic
//! synthetic history of the same shape.

use std::path::Path;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use rota_forecasting::adapter::{channel_series, CentreCalendar};
use rota_forecasting::pipeline::{default_models, forecast_channels, ForecastSettings};
use rota_forecasting::series::{ChannelSeries, ForecastHorizon};

fn synthetic(calendar: &CentreCalendar) -> Vec<ChannelSeries> {
    let first = NaiveDate::from_ymd_opt(2024, 11, 18).unwrap();
    let n_days = 728;
    let days = calendar.days("voice", first, n_days);
    let mut seed: u64 = 7;
    let mut uniform = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    ["voice", "reception", "chat", "email", "social"]
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let daily = [1500.0, 150.0, 400.0, 300.0, 60.0][c];
            let mut values = Vec::with_capacity(n_days * 96);
            for day in &days {
                let w = day.weekday_index();
                for s in 0..96 {
                    let hour = s as f64 / 4.0;
                    let open = w < 5 && (8.0..18.0).contains(&hour);
                    let mean = if open {
                        daily / 40.0
                            * (1.0 - ((hour - 12.0) / 7.0).powi(2))
                            * if w == 0 { 1.3 } else { 1.0 }
                    } else {
                        0.0
                    };
                    // normal approximation of Poisson noise, rounded and floored at 0
                    let z = (-2.0 * uniform().max(1e-12).ln()).sqrt()
                        * (2.0 * std::f64::consts::PI * uniform()).cos();
                    values.push(Some((mean + z * mean.sqrt()).round().max(0.0)));
                }
            }
            ChannelSeries::new(*name, 96, days.clone(), values).unwrap()
        })
        .collect()
}

fn inputs() -> Vec<ChannelSeries> {
    let calendar = CentreCalendar::england_and_wales();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/history.csv.gz");
    if sample.exists() {
        if let Ok(history) =
            rota_data::ingest::read_history(&sample, &rota_data::ingest::IngestOptions::default())
        {
            if let Ok(series) = channel_series(&history, &calendar, &[]) {
                eprintln!(
                    "bench input: {} ({} channels)",
                    sample.display(),
                    series.len()
                );
                return series;
            }
        }
    }
    eprintln!("bench input: synthetic 5 channels x 728 days x 96 intervals");
    synthetic(&calendar)
}

fn bench(c: &mut Criterion) {
    let series = inputs();
    let calendar = CentreCalendar::england_and_wales();
    let last = series[0].days().last().unwrap().date;
    let from = last.succ_opt().unwrap();
    let with_aht: Vec<(ChannelSeries, Option<f64>)> =
        series.iter().cloned().map(|s| (s, Some(300.0))).collect();
    let settings = ForecastSettings::default();
    let mut group = c.benchmark_group("forecast_5ch_2y_15min");
    group.sample_size(10);
    group.bench_function("full_pipeline", |b| {
        b.iter(|| {
            forecast_channels(
                &with_aht,
                from,
                &|channel, first, n| calendar.days(channel, first, n),
                14,
                &settings,
            )
            .unwrap()
        })
    });
    let horizon_days = calendar.days("voice", from, 14);
    group.bench_function("fit_forecast_each_model", |b| {
        b.iter(|| {
            for s in &series {
                for model in default_models() {
                    let fitted = model.fit(&s.all()).unwrap();
                    let horizon = ForecastHorizon {
                        start: s.n_days(),
                        days: &horizon_days,
                    };
                    criterion::black_box(fitted.forecast(&horizon).unwrap());
                }
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
