//! Simulation benchmarks quoted in `docs/PERFORMANCE.md` and `docs/SIMULATION.md`.
//!
//! * `voice_only_week_one_replication`: one replication of a voice-only week (100 agents on
//!   08:00–18:00 weekdays and 09:00–13:00 Saturday, about 92 Erlangs at peak, lognormal handle
//!   times, exponential patience), single-threaded. Criterion reports the throughput in contacts
//!   per second on one core (target: ≥ 1 million).
//! * `sample_week_100_replications`: the sample centre (`data/samples/centre.toml`, five channels,
//!   45 agents) with the roster and forecast of its demo week (`tests/fixtures/simulate/sample_week/`,
//!   written by `rota forecast` / `rota schedule`), 100 replications in parallel on every core
//!   (target: < 10 s on 2 cores).
//!
//! Run: `cargo bench --bench simulation -- --quick`.

use std::hint::black_box;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rota_data::config::CentreConfig;
use rota_data::demand::{DemandRecord, DemandSeries};
use rota_simulation::{
    simulate, PlanActivity, PlanActivityKind, RosterPlan, SimulationInput, SimulationOptions,
};

const AGENTS: usize = 100;
const AHT: f64 = 300.0;

fn local(date: NaiveDate, h: u32) -> DateTime<FixedOffset> {
    chrono_tz::Europe::London
        .from_local_datetime(&date.and_hms_opt(h, 0, 0).expect("valid time"))
        .single()
        .expect("unambiguous")
        .fixed_offset()
}

/// A voice-only week: a bell-shaped day peaking at 92 Erlangs, 100 agents all day.
fn voice_week() -> SimulationInput {
    let mut toml = format!(
        r#"
[centre]
name = "Voice only"
[channels.voice]
kind = "inbound"
aht_seconds = {AHT}
patience_seconds = 300
hours = {{ weekdays = ["08:00-18:00"], sat = ["09:00-13:00"] }}
[contracts.any]
min_weekly_paid_hours = 0
max_weekly_paid_hours = 60
"#
    );
    for k in 0..AGENTS {
        toml += &format!(
            "[[agents]]\nid = \"V{k:03}\"\nname = \"Agent {k}\"\nskills = [\"voice\"]\ncontract = \"any\"\nhourly_rate = 12.0\n"
        );
    }
    let config = CentreConfig::from_toml_str(&toml, "voice.toml").expect("valid config");
    let voice: rota_data::channel::ChannelName = "voice".parse().expect("channel name");
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut records = Vec::new();
    let mut activities = Vec::new();
    for d in 0..6 {
        let date = monday + Duration::days(d);
        let (open, close) = if d < 5 { (8, 18) } else { (9, 13) };
        let slots = (close - open) * 4;
        for s in 0..slots {
            let x = (f64::from(s) + 0.5) / f64::from(slots);
            let erlangs = 92.0 * (0.55 + 0.45 * (std::f64::consts::PI * x).sin());
            let offered = erlangs * 900.0 / AHT;
            let t = local(date, open) + Duration::minutes(15 * i64::from(s));
            records.push(
                DemandRecord::new(t, voice.clone(), offered, offered, offered, offered, AHT)
                    .expect("valid demand"),
            );
        }
        for k in 0..AGENTS {
            activities.push(PlanActivity {
                agent_id: format!("V{k:03}"),
                start: local(date, open),
                end: local(date, close),
                kind: PlanActivityKind::Work(voice.clone()),
            });
        }
    }
    let demand = DemandSeries::new(records).expect("valid series");
    let roster = RosterPlan::new(&config, activities, monday, monday + Duration::days(6))
        .expect("valid roster");
    SimulationInput::new(&config, &demand, &roster).expect("consistent input")
}

fn voice_only_week(c: &mut Criterion) {
    let input = voice_week();
    let opts = SimulationOptions {
        replications: 1,
        seed: 1,
        parallel: false,
        ..Default::default()
    };
    let contacts = simulate(&input, &opts, |_, _| {})
        .expect("simulation runs")
        .total_contacts;
    eprintln!("voice-only week: {contacts} contacts per replication");
    let mut g = c.benchmark_group("simulation");
    g.throughput(Throughput::Elements(contacts));
    g.bench_function("voice_only_week_one_replication", |b| {
        b.iter(|| black_box(simulate(black_box(&input), &opts, |_, _| {}).expect("runs")))
    });
    g.finish();
}

fn sample_week(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        CentreConfig::load(root.join("data/samples/centre.toml")).expect("sample configuration");
    let fixture = root.join("tests/fixtures/simulate/sample_week");
    let demand = DemandSeries::read_csv(fixture.join("forecast.csv")).expect("sample forecast");
    let roster = RosterPlan::read_dir(fixture.join("roster"), &config).expect("sample roster");
    let input = SimulationInput::new(&config, &demand, &roster).expect("consistent input");
    let opts = SimulationOptions {
        replications: 100,
        seed: 7,
        ..Default::default()
    };
    let contacts = simulate(&input, &opts, |_, _| {})
        .expect("simulation runs")
        .total_contacts;
    eprintln!(
        "sample week x 100 replications: {contacts} contacts on {} threads",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let mut g = c.benchmark_group("simulation");
    g.sample_size(10);
    g.throughput(Throughput::Elements(contacts));
    g.bench_function("sample_week_100_replications", |b| {
        b.iter(|| black_box(simulate(black_box(&input), &opts, |_, _| {}).expect("runs")))
    });
    g.finish();
}

criterion_group!(benches, voice_only_week, sample_week);
criterion_main!(benches);
