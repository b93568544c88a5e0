//! Staffing benchmarks quoted in `docs/PERFORMANCE.md` and `docs/STAFFING.md`.
//!
//! * `required_agents_week_5_channels`: required agents for 1 week × 96 intervals × 5 channels,
//!   Erlang A with every target (abandon ≤ 10%, ASA ≤ 120 s, 80% in 20 s of offered, occupancy ≤ 90%),
//!   through `plan_requirements` (target: < 50 ms).
//! * `erlang_a_evaluate_n1000`: one Erlang A evaluation at n = 1,000 agents, A = 1,050 Erlangs
//!   (reference case L3; target: < 50 µs).
//!
//! Run: `cargo bench --bench staffing -- --quick`.

use std::hint::black_box;

use chrono::{Duration, FixedOffset, TimeZone};
use criterion::{criterion_group, criterion_main, Criterion};
use rota_staffing::{
    evaluate, plan_requirements, ChannelDemand, ChannelModel, DemandInterval, Patience,
    QueueInputs, ServiceLevelDefinition, Targets,
};

/// A week of a housing contact centre: five Erlang A channels with a daily bell-shaped profile,
/// busier on Mondays, open 08:00–18:00 on weekdays and 09:00–13:00 on Saturdays.
fn week() -> Vec<ChannelDemand> {
    let targets = Targets::builder()
        .max_abandon(0.10)
        .max_asa_s(120.0)
        .service_level(0.8, 20.0, ServiceLevelDefinition::ServedWithinOfOffered)
        .max_occupancy(0.9)
        .build()
        .expect("valid targets");
    let tz = FixedOffset::east_opt(0).expect("UTC offset");
    let monday = tz
        .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .expect("valid date");
    // (channel, peak contacts per 15 min, AHT s, mean patience s)
    let channels = [
        ("repairs", 140.0, 510.0, 240.0),
        ("general", 60.0, 420.0, 180.0),
        ("reception", 12.0, 600.0, 900.0),
        ("chat", 30.0, 480.0, 300.0),
        ("callback", 20.0, 360.0, 600.0),
    ];
    channels
        .iter()
        .map(|&(name, peak, aht, patience)| ChannelDemand {
            channel: rota_data::channel::ChannelName::parse(name).expect("valid name"),
            model: ChannelModel::Queue {
                patience: Patience::exponential(patience).expect("valid patience"),
                targets,
            },
            shrinkage: 0.3,
            intervals: (0..7 * 96)
                .map(|i| {
                    let (day, slot) = (i / 96, i % 96);
                    let open = (day < 5 && (32..72).contains(&slot))
                        || (day == 5 && (36..52).contains(&slot));
                    let shape = 1.0 - ((slot as f64 - 46.0) / 20.0).powi(2);
                    let monday_uplift = if day == 0 { 1.3 } else { 1.0 };
                    DemandInterval {
                        start: monday + Duration::minutes(15 * i as i64),
                        offered: if open {
                            peak * monday_uplift * shape.max(0.1)
                        } else {
                            0.0
                        },
                        aht_s: aht,
                        // Evaluate every interval so the benchmark counts 96 × 7 × 5 requirements.
                        open: true,
                    }
                })
                .collect(),
        })
        .collect()
}

fn staffing(c: &mut Criterion) {
    let channels = week();
    let intervals: usize = channels.iter().map(|c| c.intervals.len()).sum();
    assert_eq!(intervals, 7 * 96 * 5);
    c.bench_function("required_agents_week_5_channels", |b| {
        b.iter(|| plan_requirements(black_box(&channels), 900.0).expect("plan"))
    });

    let l3 = QueueInputs::new(
        4.375,
        240.0,
        Patience::exponential(120.0).expect("valid patience"),
    )
    .expect("valid inputs");
    c.bench_function("erlang_a_evaluate_n1000", |b| {
        b.iter(|| evaluate(black_box(&l3), black_box(1000), 30.0).expect("evaluate"))
    });
}

criterion_group!(benches, staffing);
criterion_main!(benches);
