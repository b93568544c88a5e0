//! The bundled sample centre on the real sample week (requirements written by `rota staff` from
//! the demo's forecast for Mon 2026-11-16, stored in `tests/fixtures/schedule/`; see the README
//! there for the commands that regenerate them).
//!
//! * At today's 15-minute voice AHT the week is understaffed on purpose: the roster must still
//!   keep every contract rule and come within 2 % of the LP bound (issue 5 acceptance; the speed
//!   half is the release bench `benches/roster.rs`) without channel stint rules, and within 5 %
//!   with the centre's (the LP bound does not model them; `docs/ROSTER.md`, "Channel stints").
//! * At the "7 calls an hour" voice AHT (514 s) with the headcount raised to what that workload
//!   needs, every interval of every channel is covered without stint rules: zero shortfall, and
//!   every rule re-checked by the independent checker. With them, a few agent-hours short.

use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_roster::{
    adapter, check_roster, requirements, schedule, Horizon, Roster, RosterProblem, SolveOptions,
    StintRules, Weights,
};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/schedule")
        .join(name)
}

/// The sample centre as it was when the fixture requirements were written: its planned
/// activities' time in the shrinkage the requirements were grossed up by, not placed in the
/// roster (the activities are tested in `src/activities/tests.rs` and `tests/schedule_cli.rs`).
fn sample() -> CentreConfig {
    CentreConfig::sample()
        .unwrap()
        .without_activities()
        .unwrap()
}

/// No channel stint rules: any stint length, any number of switches.
const NO_STINT_RULES: StintRules = StintRules {
    min_stint_minutes: 0,
    max_switches_per_shift: u32::MAX,
};

fn solve(
    config: &CentreConfig,
    requirements_file: &str,
    stints: Option<StintRules>,
) -> (RosterProblem, Roster) {
    let grid = config.grid();
    let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let horizon = Horizon::new(grid.tz, monday, 7, grid.length.minutes()).unwrap();
    let req = requirements::read_requirements(&fixture(requirements_file), &horizon).unwrap();
    let (mut problem, _notes) =
        adapter::problem_from_config(config, horizon, &req, Weights::default()).unwrap();
    if let Some(rules) = stints {
        problem = problem.with_stints(rules);
    }
    let roster = schedule(
        &problem,
        &SolveOptions {
            time_limit_s: 120.0,
            ..Default::default()
        },
    )
    .unwrap();
    (problem, roster)
}

#[test]
fn real_sample_week_is_within_two_percent_of_the_lp_bound_and_keeps_every_rule() {
    let config = sample();
    let (problem, roster) = solve(
        &config,
        "sample_week_requirements.csv",
        Some(NO_STINT_RULES),
    );
    let violations = check_roster(&problem, &roster);
    assert!(violations.is_empty(), "{violations:#?}");
    let s = &roster.summary;
    assert!(s.bound <= s.objective + 1e-6, "{s:?}");
    assert!(s.gap < 0.02, "gap {:.2} % ({:?})", 100.0 * s.gap, s.solver);
    // understaffed on purpose: voice is short and the diagnosis says so
    let voice = s.channels.iter().find(|c| c.channel.as_str() == "voice");
    assert!(voice.is_some_and(|c| c.shortfall_hours > 100.0), "{s:?}");
    assert!(roster.diagnosis.iter().any(|d| d.starts_with("voice")));
    // every agent works their contract: 45 agents rostered
    assert_eq!(s.agents_rostered, problem.agents.len());
}

#[test]
fn real_sample_week_with_the_centres_stint_rules_keeps_them_within_five_percent_of_the_bound() {
    let config = sample();
    let (problem, roster) = solve(&config, "sample_week_requirements.csv", None);
    assert_eq!(problem.stints, StintRules::default());
    // the checker re-derives the stint rules from the activities
    let violations = check_roster(&problem, &roster);
    assert!(violations.is_empty(), "{violations:#?}");
    let s = &roster.summary;
    assert!(s.stints.median_switches <= 1.0, "{:?}", s.stints);
    assert!(s.stints.max_switches <= 2, "{:?}", s.stints);
    assert_eq!(s.stints.short_stints, 0, "{:?}", s.stints);
    assert!(s.bound <= s.objective + 1e-6, "{s:?}");
    assert!(s.gap < 0.05, "gap {:.2} % ({:?})", 100.0 * s.gap, s.solver);
    println!(
        "stints: median {} most {} switching {} of {} shifts, gap {:.2} %",
        s.stints.median_switches,
        s.stints.max_switches,
        s.stints.shifts_switching,
        s.shifts,
        100.0 * s.gap
    );
}

/// `n` extra agents of one kind, in the sample's TOML format.
fn extra_agents(prefix: &str, n: usize, skills: &str, contract: &str, team: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "\n[[agents]]\nid = \"{prefix}{i:02}\"\nname = \"Extra {prefix}{i:02}\"\n\
                 skills = {skills}\ncontract = \"{contract}\"\ngrade = \"advisor\"\n\
                 team = \"{team}\"\n"
            )
        })
        .collect()
}

#[test]
fn sample_week_at_seven_calls_an_hour_with_enough_agents_has_zero_shortfall() {
    let mut toml = rota_data::config::SAMPLE_CENTRE_TOML.to_string();
    toml += &extra_agents(
        "XV",
        10,
        "[\"voice\", \"chat\"]",
        "full_time",
        "front_office",
    );
    toml += &extra_agents(
        "XR",
        4,
        "[\"reception\", \"voice\"]",
        "full_time",
        "reception",
    );
    toml += &extra_agents("XS", 16, "[\"voice\"]", "part_time_20", "front_office");
    let config = CentreConfig::from_toml_str(&toml, "sample + extra agents")
        .unwrap()
        .without_activities()
        .unwrap();
    let (problem, roster) = solve(
        &config,
        "sample_week_requirements_aht514.csv",
        Some(NO_STINT_RULES),
    );
    let violations = check_roster(&problem, &roster);
    assert!(violations.is_empty(), "{violations:#?}");
    let s = &roster.summary;
    for c in &s.channels {
        assert!(
            c.shortfall_hours < 1e-6,
            "{c:?}\n{:?}\n{:#?}",
            s.solver,
            roster.diagnosis
        );
    }
    assert!(roster.coverage.iter().all(|r| r.shortfall < 1e-6));
    assert!(s.bound <= s.objective + 1e-6);
    println!(
        "zero shortfall: {} agents, paid {:.1} h, cost {:.2}, gap {:.2} %",
        problem.agents.len(),
        s.paid_hours,
        s.paid_cost,
        100.0 * s.gap
    );
}
