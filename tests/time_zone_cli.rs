//! A history whose timestamps carry offsets, read with no configuration and no `--tz`: the zone
//! comes from the offsets, so a New York centre's days and hours are New York's (fixture
//! `tests/fixtures/exports/new_york_offsets.csv`).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports/new_york_offsets.csv")
}

#[test]
fn data_check_names_the_zone_read_from_the_offsets() {
    Command::cargo_bin("rota")
        .unwrap()
        .args(["data", "check"])
        .arg(fixture())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Time zone  America/New_York, read from the timestamps' offsets",
        ));
}

#[test]
fn the_forecast_is_in_the_centres_own_hours() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("forecast.csv");
    Command::cargo_bin("rota")
        .unwrap()
        .args(["forecast", "--history"])
        .arg(fixture())
        .args(["--from", "2026-03-16", "--days", "5", "--out"])
        .arg(&out)
        .assert()
        .success()
        // The busiest hour is 10:00 in New York (not 14:00, as London would read it).
        .stdout(predicate::str::is_match(r"peak interval: \w{3} \d+ Mar 10:00").unwrap());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("2026-03-16T10:00:00-04:00,voice,"),
        "offsets stay New York's"
    );
}
