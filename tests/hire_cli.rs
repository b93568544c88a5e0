//! End to end: `rota schedule --hire` on a small centre that cannot cover its week, then `rota
//! simulate` on the roster it writes (the hired people answer contacts on their skills).

use assert_cmd::Command;
use predicates::prelude::*;

/// Two advisors for a voice queue needing three and a chat needing one, Monday and Tuesday
/// 09:00-17:00, with full-time voice+chat advisors and part-time voice advisors to hire.
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

[channels.chat]
kind = "chat"
priority = 2
aht_seconds = 300
hours = { weekdays = ["09:00-17:00"] }

[shift_templates.day]
days = ["weekdays"]
earliest_start = "09:00"
paid_hours = 8

[shift_templates.morning]
days = ["weekdays"]
earliest_start = "09:00"
latest_start = "13:00"
start_step_minutes = 60
paid_hours = 4

[contracts.full_time]
min_weekly_paid_hours = 0
allowed_templates = ["day"]

[contracts.part_time]
min_weekly_paid_hours = 8
allowed_templates = ["morning"]

[[agents]]
id = "A1"
name = "Ann"
skills = ["voice", "chat"]
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
label = "full-time voice+chat advisor"
skills = ["voice", "chat"]
contract = "full_time"
templates = ["day"]
hourly_cost = 13.5
one_off_cost = 700.0
one_off_weeks = 7
max_count = 4

[[hire]]
name = "voice_part_time"
label = "part-time voice advisor"
skills = ["voice"]
contract = "part_time"
templates = ["morning"]
hourly_cost = 12.0
max_count = 2
"#;

/// Requirements (voice 3 agents, chat 1) and a forecast (voice 30 calls an hour, chat 8) for
/// every working hour of Monday 23 and Tuesday 24 November 2026.
fn inputs(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut req = String::from(
        "interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,\
         service_level,occupancy\n",
    );
    let mut forecast = String::from(
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n",
    );
    for day in [23, 24] {
        for hour in 0..24 {
            let at = format!("2026-11-{day}T{hour:02}:00:00+00:00");
            let open = (9..17).contains(&hour);
            for (ch, agents, calls) in [("voice", 3, 30.0), ("chat", 1, 8.0)] {
                let (n, offered) = if open { (agents, calls) } else { (0, 0.0) };
                req.push_str(&format!("{at},{ch},{offered},300,{n},0.05,60,0.8,0.8\n"));
                forecast.push_str(&format!(
                    "{at},{ch},{offered},{offered},{offered},{offered},300\n"
                ));
            }
        }
    }
    let (r, f) = (dir.join("requirements.csv"), dir.join("forecast.csv"));
    std::fs::write(&r, req).unwrap();
    std::fs::write(&f, forecast).unwrap();
    (r, f)
}

#[test]
fn hires_fill_the_gap_and_the_simulation_replays_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("centre.toml");
    std::fs::write(&config, CENTRE).unwrap();
    let (req, forecast) = inputs(dir.path());
    let out = dir.path().join("roster");
    let schedule = |hire: bool| {
        let mut cmd = Command::cargo_bin("rota").unwrap();
        cmd.args(["schedule", "--config"])
            .arg(&config)
            .arg("--requirements")
            .arg(&req)
            .args([
                "--from",
                "2026-11-23",
                "--days",
                "2",
                "--time-limit-s",
                "20",
            ])
            .arg("--out-dir")
            .arg(&out);
        if hire {
            cmd.arg("--hire");
        }
        cmd.assert().success()
    };
    // without --hire: today's two people, no hires.csv
    schedule(false).stdout(predicate::str::contains("more people").not());
    assert!(!out.join("hires.csv").exists());

    // with --hire: two more advisors' days are needed; chat needs a voice+chat advisor (16 h
    // in two days, 56 h a week, at 13.5 plus 100 a week of the one-off cost: 856), and the
    // cheaper part-timers cover voice's morning and afternoon (2 x 28 h a week at 12: 672)
    schedule(true).stdout(predicate::str::contains(
        "To meet the targets: 3 more people (1 full-time voice+chat advisor, 2 part-time voice \
         advisor), GBP 1,528 a week with their one-off costs, beside GBP 1,456 a week for \
         today's 2 people",
    ));
    let hires = std::fs::read_to_string(out.join("hires.csv")).unwrap();
    let mut lines = hires.lines();
    assert_eq!(
        lines.next(),
        Some("option,label,count,weekly_hours,weekly_cost,agents")
    );
    assert_eq!(
        lines.next(),
        Some("advisor,full-time voice+chat advisor,1,56.00,856.00,HIRE-001")
    );
    // the part-timers' block starts after the full-timers' four candidates
    assert_eq!(
        lines.next(),
        Some("voice_part_time,part-time voice advisor,2,56.00,672.00,HIRE-005 HIRE-006")
    );
    let shifts = std::fs::read_to_string(out.join("shifts.csv")).unwrap();
    assert_eq!(
        shifts
            .matches("HIRE-001,New full-time voice+chat advisor")
            .count(),
        2
    );
    assert_eq!(
        shifts
            .matches("HIRE-005,New part-time voice advisor")
            .count(),
        2
    );
    for absent in ["HIRE-002", "HIRE-003", "HIRE-004"] {
        assert!(!shifts.contains(absent), "{shifts}");
    }
    assert!(out.join("calendars/HIRE-001.ics").exists());
    let roster_json = std::fs::read_to_string(out.join("roster.json")).unwrap();
    assert!(roster_json.contains("HIRE-001"));

    // the simulation reads the hires back from the roster directory and lets HIRE-001 answer
    let sim = dir.path().join("S.csv");
    Command::cargo_bin("rota")
        .unwrap()
        .args(["simulate", "--config"])
        .arg(&config)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--roster")
        .arg(&out)
        .args(["--replications", "2", "--seed", "7", "--out"])
        .arg(&sim)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&sim).unwrap().lines().count() > 10);
}
