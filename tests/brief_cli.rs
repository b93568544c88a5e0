//! End-to-end test of `rota brief`: the planned week's headline page from the files the pipeline
//! writes (forecast, roster, simulation summary), on the fixture centre of `tests/fixtures/simulate/`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/simulate")
}

fn rota() -> Command {
    Command::cargo_bin("rota").expect("the rota binary is built")
}

/// `rota brief` on the fixture centre and forecast with `roster`, `simulation` and `out`.
fn brief(roster: &Path, simulation: &Path, out: &Path) -> Command {
    let mut cmd = rota();
    cmd.arg("brief")
        .arg("--config")
        .arg(fixtures().join("centre.toml"))
        .arg("--forecast")
        .arg(fixtures().join("forecast.csv"))
        .arg("--roster")
        .arg(roster)
        .arg("--simulation")
        .arg(simulation)
        .arg("--out")
        .arg(out);
    cmd
}

/// The fixture roster with the `roster.json` summary `rota schedule` would write beside it.
fn roster_dir(dir: &Path, summary: &str) -> PathBuf {
    let r = dir.join("roster");
    fs::create_dir_all(&r).unwrap();
    for f in ["shifts.csv", "activities.csv"] {
        fs::copy(fixtures().join("roster").join(f), r.join(f)).unwrap();
    }
    fs::write(r.join("roster.json"), summary).unwrap();
    r
}

const SUMMARY: &str = r#"{"summary": {"paid_cost": 1234.5, "paid_hours": 97.5, "shifts": 13,
  "agents_rostered": 13, "objective": 1.0, "bound": 1.0, "gap": 0.0,
  "channels": [{"channel": "voice", "mode": "live", "required_hours": 80.25, "scheduled_hours": 61.5,
                "shortfall_hours": 18.75, "intervals_short": 9},
               {"channel": "email", "mode": "deferred", "required_hours": 20.0, "scheduled_hours": 22.0,
                "shortfall_hours": 0.0, "intervals_short": 0}]}}"#;

#[test]
fn the_week_on_one_page_with_every_missed_target_marked() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_dir(dir.path(), SUMMARY);
    let sim = dir.path().join("S.csv");
    rota()
        .arg("simulate")
        .arg("--config")
        .arg(fixtures().join("centre.toml"))
        .arg("--forecast")
        .arg(fixtures().join("forecast.csv"))
        .arg("--roster")
        .arg(&roster)
        .args(["--replications", "8", "--seed", "3", "--out"])
        .arg(&sim)
        .assert()
        .success();
    let page = dir.path().join("index.html");
    let run = brief(&roster, &dir.path().join("S.summary.csv"), &page)
        .args(["--link", "report.html=Last quarter"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "84 of 100 agent-hours the targets need rostered",
        ))
        .stdout(predicate::str::contains("GBP 1,234 for 98 paid hours"));
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("the week of 16 November 2026"), "{html}");
    assert!(html.contains("84 of 100 agent-hours"));
    // The fixture's phone line is short-staffed on purpose: its abandon target is missed, in red.
    assert!(
        html.contains("class=\"bad\" title=\"target missed\""),
        "{html}"
    );
    assert!(html.contains("<a href=\"report.html\">Last quarter</a>"));
    // The targets line counts what the summary judged.
    let summary = fs::read_to_string(dir.path().join("S.summary.csv")).unwrap();
    let missed = summary
        .lines()
        .filter(|l| l.starts_with("week,") && l.contains(",missed,"))
        .filter(|l| {
            [
                "abandon_rate",
                "asa_seconds",
                "service_level",
                "response_within_target",
            ]
            .iter()
            .any(|k| l.contains(&format!(",{k},")))
        })
        .count();
    assert!(missed >= 1);
    assert!(stdout.contains("targets met in the simulation"), "{stdout}");
}

#[test]
fn a_roster_directory_without_a_summary_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_dir(dir.path(), "{\"shifts\": []}");
    brief(
        &roster,
        &dir.path().join("none.csv"),
        &dir.path().join("index.html"),
    )
    .assert()
    .failure()
    .stderr(predicate::str::contains(
        "roster.json is not a roster written by rota schedule",
    ))
    .stderr(predicate::str::contains("missing field `summary`"));
}
