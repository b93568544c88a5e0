//! End-to-end tests of `rota schedule` on the sample centre with a requirements fixture written
//! in the `rota staff` format.

use assert_cmd::Command;
use chrono::NaiveDate;
use predicates::prelude::*;
use rota_scheduler::roster::{synthetic, Horizon};

fn workspace_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn requirements(dir: &std::path::Path, scale: f64) -> std::path::PathBuf {
    let h = Horizon::new(
        chrono_tz::Europe::London,
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        7,
        15,
    )
    .unwrap();
    let config =
        rota_data::config::CentreConfig::load(workspace_file("data/samples/centre.toml")).unwrap();
    let open = |ch: &str, at: &chrono::DateTime<chrono_tz::Tz>| {
        use chrono::{Datelike, Timelike};
        config
            .channel(ch)
            .is_some_and(|c| c.accepts_contacts_at(at.weekday(), at.hour() * 60 + at.minute()))
    };
    let p = dir.join("requirements.csv");
    std::fs::write(&p, synthetic::requirements_csv_when(&h, scale, &open)).unwrap();
    p
}

#[test]
fn schedules_the_sample_week_and_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let req = requirements(dir.path(), 0.8);
    let out = dir.path().join("roster");
    Command::cargo_bin("rota")
        .unwrap()
        .args(["schedule", "--config"])
        .arg(workspace_file("data/samples/centre.toml"))
        .arg("--requirements")
        .arg(&req)
        .args([
            "--from",
            "2026-11-23",
            "--days",
            "7",
            "--time-limit-s",
            "120",
            "--out-dir",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("paid cost      GBP"))
        .stdout(predicate::str::contains("gap to bound"))
        .stdout(predicate::str::contains("voice"))
        .stdout(predicate::str::contains("reception"));
    let shifts = std::fs::read_to_string(out.join("shifts.csv")).unwrap();
    assert!(shifts.starts_with("agent_id,agent_name,date,start,end,paid_hours,breaks\n"));
    assert!(
        shifts.lines().count() > 100,
        "{} shifts",
        shifts.lines().count() - 1
    );
    assert!(shifts.contains("+00:00"), "RFC 3339 with offset");
    let acts = std::fs::read_to_string(out.join("activities.csv")).unwrap();
    assert!(acts.starts_with("agent_id,start,end,activity,channel\n"));
    assert!(acts.contains(",lunch,") && acts.contains(",work,voice"));
    let cov = std::fs::read_to_string(out.join("coverage.csv")).unwrap();
    assert!(cov.starts_with("interval_start,channel,required,scheduled,shortfall\n"));
    assert_eq!(cov.lines().count(), 1 + 7 * 96 * 5);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("roster.json")).unwrap()).unwrap();
    assert!(json["summary"]["gap"].as_f64().unwrap() < 0.05);
    assert!(json["shifts"].as_array().unwrap().len() > 100);
}

#[test]
fn unknown_channel_in_requirements_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("req.csv");
    std::fs::write(
        &p,
        "interval_start,channel,required_agents\n2026-11-23T09:00:00+00:00,letters,2\n",
    )
    .unwrap();
    Command::cargo_bin("rota")
        .unwrap()
        .args(["schedule", "--config"])
        .arg(workspace_file("data/samples/centre.toml"))
        .arg("--requirements")
        .arg(&p)
        .args(["--from", "2026-11-23", "--out-dir"])
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("letters"))
        .stderr(predicate::str::contains("does not define"));
}

#[test]
fn malformed_requirements_name_the_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("req.csv");
    std::fs::write(
        &p,
        "interval_start,channel,required_agents\n2026-11-23T09:00:00+00:00,voice,2\n2026-11-23T09:15:00+00:00,voice,two\n",
    )
    .unwrap();
    Command::cargo_bin("rota")
        .unwrap()
        .args(["schedule", "--config"])
        .arg(workspace_file("data/samples/centre.toml"))
        .arg("--requirements")
        .arg(&p)
        .args(["--from", "2026-11-23", "--out-dir"])
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 3, column required_agents"));
}

#[test]
fn shortfall_is_diagnosed_when_demand_exceeds_the_headcount() {
    let dir = tempfile::tempdir().unwrap();
    let req = requirements(dir.path(), 2.5);
    Command::cargo_bin("rota")
        .unwrap()
        .args(["schedule", "--config"])
        .arg(workspace_file("data/samples/centre.toml"))
        .arg("--requirements")
        .arg(&req)
        .args(["--from", "2026-11-23", "--time-limit-s", "60", "--out-dir"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Diagnosis:"))
        .stdout(predicate::str::contains("short"));
}
