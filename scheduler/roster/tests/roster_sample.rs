//! The bundled sample centre (data/samples/centre.toml) through the adapter: every rule holds on
//! the roster (independent checker) and the week is covered when the headcount allows it.

use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_roster::{
    adapter, check_roster, requirements, schedule, synthetic, Horizon, SolveOptions, Weights,
};

#[test]
fn sample_centre_week_is_covered_and_every_rule_holds() {
    // The programme and its rules, without the sample's planned activities: a team meeting takes
    // up to 26 front-office people off the phones at once, which no headcount covers, and is
    // tested with the activities (tests/schedule_cli.rs, src/activities/tests.rs).
    let config = CentreConfig::sample()
        .unwrap()
        .without_activities()
        .unwrap();
    let grid = config.grid();
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let horizon = Horizon::new(grid.tz, monday, 7, grid.length.minutes()).unwrap();
    let dir = std::env::temp_dir().join(format!("rota-roster-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("requirements.csv");
    // demand sized to what the sample's 45 agents can cover
    let open = |ch: &str, at: &chrono::DateTime<chrono_tz::Tz>| {
        use chrono::{Datelike, Timelike};
        config
            .channel(ch)
            .is_some_and(|c| c.accepts_contacts_at(at.weekday(), at.hour() * 60 + at.minute()))
    };
    std::fs::write(
        &path,
        synthetic::requirements_csv_when(&horizon, 0.8, &open),
    )
    .unwrap();
    let req = requirements::read_requirements(&path, &horizon).unwrap();
    let (problem, _notes) =
        adapter::problem_from_config(&config, horizon, &req, Weights::default()).unwrap();
    assert_eq!(problem.agents.len(), config.agents().len());
    let roster = schedule(
        &problem,
        &SolveOptions {
            time_limit_s: 120.0,
            ..Default::default()
        },
    )
    .unwrap();
    let violations = check_roster(&problem, &roster);
    assert!(violations.is_empty(), "{violations:#?}");
    let s = &roster.summary;
    assert!(s.bound <= s.objective + 1e-6);
    assert!(s.gap < 0.05, "gap {} ({:?})", s.gap, s.solver);
    for c in &s.channels {
        assert!(c.shortfall_hours <= 1.0, "{c:?}\n{:#?}", roster.diagnosis);
    }
    // channel stints a team leader can run (the checker above re-derives both rules)
    assert!(s.stints.median_switches <= 1.0, "{:?}", s.stints);
    assert!(s.stints.max_switches <= 2, "{:?}", s.stints);
    assert_eq!(s.stints.short_stints, 0, "{:?}", s.stints);
    roster.write_dir(&dir).unwrap();
    for f in [
        "shifts.csv",
        "activities.csv",
        "coverage.csv",
        "roster.json",
    ] {
        assert!(dir.join(f).exists(), "{f}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
