//! End-to-end tests of `rota simulate`: the real binary on the fixture centre in
//! `tests/fixtures/simulate/` (one Monday, a phone line short-staffed on purpose and an email inbox).

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

/// `rota simulate` on the fixture with `roster` and `forecast`, writing `out`.
fn simulate(roster: &Path, forecast: &Path, out: &Path, seed: u64) -> Command {
    let mut cmd = rota();
    cmd.arg("simulate")
        .arg("--config")
        .arg(fixtures().join("centre.toml"))
        .arg("--forecast")
        .arg(forecast)
        .arg("--roster")
        .arg(roster)
        .args(["--replications", "12", "--seed", &seed.to_string()])
        .arg("--out")
        .arg(out);
    cmd
}

/// A copy of the fixture roster in `dir` with `edit` applied to activities.csv.
fn roster_copy(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let r = dir.join("roster");
    fs::create_dir_all(&r).unwrap();
    fs::copy(fixtures().join("roster/shifts.csv"), r.join("shifts.csv")).unwrap();
    let acts = fs::read_to_string(fixtures().join("roster/activities.csv")).unwrap();
    fs::write(r.join("activities.csv"), edit(&acts)).unwrap();
    r
}

#[test]
fn prints_the_verdict_and_writes_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("S.csv");
    simulate(
        &fixtures().join("roster"),
        &fixtures().join("forecast.csv"),
        &out,
        7,
    )
    .assert()
    .success()
    .stdout(predicate::str::contains("Telephone"))
    .stdout(predicate::str::contains("abandon rate"))
    .stdout(predicate::str::contains("MISSED"))
    // The short-staffed morning is named as a range of intervals.
    .stdout(predicate::str::contains("Mon 16 Nov 08:00-"))
    .stdout(predicate::str::contains("answered within response target"));

    let csv = fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "interval_start,channel,offered,handled,abandoned,abandon_rate,abandon_rate_lo,abandon_rate_hi,\
asa_seconds,asa_seconds_lo,asa_seconds_hi,service_level,service_level_lo,service_level_hi,occupancy,\
occupancy_lo,occupancy_hi,response_within_target,response_within_target_lo,response_within_target_hi,max_backlog"
    );
    // 96 intervals x 2 channels.
    assert_eq!(lines.count(), 192);
    assert!(csv.contains("2026-11-16T09:00:00+00:00,voice,"));

    let summary = fs::read_to_string(dir.path().join("S.summary.csv")).unwrap();
    assert!(summary.starts_with("period,channel,kpi,mean,lo,hi,target,verdict,missed_intervals\n"));
    let week_abandon = summary
        .lines()
        .find(|l| l.starts_with("week,voice,abandon_rate,"))
        .expect("a week row for the voice abandon rate");
    assert!(week_abandon.contains(",missed,"), "{week_abandon}");
    assert!(week_abandon.contains("Mon 16 Nov 08:00-"), "{week_abandon}");
    assert!(summary.contains("2026-11-16,email,response_within_target,"));
}

#[test]
fn same_seed_same_bytes_other_seed_other_result() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, seed: u64| {
        let out = dir.path().join(format!("{name}.csv"));
        simulate(
            &fixtures().join("roster"),
            &fixtures().join("forecast.csv"),
            &out,
            seed,
        )
        .assert()
        .success();
        (
            fs::read(&out).unwrap(),
            fs::read(dir.path().join(format!("{name}.summary.csv"))).unwrap(),
        )
    };
    let a = run("a", 42);
    let b = run("b", 42);
    let c = run("c", 43);
    assert!(a.0 == b.0, "same seed, different S.csv");
    assert!(a.1 == b.1, "same seed, different S.summary.csv");
    assert!(a.0 != c.0, "a different seed gave the same S.csv");
}

#[test]
fn unknown_agent_is_an_error_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_copy(dir.path(), |a| a.replacen("A4,", "ZZ9,", 1));
    simulate(
        &roster,
        &fixtures().join("forecast.csv"),
        &dir.path().join("S.csv"),
        1,
    )
    .assert()
    .failure()
    .stderr(predicate::str::contains("activities.csv:15"))
    .stderr(predicate::str::contains("unknown agent \"ZZ9\""));
}

#[test]
fn unknown_channel_is_an_error_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_copy(dir.path(), |a| a.replacen("work,email", "work,sms", 1));
    simulate(
        &roster,
        &fixtures().join("forecast.csv"),
        &dir.path().join("S.csv"),
        1,
    )
    .assert()
    .failure()
    .stderr(predicate::str::contains("activities.csv:11"))
    .stderr(predicate::str::contains("unknown channel \"sms\""))
    .stderr(predicate::str::contains("voice, email"));
}

#[test]
fn forecast_not_covering_the_roster_period_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let full = fs::read_to_string(fixtures().join("forecast.csv")).unwrap();
    // Keep only the rows before noon.
    let short: String = full
        .lines()
        .filter(|l| l.starts_with("interval_start") || l.as_bytes().get(11..13) < Some(b"12"))
        .map(|l| format!("{l}\n"))
        .collect();
    let forecast = dir.path().join("short.csv");
    fs::write(&forecast, short).unwrap();
    simulate(
        &fixtures().join("roster"),
        &forecast,
        &dir.path().join("S.csv"),
        1,
    )
    .assert()
    .failure()
    .stderr(predicate::str::contains("does not cover the roster period"))
    .stderr(predicate::str::contains("2026-11-16T12:00:00+00:00"));
}

#[test]
fn overlapping_activities_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_copy(dir.path(), |a| {
        a.replacen(
            "A1,2026-11-16T10:00:00+00:00,2026-11-16T10:15:00+00:00,break",
            "A1,2026-11-16T09:45:00+00:00,2026-11-16T10:15:00+00:00,break",
            1,
        )
    });
    simulate(
        &roster,
        &fixtures().join("forecast.csv"),
        &dir.path().join("S.csv"),
        1,
    )
    .assert()
    .failure()
    .stderr(predicate::str::contains("overlaps"));
}

#[test]
fn zero_replications_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    rota()
        .arg("simulate")
        .arg("--config")
        .arg(fixtures().join("centre.toml"))
        .arg("--forecast")
        .arg(fixtures().join("forecast.csv"))
        .arg("--roster")
        .arg(fixtures().join("roster"))
        .args(["--replications", "0"])
        .arg("--out")
        .arg(dir.path().join("S.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "invalid value '0' for '--replications <REPLICATIONS>': 0 is not in 1..=10000",
        ));
}

/// The week's voice abandon rate from a summary file.
fn week_voice_abandon(summary: &str) -> f64 {
    let row = summary
        .lines()
        .find(|l| l.starts_with("week,voice,abandon_rate,"))
        .expect("a week row for the voice abandon rate");
    row.split(',').nth(3).unwrap().parse().unwrap()
}

#[test]
fn shrinkage_is_on_by_default_and_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str, shrinkage: Option<&str>| {
        let out = dir.path().join(format!("{name}.csv"));
        let mut cmd = simulate(
            &fixtures().join("roster"),
            &fixtures().join("forecast.csv"),
            &out,
            5,
        );
        if let Some(s) = shrinkage {
            cmd.args(["--shrinkage", s]);
        }
        cmd.assert().success();
        fs::read_to_string(dir.path().join(format!("{name}.summary.csv"))).unwrap()
    };
    let default = run("default", None);
    let configured = run("configured", Some("configured"));
    let none = run("none", Some("none"));
    assert_eq!(default, configured, "shrinkage is configured by default");
    assert_eq!(none, run("none2", Some("none")), "same seed, same bytes");
    // Fewer agents on the phones: more callers give up.
    assert!(
        week_voice_abandon(&configured) > week_voice_abandon(&none),
        "configured {} vs none {}",
        week_voice_abandon(&configured),
        week_voice_abandon(&none)
    );
    rota()
        .args(["simulate", "--shrinkage", "half"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--shrinkage"));
}

/// A roster written with `rota schedule --excel-dates` (local `DD/MM/YYYY HH:MM`, dates as
/// `DD/MM/YYYY`), as UK Excel also saves one, simulates to the same bytes as its RFC 3339 original;
/// a time that does not exist locally is named with its file, line and the reason.
#[test]
fn a_roster_with_excel_dates_simulates_like_its_rfc3339_original() {
    let excel = |text: &str| -> String {
        text.lines()
            .map(|line| {
                line.split(',')
                    .map(|cell| {
                        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(cell) {
                            t.format("%d/%m/%Y %H:%M").to_string()
                        } else if let Ok(d) = chrono::NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
                            d.format("%d/%m/%Y").to_string()
                        } else {
                            cell.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    let dir = tempfile::tempdir().unwrap();
    let r = roster_copy(dir.path(), excel);
    let shifts = fs::read_to_string(fixtures().join("roster/shifts.csv")).unwrap();
    fs::write(r.join("shifts.csv"), excel(&shifts)).unwrap();
    assert!(fs::read_to_string(r.join("shifts.csv"))
        .unwrap()
        .contains("16/11/2026"));
    let forecast = fixtures().join("forecast.csv");
    simulate(
        &fixtures().join("roster"),
        &forecast,
        &dir.path().join("a.csv"),
        5,
    )
    .assert()
    .success();
    simulate(&r, &forecast, &dir.path().join("b.csv"), 5)
        .assert()
        .success();
    assert!(
        fs::read(dir.path().join("a.csv")).unwrap() == fs::read(dir.path().join("b.csv")).unwrap(),
        "the Excel-dated roster simulates differently"
    );

    let bad = roster_copy(dir.path().join("bad").as_path(), |acts| {
        let mut lines: Vec<String> = excel(acts).lines().map(str::to_string).collect();
        lines[1] = lines[1].replacen("16/11/2026", "31/11/2026", 1);
        lines.join("\n")
    });
    fs::write(bad.join("shifts.csv"), excel(&shifts)).unwrap();
    simulate(&bad, &forecast, &dir.path().join("c.csv"), 5)
        .assert()
        .failure()
        .stderr(predicate::str::contains("activities.csv:2:"))
        .stderr(predicate::str::contains("expected RFC 3339"))
        .stderr(predicate::str::contains("DD/MM/YYYY HH:MM"));
}
