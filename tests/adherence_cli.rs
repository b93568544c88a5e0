//! End-to-end tests of `rota adherence`: the real binary on Monday 16 November 2026 of the sample
//! centre's week in `tests/fixtures/simulate/sample_week/roster`, with a small events file written
//! per test. A good file gives the table, the two CSV files and the JSON summary; every bad input
//! (unknown agent, state or channel, a bad timestamp, an event after `--now`) fails with exit code
//! 1 and a message naming the file, line and column; out-of-order events are read in time order
//! with a warning, and repeated events change nothing.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

const HEADER: &str = "agent_id,timestamp,state,channel\n";

/// Aisha Khan (NH001) on Monday, rostered 09:00-17:00 (voice, chat, a break at 11:15, lunch at
/// 12:00, voice, chat 15:00-15:45, a break, voice): in 12 minutes late, back from lunch 6 minutes
/// late, on voice through the afternoon's chat, out 20 minutes early. Ben Whitaker (NH002,
/// 08:00-16:00) keeps to his roster until he logs out; everyone else rostered is absent.
const AISHA: &str = "\
NH001,2026-11-16 09:12,available,voice
NH001,2026-11-16 11:00,available,chat
NH001,2026-11-16 11:15,break,
NH001,2026-11-16 11:30,on_contact,chat
NH001,2026-11-16 12:00,lunch,
NH001,2026-11-16 12:36,available,voice
NH001,2026-11-16 15:45,break,
NH001,2026-11-16 16:00,available,voice
NH001,2026-11-16T16:40:00+00:00,offline,
";

fn write_events(dir: &Path, rows: &str) -> PathBuf {
    let path = dir.join("events.csv");
    fs::write(&path, format!("{HEADER}{rows}")).unwrap();
    path
}

fn adherence(events: &Path, out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rota").expect("the rota binary is built");
    cmd.arg("adherence")
        .arg("--config")
        .arg(repo("data/samples/centre.toml"))
        .arg("--roster")
        .arg(repo("tests/fixtures/simulate/sample_week/roster"))
        .arg("--events")
        .arg(events)
        .arg("--out")
        .arg(out);
    cmd
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn a_day_of_events_gives_the_table_the_files_and_every_exception_with_its_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let events = write_events(dir.path(), AISHA);
    let out = dir.path().join("out");
    let assert = adherence(&events, &out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.starts_with("Adherence, Mon 16 Nov 2026 (2 minutes' grace"),
        "{stdout}"
    );
    for line in [
        "whole centre",
        "late log-in      1 (1 person)      12 min",
        "early log-out    1 (1 person)      20 min",
        "long break       1 (1 person)       6 min",
        "wrong channel    1 (1 person)      45 min",
        "absent          42 (42 people)",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }

    let exceptions = csv_rows(&out.join("exceptions.csv"));
    let aisha: Vec<(&str, &str, &str, &str)> = exceptions
        .iter()
        .filter(|r| r[0] == "NH001")
        .map(|r| (r[4].as_str(), r[5].as_str(), r[7].as_str(), r[9].as_str()))
        .collect();
    assert_eq!(
        aisha,
        vec![
            (
                "late_log_in",
                "2026-11-16T09:00:00+00:00",
                "12",
                "logged in 09:12"
            ),
            (
                "long_break",
                "2026-11-16T12:30:00+00:00",
                "6",
                "lunch until 12:36"
            ),
            (
                "wrong_channel",
                "2026-11-16T15:00:00+00:00",
                "45",
                "worked voice"
            ),
            (
                "early_log_out",
                "2026-11-16T16:40:00+00:00",
                "20",
                "logged out 16:40"
            ),
        ]
    );
    assert_eq!(exceptions.len(), 4 + 42);

    let rows = csv_rows(&out.join("adherence.csv"));
    let nh001 = rows
        .iter()
        .find(|r| r[0] == "agent" && r[3] == "NH001")
        .unwrap();
    // 480 scheduled minutes, 12 + 6 + 45 + 20 of them out of the scheduled state.
    assert_eq!(&nh001[6..9], ["480", "397", "0.8271"]);
    // 420 minutes of scheduled work; not working 12 + 6 + 20.
    assert_eq!(&nh001[9..12], ["420", "382", "0.9095"]);
    let centre = rows.iter().find(|r| r[0] == "centre").unwrap();
    assert_eq!(
        (centre[1].as_str(), centre[5].as_str()),
        ("2026-11-16", "43")
    );
    assert_eq!(rows.iter().filter(|r| r[0] == "team").count(), 3);
}

#[test]
fn json_summarises_teams_and_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    let events = write_events(dir.path(), AISHA);
    let output = adherence(&events, &dir.path().join("out"))
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(v["first_date"], "2026-11-16");
    assert_eq!(v["events"], 9);
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.last().unwrap()["scope"], "centre");
    assert_eq!(groups.last().unwrap()["people"], 43);
    let late = &v["exceptions"][0];
    assert_eq!(
        (late["kind"].as_str(), late["minutes"].as_f64()),
        (Some("late_log_in"), Some(12.0))
    );
}

#[test]
fn a_day_in_progress_is_measured_up_to_now_and_an_event_after_now_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let morning: String = AISHA.lines().take(3).map(|l| format!("{l}\n")).collect();
    let events = write_events(dir.path(), &morning);
    let out = dir.path().join("out");
    adherence(&events, &out)
        .args(["--now", "2026-11-16 11:20", "--grace-minutes", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Adherence, Mon 16 Nov 2026, up to 11:20",
        ));
    let exceptions = csv_rows(&out.join("exceptions.csv"));
    let aisha: Vec<&str> = exceptions
        .iter()
        .filter(|r| r[0] == "NH001")
        .map(|r| r[4].as_str())
        .collect();
    assert_eq!(
        aisha,
        ["late_log_in"],
        "no early log-out before the shift ends"
    );
    // People rostered from 12:00 are not late yet at 11:20.
    assert!(
        !exceptions.iter().any(|r| r[0] == "NH012"),
        "{exceptions:?}"
    );

    adherence(&events, &out)
        .args(["--now", "2026-11-16 11:10"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "line 4: agent NH001 has an event at 2026-11-16 11:15:00 +00:00, after the \
             measurement's end",
        ))
        .stderr(predicate::str::contains("panicked").not());
    adherence(&events, &out)
        .args(["--now", "half past ten"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: --now: \"half past ten\" is not a timestamp",
        ));
}

/// Each bad row, the line it is on and the message expected.
#[test]
fn bad_events_fail_naming_file_line_column_and_what_was_expected() {
    let cases = [
        (
            "NH999,2026-11-16 09:00,available,voice\n",
            "events.csv:3: column agent_id: unknown agent \"NH999\"; expected an agent of the \
             configuration (NH001 to NH045, 45 agents)",
        ),
        (
            "NH002,2026-11-16 09:00,coffee,\n",
            "events.csv:3: column state: \"coffee\" is not an agent state; expected available, \
             on_contact, break, lunch, activity or offline",
        ),
        (
            "NH002,16/11/2026 9am,available,voice\n",
            "events.csv:3: column timestamp: \"16/11/2026 9am\" is not a timestamp; expected RFC \
             3339 (2026-11-16T09:00:00+00:00) or local YYYY-MM-DD HH:MM[:SS] in Europe/London",
        ),
        (
            "NH002,2026-11-16 09:00,on_contact,fax\n",
            "events.csv:3: column channel: unknown channel \"fax\"; expected one of the \
             configuration's channels: ",
        ),
        (
            "NH002,2026-11-16 09:00,available,\n",
            "events.csv:3: column channel: empty; state available needs the channel being worked",
        ),
        (
            "NH001,2026-11-16 09:12,break,\n",
            "events.csv:3: column state: agent NH001 is break at 2026-11-16 09:12:00 +00:00 here \
             but available on voice at the same instant on line 2",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (row, message) in cases {
        let events = write_events(
            dir.path(),
            &format!("{}{row}", AISHA.lines().next().unwrap().to_owned() + "\n"),
        );
        adherence(&events, &dir.path().join("out"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("error: "))
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("panicked").not());
    }
    let missing = dir.path().join("nowhere.csv");
    adherence(&missing, &dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nowhere.csv"));
}

#[test]
fn out_of_order_events_are_read_in_time_order_and_repeated_events_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    fs::create_dir(&clean).unwrap();
    let events = write_events(&clean, AISHA);
    adherence(&events, &clean.join("out")).assert().success();

    // The same events backwards, every row twice.
    let messy = dir.path().join("messy");
    fs::create_dir(&messy).unwrap();
    let mut rows: Vec<&str> = AISHA.lines().collect();
    rows.reverse();
    let twice: String = rows.iter().chain(&rows).map(|l| format!("{l}\n")).collect();
    let events = write_events(&messy, &twice);
    adherence(&events, &messy.join("out"))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: "))
        .stderr(predicate::str::contains(
            "8 event(s) came before an earlier event of the same agent (first on line 3); they \
             were read in time order",
        ))
        .stderr(predicate::str::contains(
            "9 repeated event(s) were counted once",
        ));
    for file in ["adherence.csv", "exceptions.csv"] {
        assert_eq!(
            fs::read_to_string(clean.join("out").join(file)).unwrap(),
            fs::read_to_string(messy.join("out").join(file)).unwrap(),
            "{file}"
        );
    }
}
