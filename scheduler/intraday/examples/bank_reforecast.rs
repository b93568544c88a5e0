//! The re-forecast backtest of issue #17 on the Anonymous Bank (Israel) 1999 call-centre arrivals
//! (Brown, Gans, Mandelbaum, Sakov, Shen, Zeltyn & Zhao 2005, "Statistical Analysis of a Telephone
//! Call Center: A Queueing-Science Perspective", JASA 100(469)).
//!
//! At each weekly origin Rota's forecasting pipeline makes the pre-day forecast of the week from the
//! history before it (model selection included, no calendar: `--holidays none`). For every day of
//! that week with at least 100 calls and every cut (10:00 and 12:00), the day's actuals up to the
//! cut update the rest of the day three ways: not at all (the pre-day forecast), the plain ratio,
//! and the shrunk ratio with the prior calibrated on the earlier origins' days only (rolling, as the
//! service would). Scored by the WAPE of the rest of the day's intervals, pooled over the days, and
//! the P10-P90 coverage of the shrunk update.
//!
//! `cargo run --release -p rota-intraday --example bank_reforecast -- [--interval 30|60] [PATH]`

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use rota_data::grid::IntervalLength;
use rota_data::history::History;
use rota_data::ingest::{read_history, IngestOptions};
use rota_forecasting::adapter::{channel_series, demand_series, CentreCalendar};
use rota_forecasting::pipeline::{default_models, forecast_channel, ForecastSettings};
use rota_intraday::reforecast::{day_totals, DayTotal};
use rota_intraday::{reforecast, ActualCounts, DayActuals, LevelPrior, Update};

/// Weekly origins: every fourth Sunday from 7 March 1999 (a Sunday, the Israeli working week's
/// first day), 10 of them, so the weeks spread over the year and include Passover (April) and the
/// autumn holidays (September-October).
fn origins() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1999, 3, 7).expect("date");
    (0..10).map(|k| first + Duration::weeks(4 * k)).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut minutes, mut path) = (30u32, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--interval" => minutes = args.next().ok_or("--interval 30|60")?.parse()?,
            _ => path = Some(a),
        }
    }
    let path = path.unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/anonymous_bank_1999/anonbank_1999_6min_arrivals.csv.gz"
        )
        .to_string()
    });
    let options = IngestOptions {
        tz: Some(chrono_tz::UTC),
        interval: Some(IntervalLength::from_minutes(minutes)?),
        ..IngestOptions::default()
    };
    let history = read_history(&path, &options)?;
    let grid = history.grid();
    let mut calendar = CentreCalendar::england_and_wales();
    calendar.bank_holidays = false;
    calendar.learn_closed_weekdays(&history, 4);
    let all = DayActuals::from_history(&history);
    let channel = history.channels()[0].clone();
    let seen = all.of(&channel);

    let cuts = [
        NaiveTime::from_hms_opt(10, 0, 0),
        NaiveTime::from_hms_opt(12, 0, 0),
    ];
    let mut past_days: Vec<DayTotal> = Vec::new();
    // [method][cut] (abs error, actual); coverage (inside, n) of the shrunk update.
    let mut pooled = [[(0.0f64, 0.0f64); 2]; 3];
    let mut coverage = [(0usize, 0usize); 2];
    println!("origin      days  prior(a)  cut    pre-day   ratio  shrunk  vs pre-day  P10-P90");
    for origin in origins() {
        let before: Vec<_> = history
            .records()
            .iter()
            .filter(|r| r.interval_start().date_naive() < origin)
            .cloned()
            .collect();
        let past = History::new(grid, before)?;
        let series = channel_series(&past, &calendar, &[])?;
        let mut f = forecast_channel(
            &series[0],
            calendar.days(channel.as_str(), origin, 7),
            None,
            &default_models(),
            &ForecastSettings::default(),
        )?;
        // A volume forecast: AHT plays no part here, but the forecast format carries one.
        f.aht_seconds = Some(vec![1.0; f.mean.len()]);
        let forecast = demand_series(std::slice::from_ref(&f), &grid)?;
        let prior = LevelPrior::calibrate(&past_days).unwrap_or_default();
        let mut per_origin = [[(0.0f64, 0.0f64); 2]; 3];
        let mut cov = [(0usize, 0usize); 2];
        let mut days_scored = 0;
        for d in 0..7 {
            let date = origin + Duration::days(d);
            let day_total: f64 = seen
                .iter()
                .filter(|(t, _)| t.date_naive() == date)
                .map(|(_, c)| c.offered)
                .sum();
            if day_total < 100.0 {
                continue;
            }
            days_scored += 1;
            for (k, cut) in cuts.iter().enumerate() {
                let cut = cut.ok_or("time")?;
                let now = chrono_tz::UTC
                    .from_local_datetime(&date.and_time(cut))
                    .single()
                    .ok_or("time")?
                    .fixed_offset();
                let mut morning = DayActuals::default();
                for (t, c) in seen.iter().filter(|(t, _)| {
                    t.date_naive() == date && **t + Duration::minutes(i64::from(minutes)) <= now
                }) {
                    morning.insert(channel.clone(), *t, ActualCounts::offered(c.offered));
                }
                for (m, update) in [Update::PreDay, Update::Ratio, Update::Shrunk(prior)]
                    .into_iter()
                    .enumerate()
                {
                    let re = reforecast(&forecast, &morning, now, update)?;
                    for r in re
                        .rows
                        .records()
                        .iter()
                        .filter(|r| r.interval_start().date_naive() == date)
                    {
                        let actual = seen.get(&r.interval_start()).map_or(0.0, |c| c.offered);
                        per_origin[m][k].0 += (actual - r.offered_mean()).abs();
                        per_origin[m][k].1 += actual;
                        if m == 2 {
                            cov[k].1 += 1;
                            if (r.offered_p10()..=r.offered_p90()).contains(&actual) {
                                cov[k].0 += 1;
                            }
                        }
                    }
                }
            }
        }
        for (k, cut) in ["10:00", "12:00"].iter().enumerate() {
            let w = |m: usize| per_origin[m][k].0 / per_origin[m][k].1.max(1.0);
            println!(
                "{origin}  {days_scored:>4}  {:>8.0}  {:>5.3}  {cut}  {:>6.1}%  {:>5.1}%  {:>5.1}%  {:>+9.1}%  {:>6.1}%",
                prior.strength,
                prior.interval_dispersion,
                100.0 * w(0),
                100.0 * w(1),
                100.0 * w(2),
                100.0 * (w(2) / w(0) - 1.0),
                100.0 * cov[k].0 as f64 / cov[k].1.max(1) as f64
            );
            for m in 0..3 {
                pooled[m][k].0 += per_origin[m][k].0;
                pooled[m][k].1 += per_origin[m][k].1;
            }
            coverage[k].0 += cov[k].0;
            coverage[k].1 += cov[k].1;
        }
        // This week's days become evidence for the next origins' prior.
        let mut week_actuals = DayActuals::default();
        for (t, c) in seen.iter().filter(|(t, _)| {
            let d = t.date_naive();
            d >= origin && d < origin + Duration::days(7)
        }) {
            week_actuals.insert(channel.clone(), *t, *c);
        }
        let totals = day_totals(&forecast, &week_actuals, origin + Duration::days(7));
        past_days.extend(totals.into_values().flatten());
    }
    println!("\npooled over the origins (rest-of-day WAPE):");
    for (k, cut) in ["10:00", "12:00"].iter().enumerate() {
        let w = |m: usize| pooled[m][k].0 / pooled[m][k].1.max(1.0);
        println!(
            "cut {cut}: pre-day {:.2}%, plain ratio {:.2}%, shrunk {:.2}% ({:+.1}% against pre-day, \
             {:+.1}% against the ratio); shrunk P10-P90 coverage {:.1}%",
            100.0 * w(0),
            100.0 * w(1),
            100.0 * w(2),
            100.0 * (w(2) / w(0) - 1.0),
            100.0 * (w(2) / w(1) - 1.0),
            100.0 * coverage[k].0 as f64 / coverage[k].1.max(1) as f64
        );
    }
    Ok(())
}
