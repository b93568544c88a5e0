//! Intraday benchmark quoted in `docs/INTRADAY.md` and `docs/PERFORMANCE.md`.
//!
//! * `sample_monday_10_15`: what `rota intraday` computes for the sample centre
//!   (`data/samples/centre.toml`, five channels, 45 agents) at 10:15 on the Monday of its demo
//!   week (`tests/fixtures/simulate/sample_week/`: the forecast and roster written by
//!   `rota forecast` / `rota schedule`), with voice running 20% over forecast since 08:00 and two
//!   advisors absent: the re-forecast of the rest of the week, the day's queue curves and KPIs,
//!   and the ranked actions (target: at most 2 s).
//!
//! Run: `cargo bench --bench intraday -- --quick`.

use std::hint::black_box;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset};
use criterion::{criterion_group, criterion_main, Criterion};
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_intraday::{
    Absence, ActionSettings, ActualCounts, DayActuals, LevelPrior, TodayInput, Update,
};
use rota_simulation::RosterPlan;

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = CentreConfig::load(root.join("data/samples/centre.toml")).expect("config");
    let week = root.join("tests/fixtures/simulate/sample_week");
    let forecast =
        DemandSeries::read_csv_for(week.join("forecast.csv"), &config).expect("forecast");
    let roster = RosterPlan::read_dir(week.join("roster"), &config).expect("roster");
    let now: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-11-16T10:15:00+00:00").expect("time");
    let mut actuals = DayActuals::default();
    for r in forecast.records() {
        let t = r.interval_start();
        if t.date_naive() == now.date_naive() && t + Duration::minutes(15) <= now {
            let f = if r.channel().as_str() == "voice" {
                1.2
            } else {
                1.0
            };
            let offered = (r.offered_mean() * f).round();
            actuals.insert(
                r.channel().clone(),
                t,
                ActualCounts {
                    offered,
                    handled: Some((offered * 0.7).round()),
                    abandoned: Some((offered * 0.3).round()),
                    aht_s: Some(r.aht_seconds()),
                    asa_s: Some(120.0),
                },
            );
        }
    }
    let day = now - Duration::hours(10) - Duration::minutes(15);
    let absences: Vec<Absence> = ["NH001", "NH002"]
        .iter()
        .map(|id| Absence {
            agent_id: id.to_string(),
            from: day,
            to: day + Duration::days(1),
            reason: "sick".into(),
        })
        .collect();
    let input = TodayInput {
        config: &config,
        forecast: &forecast,
        actuals: &actuals,
        now,
        roster: &roster,
        absences: &absences,
        update: Update::Shrunk(LevelPrior::default()),
        settings: ActionSettings::default(),
    };
    c.bench_function("intraday/sample_monday_10_15", |b| {
        b.iter(|| black_box(rota_intraday::today(black_box(&input)).expect("today")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
