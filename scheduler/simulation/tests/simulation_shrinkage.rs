//! Shrinkage in the simulation: the configured shrinkage takes about its share off the agents'
//! available time (occupancy of the same workload rises by 1 / (1 − shrinkage), abandonment
//! rises), whether it is broken down (sickness as whole-shift absence, the rest off-phone) or a
//! bare total; `ShrinkageModel::None` is the roster as planned, exactly what a centre without
//! shrinkage gives; results stay reproducible and independent of threads.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::demand::{DemandRecord, DemandSeries};
use rota_simulation::{
    simulate, PatienceModel, PlanActivity, PlanActivityKind, RosterPlan, ShrinkageModel,
    SimulationInput, SimulationOptions, SimulationReport,
};

const AGENTS: usize = 20;
const DAYS: i64 = 5;

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn at(d: i64, h: u32) -> DateTime<FixedOffset> {
    chrono_tz::Europe::London
        .from_local_datetime(&(monday() + Duration::days(d)).and_hms_opt(h, 0, 0).unwrap())
        .unwrap()
        .fixed_offset()
}

fn voice() -> ChannelName {
    "voice".parse().unwrap()
}

/// A voice-only centre of 20 agents with the given `[shrinkage]` table body.
fn config(shrinkage: &str) -> CentreConfig {
    let mut toml = format!(
        r#"
[centre]
name = "Shrinkage test"
[centre.planning]
horizon_days = {DAYS}
[shrinkage]
{shrinkage}
[channels.voice]
kind = "inbound"
priority = 1
aht_seconds = 300
patience_seconds = 120
hours = {{ weekdays = ["09:00-17:00"] }}
[contracts.any]
min_weekly_paid_hours = 0
max_weekly_paid_hours = 48
"#
    );
    for a in 0..AGENTS {
        toml.push_str(&format!(
            "[[agents]]\nid = \"A{a:02}\"\nname = \"Agent {a}\"\nskills = [\"voice\"]\ncontract = \"any\"\nhourly_rate = 12.0\n"
        ));
    }
    CentreConfig::from_toml_str(&toml, "shrinkage.toml").unwrap()
}

/// 18% in the sample centre's breakdown (sickness 6% of it), as a bare total, and none.
const BREAKDOWN: &str =
    "activities = { sickness = 0.06, training = 0.04, team_meetings = 0.02, one_to_ones = 0.02, admin = 0.04 }";
const TOTAL_ONLY: &str = "total = 0.18";
const ZERO: &str = "total = 0.0";
const SHRINKAGE: f64 = 0.18;

/// Every agent works voice 09:00-17:00 Monday to Friday; `per_interval` calls per 15 minutes
/// while the line is open.
fn input(config: &CentreConfig, per_interval: f64) -> SimulationInput {
    let mut acts = Vec::new();
    for a in 0..AGENTS {
        for d in 0..DAYS {
            acts.push(PlanActivity {
                agent_id: format!("A{a:02}"),
                start: at(d, 9),
                end: at(d, 17),
                kind: PlanActivityKind::Work(voice()),
            });
        }
    }
    let last = monday() + Duration::days(DAYS - 1);
    let roster = RosterPlan::new(config, acts, monday(), last).unwrap();
    let mut records = Vec::new();
    for d in 0..DAYS {
        for k in 0..96 {
            let t = at(d, 0) + Duration::minutes(15 * k);
            let n = if (36..68).contains(&k) {
                per_interval
            } else {
                0.0
            };
            records.push(DemandRecord::new(t, voice(), n, n, n, n, 300.0).unwrap());
        }
    }
    let demand = DemandSeries::new(records).unwrap();
    SimulationInput::new(config, &demand, &roster).unwrap()
}

fn run(
    config: &CentreConfig,
    per_interval: f64,
    shrinkage: ShrinkageModel,
    patience: Option<PatienceModel>,
    parallel: bool,
) -> SimulationReport {
    let opts = SimulationOptions {
        replications: 40,
        seed: 21,
        shrinkage,
        patience: patience.map(|p| (voice(), p)).into_iter().collect(),
        parallel,
        ..Default::default()
    };
    simulate(&input(config, per_interval), &opts, |_, _| {}).unwrap()
}

#[test]
fn shrinkage_takes_its_share_off_the_available_time() {
    // 30 calls per 15 min at 300 s = 10 Erlangs on 20 agents (16.4 after 18% shrinkage); callers
    // never give up, so the same work is done either way and occupancy = work / logged-in time
    // rises by 1 / (1 − 0.18).
    for body in [BREAKDOWN, TOTAL_ONLY] {
        let c = config(body);
        let none = run(
            &c,
            30.0,
            ShrinkageModel::None,
            Some(PatienceModel::Infinite),
            true,
        );
        let conf = run(
            &c,
            30.0,
            ShrinkageModel::Configured,
            Some(PatienceModel::Infinite),
            true,
        );
        let occ = |r: &SimulationReport| r.week[0].kpis.occupancy.unwrap().mean;
        let handled = |r: &SimulationReport| r.week[0].kpis.handled.mean;
        // Same work done.
        assert!(
            (handled(&conf) / handled(&none) - 1.0).abs() < 0.01,
            "{body}: handled {} vs {}",
            handled(&conf),
            handled(&none)
        );
        assert!((occ(&none) - 0.5).abs() < 0.02, "{body}: {}", occ(&none));
        // Logged-in time with shrinkage / without = occupancy without / with ≈ 1 − 0.18.
        let available = occ(&none) / occ(&conf);
        eprintln!("{body}: available share {available:.4}");
        assert!(
            (available - (1.0 - SHRINKAGE)).abs() < 0.01,
            "{body}: available share {available:.4}, expected {:.2}",
            1.0 - SHRINKAGE
        );
    }
}

#[test]
fn shrinkage_raises_abandonment_and_waiting() {
    // 54 calls per 15 min = 18 Erlangs: 20 agents cope, 16.4 available ones do not.
    let c = config(BREAKDOWN);
    let none = run(&c, 54.0, ShrinkageModel::None, None, true);
    let conf = run(&c, 54.0, ShrinkageModel::Configured, None, true);
    let ab = |r: &SimulationReport| r.week[0].kpis.abandon_rate.unwrap().mean;
    let asa = |r: &SimulationReport| r.week[0].kpis.asa_seconds.unwrap().mean;
    assert!(
        ab(&conf) > ab(&none) + 0.05,
        "abandon rate {} vs {}",
        ab(&conf),
        ab(&none)
    );
    assert!(
        asa(&conf) > asa(&none) * 1.5,
        "{} vs {}",
        asa(&conf),
        asa(&none)
    );
}

#[test]
fn none_is_the_roster_as_planned() {
    // Shrinkage off on a centre with 18% shrinkage = shrinkage on in a centre with none: nothing
    // is drawn, every agent works every rostered minute, the streams are untouched.
    let none = run(&config(BREAKDOWN), 40.0, ShrinkageModel::None, None, true);
    let zero = run(&config(ZERO), 40.0, ShrinkageModel::Configured, None, true);
    assert_eq!(none.intervals, zero.intervals);
    assert_eq!(none.week, zero.week);
    assert_eq!(none.total_contacts, zero.total_contacts);
    let conf = run(
        &config(BREAKDOWN),
        40.0,
        ShrinkageModel::Configured,
        None,
        true,
    );
    assert_ne!(none.week, conf.week);
}

#[test]
fn shrinkage_draws_do_not_depend_on_threads() {
    let c = config(BREAKDOWN);
    let par = run(&c, 40.0, ShrinkageModel::Configured, None, true);
    let seq = run(&c, 40.0, ShrinkageModel::Configured, None, false);
    assert_eq!(par, seq);
}
