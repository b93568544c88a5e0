//! End to end: `rota schedule --objective targets --forecast F --verify N` on a small centre:
//! the roster is planned from the forecast alone, simulated, and the comparison written to
//! `verification.csv` and `roster.json`'s `predicted`; and the inputs it refuses.

use assert_cmd::Command;
use predicates::prelude::*;

/// One voice queue, Monday and Tuesday 09:00-17:00, two advisors and advisors to hire.
const CENTRE: &str = r#"
[centre]
name = "Small Homes"
interval = "60m"
currency = "GBP"
closed_on_bank_holidays = false
planning = { horizon_days = 2 }

[channels.voice]
kind = "inbound"
priority = 1
aht_seconds = 300
patience_seconds = 300
hours = { weekdays = ["09:00-17:00"] }

[channels.voice.targets]
max_abandon_rate = 0.10
max_asa_seconds = 60
service_level = { share = 0.80, within_seconds = 30 }

[shift_templates.day]
days = ["weekdays"]
earliest_start = "09:00"
paid_hours = 8

[contracts.full_time]
min_weekly_paid_hours = 0
allowed_templates = ["day"]

[[agents]]
id = "A1"
name = "Ann"
skills = ["voice"]
contract = "full_time"
hourly_rate = 13.0

[[agents]]
id = "A2"
name = "Bob"
skills = ["voice"]
contract = "full_time"
hourly_rate = 13.0

[[hire]]
name = "advisor"
label = "full-time voice advisor"
skills = ["voice"]
contract = "full_time"
templates = ["day"]
hourly_cost = 13.5
max_count = 6
"#;

/// A forecast of 40 calls an hour (AHT 5 minutes: 3.3 erlangs) in every working hour of Monday
/// 23 and Tuesday 24 November 2026.
fn inputs(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut forecast = String::from(
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n",
    );
    for day in [23, 24] {
        for hour in 0..24 {
            let at = format!("2026-11-{day}T{hour:02}:00:00+00:00");
            let offered = if (9..17).contains(&hour) { 40.0 } else { 0.0 };
            forecast.push_str(&format!(
                "{at},voice,{offered},{offered},{offered},{offered},300\n"
            ));
        }
    }
    let (c, f) = (dir.join("centre.toml"), dir.join("forecast.csv"));
    std::fs::write(&c, CENTRE).unwrap();
    std::fs::write(&f, forecast).unwrap();
    (c, f)
}

fn schedule(config: &std::path::Path, out: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("rota").unwrap();
    cmd.args(["schedule", "--config"])
        .arg(config)
        .args([
            "--from",
            "2026-11-23",
            "--days",
            "2",
            "--time-limit-s",
            "20",
        ])
        .arg("--out-dir")
        .arg(out);
    cmd
}

#[test]
fn a_hire_roster_planned_from_the_forecast_is_verified_by_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let (config, forecast) = inputs(dir.path());
    let out = dir.path().join("roster");
    schedule(&config, &out)
        .args(["--objective", "targets", "--hire", "--verify", "10"])
        .args(["--verify-rounds", "2", "--forecast"])
        .arg(&forecast)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Verified by simulation (10 replications a round",
        ))
        .stdout(predicate::str::contains("round 1: "))
        .stdout(predicate::str::contains("kept round "))
        .stdout(predicate::str::contains(
            "voice      abandon rate             predicted",
        ));
    // the programme predicts each day and the week; the simulation is set beside it
    let csv = std::fs::read_to_string(out.join("verification.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("round,channel,period,kpi,predicted,simulated,lo,hi,target,next_plan_target")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for period in ["2026-11-23", "2026-11-24", "week"] {
        for kpi in ["abandon_rate", "asa_seconds", "service_level"] {
            assert!(
                rows.iter()
                    .any(|r| r[0] == "1" && r[1] == "voice" && r[2] == period && r[3] == kpi),
                "round 1 {period} {kpi} in\n{csv}"
            );
        }
    }
    for r in &rows {
        let [lo, mean, hi]: [f64; 3] = [r[6], r[5], r[7]].map(|x| x.parse().unwrap());
        assert!(lo <= mean && mean <= hi, "{r:?}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("roster.json")).unwrap()).unwrap();
    let predicted = json["predicted"].as_array().expect("predicted list");
    let week_abandon = predicted
        .iter()
        .find(|p| p["period"] == "week" && p["kpi"] == "abandon_rate" && p["channel"] == "voice")
        .expect("the week's abandon rate");
    let rate = week_abandon["value"].as_f64().unwrap();
    // hiring to the targets: the programme plans the week at or under 10% abandoned
    assert!((0.0..=0.10 + 1e-6).contains(&rate), "{week_abandon}");
    assert!(out.join("hires.csv").exists());
}

#[test]
fn verification_refuses_what_it_cannot_do() {
    let dir = tempfile::tempdir().unwrap();
    let (config, forecast) = inputs(dir.path());
    let out = dir.path().join("roster");
    let cases: [(&[&str], &str); 3] = [
        (
            &["--objective", "targets", "--verify", "0"],
            "0 is not in 1..=1000",
        ),
        (
            &["--verify", "5"],
            "--verify compares the targets objective's predictions",
        ),
        (
            &[],
            "the coverage objective plans against a requirements file",
        ),
    ];
    for (args, message) in cases {
        schedule(&config, &out)
            .args(args)
            .arg("--forecast")
            .arg(&forecast)
            .assert()
            .failure()
            .stderr(predicate::str::contains(message));
    }
    // --verify needs the forecast to simulate against
    schedule(&config, &out)
        .args([
            "--objective",
            "targets",
            "--verify",
            "5",
            "--requirements",
            "r.csv",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--forecast"));
}

#[test]
fn a_target_period_in_the_configuration_must_be_interval_day_or_week() {
    let dir = tempfile::tempdir().unwrap();
    let (config, forecast) = inputs(dir.path());
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "max_abandon_rate = 0.10\n",
        "max_abandon_rate = 0.10\nperiod = \"month\"\n",
    );
    std::fs::write(&config, text).unwrap();
    schedule(&config, &dir.path().join("roster"))
        .args(["--objective", "targets", "--forecast"])
        .arg(&forecast)
        .assert()
        .failure()
        .stderr(predicate::str::contains("channels.voice.targets.period"))
        .stderr(predicate::str::contains(
            "\"month\" is not a target period; expected \"interval\", \"day\" or \"week\"",
        ));
}

#[test]
fn an_abandon_target_of_zero_is_diagnosed_as_unreachable_not_hired_for() {
    // callers with finite patience always include someone who hangs up: no number of hires
    // meets 0% abandoned, and the planner is told so instead of getting every candidate hired
    let dir = tempfile::tempdir().unwrap();
    let (config, forecast) = inputs(dir.path());
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("max_abandon_rate = 0.10", "max_abandon_rate = 0.0");
    std::fs::write(&config, text).unwrap();
    schedule(&config, &dir.path().join("roster"))
        .args(["--objective", "targets", "--hire", "--forecast"])
        .arg(&forecast)
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "an abandon rate of at most 0 cannot be met",
        ))
        .stderr(predicate::str::contains("give a share above 0"));
}
