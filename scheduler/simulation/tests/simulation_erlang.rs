//! Validation: a stationary simulation (constant arrival rate, exponential handle times, a fixed
//! number of agents all day) reproduces the steady-state Erlang C and Erlang A values of the
//! staffing module, for small (3 agents) and large (100 agents) systems.
//!
//! Each KPI must lie within its simulated 95% confidence interval widened by half (≈ 3 standard
//! errors: the runs are seeded, so the check is deterministic, and a dozen checks at exactly 95%
//! would fail by chance somewhere), and the interval must be tight (so the test can fail).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rota_data::config::CentreConfig;
use rota_data::demand::{DemandRecord, DemandSeries};
use rota_simulation::{
    simulate, HandleTimeModel, PatienceModel, PlanActivity, PlanActivityKind, RosterPlan,
    ShrinkageModel, SimulationInput, SimulationOptions,
};
use rota_staffing::{evaluate, Patience, QueueInputs};

const AHT: f64 = 20.0;
const SL_T: f64 = 20.0;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn at(h: u32) -> DateTime<FixedOffset> {
    chrono_tz::Europe::London
        .from_local_datetime(&day().and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .fixed_offset()
        + Duration::hours(i64::from(h))
}

fn config(n: usize, open: (u32, u32)) -> CentreConfig {
    let mut t = format!(
        r#"
[centre]
name = "Stationary"
[channels.voice]
kind = "inbound"
aht_seconds = {AHT}
hours = {{ every_day = ["{:02}:00-{:02}:00"] }}
[channels.voice.targets]
max_abandon_rate = 0.5
service_level = {{ share = 0.8, within_seconds = {SL_T}, abandoned_in_denominator = true }}
[contracts.any]
min_weekly_paid_hours = 0
max_weekly_paid_hours = 48
"#,
        open.0, open.1
    );
    for k in 0..n {
        t += &format!(
            "[[agents]]\nid = \"A{k:03}\"\nname = \"Agent {k}\"\nskills = [\"voice\"]\ncontract = \"any\"\nhourly_rate = 12.0\n"
        );
    }
    CentreConfig::from_toml_str(&t, "stationary.toml").unwrap()
}

struct Case {
    agents: usize,
    /// Opening hours (the agents work exactly these).
    open: (u32, u32),
    rate_per_s: f64,
    patience_s: Option<f64>,
    replications: u32,
}

fn check(case: &Case) {
    let config = config(case.agents, case.open);
    let (from, to) = case.open;
    let voice: rota_data::channel::ChannelName = "voice".parse().unwrap();
    let offered = case.rate_per_s * 900.0;
    let records: Vec<DemandRecord> = (0..i64::from(to - from) * 4)
        .map(|k| {
            let t = at(from) + Duration::minutes(15 * k);
            DemandRecord::new(t, voice.clone(), offered, offered, offered, offered, AHT).unwrap()
        })
        .collect();
    let demand = DemandSeries::new(records).unwrap();
    let activities = (0..case.agents)
        .map(|k| PlanActivity {
            agent_id: format!("A{k:03}"),
            start: at(from),
            end: at(to),
            kind: PlanActivityKind::Work(voice.clone()),
        })
        .collect();
    let roster = RosterPlan::new(&config, activities, day(), day()).unwrap();
    let input = SimulationInput::new(&config, &demand, &roster).unwrap();
    let patience = match case.patience_s {
        Some(m) => PatienceModel::Exponential { mean_s: m },
        None => PatienceModel::Infinite,
    };
    let opts = SimulationOptions {
        replications: case.replications,
        seed: 11,
        handle_time: HandleTimeModel::Exponential,
        patience: [(voice.clone(), patience)].into_iter().collect(),
        // Erlang C/A count every agent as available all the time: no shrinkage.
        shrinkage: ShrinkageModel::None,
        ..Default::default()
    };
    let report = simulate(&input, &opts, |_, _| {}).unwrap();
    let k = &report.week[0].kpis;

    let q = QueueInputs::new(
        case.rate_per_s,
        AHT,
        match case.patience_s {
            Some(m) => Patience::exponential(m).unwrap(),
            None => Patience::infinite(),
        },
    )
    .unwrap();
    let exact = evaluate(&q, case.agents as u32, SL_T).unwrap();

    let mut checks = vec![
        ("ASA", k.asa_seconds.unwrap(), exact.asa_served_s, 2.0),
        (
            "service level",
            k.service_level.unwrap(),
            exact.sl_served_within_t,
            0.01,
        ),
        ("occupancy", k.occupancy.unwrap(), exact.occupancy, 0.01),
    ];
    if case.patience_s.is_some() {
        checks.push((
            "abandon rate",
            k.abandon_rate.unwrap(),
            exact.p_abandon,
            0.01,
        ));
    }
    for (name, sim, exact, max_half_width) in checks {
        let hw = sim.half_width.unwrap();
        eprintln!(
            "{} agents, {name}: simulated {:.4} ± {hw:.4}, Erlang {exact:.4}",
            case.agents, sim.mean
        );
        assert!(
            hw <= max_half_width,
            "{} agents, {name}: confidence interval too wide (±{hw:.4}) to validate anything",
            case.agents
        );
        assert!(
            (sim.mean - exact).abs() <= 1.5 * hw + 1e-9,
            "{} agents, {name}: simulated {:.4} ± {hw:.4}, Erlang {exact:.4}",
            case.agents,
            sim.mean
        );
    }
}

#[test]
fn erlang_c_small() {
    // 3 agents, 2.4 Erlangs (occupancy 0.8), nobody abandons.
    check(&Case {
        agents: 3,
        open: (0, 24),
        rate_per_s: 2.4 / AHT,
        patience_s: None,
        replications: 200,
    });
}

#[test]
fn erlang_c_large() {
    // 100 agents, 92 Erlangs.
    check(&Case {
        agents: 100,
        open: (9, 15),
        rate_per_s: 92.0 / AHT,
        patience_s: None,
        replications: 30,
    });
}

#[test]
fn erlang_a_small() {
    // 3 agents at 3 Erlangs (a critically loaded queue only patience keeps stable).
    check(&Case {
        agents: 3,
        open: (0, 24),
        rate_per_s: 3.0 / AHT,
        patience_s: Some(40.0),
        replications: 200,
    });
}

#[test]
fn erlang_a_large() {
    // 100 agents overloaded at 105 Erlangs; abandonment balances the excess.
    check(&Case {
        agents: 100,
        open: (9, 15),
        rate_per_s: 105.0 / AHT,
        patience_s: Some(60.0),
        replications: 30,
    });
}
