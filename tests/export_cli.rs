//! End-to-end tests of `rota export`: the real binary on the sample centre's week in
//! `tests/fixtures/simulate/sample_week/roster` (45 agents, 216 shifts). The calendars are read
//! back with the `icalendar` crate's parser and the workbook with `calamine`, and both must hold
//! exactly the shifts of `shifts.csv`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use predicates::prelude::*;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn roster() -> PathBuf {
    repo("tests/fixtures/simulate/sample_week/roster")
}

fn export(roster: &Path, format: &str, out: &Path) -> Command {
    let mut cmd = Command::cargo_bin("rota").expect("the rota binary is built");
    cmd.arg("export")
        .arg("--config")
        .arg(repo("data/samples/centre.toml"))
        .arg("--roster")
        .arg(roster)
        .args(["--format", format])
        .arg("--out-dir")
        .arg(out);
    cmd
}

/// `shifts.csv` per agent: (date, "HH:MM-HH:MM") in file order.
fn shifts_by_agent() -> BTreeMap<String, Vec<(String, String)>> {
    let mut r = csv::Reader::from_path(roster().join("shifts.csv")).unwrap();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        // The fixture's times are GMT (November), so the local time is the timestamp's own.
        let time = |s: &str| s[11..16].to_string();
        out.entry(rec[0].to_string()).or_default().push((
            rec[2].to_string(),
            format!("{}-{}", time(&rec[3]), time(&rec[4])),
        ));
    }
    out
}

#[test]
fn every_agents_calendar_parses_with_one_event_per_shift() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("calendars");
    export(&roster(), "ics", &out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Wrote 45 calendars (216 shifts, Mon 16 Nov 2026 to Sun 22 Nov 2026)",
        ));
    let want = shifts_by_agent();
    let mut files: Vec<PathBuf> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), want.len());
    let mut events = 0;
    for (agent, shifts) in &want {
        let text = fs::read_to_string(out.join(format!("{agent}.ics"))).unwrap();
        let unfolded = icalendar::parser::unfold(&text);
        let cal = icalendar::parser::read_calendar(&unfolded)
            .unwrap_or_else(|e| panic!("{agent}.ics does not parse: {e}"));
        let evs: Vec<_> = cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert_eq!(evs.len(), shifts.len(), "{agent}");
        for (e, (date, times)) in evs.iter().zip(shifts) {
            let start = e.properties.iter().find(|p| p.name == "DTSTART").unwrap();
            let tzid = start.params.iter().find(|p| p.key == "TZID").unwrap();
            assert_eq!(tzid.val.as_ref().map(|v| v.as_str()), Some("Europe/London"));
            let want_start = format!(
                "{}T{}00",
                date.replace('-', ""),
                times[..5].replace(':', "")
            );
            assert_eq!(start.val.as_str(), want_start, "{agent}");
            let summary = e.properties.iter().find(|p| p.name == "SUMMARY").unwrap();
            assert!(
                summary.val.as_str().starts_with(&format!("Shift {times}")),
                "{agent}: {}",
                summary.val
            );
            let description = e
                .properties
                .iter()
                .find(|p| p.name == "DESCRIPTION")
                .unwrap();
            assert!(description.val.as_str().contains("Breaks: "), "{agent}");
        }
        assert!(cal.components.iter().any(|c| c.name == "VTIMEZONE"));
        events += evs.len();
    }
    assert_eq!(events, 216);

    // A second export keeps every UID: calendars update shifts rather than adding them again.
    let again = dir.path().join("again");
    export(&roster(), "ics", &again).assert().success();
    let uids = |p: &Path| -> Vec<String> {
        fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(uids(&out.join("NH001.ics")), uids(&again.join("NH001.ics")));
    assert_eq!(uids(&out.join("NH001.ics")).len(), want["NH001"].len());
}

#[test]
fn the_workbook_reads_back_with_the_same_shifts() {
    let dir = tempfile::tempdir().unwrap();
    export(&roster(), "xlsx", dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("rota.xlsx (45 agents, 216 shifts"));
    let mut book: Xlsx<_> = open_workbook(dir.path().join("rota.xlsx")).expect("opens");
    assert_eq!(book.sheet_names(), ["Week of 16 Nov 2026"]);
    let range = book.worksheet_range("Week of 16 Nov 2026").unwrap();
    let cell = |r: u32, c: u32| {
        range
            .get_value((r, c))
            .map(Data::to_string)
            .unwrap_or_default()
    };
    let days: Vec<String> = (3..10).map(|c| cell(2, c)).collect();
    assert_eq!(days[0], "Mon 16/11");
    assert_eq!(days[6], "Sun 22/11");
    let mut got: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in 3..range.end().unwrap().0 + 1 {
        let agent = cell(r, 0);
        for (k, c) in (3..10).enumerate() {
            let v = cell(r, c);
            if v != "off" {
                let date = format!("2026-11-{}", 16 + k);
                for times in v.lines() {
                    got.entry(agent.clone())
                        .or_default()
                        .push((date.clone(), times.to_string()));
                }
            }
        }
    }
    assert_eq!(got, shifts_by_agent());
}

#[test]
fn csv_has_a_row_per_agent_and_day_and_html_a_printable_grid() {
    let dir = tempfile::tempdir().unwrap();
    export(&roster(), "csv", dir.path()).assert().success();
    let mut r = csv::Reader::from_path(dir.path().join("rota.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        rota_export::CSV_HEADER
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 45 * 7, "one row per agent and day");
    let worked: Vec<_> = rows.iter().filter(|r| !r[5].is_empty()).collect();
    assert_eq!(worked.len(), 216);
    let nh001 = &rows[0];
    assert_eq!(
        (&nh001[0], &nh001[1], &nh001[3]),
        ("NH001", "Aisha Khan", "2026-11-16")
    );
    assert_eq!((&nh001[5], &nh001[6], &nh001[7]), ("09:00", "17:00", "7.5"));
    assert!(nh001[9].contains("12:00-12:30 lunch"), "{:?}", nh001);

    export(&roster(), "html", dir.path()).assert().success();
    let page = fs::read_to_string(dir.path().join("rota.html")).unwrap();
    assert!(page.contains("<title>Northmoor Homes: rota</title>"));
    assert!(page.contains("@media print"));
    assert!(
        page.contains("<td class=\"l\">NH001</td><td class=\"l\">Aisha Khan</td><td>09:00-17:00")
    );
}

#[test]
fn bad_input_gets_a_clear_error_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    // An unknown format is clap's error, listing the formats.
    export(&roster(), "pdf", dir.path())
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'pdf'"))
        .stderr(predicate::str::contains("ics, csv, xlsx, html"));

    // A roster directory without activities.csv names the file.
    let partial = dir.path().join("partial");
    fs::create_dir_all(&partial).unwrap();
    fs::copy(roster().join("shifts.csv"), partial.join("shifts.csv")).unwrap();
    export(&partial, "csv", &dir.path().join("o1"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("activities.csv"))
        .stderr(predicate::str::contains("panicked").not());

    // A malformed row names the file and line.
    let bad = dir.path().join("bad");
    fs::create_dir_all(&bad).unwrap();
    let shifts = fs::read_to_string(roster().join("shifts.csv")).unwrap();
    let shifts = shifts.replacen("2026-11-16T09:00:00+00:00", "16 Nov at nine", 1);
    fs::write(bad.join("shifts.csv"), shifts).unwrap();
    fs::copy(roster().join("activities.csv"), bad.join("activities.csv")).unwrap();
    export(&bad, "ics", &dir.path().join("o2"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("shifts.csv:2:"))
        .stderr(predicate::str::contains("panicked").not());

    // An out dir that cannot be created (under a file) is named.
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    export(&roster(), "html", &file.join("out"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("a-file/out"))
        .stderr(predicate::str::contains("panicked").not());
}
