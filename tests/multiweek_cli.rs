//! End-to-end tests of `rota schedule` over several weeks (issue #15, Build 4) on a small centre of
//! hourly intervals: two weeks in one solve, then the third rolled on from them with `--after`,
//! the weekend rule (one whole weekend in two off) kept inside the plan and across the boundary,
//! fairness reported in `fairness.csv` and in words, and the bad inputs refused in plain words.
//! The four-week solve of the sample centre is measured in the bench, not here (it takes minutes).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use predicates::prelude::*;

const CONFIG: &str = r#"
[centre]
name = "Four Desks"
interval = "60m"
closed_on_bank_holidays = false

[centre.fairness]
weight = 50
late_shift_ends_after = "19:00"

[channels.voice]
kind = "inbound"
aht_seconds = 300
hours = { every_day = ["09:00-17:00"] }

[shift_templates.day]
days = ["every_day"]
earliest_start = "09:00"
latest_start = "09:00"
paid_hours = 8.0

[contracts.flex]
min_weekly_paid_hours = 16
max_weekly_paid_hours = 40
days_off_per_week = 2
max_consecutive_working_days = 5
weekend_off = { weekends = 1, in_weeks = 2 }
averaged_hours = { weeks = 2, min_weekly_paid_hours = 8, max_weekly_paid_hours = 40 }

[grades.advisor]
hourly_rate = 13.0

[[agents]]
id = "A1"
name = "Ann"
skills = ["voice"]
contract = "flex"
grade = "advisor"
team = "desk"

[[agents]]
id = "A2"
name = "Bob"
skills = ["voice"]
contract = "flex"
grade = "advisor"
team = "desk"

[[agents]]
id = "A3"
name = "Cat"
skills = ["voice"]
contract = "flex"
grade = "advisor"
team = "desk"

[[agents]]
id = "A4"
name = "Dan"
skills = ["voice"]
contract = "flex"
grade = "advisor"
team = "desk"
"#;

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// Three weeks of requirements from Monday 16 November 2026: one agent 09:00-17:00 on weekdays,
/// two on Saturdays and Sundays (the centre is in GMT throughout).
fn write_inputs(dir: &Path) -> (PathBuf, PathBuf) {
    let config = dir.join("centre.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let mut csv = String::from("interval_start,channel,required_agents\n");
    for d in 0..21 {
        let date = monday() + Duration::days(d);
        let need = if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            2
        } else {
            1
        };
        for h in 0..24 {
            let n = if (9..17).contains(&h) { need } else { 0 };
            csv.push_str(&format!("{date}T{h:02}:00:00+00:00,voice,{n}\n"));
        }
    }
    let req = dir.join("requirements.csv");
    std::fs::write(&req, csv).unwrap();
    (config, req)
}

fn schedule(config: &Path, req: &Path, from: NaiveDate, days: u32, out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rota").unwrap();
    cmd.args(["schedule", "--config"])
        .arg(config)
        .arg("--requirements")
        .arg(req)
        .args(["--from", &from.to_string(), "--days", &days.to_string()])
        .args(["--time-limit-s", "30", "--out-dir"])
        .arg(out);
    cmd
}

/// Days worked per agent, from `shifts.csv`.
fn worked(dir: &Path) -> BTreeMap<String, BTreeSet<NaiveDate>> {
    let mut out: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
    let mut r = csv::Reader::from_path(dir.join("shifts.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        out.entry(row[0].to_string())
            .or_default()
            .insert(row[2].parse().unwrap());
    }
    out
}

fn weekend_worked(days: &BTreeSet<NaiveDate>, saturday: NaiveDate) -> bool {
    days.contains(&saturday) || days.contains(&(saturday + Duration::days(1)))
}

#[test]
fn two_weeks_in_one_solve_then_a_third_rolled_on_from_them() {
    let dir = tempfile::tempdir().unwrap();
    let (config, req) = write_inputs(dir.path());
    let first = dir.path().join("weeks-1-2");
    schedule(&config, &req, monday(), 14, &first)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "fairness: Saturdays: 4 in the plan",
        ))
        .stdout(predicate::str::contains("among 4 comparable people"));
    let fairness = std::fs::read_to_string(first.join("fairness.csv")).unwrap();
    assert!(fairness.starts_with(
        "agent_id,agent_name,kind,group,planned,previous,total,group_mean,deviation\n"
    ));
    assert!(
        fairness.contains("A1,Ann,saturday,\"desk, flex, 2 Saturdays open\",1,0,1,1.0,0.0"),
        "{fairness}"
    );
    let sat1 = monday() + Duration::days(5);
    let sat2 = sat1 + Duration::days(7);
    let weeks12 = worked(&first);
    assert_eq!(weeks12.len(), 4, "everybody works");
    for (agent, days) in &weeks12 {
        // one whole weekend in two off: never both weekends
        assert!(
            !(weekend_worked(days, sat1) && weekend_worked(days, sat2)),
            "{agent} works both weekends: {days:?}"
        );
    }

    // the third week rolls on: whoever worked the second weekend has the third off
    let third = dir.path().join("week-3");
    let from = monday() + Duration::days(14);
    schedule(&config, &req, from, 7, &third)
        .arg("--after")
        .arg(&first)
        .assert()
        .success()
        .stdout(predicate::str::contains("fairness: Saturdays"));
    let week3 = worked(&third);
    let sat3 = sat2 + Duration::days(7);
    for (agent, days) in &week3 {
        if weekend_worked(&weeks12[agent], sat2) {
            assert!(
                !weekend_worked(days, sat3),
                "{agent}: two weekends in a row"
            );
        }
        // five days in a row at most, counting the previous roster's last days
        let mut run = 0;
        let mut d = from - Duration::days(7);
        while d < from + Duration::days(7) {
            let on = weeks12[agent].contains(&d) || days.contains(&d);
            run = if on { run + 1 } else { 0 };
            assert!(run <= 5, "{agent}: {run} days in a row up to {d}");
            d += Duration::days(1);
        }
    }
    // the previous roster's Saturdays count in the rolling window
    let fairness = std::fs::read_to_string(third.join("fairness.csv")).unwrap();
    let previous: u32 = fairness
        .lines()
        .filter(|l| l.contains(",saturday,"))
        .map(|l| l.rsplit(',').nth(3).unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(previous, 4, "{fairness}");
}

#[test]
fn bad_multiweek_input_is_refused_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let (config, req) = write_inputs(dir.path());
    let first = dir.path().join("week-1");
    schedule(&config, &req, monday(), 7, &first)
        .assert()
        .success()
        // one week cannot show one weekend in two: the note says how to keep it
        .stdout(predicate::str::contains(
            "1 whole weekend off in every 2 weeks spans more weekends than this plan",
        ));
    // a previous roster that runs into the plan
    schedule(
        &config,
        &req,
        monday() + Duration::days(3),
        7,
        &dir.path().join("x"),
    )
    .arg("--after")
    .arg(&first)
    .assert()
    .failure()
    .stderr(predicate::str::contains(
        "roll on from a roster that ends before the first planned day",
    ))
    .stderr(predicate::str::contains("panicked").not());
    // more than six weeks
    schedule(&config, &req, monday(), 43, &dir.path().join("y"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("43 is not in 1..=42"));
    // a weekend rule that cannot be read
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        CONFIG.replace(
            "weekend_off = { weekends = 1, in_weeks = 2 }",
            "weekend_off = { weekends = 3, days = 1, in_weeks = 2 }",
        ),
    )
    .unwrap();
    schedule(&bad, &req, monday(), 7, &dir.path().join("z"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("contracts.flex.weekend_off"))
        .stderr(predicate::str::contains("not both or neither"));
}
