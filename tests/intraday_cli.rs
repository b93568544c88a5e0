//! End-to-end tests of `rota intraday`: the real binary on the sample centre's week
//! (`tests/fixtures/simulate/sample_week`), with a Monday morning running 20% over forecast on
//! voice.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn forecast() -> PathBuf {
    repo("tests/fixtures/simulate/sample_week/forecast.csv")
}

/// Voice actuals at 1.2 x the forecast for Monday's intervals that end by `until` (HH:MM).
fn write_actuals(dir: &Path, until: &str, channel_label: &str) -> PathBuf {
    let mut r = csv::Reader::from_path(forecast()).unwrap();
    let mut out = String::from("interval_start,channel,offered,handled,abandoned\n");
    for rec in r.records() {
        let rec = rec.unwrap();
        let (t, c, mean) = (&rec[0], &rec[1], rec[2].parse::<f64>().unwrap());
        if c != "voice" || !t.starts_with("2026-11-16T") {
            continue;
        }
        // Interval end <= until: start + 15 minutes.
        let hm = &t[11..16];
        let (h, m): (u32, u32) = (hm[..2].parse().unwrap(), hm[3..].parse().unwrap());
        let end = h * 60 + m + 15;
        let (uh, um): (u32, u32) = (until[..2].parse().unwrap(), until[3..].parse().unwrap());
        if end > uh * 60 + um {
            continue;
        }
        let offered = (mean * 1.2).round() as u32;
        let abandoned = offered / 3;
        out.push_str(&format!(
            "{t},{channel_label},{offered},{},{abandoned}\n",
            offered - abandoned
        ));
    }
    let path = dir.join(format!("actuals_{channel_label}.csv"));
    fs::write(&path, out).unwrap();
    path
}

fn intraday(actuals: &Path, now: &str, out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rota").unwrap();
    cmd.arg("intraday")
        .arg("--forecast")
        .arg(forecast())
        .arg("--actuals")
        .arg(actuals)
        .args(["--now", now])
        .arg("--out-dir")
        .arg(out);
    cmd
}

/// The sample centre, its week's roster and `absences`.
fn with_roster(mut cmd: Command, absences: &Path) -> Command {
    cmd.arg("--config")
        .arg(repo("data/samples/centre.toml"))
        .arg("--roster")
        .arg(repo("tests/fixtures/simulate/sample_week/roster"))
        .arg("--absences")
        .arg(absences);
    cmd
}

#[test]
fn a_busy_morning_lifts_the_rest_of_the_day() {
    let dir = tempfile::tempdir().unwrap();
    let actuals = write_actuals(dir.path(), "10:15", "voice");
    let out = dir.path().join("today");
    intraday(&actuals, "2026-11-16 10:15", &out)
        .assert()
        .success()
        .stdout(predicate::str::contains("voice").and(predicate::str::contains("+20%")));
    // The re-forecast starts at 10:15 and runs to the end of the forecast's week.
    let mut r = csv::Reader::from_path(out.join("reforecast.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows[0][0].to_string(), "2026-11-16T10:15:00+00:00");
    assert!(rows.iter().any(|x| x[0].starts_with("2026-11-22")));
    let mut f = csv::Reader::from_path(forecast()).unwrap();
    let pre: f64 = f
        .records()
        .map(|x| x.unwrap())
        .find(|x| &x[0] == "2026-11-16T11:00:00+00:00" && &x[1] == "voice")
        .unwrap()[2]
        .parse()
        .unwrap();
    let post: f64 = rows
        .iter()
        .find(|x| &x[0] == "2026-11-16T11:00:00+00:00" && &x[1] == "voice")
        .unwrap()[2]
        .parse()
        .unwrap();
    assert!(post > pre * 1.05 && post < pre * 1.2, "{pre} -> {post}");
}

#[test]
fn with_the_roster_it_writes_the_days_kpis_and_actions() {
    let dir = tempfile::tempdir().unwrap();
    let actuals = write_actuals(dir.path(), "10:15", "voice");
    let absences = dir.path().join("absences.csv");
    fs::write(
        &absences,
        "agent_id,from,to,reason\nNH001,2026-11-16 08:00,2026-11-16 20:00,sick\n",
    )
    .unwrap();
    let out = dir.path().join("today");
    with_roster(
        intraday(&actuals, "2026-11-16T10:15:00+00:00", &out),
        &absences,
    )
    .assert()
    .success()
    .stdout(
        predicate::str::contains("abandon_rate").and(predicate::str::contains("What to do now")),
    );
    let kpis = fs::read_to_string(out.join("kpis.csv")).unwrap();
    assert!(kpis.starts_with("channel,scope,kpi,predicted,target,meets,basis\n"));
    assert!(kpis.contains("voice,day,abandon_rate,"), "{kpis}");
    assert!(kpis.contains("voice,rest_of_day,abandon_rate,"), "{kpis}");
    let actions = fs::read_to_string(out.join("actions.csv")).unwrap();
    assert!(actions.lines().count() > 1, "{actions}");
    // The absent agent is never asked to do anything.
    assert!(!actions.contains(",NH001,"), "{actions}");
}

#[test]
fn bad_input_gets_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let actuals = write_actuals(dir.path(), "10:15", "voice");
    let out = dir.path().join("today");
    // --now outside the forecast's week.
    intraday(&actuals, "2026-12-01 10:15", &out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("outside the forecast"));
    // Actuals that arrive after --now.
    intraday(&actuals, "2026-11-16 09:00", &out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("after --now"));
    // A channel the forecast does not have.
    let fax = write_actuals(dir.path(), "10:15", "fax");
    intraday(&fax, "2026-11-16 10:15", &out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("fax"));
    // A time that is not one.
    intraday(&actuals, "soon", &out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("--now").and(predicate::str::contains("RFC 3339")));
    // An absence for an agent the centre does not have.
    let absences = dir.path().join("absences.csv");
    fs::write(
        &absences,
        "agent_id,from,to\nZZ9,2026-11-16 08:00,2026-11-16 20:00\n",
    )
    .unwrap();
    with_roster(intraday(&actuals, "2026-11-16 10:15", &out), &absences)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("line 2, column agent_id")
                .and(predicate::str::contains("ZZ9")),
        );
}
