//! The solver's progress reaches the caller (stage, seconds, gap) while HiGHS works, and a watch
//! that says stop ends the solve promptly with `RosterError::Cancelled`: what a progress bar and a
//! cancel button need.

use std::sync::Mutex;
use std::time::Instant;

use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_roster::{
    adapter, requirements, schedule_watched, synthetic, Horizon, RosterError, RosterProblem,
    SolveOptions, SolveStage, SolverProgress, Weights,
};

/// The sample centre on `days` days of demand it can mostly cover.
fn sample_problem(days: u32) -> RosterProblem {
    let config = CentreConfig::sample().unwrap();
    let grid = config.grid();
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let horizon = Horizon::new(grid.tz, monday, days, grid.length.minutes()).unwrap();
    let dir = std::env::temp_dir().join(format!("rota-roster-watch-{}-{days}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("requirements.csv");
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
    let _ = std::fs::remove_dir_all(&dir);
    adapter::problem_from_config(&config, horizon, &req, Weights::default())
        .unwrap()
        .0
}

#[test]
fn progress_is_reported_stage_by_stage_with_the_gap_once_a_roster_exists() {
    let problem = sample_problem(2);
    let seen: Mutex<Vec<SolverProgress>> = Mutex::new(Vec::new());
    let watch = |p: SolverProgress| {
        seen.lock().unwrap().push(p);
        true
    };
    let opts = SolveOptions {
        time_limit_s: 60.0,
        ..Default::default()
    };
    let roster = schedule_watched(&problem, &opts, Some(&watch)).expect("a roster");
    let seen = seen.into_inner().unwrap();
    assert!(!seen.is_empty(), "the watch was never called");
    // Stages come in order: the bound, then shifts, then (when it runs) the allocation.
    let rank = |s: SolveStage| match s {
        SolveStage::Bound => 0,
        SolveStage::Shifts => 1,
        SolveStage::Allocation => 2,
    };
    assert!(seen
        .windows(2)
        .all(|w| rank(w[0].stage) <= rank(w[1].stage)));
    assert!(seen.iter().any(|p| p.stage == SolveStage::Shifts));
    let bad: Vec<_> = seen
        .iter()
        .filter(|p| !(p.seconds >= 0.0 && p.seconds.is_finite()))
        .take(5)
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    // The bound stage has no roster, hence no gap; a gap, when given, is a sane fraction.
    assert!(seen
        .iter()
        .filter(|p| p.stage == SolveStage::Bound)
        .all(|p| p.gap.is_none()));
    assert!(seen
        .iter()
        .filter_map(|p| p.gap)
        .all(|g| (0.0..=1.0).contains(&g) || g.is_infinite()));
    assert!(!roster.shifts.is_empty());
}

#[test]
fn a_watch_that_says_stop_cancels_the_solve_promptly() {
    let problem = sample_problem(7);
    let opts = SolveOptions {
        time_limit_s: 120.0,
        mip_rel_gap: 0.0,
        ..Default::default()
    };
    let started = Instant::now();
    // Stop as soon as the shift stage has begun: the 120 s solve must end within seconds.
    let watch = |p: SolverProgress| p.stage != SolveStage::Shifts;
    let result = schedule_watched(&problem, &opts, Some(&watch));
    let took = started.elapsed().as_secs_f64();
    assert!(
        matches!(result, Err(RosterError::Cancelled)),
        "{:?}",
        result.err()
    );
    assert!(took < 60.0, "cancelling took {took:.1} s");
}
